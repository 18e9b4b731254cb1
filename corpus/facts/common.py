"""What every fact reader shares: the fact constructor, OCR-aware line reading (junk and
validity of words), deadline phrases shown with their marks, full heading texts."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass

from corpus.agencies import AgencyMatch, find_agencies
from corpus.lexicon import syllables
from corpus.models import Document, Fact, Segment, content_id
from corpus.normalize import nfc, search_form
from corpus.segment import short_heading

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
    gets its reading copy (`corpus.reading`), decided once per plan rather than per snippet
    (a short OCR snippet can pass for typed Vietnamese)."""
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


# --------------------------------------------------------------------------------------


def _full_headings(segments: list[Segment]) -> dict[str, str]:
    """Heading paths keep headings cut short (`short_heading`); the heading's own segment has the
    whole text ("… 5 NĂM GIAI ĐOẠN 2026-2030"), which is where a target section's year is."""
    out: dict[str, str] = {}
    for seg in segments:
        first = " ".join(seg.text.split())
        out.setdefault(short_heading(first), first[:240])
    return out


_PIECE = re.compile(r"\s*;\s*|\s*,\s*(?=(?:[A-ZĐ]|[Cc]ác\s))|(?<![Cc]ác)\s+(?=(?:Sở|Các sở|UBND)\b)")
_YEAR_IN = re.compile(r"\b(?:den|nam|toi|giai doan \d{4} ?- ?)\s*(?:het )?(?:nam )?(20[2-5]\d)\b")


def cell_agencies(cell: str, kind: str | None) -> list[str]:
    """The agencies one lead/coordinating cell names. The column says the cell holds
    agencies, so a name the agency reader does not know is kept as the plan writes it;
    pieces are cut at ";", at ", " before a capital or "các", and between two names side by
    side (a cell that wrapped two names onto one line)."""
    out: list[str] = []
    pieces = [p.strip(" .;,") for p in _PIECE.split(cell) if p and p.strip(" .;,")]
    i = 0
    while i < len(pieces):
        piece = pieces[i]
        # a name with a comma in it ("Sở Văn hóa, Thể thao và Du lịch") stays whole
        if i + 1 < len(pieces):
            joined = f"{piece}, {pieces[i + 1]}"
            whole = find_agencies(search_form(joined), kind)
            if len(whole) == 1 and whole[0].end - whole[0].start > len(search_form(piece)) + 2:
                piece, i = joined, i + 1
        found = find_agencies(search_form(piece), kind)
        if found:
            out += [a.name for a in found]
        elif piece[:1].isupper() and 1 <= len(piece.split()) <= 10:
            out.append(piece)
        i += 1
    return list(dict.fromkeys(out))
