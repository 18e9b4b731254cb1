"""Duties: clauses under "Tổ chức thực hiện" / "Trách nhiệm" with the agency they bind and the
report deadlines they set."""

from __future__ import annotations

import re

from corpus.agencies import find_agencies
from corpus.facts.common import _clean, _fact, _kind, _names, _readable, _strip_number, vi_deadline
from corpus.facts.ocr_rows import _cells_by_separator
from corpus.models import Document, Fact, Segment
from corpus.normalize import search_form
from corpus.values import (
    PERIODIC,
    normalise_deadline,
    report_deadlines,
)

# ---- duties under "Tổ chức thực hiện" / "Trách nhiệm" -------------------------------------

# the sections whose clauses bind agencies: "Tổ chức thực hiện", "Trách nhiệm …", and the
# reporting section ("Chế độ báo cáo", "Chế độ thông tin, báo cáo")
_DUTY_HEAD = re.compile(r"\bto chuc th\W?\w{0,2}\W?c hien\b|\btrach nhiem\b|"
                        r"\bche do (?:thong tin,? )?bao cao\b")
DUTY_CHARS = 1000
_CLOSING = re.compile(r"^(?:tren day la|noi nhan)")
_HEAD_LINE = re.compile(r"^\s*(?:\d{1,2}|[IVX]{1,4})\.\s*\S")


def _split_head(seg: Segment) -> tuple[str, str]:
    """("2. Ban Chỉ đạo", "Lãnh đạo, điều hành …") when an item's heading and its body share
    a segment; ("", text) otherwise."""
    lines = [ln for ln in seg.text.splitlines() if ln.strip()]
    if len(lines) >= 2 and _HEAD_LINE.match(lines[0]) and len(lines[0]) < 90 and \
            ":" not in lines[0] and not re.search(r"[.;,]\s*$", lines[0]) and \
            lines[1].strip()[:1].isupper():
        return lines[0].strip(), " ".join(" ".join(lines[1:]).split())
    return "", " ".join(seg.text.split())


def _duty_agencies(doc: Document, seg: Segment, head: str, text: str,
                   headings: dict[str, str]) -> list[str]:
    kind = _kind(doc)
    sf = search_form(_strip_number(text))
    if head:  # "4. Ủy ban Mặt trận Tổ quốc và các tổ chức chính trị - xã hội xã" + its body
        ags = find_agencies(search_form(_strip_number(head)), kind)
        if ags and ags[0].start <= 30:
            return _names(ags)
    # "Phòng Kinh tế: Chủ trì …" / "- Văn phòng Đảng ủy: Thực hiện …": the clause names it
    if ":" in sf[:90]:
        label, rest = sf.split(":", 1)
        ags = find_agencies(label, kind)
        if ags and ags[0].start <= 8:
            return _names(ags)
        # "- Thông tin, báo cáo định kỳ: Các ban Đảng, UBND xã, Mặt trận … báo cáo …"
        rest = rest.strip()
        ags = find_agencies(rest[:160], kind)
        if ags and ags[0].start <= 2:
            cells = _cells_by_separator(rest, ags)
            return _names(cells[0])
    # "UBND phường yêu cầu các cơ quan, đơn vị …": the ones asked
    m = re.search(r"\byeu c\w{1,2}u\b", sf[:160])
    if m:
        tail = sf[m.end():m.end() + 200]
        asked = find_agencies(tail, kind)
        if asked and asked[0].start <= 3:
            return _names(_cells_by_separator(tail, asked)[0][:6])
    # "3. Phòng Văn hóa - Xã hội chủ trì, phối hợp …": the subject opens the clause
    ags = find_agencies(sf[:120], kind)
    if ags and ags[0].start <= 8:
        return [ags[0].name]
    # otherwise the nearest heading that names an agency ("2. Trách nhiệm của Ban Chỉ đạo")
    for h in reversed(seg.heading_path[1:]):
        hs = search_form(_strip_number(headings.get(h, h)))
        label = hs.split(":", 1)[0] if ":" in hs[:90] else hs
        ags = find_agencies(label, kind)
        if ags and ags[0].start <= 30:
            return _names(_cells_by_separator(label, ags)[0])
    return []


def _duty_deadline(text: str) -> tuple[str, str]:
    """(deadline as shown, kind): a one-off "hoàn thành trong năm 2025" first, then the
    report deadlines ("báo cáo 6 tháng: trước ngày 15/6; hằng năm: trước ngày 10/12") or
    the reporting rhythm ("định kỳ hằng quý")."""
    sf = search_form(text)
    shown: list[str] = []
    kind = ""
    m = re.search(r"\bhoan thanh (?:trong |truoc )?(?:nam|thang|quy) [\w/ ]{0,12}?20\d\d\b", sf)
    if m:
        shown.append(vi_deadline(m.group(0)).lower())
        kind = normalise_deadline(m.group(0))[0]
    reports = report_deadlines(text)
    if reports:
        parts = [f"{r.period_shown}: trước ngày {r.day_month}" if r.period and r.month
                 else f"trước ngày {r.day_month}" for r in reports]
        shown.append("báo cáo " + "; ".join(parts))
        kind = kind or "recurring"
    elif (m := PERIODIC.search(sf)) is not None:
        shown.append(vi_deadline("dinh ky " + re.sub(r"[\s,]*(?:va|hoac)?[\s,]*$", "",
                                                     m.group(1))).lower())
        kind = kind or "recurring"
    return "; ".join(shown), kind


def _duty(doc: Document, seg: Segment, headings: dict[str, str]) -> Fact | None:
    if seg.kind == "heading":
        # "4. Phòng Kinh tế, … căn cứ khả năng … tham mưu …" is a duty; "3. Ủy ban nhân dân
        # xã" alone is only the heading of the duties below it
        sf = search_form(_strip_number(seg.text))
        if len(sf.split()) <= 12 and ":" not in sf:
            return None  # a short title ("3. Công an Thành phố, Bộ Tư lệnh Thành phố")
        rest = sf
        for a in reversed(find_agencies(sf, _kind(doc))):
            rest = rest[:a.start] + rest[a.end:]
        if len(re.findall(r"[a-z]{2,}", rest)) < 5:
            return None
    elif seg.kind != "text":
        return None
    path = search_form(" ".join(headings.get(h, h) for h in seg.heading_path))
    if not _DUTY_HEAD.search(path):
        return None
    head, text = _split_head(seg)
    sf = search_form(text)
    if _CLOSING.match(sf) or len(text.split()) < 6:
        return None
    if re.match(r"^[a-zđ]", text) and not re.match(r"^[a-zđ]\)", text):
        return None  # the rest of a long clause cut in two ("a) …" is an item, not a rest)
    lead = _duty_agencies(doc, seg, head, text, headings)
    if not lead:
        return None
    deadline, dkind = _duty_deadline(text)
    due = None
    if dkind and dkind != "recurring":
        dkind, due = normalise_deadline(deadline.split(";")[0])
    shown = _clean(_readable(_strip_number(text)))
    # kept whole as far as one reply could show it: the answer decides how much it shows
    if len(shown) > DUTY_CHARS:
        shown = shown[:DUTY_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return _fact(doc, seg, "duty", shown, lead=lead, deadline_text=deadline,
                 deadline_kind=dkind, due_date=due)
