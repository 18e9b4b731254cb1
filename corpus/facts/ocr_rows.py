"""OCR-flattened appendix tables: the lines of a table's segments as one stream, and what finds
row numbers, group rows, task verbs and agency cells in it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.agencies import AgencyMatch, find_agencies
from corpus.facts.common import _is_junk, _junk_run, _Line, _line, _wordset
from corpus.lexicon import syllables
from corpus.models import Segment
from corpus.normalize import search_form
from corpus.values import (
    DMY,
    MONTH,
    ONGOING,
    QUARTER,
    RANGE,
)

# --------------------------------------------------------------------------------------
# Appendix tables: rows rebuilt from the lines of the table's segments
# --------------------------------------------------------------------------------------

_ROW_NO = re.compile(r"^(?:\|\s*)?(\d{1,2}(?:\.\d{1,2})?|l\d)(?:\s*[|.]\s*|\s+)(?=\S)")
_GROUP = re.compile(r"^(?:\|\s*)?(?:[ivx]{1,4}|i[l1]{1,2}|[l1]{2,3})\s*\|")
_GROUP_YEAR = re.compile(r"^[\W\d]*(?:[ivx]{1,4}|i[l1]{1,2}|[l1]{2,3})?\W*"
                         r"[dbp]\w{0,2}n (?:n\w{1,3}m )?(20[2-5]\d)\b")
_TASK_HEADER = re.compile(r"nhiem vu|nhi\w*m v|hoan thanh|thoi gian|thai gian")

# the verbs a task cell starts with ("Triển khai", "Xây dựng", "Đẩy mạnh" read "Pay manh" …)
_D = r"[dbp]{1,2}\w?"
_VERB = re.compile(
    rf"^(?:tr\w{{1,3}}n khai|tr\w{{1,3}} khai|x\w{{1,2}}y d\w{{1,3}}ng|ph\w{{1,2}}i h\S{{1,3}}p|c\w{{1,2}}n d\w{{1,2}}i|"
    rf"khai thac|hoan th\w{{1,3}}|{_D}\w{{0,2}}y manh|ra so\w{{1,2}}t|th\w{{1,2}}c hien|"
    rf"t\w{{1,2}}ng c\w{{1,3}}ng|t\w{{1,2}}p trung|{_D}\w{{0,2}}m b\w{{1,2}}o|nang (?:cap|cao)|"
    rf"to ch\w{{1,3}}c|ung dung|chuan hoa|tuyen truyen|tich cuc|ph\w{{1,2}}t (?:hien|trien|dong)|"
    rf"tiep tuc|ho tro|phan d\w{{0,2}}u|ban hanh|thiet lap|nghien c\w{{1,2}}u|{_D}\w{{0,2}}o tao|"
    rf"kiem tra|cung cap|huong dan|van dong|cai (?:cach|thien)|so hoa|thanh lap|cu the|thu hut|"
    rf"khuyen khich|uu tien|chu dong|tham muu|{_D}\w? xuat|{_D}\w{{0,2}}u tu|{_D}ua|hoc tap|lap)\b")

# where a table's deadline cell starts (the cell is then read by `normalise_deadline`): the
# shared date, month, quarter and range patterns, and the openings of wrapped cells
_DEADLINE_CELL = re.compile(
    r"\b(?:(?:hoan thanh|thuc hien)\s+)?(?:"
    rf"(?:trong |truoc )?{MONTH}"
    rf"|(?:trong |truoc )?{QUARTER}"
    rf"|{ONGOING}"
    r"|(?:trong )?nam 20\d\d(?:\s+va\.?(?:\s+\w+){0,3})?"
    r"|sau khi(?:\s+[a-z]+){0,8}"
    r"|theo (?:tien do|du an|ke hoach|lo trinh)(?:\s+[a-z]+){0,6}"
    rf"|{RANGE}"
    rf"|{DMY}"
    r"|hoan thanh(?:\s+[a-z]+){0,3}\s+trong thang"
    r")")
_DEADLINE_WORDS = _wordset(
    "sau khi thanh pho phe ban hanh ke hoach he thong du lieu duoc hoan theo tien do cua an "
    "duyet nam va nhung cac tiep ubnd bo quy tac ket noi trong thang phuong xa cap tren "
    "lo trinh tic")
# the end of a lead or coordinating cell that OCR wrapped into the task column
_AGENCY_TAIL = re.compile(
    r"(?:\bthao va tru\w{1,3}n th\w{1,3}|\bm\w{1,2}n thu\w{1,2}c\W?\s?ubnd\b|\b(?:don )?vi thu\w{1,2}c "
    r"(?:phuong|xa)\b|\b(?:cac )?don vi (?:don vi )?lien quan|^(?:hanh )?chinh c[oe]ng\b|\bcac ph\w{2,3}\W? "
    r"(?:co|ban)\b).*$")
_UBND_IN_NAME = re.compile(r"thu\w{1,2}c\W?\s?$")


@dataclass
class _Row:
    lines: list[_Line] = field(default_factory=list)
    anchor: _Line | None = None  # the numbered line of an interleaved row


def _tables(segments: list[Segment]) -> list[tuple[str, list[Segment]]]:
    """Consecutive row segments cut into tables: (kind "task"|"target", segments)."""
    out: list[tuple[str, list[Segment]]] = []
    cur: list[Segment] = []
    kind = ""
    region: tuple[str, ...] | None = None
    for seg in segments:
        if seg.kind != "row":
            if cur:
                out.append((kind or "target", cur))
            cur, kind, region = [], "", None
            continue
        hdr = search_form(seg.table_header or "")
        hkind = "task" if hdr and _TASK_HEADER.search(hdr) else "target" if hdr else ""
        path = tuple(seg.heading_path[:1])
        if cur and (path != region or (hkind and kind and hkind != kind)):
            out.append((kind or "target", cur))
            cur, kind = [], ""
        region = path
        kind = hkind or kind
        cur.append(seg)
    if cur:
        out.append((kind or "target", cur))
    return out


def _stream(segs: list[Segment]) -> list[_Line]:
    return [_line(s, raw) for s in segs for raw in s.text.splitlines() if raw.strip()]


# ---- task tables ----------------------------------------------------------------------------


def _row_number(ln: _Line) -> str | None:
    m = _ROW_NO.match(ln.sf)
    if not m or _DEADLINE_CELL.match(ln.sf) or re.match(r"^\d{1,2}\s*/", ln.sf):
        return None
    rest = ln.sf[m.end():]
    if not rest or re.match(r"^\d", rest):
        return None
    k = len(m.group(0).split())
    known = syllables()
    if known and sum(1 for w in ln.words[k:k + 12] if re.sub(r"\W", "", w) in known
                     and len(re.sub(r"\W", "", w)) > 1) < 3:
        return None  # "9 A ARE s 2 X": debris, not a numbered row
    return m.group(1)


def _is_group(ln: _Line) -> bool:
    if _GROUP.match(ln.sf) or re.match(r"^\|\s+[a-z]", ln.sf):
        return True
    # a heading row spanning the whole table: long, no agency, no deadline, and one cell (a
    # "|" inside the line is a column rule: the line holds several cells of one row)
    return len(ln.raw) > 100 and not find_agencies(ln.sf) and \
        not _DEADLINE_CELL.search(ln.sf) and "|" not in ln.raw.strip().strip("|")


def _body_start(ln: _Line) -> int:
    m = _ROW_NO.match(ln.sf)
    return len(m.group(0).split()) if m and _row_number(ln) else 0


def _starts_task(ln: _Line) -> bool:
    k = _body_start(ln)
    if k >= len(ln.words):
        return False
    return bool(_VERB.match(ln.sf_words(k, len(ln.words)))) and \
        ln.toks[ln.owner[k]][:1].isupper()


# the first line of a coordinating cell cut by the line end ("Các phòng, cơ quan chuyên" /
# "môn thuộc UBND phường"): too partial for the shared agency list, a cell start in a table
_CELL_START = re.compile(r"\bcac ph\w{2,3}\W*\s?c\w? \w{3,4} chu\w{2,4}\b")


def _agencies(ln: _Line, kind: str | None) -> list[AgencyMatch]:
    """Agencies on a table line, without "UBND phường" inside "… thuộc UBND phường"."""
    out = [a for a in find_agencies(ln.sf, kind)
           if not (a.name.startswith("UBND") and _UBND_IN_NAME.search(ln.sf[:a.start]))]
    for m in _CELL_START.finditer(ln.sf):
        if not any(a.start <= m.start() < a.end for a in out):
            name = "Các phòng, cơ quan chuyên môn thuộc UBND" + (f" {kind}" if kind else "")
            out.append(AgencyMatch(name, m.start(), m.end()))
    return sorted(out, key=lambda a: a.start)


def _column_only(ln: _Line, kind: str | None) -> bool:
    """A line with no task text: only an agency or deadline cell, or debris."""
    k = _body_start(ln)
    ags = _agencies(ln, kind)
    jr = _junk_run(ln, k)
    first = min([ln.word_at(a.start) for a in ags] +
                [ln.word_at(d.start()) for d in _DEADLINE_CELL.finditer(ln.sf)] +
                [x for x in [jr] if x is not None] + [len(ln.words)])
    # two words before debris ("It Ly v R R … Sở KH&CN") are a fragment, not task text
    return first <= k or (jr is not None and jr == first and first - k < 3)


def _cell_top(ln: _Line, kind: str | None) -> bool:
    """A line with no task text that starts a cell ("Các phòng, cơ quan chuyên", "Sau khi
    thành"): the top line of the next row's centred lead, coordinating or deadline cell."""
    if not _column_only(ln, kind):
        return False
    for i, w in enumerate(ln.words):
        if not _is_junk(w, ln.toks[ln.owner[i]]):
            return ln.toks[ln.owner[i]][:1].isupper()
    return False


def _cells_by_separator(sf: str, ags: list[AgencyMatch]) -> list[list[AgencyMatch]]:
    """Agencies grouped into cells: joined by ",", ";", "&", "và" = one cell; side by side
    with nothing between = the next column."""
    cells: list[list[AgencyMatch]] = []
    for a in ags:
        if cells:
            gap = sf[cells[-1][-1].end:a.start]
            if re.fullmatch(r"\s*(?:[,;&]|va)\s*(?:[,;&]|va)?\s*", gap) or \
                    re.fullmatch(r"\s*[,;]\s*\w{0,6}\s*", gap):
                cells[-1].append(a)
                continue
        cells.append([a])
    return cells
