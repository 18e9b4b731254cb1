"""Where an answer stands: the citation of a clause (plan, section, page, quote) and the
limits every reply keeps — one Zalo message (2000 characters), a one-line headline (≤ 300).
"""

from __future__ import annotations

from corpus.models import Document, Segment
from corpus.normalize import readable
from intents.models import MAX_REPLY_CHARS, Citation

HEADLINE_CHARS = 300


def quote(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def citation(doc: Document, seg: Segment, quote_chars: int = 600) -> Citation:
    section = " › ".join(readable(p) for p in seg.heading_path) or "Phần mở đầu"
    if seg.group:
        section += f" › {seg.group}"
    page = seg.page
    return Citation(document=doc.label(), section=quote(section, 200), page=page,
                    quote=quote(seg.shown, quote_chars), nguyen_van=quote(seg.text, quote_chars))


def where(doc: Document, seg: Segment) -> str:
    page = f"trang {seg.page}" + (" (ước tính)" if doc.page_estimated else "")
    section = " › ".join(readable(p) for p in seg.heading_path) or "phần mở đầu"
    return f"{doc.label()} · {quote(section, 140)} · {page}"


def place(doc: Document) -> str:
    return f"{doc.meta.locality_kind} {doc.meta.locality}".strip()


def fit(text: str) -> str:
    return text if len(text) <= MAX_REPLY_CHARS else text[: MAX_REPLY_CHARS - 1] + "…"
