"""Where an answer stands: the citation of a clause (plan, section, page, quote) and the
limits every reply keeps — one Zalo message (2000 characters), a one-line headline (≤ 300).
"""

from __future__ import annotations

from corpus.models import Document, Segment
from corpus.normalize import readable
from intents.models import MAX_REPLY_CHARS, Citation

HEADLINE_CHARS = 300
# characters no heading writes; OCR makes them of stamps, signatures and table rules
_ODD = frozenset("\\{}[]<>|~^`=*#@$ﬁﬂ")


def _debris(tok: str) -> bool:
    """An OCR token no reader can use: an odd character, or mostly marks ("%L,r/;ﬁ’)");
    codes and numbers ("79/KH-UBND", "KH&CN", "100%") keep most of their characters."""
    if any(c in _ODD for c in tok):
        return True
    marks = sum(not c.isalnum() for c in tok)
    return marks >= 3 and marks * 2 >= len(tok)


def label(heading: str) -> str:
    """A heading as shown in a citation: its reading copy, cut before the first OCR debris
    ("Phụ lục: (Kèm theo Kế hoạch số 79/KH- %L,r/;ﬁ’) 5 \\{…" → "… 79/KH-…")."""
    toks = [t.strip("_") for t in readable(heading).split() if t.strip("_")]
    for i, tok in enumerate(toks):
        if _debris(tok):
            kept = " ".join(toks[:i]).rstrip(" ,;:(")
            return kept + "…" if kept else ""
    return " ".join(toks)


def quote(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def citation(doc: Document, seg: Segment, quote_chars: int = 600) -> Citation:
    section = " › ".join(x for x in map(label, seg.heading_path) if x) or "Phần mở đầu"
    group = label(seg.group.strip("| ")) if seg.group else ""
    if group:  # a table row's first cell, read like the headings
        section += f" › {group}"
    page = seg.page
    return Citation(document=doc.label(), section=quote(section, 200), page=page,
                    quote=quote(seg.shown, quote_chars), nguyen_van=quote(seg.text, quote_chars))


def where(doc: Document, seg: Segment) -> str:
    page = f"trang {seg.page}" + (" (ước tính)" if doc.page_estimated else "")
    section = " › ".join(x for x in map(label, seg.heading_path) if x) or "phần mở đầu"
    return f"{doc.label()} · {quote(section, 140)} · {page}"


def place(doc: Document) -> str:
    return f"{doc.meta.locality_kind} {doc.meta.locality}".strip()


def fit(text: str) -> str:
    return text if len(text) <= MAX_REPLY_CHARS else text[: MAX_REPLY_CHARS - 1] + "…"
