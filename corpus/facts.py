"""Tasks, duties and targets held as facts, each tied to the segment it comes from.

- Task: an item with "Cơ quan chủ trì: …" / "Thời gian: …" fields; a row of an appendix task
  table (task text, lead, coordinating agencies, deadline); a clause "Giao X chủ trì …".
- Duty: a clause under "Tổ chức thực hiện" / "Trách nhiệm" with the agency it binds (named
  by the clause itself, "Phòng Kinh tế: Chủ trì …", or by its heading), and the report
  deadlines it sets ("báo cáo định kỳ 6 tháng (trước ngày 15/6) và hằng năm (trước ngày
  10/12)").
- Target: an indicator with a value per year: rows of appendix target tables (year columns
  read from the header, or the "Đến năm 2030" group row above), and prose goals under
  "Mục tiêu" or after "Đến năm 2030:" ("90% hồ sơ công việc được số hóa").

OCR flattened the appendix tables: a row's cells come out side by side on its middle line,
with the first line of a centred cell above it and the rest below ("interleaved" rows), or
as blank-separated blocks one cell after another. Rows are rebuilt from the lines of the
table's segments; a row whose cells cannot be mapped with confidence (garbled indicator,
value count that does not fit the year columns, no identifiable lead) yields no fact and
stays a quotable segment. Nothing is guessed.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field

from corpus.agencies import COLLECTIVE, AgencyMatch, find_agencies
from corpus.lexicon import syllables
from corpus.models import Document, Fact, Segment, content_id
from corpus.normalize import nfc, search_form
from corpus.segment import short_heading
from corpus.values import (
    DMY,
    MONTH,
    ONGOING,
    PERIODIC,
    QUARTER,
    RANGE,
    Quantity,
    cell_value,
    find_amounts,
    find_percentages,
    normalise_deadline,
    report_deadlines,
)

# --------------------------------------------------------------------------------------
# Deadlines shown with their marks
# --------------------------------------------------------------------------------------

# Deadline phrases in the accented spelling: the OCR lost the marks, but a deadline cell
# uses a small vocabulary, so "Hoan thanh trong thang 11 nam 2025" can be shown as written.
_VI_PHRASES = {
    "hoan thanh": "hoàn thành", "thuc hien": "thực hiện", "thuong xuyen": "thường xuyên",
    "thanh pho": "thành phố", "thanh phe": "thành phố", "ban hanh": "ban hành", "tien do": "tiến độ", "du an": "dự án",
    "phe duyet": "phê duyệt", "he thong": "hệ thống", "du lieu": "dữ liệu",
    "ke hoach": "kế hoạch", "nhung nam": "những năm", "cac nam": "các năm",
    "tiep theo": "tiếp theo", "ket noi": "kết nối", "quy tac": "quy tắc", "bo quy tac": "bộ quy tắc", "bo quy tic": "bộ quy tắc",
    "dinh ky": "định kỳ", "hang nam": "hằng năm", "hang quy": "hằng quý",
    "hang thang": "hằng tháng", "truoc ngay": "trước ngày", "cap tren": "cấp trên",
    "dot xuat": "đột xuất", "bao cao": "báo cáo", "lien tuc": "liên tục", "lo trinh": "lộ trình",
    "yeu cau": "yêu cầu", "huong dan": "hướng dẫn", "ubnd": "UBND", "dau nam": "đầu năm",
    "cuoi nam": "cuối năm", "khi co": "khi có",
}
_VI_WORDS = {
    "thang": "tháng", "nam": "năm", "quy": "Quý", "trong": "trong", "sau": "sau", "khi": "khi",
    "va": "và", "duoc": "được", "theo": "theo", "cua": "của", "den": "đến", "truoc": "trước",
    "ngay": "ngày", "tu": "từ", "hoac": "hoặc", "cac": "các", "xa": "xã", "phuong": "phường",
    "i": "I", "ii": "II", "iii": "III", "iv": "IV", "ubnd": "UBND", "theng": "tháng",
}


def vi_deadline(text: str) -> str:
    """A deadline phrase with its Vietnamese marks when every word is known, else readable."""
    words = re.findall(r"[a-z]+|\d+(?:[/\-.]\d+)*|[()/\-,;:]", search_form(text))
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in (3, 2):
            key = " ".join(words[i:i + n])
            if key in _VI_PHRASES:
                out.append(_VI_PHRASES[key])
                i += n
                break
        else:
            w = words[i]
            if w in _VI_WORDS:
                out.append(_VI_WORDS[w])
            elif re.fullmatch(r"\d+(?:[/\-.]\d+)*|[()/\-,;:]", w):
                out.append(w)
            else:
                return _clean(_readable(text))
            i += 1
    s = " ".join(out)
    s = re.sub(r"\s+([,;:)])", r"\1", s).replace("( ", "(")
    s = re.sub(r"(\d) / (\d)", r"\1/\2", s)
    return s[:1].upper() + s[1:] if s else s


_CLEAN: ContextVar[bool] = ContextVar("clean_text", default=False)


def _readable(text: str) -> str:
    """Text for display. A typed plan (DOCX, clean OCR) keeps its diacritics; an OCR plan
    gets its reading copy (`corpus.reading`), decided once per plan rather than per snippet (a short OCR snippet can pass for typed Vietnamese)."""
    if _CLEAN.get():
        return " ".join(nfc(text).split())
    from corpus.reading import restore_line  # the reading copy (proper Vietnamese)

    return " ".join(restore_line(text, assume_ocr=True).split())


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _clean(text: str) -> str:
    return " ".join(text.split()).strip(" .;,|-")


# --------------------------------------------------------------------------------------
# Lines with a word-level map between the search form and the original tokens
# --------------------------------------------------------------------------------------


@dataclass
class _Line:
    seg: Segment
    raw: str
    toks: list[str]
    words: list[str]  # search-form words
    owner: list[int]  # word index -> raw token index
    sf: str
    starts: list[int]  # word index -> char offset in sf

    def word_at(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.starts, pos) - 1)

    def raw_words(self, w0: int, w1: int) -> str:
        if w1 <= w0 or not self.owner:
            return ""
        return " ".join(self.toks[self.owner[w0]: self.owner[w1 - 1] + 1])

    def sf_words(self, w0: int, w1: int) -> str:
        return " ".join(self.words[w0:w1])


def _line(seg: Segment, raw: str) -> _Line:
    toks = [t for t in raw.replace("_", "").split() if t]
    words: list[str] = []
    owner: list[int] = []
    for i, t in enumerate(toks):
        for w in search_form(t).split():
            words.append(w)
            owner.append(i)
    joined = search_form(" ".join(words))  # repairs that need a neighbour ("Pang iy")
    if len(joined.split()) == len(words):
        words = joined.split()
    starts, pos = [], 0
    for w in words:
        starts.append(pos)
        pos += len(w) + 1
    return _Line(seg, raw, toks, words, owner, " ".join(words), starts)


_ABBREV = re.compile(r"^[A-ZĐ][A-ZĐ&0-9]{1,6}[,.;:]?$")


def _is_junk(word: str, tok: str) -> bool:
    """OCR debris from a neighbouring column: punctuation, stray letters, glyph soup."""
    core = re.sub(r"^[^\w%]+|[^\w%]+$", "", word)
    if not core:
        return True
    if re.search(r"[^a-z0-9%/\-.,&()]", core):
        return True
    if re.fullmatch(r"\d+(?:[.,/\-]\d+)*%?|\d+[/\-][a-z0-9/\-]+", core):
        return False  # numbers, dates, codes ("06/CP", "57-NQ/TW")
    if _ABBREV.match(tok.strip("()")):
        return False
    if core.isalpha():
        if core in syllables():
            return len(core) == 1 and tok[:1].isupper() and core not in ("o", "y")
        return len(core) <= 3
    return not re.fullmatch(r"[a-z]+[0-9]*|\d+[a-z]+", core) or len(core) <= 3


def _junk_run(ln: _Line, start: int = 0, run: int = 2) -> int | None:
    """Word index where a run of `run` junk words begins, or None. Single characters next
    to debris count as debris ("dao . 9 A RAG")."""
    words = ln.words
    flags = [_is_junk(w, ln.toks[ln.owner[i]] if ln.owner else w) for i, w in enumerate(words)]
    raws = [ln.toks[ln.owner[i]] if ln.owner else w for i, w in enumerate(words)]
    # one character, in the original ("s" repaired to "so" included); "1€" is "lệ"
    single = [len(r) <= 2 and len(re.sub(r"\W", "", r)) <= 1 and not re.search(r"[€¢£&§]", r)
              and not re.fullmatch(r"[1I]\W", r) for r in raws]
    for i in range(len(words)):
        if single[i] and not flags[i] and ((i > 0 and (flags[i - 1] or single[i - 1])) or
                                          (i + 1 < len(words) and (flags[i + 1] or single[i + 1]))):
            flags[i] = True
    n = 0
    for i in range(start, len(words)):
        if flags[i]:
            n += 1
            if n >= run:
                return i - run + 1
        else:
            n = 0
    return None


@functools.cache
def _near_syllable(word: str) -> bool:
    """One letter off a Vietnamese syllable ("dugc", "bdi", "ning"): an OCR slip."""
    known = syllables()
    return any(word[:i] + c + word[i + 1:] in known
               for i in range(len(word)) for c in "abcdeghiklmnopqrstuvxy")


def _validity(words: Iterable[str], near: bool = False) -> float:
    """Share of words that are Vietnamese syllables, numbers or codes (1.0 = all); with
    `near`, words one letter off a syllable count too."""
    known = syllables()
    ws = [re.sub(r"^[^\w%]+|[^\w%]+$", "", w) for w in words]
    ws = [w for w in ws if w]
    if not ws:
        return 0.0
    if not known:
        return 1.0  # no lexicon installed: do not reject anything on this ground
    ok = sum(1 for w in ws if w in known or re.fullmatch(r"[\d.,/%\-]+|[a-z]{1,3}\d+|\d+[a-z/\-]+"
                                                           r"|ocop|stem|ai|iot|vneid|grdp|gdp|dti"
                                                           r"|pii|tfp|hdi|lgsp|tthc|dvc|khcn|cntt"
                                                           r"|ubnd|hdnd|kh|cn|dmst|cds|tmdt|ocop"
                                                           r"|gd&dt|kh&cn|r&d|vnelid|vneid", w)
             or (near and len(w) >= 3 and w.isalpha() and _near_syllable(w)))
    return ok / len(ws)


# --------------------------------------------------------------------------------------
# Facts
# --------------------------------------------------------------------------------------


def _kind(doc: Document) -> str | None:
    return doc.meta.locality_kind or None


def _fact(doc: Document, seg: Segment, kind: str, text: str, **kw) -> Fact:
    return Fact(id=content_id(seg.id, kind, text[:80], str(kw.get("values", ""))),
                doc_id=doc.id, segment_id=seg.id, kind=kind, text=text, page=seg.page,
                section=" › ".join(seg.heading_path), **kw)


def _names(matches: Iterable[AgencyMatch]) -> list[str]:
    return list(dict.fromkeys(a.name for a in matches))


_ITEM_NO = re.compile(r"^\s*(?:[-–+•]\s*)?(?:\d{1,2}(?:\.\d{1,2}){0,2}\.?|[a-zđ]\)|[IVX]{1,4}\.)\s+")


def _strip_number(text: str) -> str:
    return _ITEM_NO.sub("", text, count=1)


# ---- tasks from field lists ("Cơ quan chủ trì: …", "Thời gian: …") ---------------------

_LEAD = re.compile(r"(?:co quan |don vi )?chu tri\s*:\s*")
_SUPPORT = re.compile(r"(?:co quan |don vi )?phoi hop\s*:\s*")
_TIME_LINE = re.compile(r"^\W*(?:thoi|thot|thoit|thai) ?(?:gian|han)\b[^:]{0,30}:\s*(.+)$")
_FIELD_LINE = re.compile(r"^\W*(?:co quan|don vi|chu tri|phoi hop|thoi|thot|thoit|thai)\b")


def _task_from_fields(doc: Document, seg: Segment) -> Fact | None:
    body = seg.body
    lead_m = _LEAD.search(body)
    if not lead_m:
        return None
    lead_field = re.split(r"\n| - |\bth\w{1,3} ?(?:gian|han)\b|\bphoi hop\b", body[lead_m.end():])[0]
    lead = _names(find_agencies(lead_field, _kind(doc)))
    if not lead:
        return None
    support: list[str] = []
    sup_m = _SUPPORT.search(body)
    if sup_m:
        sup_field = re.split(r"\n| - |\bth\w{1,3} ?(?:gian|han)\b", body[sup_m.end():])[0]
        support = [n for n in _names(find_agencies(sup_field, _kind(doc))) if n not in lead]
    deadline = ""
    task_lines: list[str] = []
    for line in seg.text.splitlines():
        f = search_form(line)
        m = _TIME_LINE.match(f)
        if m:
            deadline = line.split(":", 1)[-1]
        elif not _FIELD_LINE.match(f) and not deadline and not lead_m.start() < 0:
            if ":" in line and _LEAD.search(f):
                continue
            task_lines.append(line)
    task_lines = [t for t in task_lines if not _LEAD.search(search_form(t))]
    text = _clean(_readable(_strip_number(" ".join(" ".join(task_lines).split()))))
    if len(text.split()) < 3:
        return None
    kind, due = normalise_deadline(deadline)
    return _fact(doc, seg, "task", text, lead=lead, support=support,
                 deadline_text=vi_deadline(deadline) if deadline.strip() else "",
                 deadline_kind=kind, due_date=due)


# ---- tasks stated in prose: "Giao Văn phòng Đảng ủy (…) chủ trì xây dựng …" --------------

_GIAO = re.compile(r"\bgiao\b")


def _task_from_prose(doc: Document, seg: Segment) -> list[Fact]:
    out = []
    for sentence in re.split(r"(?<=[.;])\s+", " ".join(seg.text.split())):
        ln = _line(seg, sentence)
        m = _GIAO.search(ln.sf)
        if not m:
            continue
        ags = find_agencies(ln.sf, _kind(doc))
        first = next((a for a in ags if a.start >= m.end() and a.start - m.end() <= 2), None)
        if first is None:
            continue
        after = ln.sf[first.end:]
        cm = re.search(r"\bchu tri\b", after)
        if not cm or cm.start() > 60:
            continue
        w0 = ln.word_at(first.end + cm.end() + 1)
        what = _clean(_readable(ln.raw_words(w0, len(ln.words))))
        if len(what.split()) < 3:
            continue
        kind, due = normalise_deadline(what)
        out.append(_fact(doc, seg, "task", what[:1].upper() + what[1:], lead=[first.name],
                         deadline_kind=kind if due else "", due_date=due))
    return out


# ---- duties under "Tổ chức thực hiện" / "Trách nhiệm" -------------------------------------

_DUTY_HEAD = re.compile(r"\bto chuc th\W?\w{0,2}\W?c hien\b|\btrach nhiem\b")
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
        parts = [f"{r.period_shown}: trước ngày {r.day_month}" if r.period
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
    if re.match(r"^[a-zđ]", text):
        return None  # the rest of a long clause cut in two: its first part holds the duty
    lead = _duty_agencies(doc, seg, head, text, headings)
    if not lead:
        return None
    deadline, dkind = _duty_deadline(text)
    due = None
    if dkind and dkind != "recurring":
        dkind, due = normalise_deadline(deadline.split(";")[0])
    shown = _clean(_readable(_strip_number(text)))
    if len(shown) > 400:
        shown = shown[:399].rsplit(" ", 1)[0] + "…"
    return _fact(doc, seg, "duty", shown, lead=lead, deadline_text=deadline,
                 deadline_kind=dkind, due_date=due)


# ---- targets in prose ---------------------------------------------------------------------

_TARGET_SECTION = re.compile(r"\b(?:muc tieu|chi tieu)\b")
_BY_YEAR = re.compile(r"\b[dbp]\w?n (?:het )?(?:nam |n\w{1,3}m )?(20[2-5]\d)\b")
_PERIOD_YEAR = re.compile(r"\bgiai [dp]oan (20\d\d) ?- ?(20\d\d)\b|\bnam (20[2-5]\d)\b")
_NEW_INDICATOR = re.compile(r",\s+(?=t[iy] (?:le|l\S|ie|i\S|1\S*|\d\d|trong)\s)")


def _section_year(seg: Segment, headings: dict[str, str]) -> int | None:
    """The year a target section is about: "Đến năm 2030", "giai đoạn 2026-2030", "năm 2026"."""
    for h in reversed(seg.heading_path):
        hs = search_form(headings.get(h, h))
        m = _BY_YEAR.search(hs)
        if m:
            return int(m.group(1))
        m = _PERIOD_YEAR.search(hs)
        if m:
            return int(m.group(2) or m.group(3))
    return None


def _prose_targets(doc: Document, seg: Segment, headings: dict[str, str]) -> list[Fact]:
    if seg.kind == "row":
        return []
    _, text = _split_head(seg)
    sf_all = search_form(text)
    path = " ".join(headings.get(h, h) for h in seg.heading_path)
    in_section = bool(_TARGET_SECTION.search(search_form(path)))
    if not in_section and not _BY_YEAR.search(sf_all):
        return []
    if not (find_percentages(sf_all) or find_amounts(sf_all)):
        return []
    year = _section_year(seg, headings) if in_section else None
    out: list[Fact] = []
    # clauses: sentences and ";"-separated goals; "Đến năm 2030:" sets the year of what follows
    for sentence in re.split(r"(?<=[.!?])\s+", _strip_number(text)):
        dated = False  # "Đến 2026: 80% …; 100% …": the year holds for the whole sentence
        for clause in re.split(r";\s*", sentence):
            ln = _line(seg, clause)
            ym = _BY_YEAR.search(ln.sf)
            if ym:
                year, dated = int(ym.group(1)), True
            elif not in_section and not dated:
                continue
            if year is None:
                continue
            for piece in _pieces(ln):
                fact = _prose_target(doc, seg, piece, year)
                if fact is not None:
                    out.append(fact)
        if not in_section:
            year = None
    return out


def _pieces(ln: _Line) -> list[_Line]:
    """A clause with several goals ("30% hộ gia đình …, 30% các thôn …", "… 100%, tỷ lệ …")
    cut where a new goal starts."""
    cuts = {0}
    for m in _NEW_INDICATOR.finditer(ln.sf):
        cuts.add(ln.word_at(m.end()))
    values = find_percentages(ln.sf)
    for prev, v in zip(values, values[1:], strict=False):
        comma = ln.sf.rfind(",", prev.end, v.start)
        if comma >= 0:
            cuts.add(ln.word_at(comma) + 1)
    bounds = sorted(cuts)
    if len(bounds) == 1:
        return [ln]
    return [_line(ln.seg, ln.raw_words(a, b))
            for a, b in zip(bounds, [*bounds[1:], len(ln.words)], strict=True)]


_FILLER_END = re.compile(r"(?:\s+(?:phan dau|dat|dat ty le|dat muc|la|duy tri|huong toi))+$")


def _prose_target(doc: Document, seg: Segment, ln: _Line, year: int) -> Fact | None:
    matches: list[Quantity] = find_percentages(ln.sf) or find_amounts(ln.sf)
    if len(matches) != 1:
        return None
    q = matches[0]
    numbers = [float(x.replace(",", ".")) for x in re.findall(r"\d+(?:[.,]\d+)?", q.number)]
    if q.unit.startswith("%") and (q.repaired or any(n > 100 for n in numbers)):
        return None  # "=230%" ("≥30%" as OCR read it) is a guess, not a fact
    lead_ws = len(q.text) - len(q.text.lstrip())
    w0 = ln.word_at(q.start + lead_ws)
    w1 = ln.word_at(max(q.start, q.end - 1)) + 1
    left_sf = ln.sf_words(0, w0)
    left_sf2 = _FILLER_END.sub("", left_sf)
    left = ln.raw_words(0, len(left_sf2.split()))
    right = ln.raw_words(w1, len(ln.words))
    if (right.startswith(",") or ln.raw_words(w1 - 1, w1).endswith(",")) and len(left.split()) >= 4:
        right = ""  # "… đạt 1,5% GDP, bố trí kinh phí …": another clause
    indicator = f"{left} {right}" if left and right else left or right
    indicator = _clean(_readable(indicator))
    # drop "Đến năm 2030:" and filler from the indicator
    isf = search_form(indicator)
    ym = _BY_YEAR.search(isf)
    if ym:
        words = indicator.split()
        pos = len(isf[:ym.start()].split())
        indicator = _clean(" ".join(words[:pos] + words[pos + len(ym.group(0).split()):]))
    indicator = re.sub(r"^(?:[:\-–,]\s*)+", "", indicator).strip(" ,:")
    words = search_form(indicator).split()
    if len(words) < 3 or _validity(words, near=True) < 0.75:
        return None
    indicator = indicator[:1].upper() + indicator[1:]
    return _fact(doc, seg, "target", indicator[:220], unit=q.unit,
                 values={str(year): q.shown}, comparison=q.comparison)


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
    # a heading row spanning the whole table: long, no agency, no deadline
    return len(ln.raw) > 100 and not find_agencies(ln.sf) and not _DEADLINE_CELL.search(ln.sf)


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


def _task_rows(lines: list[_Line], kind: str | None) -> list[_Row]:
    """Rows of a task table. Numbered rows are centred on their numbered line: the lines
    between two numbered lines are split where the next row's text starts (a task verb or a
    lone cell) so that each row has about as many lines above its number as below. The other
    rows (blank-separated blocks) start at a task verb."""
    n = len(lines)
    group = [_is_group(ln) for ln in lines]
    num = [None if group[i] else _row_number(lines[i]) for i in range(n)]
    verb = [not group[i] and _starts_task(lines[i]) for i in range(n)]
    rows: list[_Row] = []

    def blocks_rows(a: int, b: int) -> None:
        cur: _Row | None = None
        for j in range(a, b):
            if verb[j] or cur is None:
                if cur is not None:
                    rows.append(cur)
                cur = _Row()
            cur.lines.append(lines[j])
        if cur is not None:
            rows.append(cur)

    bounds = [i for i in range(n) if group[i]]
    for b0, b1 in zip([-1, *bounds], [*bounds, n], strict=True):
        b0 += 1
        nums = [i for i in range(b0, b1) if num[i] is not None]
        if not nums:
            blocks_rows(b0, b1)
            continue
        first = nums[0]
        start = first
        for j in range(first - 1, max(b0, first - 5) - 1, -1):
            if verb[j]:
                start = j
                break
        blocks_rows(b0, start)
        spans: list[list[int]] = [[start, first]]
        above = first - start
        for a, b in zip(nums, nums[1:], strict=False):
            tops = {j for j in range(a + 1, b) if _cell_top(lines[j], kind)}
            cands = [j for j in range(a + 1, b) if verb[j] or j in tops]
            cands.append(b)
            # a row is centred on its number; the top line of a lone cell is strong evidence
            cut = min(cands, key=lambda j: (abs((j - a - 1) - above) - 1.5 * (j in tops),
                                            not (j < b and verb[j]), -j))
            spans[-1].append(cut)
            spans.append([cut, b])
            above = b - cut
        end = b1
        for j in range(nums[-1] + 1, b1):
            if verb[j]:
                end = j
                break
        spans[-1].append(end)
        for s0, anchor, s1 in spans:
            rows.append(_Row(lines=lines[s0:s1], anchor=lines[anchor]))
        blocks_rows(end, b1)
    return rows


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


def _task_from_blocks(doc: Document, row: _Row) -> Fact | None:
    """A row whose cells came out as blocks: task text, then lead, coordinating, deadline."""
    kind = _kind(doc)
    task: list[str] = []
    agency_sf: list[str] = []
    deadline: list[str] = []
    phase = "task"
    for ln in row.lines:
        ags = _agencies(ln, kind)
        dm = _DEADLINE_CELL.match(ln.sf)
        if dm and dm.end() >= len(ln.sf.rstrip(" .)")) - 1:
            phase = "deadline"
            deadline.append(ln.raw)
            continue
        if phase == "deadline":
            words = [re.sub(r"\W", "", w) for w in ln.words]
            if all(w in _DEADLINE_WORDS or not w for w in words):
                deadline.append(ln.raw)
                continue
            if not (ags and ags[0].start == 0):
                task.append(ln.raw)
                continue
        if ags and ags[0].start == 0:
            phase = "agency"
        if phase == "agency":
            agency_sf.append(ln.sf)
        else:
            task.append(ln.raw)
    sf = " ".join(agency_sf)
    cells = _cells_by_separator(sf, [a for a in find_agencies(sf, kind)
                                     if not (a.name.startswith("UBND") and
                                             _UBND_IN_NAME.search(sf[:a.start]))])
    if not cells or not deadline:
        return None
    lead = _names(cells[0])
    support = [n for c in cells[1:] for n in _names(c) if n not in lead]
    return _table_task(doc, row, row.lines[0], " ".join(task), lead, support, " ".join(deadline))


def _task_part(ln: _Line, start: int, ags: list[AgencyMatch], cuts: list[int]) -> str:
    """The task column of an interleaved line: up to a cell that starts a column."""
    ends = [len(ln.words), *cuts]
    for a in ags:
        w = ln.word_at(a.start)
        tok = ln.toks[ln.owner[w]]
        titled = tok[:1].isupper() and not re.fullmatch(r"[A-ZĐ]{2,}\W*", tok)  # not "UBND"
        if w == start or titled or (w > 0 and _is_junk(ln.words[w - 1], "x")):
            ends.append(w)
            break
    jr = _junk_run(ln, start)
    if jr is not None:
        ends.append(jr)
    end = min(ends)
    psf = ln.sf_words(start, end)
    tail = _AGENCY_TAIL.search(psf)
    if tail:
        end = start + len(psf[:tail.start()].split())
    if jr is not None and jr <= end + 1 and end - start < 3 and ln is not None:
        return ""  # two words before debris: a fragment of another column
    return ln.raw_words(start, end)


def _task_from_interleaved(doc: Document, row: _Row) -> Fact | None:
    """A numbered row whose cells came out side by side, centred on the numbered line."""
    kind = _kind(doc)
    task: list[str] = []
    found: list[tuple[bool, AgencyMatch]] = []  # (on the numbered line, agency)
    strong: list[tuple[bool, int, str]] = []  # (on the numbered line, line index, text)
    weak: list[tuple[int, str]] = []
    for i, ln in enumerate(row.lines):
        start = _body_start(ln) if ln is row.anchor else 0
        ags = [a for a in _agencies(ln, kind) if ln.word_at(a.start) >= start]
        cuts = []
        for d in _DEADLINE_CELL.finditer(ln.sf):
            wd = ln.word_at(d.start())
            if wd < start:
                continue
            after_agency = any(a.end <= d.start() for a in ags)
            tail = ln.words[ln.word_at(max(d.start(), d.end() - 1)) + 1:]
            at_end = all(_is_junk(w, w) for w in tail)
            text = ln.sf[d.start():d.end()]
            if after_agency or (at_end and _column_only(ln, kind)):
                strong.append((ln is row.anchor, i, text))
                cuts.append(wd)
            elif at_end:
                weak.append((i, text))
                cuts.append(wd)
        part = _task_part(ln, start, ags, cuts)
        if ln is not row.anchor and strong and all(
                re.sub(r"\W", "", w) in _DEADLINE_WORDS for w in search_form(part).split()):
            part = ""  # "bộ quy tắc": the end of a deadline cell, not task text
        if part.strip():
            task.append(part)
        used = len(search_form(part).split()) + start if part.strip() else start
        found += [(ln is row.anchor, a) for a in ags if ln.word_at(a.start) >= used]
    lead_m = next((a for on, a in found if on and a.name not in COLLECTIVE), None) or \
        next((a for _, a in found if a.name not in COLLECTIVE), None)
    if lead_m is None:
        return None  # the lead cell is unreadable: the row stays a quotable segment
    chosen = next(((i, d) for on, i, d in strong if on), None) or \
        ((strong[0][1], strong[0][2]) if strong else None) or (weak[-1] if weak else None)
    if chosen is None:
        return None
    at, deadline = chosen
    if normalise_deadline(deadline)[0] == "condition":
        deadline += _deadline_continuation(row.lines[at + 1:], kind)
    lead = [lead_m.name]
    support = [n for n in _names(a for _, a in found) if n not in lead]
    return _table_task(doc, row, row.anchor or row.lines[0], " ".join(task), lead, support,
                       deadline)


def _deadline_continuation(lines: list[_Line], kind: str | None) -> str:
    """The rest of a conditional deadline cell, wrapped onto the ends of the next lines
    ("Sau khi thành" / "… phố ban hành" / "bộ quy tắc")."""
    out = []
    for ln in lines:
        ags = _agencies(ln, kind)
        words = ln.words
        end = len(words)
        while end > 0 and _is_junk(words[end - 1], ln.toks[ln.owner[end - 1]]) and \
                re.sub(r"\W", "", words[end - 1]) not in _DEADLINE_WORDS:
            end -= 1
        begin = end
        floor = max([ln.word_at(a.end - 1) + 1 for a in ags] + [0])
        while begin > floor and re.sub(r"\W", "", words[begin - 1]) in _DEADLINE_WORDS:
            begin -= 1
        junk_before = begin > 0 and _is_junk(words[begin - 1], ln.toks[ln.owner[begin - 1]])
        if begin < end and (floor > 0 or begin == 0 or junk_before):
            out.append(ln.sf_words(begin, end))
    return (" " + " ".join(out)) if out else ""


def _table_task(doc: Document, row: _Row, where: _Line, task: str, lead: list[str],
                support: list[str], deadline: str) -> Fact | None:
    words = [w for w in task.split() if w != "|" and not re.search(r"[{}\[\]<>@\\~_]", w)]
    text = _clean(_readable(_strip_number(" ".join(words))))
    text = re.sub(r"(?:\s+(?:[^\w\s(]+|\w))+$", "", text).strip(" ,;|")
    sfw = search_form(text).split()
    if len(sfw) < 4 or _validity(sfw) < 0.7:
        return None
    deadline = " ".join(deadline.replace(")", " ").replace("(", " ").split())
    kind, due = normalise_deadline(deadline)
    if not kind:
        return None
    return _fact(doc, where.seg, "task", text[:1].upper() + text[1:], lead=lead,
                 support=support[:4], deadline_text=vi_deadline(deadline), deadline_kind=kind,
                 due_date=due)


def _table_tasks(doc: Document, lines: list[_Line]) -> list[Fact]:
    out = []
    for row in _task_rows(lines, _kind(doc)):
        if not any(_DEADLINE_CELL.search(ln.sf) for ln in row.lines):
            continue
        fact = _task_from_interleaved(doc, row) if row.anchor is not None else \
            _task_from_blocks(doc, row)
        if fact is not None:
            out.append(fact)
    return out


# ---- target tables ----------------------------------------------------------------------------

_HEADER_WORDS = _wordset("stt muc tieu chi nam co quan theo doi tong hop danh gia don vi tinh "
                         "chu tri phoi hop san pham dau ra myc dei")
_FRAGMENT_WORDS = _wordset("don vi lien quan phuong xa cac co chuyen mon thuoc ubnd so lieu bao "
                           "cao truong hoc tren dia ban nganh phong")
# the last columns of a target table (output "Báo cáo số liệu", the end of a lead's name)
_TABLE_TAIL = re.compile(r"(?:\bxahoi\b|\bx\w? ?hoi quan\b|\bquan so l\w+|\bso l\w{1,2}u\b|"
                         r"\bb\wo c\wo\b|\bvi lien quan\b).*$")
_GARBLED = re.compile(r"[^\w\s%&/.,;:()\-–+'\"’‘“”]|[{}\[\]<>@\\~|]")


def _years_in(text: str) -> list[int]:
    return [int(y) for y in re.findall(r"\b(20[2-5]\d)\b", text)]


def _header_line(ln: _Line) -> bool:
    """A line of the table header: "STT Mục tiêu 2025 2030 …", "2045 . . phối hợp"."""
    if find_percentages(ln.sf):
        return False
    words = [re.sub(r"\W", "", w) for w in ln.words]
    words = [w for w in words if w]
    if not words:
        return False
    years = [w for w in words if re.fullmatch(r"20[2-5]\d", w)]
    head = [w for w in words if w in _HEADER_WORDS]
    return (bool(years) and len(words) <= 6) or (len(years) + len(head)) / len(words) >= 0.5


def _row_values(ln: _Line, start: int) -> tuple[list[tuple[str, str]], int, int]:
    """[(comparison symbol, number + "%")], first and last word index of the value cells
    (the first index counts a unit or comparison cell in front of the first value)."""
    vals: list[tuple[str, str]] = []
    first = last = -1
    lead_in = -1
    pending_cmp = ""
    unit_pct = False
    dashes: list[int] = []  # "- - 50% 80% 100%": empty year cells before the first value
    for i in range(start, len(ln.words)):
        w = ln.words[i].strip("|")
        if not vals and w in ("-", "–"):
            dashes.append(i)
            continue
        if not vals and w and dashes and dashes[-1] != i - 1:
            dashes = []
        if w in (">", "<", "≥", "≤"):
            pending_cmp = w
            lead_in = i if lead_in < 0 else lead_in
            continue
        if w in ("%", "%o") and not vals:
            unit_pct = True  # "% - 80": a unit column, then the value
            pending_cmp = ""
            lead_in = i if lead_in < 0 else lead_in
            continue
        cell = cell_value(w)
        if cell and (cell[2] or unit_pct or cell[0] or pending_cmp):
            cmp_, num, has_pct = cell
            if len(num) > 1 and num.startswith("0") and "," not in num and "." not in num:
                return [], -1, -1  # "06" for "0,6": a garbled cell
            pct = has_pct or unit_pct
            if not vals and dashes and dashes[-1] == i - 1 and not unit_pct:
                vals += [("", "-")] * len(dashes)
                lead_in = dashes[0]
            vals.append((cmp_ or pending_cmp, num + "%" if pct else num))
            first = (lead_in if lead_in >= 0 else i) if first < 0 else first
            last = i
            pending_cmp = ""
        elif vals and w == "-" and not unit_pct:
            vals.append(("", "-"))  # an empty year cell
            last = i
        elif vals and w not in ("|", "") and not _is_junk(w, ln.toks[ln.owner[i]]):
            break
        elif not vals and unit_pct and w not in ("-", "|") and not re.fullmatch(r"[a-z]+", w):
            lead_in = -1
            unit_pct = False
    return vals, first, last


def _readable_part(raw: str) -> str:
    words = [w for w in _readable(raw).split()
             if re.search(r"\w", w) and not _GARBLED.search(w.strip(".,;:'’‘"))]
    return " ".join(words)


def _text_part(ln: _Line, start: int = 0) -> tuple[str, int]:
    """The first column of a line (words up to a value, a unit, an agency, a "|" or OCR
    debris) and the number of its search-form words."""
    ends = [len(ln.words)]
    jr = _junk_run(ln, start)
    if jr is not None:
        ends.append(jr)
    for a in find_agencies(ln.sf):
        w = ln.word_at(a.start)
        if w >= start and (w == start or ln.toks[ln.owner[w]][:1].isupper()):
            ends.append(w)
            break
    for i in range(start, len(ln.words)):
        w = ln.words[i]
        if (cell_value(w.strip("|")) and ("%" in w or w[:1] in "<>")) or \
                w in ("%", ">", "%o") or (w.startswith("|") and i > start):
            ends.append(i)
            break
    for i in range(start, len(ln.words)):
        tok = re.sub(r"\([\w&/ ]*\)", "", ln.toks[ln.owner[i]])
        if len(re.findall(r"[^\w\s.,;:'’%&/\-]", tok)) >= 2:
            ends.append(i)  # "th)(]g": glyph soup marks the edge of a column
            break
    end = min(ends)
    for rx in (_AGENCY_TAIL, _TABLE_TAIL):
        tail = rx.search(ln.sf_words(start, end))
        if tail:
            end = start + len(ln.sf_words(start, end)[:tail.start()].split())
    return ln.raw_words(start, end), end - start


def _is_fragment(part: str) -> bool:
    words = [re.sub(r"\W", "", w) for w in search_form(part).split()]
    words = [w for w in words if w]
    return not words or all(w in _FRAGMENT_WORDS for w in words)


def _table_targets(doc: Document, lines: list[_Line]) -> list[Fact]:
    """Target rows: the numbered line holds the values; the indicator starts on the lines
    above it (from the last one that opens with a capital) and ends on the lines below."""
    kind = _kind(doc)
    years: list[int] = []
    for h in dict.fromkeys((ln.seg.table_header or "") for ln in lines):
        years += _years_in(search_form(h))
    group_year: int | None = None
    pending: list[_Line] = []
    rows: list[tuple[list[_Line], _Line, list[_Line], int | None]] = []
    i = 0
    out: list[Fact] = []
    while i < len(lines):
        ln = lines[i]
        gy = _GROUP_YEAR.match(ln.sf)
        if gy and not find_percentages(ln.sf):
            group_year = int(gy.group(1))
            pending = []
            i += 1
            continue
        if _header_line(ln):
            years += _years_in(ln.sf)
            pending = []
            i += 1
            continue
        if (_GROUP.match(ln.sf) or re.match(r"^\|\s+[a-z]", ln.sf)) and not find_percentages(ln.sf):
            pending = []
            i += 1
            continue
        if re.fullmatch(r"\d{1,2}", ln.sf.strip()):  # a row laid out one cell per line …
            j = i + 1
            while j < len(lines) and not re.fullmatch(r"\d{1,2}", lines[j].sf.strip()) and \
                    not _header_line(lines[j]) and j - i < 16:
                j += 1
            cells = lines[i:j]
            if sum(1 for c in cells if len(c.words) <= 2 and _row_values(c, 0)[0]) >= 2:
                fact = _vertical_target(doc, kind, cells, list(dict.fromkeys(years)))
                if fact is not None:
                    out.append(fact)
                pending = []
                i = j
                continue
            i += 1  # … or a page number
            continue
        num = _row_number(ln)
        if num is None:
            pending.append(ln)
            i += 1
            continue
        cut = next((k for k in range(len(pending) - 1, -1, -1)
                    if pending[k].raw.strip()[:1].isupper() and
                    _validity(search_form(_text_part(pending[k])[0]).split()) >= 0.6 and
                    _text_part(pending[k])[1] >= 2), len(pending))
        if rows:
            rows[-1][2].extend(pending[:cut])
        rows.append((pending[cut:], ln, [], group_year))
        pending = []
        i += 1
    if rows:
        rows[-1][2].extend(pending)
    cols = list(dict.fromkeys(years))
    counts = [len(_row_values(a, _body_start(a))[0]) for _, a, _, _ in rows]
    if len(cols) == 2 and cols[1] - cols[0] == 20 and counts and \
            max(set(counts), key=counts.count) == 5:
        cols = list(range(cols[0], cols[1] + 1, 5))  # the header lost its middle years
    for head, anchor, tail, gyear in rows:
        fact = _target_row(doc, kind, head, anchor, tail, cols, gyear)
        if fact is not None:
            out.append(fact)
    return out


def _map_years(vals: list[tuple[str, str]], cols: list[int],
               gyear: int | None) -> dict[str, tuple[str, str]] | None:
    real = [v for v in vals if v[1] != "-"]
    if len(vals) == len(cols) and len(cols) >= 2:
        return {str(y): v for y, v in zip(cols, vals, strict=True)}
    if len(cols) == 2 and len(vals) > 2 and cols[1] - cols[0] == 5 * (len(vals) - 1):
        step = 5  # "2025 … 2045" in the header, five value columns: the 5-year stages
        return {str(cols[0] + step * i): v for i, v in enumerate(vals)}
    if len(real) == 1 and len(vals) == 1 and gyear is not None:
        return {str(gyear): vals[0]}
    return None  # the values do not fit the year columns


def _target_fact(doc: Document, seg: Segment, indicator: str, mapping: dict[str, tuple[str, str]],
                 agencies: list[AgencyMatch]) -> Fact | None:
    real = [v for v in mapping.values() if v[1] != "-"]
    if not real:
        return None
    pct = [v for v in real if v[1].endswith("%")]
    if pct and len(pct) != len(real):
        return None
    indicator = _clean(_readable(_readable_part(indicator)))
    indicator = re.sub(r"(?:\s+[^\w\s]*\w?[^\w\s]*)+$", "", indicator).strip(" ,;|'")
    indicator = re.sub(r"^[^\w(]+", "", indicator)
    isf = search_form(indicator)
    nums = [float(v.rstrip("%").replace(",", ".")) for _, v in real]
    if pct and any(n > 100 for n in nums) and not re.search(r"\btang\b", isf):
        return None  # "≥30%" read as "230%": garbled
    words = isf.split()
    if len(words) < 3 or _validity(words) < 0.75:
        return None
    values = {y: (f"{c} {v}" if c else v) for y, (c, v) in mapping.items() if v != "-"}
    comparisons = {c for c, v in mapping.values() if v != "-"}
    comparison = comparisons.pop() if len(comparisons) == 1 else ""
    names = _names(agencies)
    lead = names[:1] if names and names[0] not in COLLECTIVE else []
    support = [n for n in names if n not in lead]
    return _fact(doc, seg, "target", indicator[:1].upper() + indicator[1:220], lead=lead,
                 support=support[:3], unit="%" if pct else "", values=values,
                 comparison=comparison)


def _target_row(doc: Document, kind: str | None, head: list[_Line], anchor: _Line,
                tail: list[_Line], cols: list[int], gyear: int | None) -> Fact | None:
    start = _body_start(anchor)
    vals, first, last = _row_values(anchor, start)
    if not vals or vals[0][1] == "-":
        return None
    mapping = _map_years(vals, cols, gyear)
    if mapping is None:
        return None
    own, _ = _text_part(anchor, start)
    own = own or anchor.raw_words(start, first)
    own_sf = search_form(own).split()
    shown = re.sub(r"\([^()]*\)", "", _readable(own.replace("|", " ")))
    if not own_sf or _GARBLED.search(shown) or \
            any(len(re.findall(r"[^\w\s,;:]", w)) >= 2 for w in shown.split()) or \
            _validity(own_sf, near=True) < 0.75:
        return None  # the numbered line's own text is debris: the row is not readable
    if len([w for w in own_sf if w.isalpha() and len(w) > 1 and w in syllables()]) < 2 and \
            syllables():
        return None
    # the lines below the numbered one continue its text until one opens a new indicator
    below: list[_Line] = []
    for t in tail[:4]:
        part = _text_part(t)[0]
        if part[:1].isupper() and _text_part(t)[1] >= 2 and not _is_fragment(part):
            break
        below.append(t)
    parts = [_text_part(h)[0] for h in head] + [own]
    parts += [p for p in (_text_part(t)[0] for t in below) if p and not _is_fragment(p)]
    indicator = _readable_part(" ".join(p for p in parts if p))
    if not indicator[:1].isupper():
        return None  # the indicator's first words are unreadable
    ags = [a for a in _agencies(anchor, kind) if anchor.word_at(a.start) > last]
    for t in below[:2]:
        ags += [a for a in _agencies(t, kind) if t.word_at(a.start) >= _text_part(t)[1]]
    return _target_fact(doc, anchor.seg, " ".join(p for p in parts if p), mapping, ags)


def _vertical_target(doc: Document, kind: str | None, cells: list[_Line],
                     cols: list[int]) -> Fact | None:
    """"16" / "Tỷ lệ …" / "100%" / "100%" / … / "Phòng VHXH": one cell per line."""
    text: list[str] = []
    vals: list[tuple[str, str]] = []
    ags: list[AgencyMatch] = []
    for ln in cells[1:]:
        v, _, _ = _row_values(ln, 0)
        if v and len(ln.words) <= 2:
            vals += v
            continue
        found = _agencies(ln, kind)
        if found and found[0].start == 0:
            ags += found
            continue
        if vals:
            break
        text.append(ln.raw)
    mapping = _map_years(vals, cols, None) if vals else None
    if mapping is None:
        return None
    return _target_fact(doc, cells[0].seg, " ".join(text), mapping, ags)


# --------------------------------------------------------------------------------------


def _full_headings(segments: list[Segment]) -> dict[str, str]:
    """Heading paths keep headings cut short (`short_heading`); the heading's own segment has the
    whole text ("… 5 NĂM GIAI ĐOẠN 2026-2030"), which is where a target section's year is."""
    out: dict[str, str] = {}
    for seg in segments:
        first = " ".join(seg.text.split())
        out.setdefault(short_heading(first), first[:240])
    return out


def extract_facts(doc: Document, segments: list[Segment]) -> list[Fact]:
    """Every task, duty and target the plan states with confidence, in reading order."""
    from corpus.lexicon import is_clean

    token = _CLEAN.set(is_clean(" ".join(s.text for s in segments[:40])))
    try:
        return _extract(doc, segments)
    finally:
        _CLEAN.reset(token)


def _extract(doc: Document, segments: list[Segment]) -> list[Fact]:
    headings = _full_headings(segments)
    facts: list[Fact] = []
    for seg in segments:
        if seg.kind == "row":
            continue
        if seg.heading_path[:1] == ["Nơi nhận, người ký"]:
            continue
        task = _task_from_fields(doc, seg)
        if task is not None:
            facts.append(task)
            continue
        duty = _duty(doc, seg, headings)
        if duty is not None:
            facts.append(duty)
        facts += _task_from_prose(doc, seg)
        facts += _prose_targets(doc, seg, headings)
    for kind, segs in _tables(segments):
        lines = _stream(segs)
        facts += _table_tasks(doc, lines) if kind == "task" else _table_targets(doc, lines)
    order = {s.id: s.order for s in segments}
    seen: set[str] = set()
    out = []
    for f in sorted(facts, key=lambda f: order.get(f.segment_id, 0)):
        if f.id not in seen:
            seen.add(f.id)
            out.append(f)
    return out
