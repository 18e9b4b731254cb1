"""Values and deadlines as the plans write them, read once for the fact extractor
(`corpus.facts`) and the answers (`intents.extract`).

Everything reads the search form (folded, OCR-repaired), so a typed DOCX and an OCR scan
are read alike.

- Values: percentages with their comparison ("tối thiểu 30%", "trên 85%", "khoảng 9-10%
  GRDP", "từ 30% trở lên", ">= 80%"), money ("72 triệu đồng/người/năm"), "10 người trên
  một vạn dân", and the numbers in the year columns of a target table. OCR reads "≥" as
  "2": "=230%" is "≥30%" (`Quantity.repaired` says the value was read that way).
- Deadlines: time expressions in a clause (`find_timex`: dates, "trước ngày 15/6",
  months, "Quý III/2025", years, "giai đoạn 2026-2030", "thường xuyên", "định kỳ 6 tháng",
  "sau khi …"), and a deadline as written normalised to a kind and the ISO date of its
  last day (`normalise_deadline`). In a deadline field ("Thời gian: …", a table's deadline
  cell) weaker cues count too ("theo lộ trình", "liên tục", "đến 2026", a lone "2025");
  in prose they are ordinary words.
- Report deadlines: "báo cáo 6 tháng (trước ngày 15/6) và hằng năm (trước ngày 10/12)".
"""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date

from corpus.lexicon import syllable_pairs
from corpus.normalize import search_form

# --------------------------------------------------------------------------------------
# Values
# --------------------------------------------------------------------------------------

# comparison as written -> (symbol shown, the plan's own word)
_CMP = {
    "tu": ("≥", "từ … trở lên"), "tren": (">", "trên"), "toi thieu": ("≥", "tối thiểu"),
    "it nhat": ("≥", "ít nhất"), "khoang": ("khoảng", "khoảng"), "duoi": ("<", "dưới"),
    "toi da": ("≤", "tối đa"), ">": (">", ">"), ">=": ("≥", "≥"), "≥": ("≥", "≥"),
    "<": ("<", "<"), "<=": ("≤", "≤"), "≤": ("≤", "≤"),
}
_CMP_WORD = r"tu|tren|duoi|t\wi th\w{1,3}u|it nhat|khoang|toi da|dat"
_PCT = re.compile(
    rf"(?:(?P<cmp>\b(?:{_CMP_WORD})\b|>=|<=|[<>=≥≤])(?:\s+dat)?\s*)?"
    r"(?P<num>\d{1,3}(?:[.,]\d+)?(?:\s*-\s*\d{1,3}(?:[.,]\d+)?)?)\s*(?:%|phan tram)"
    r"(?P<per>/nam)?(?P<of>\s+(?:gdp|grdp)\b)?(?:\s*tr\w (?P<dir>len|xuong)\b)?")
_MONEY = re.compile(rf"(?P<cmp>\b(?:{_CMP_WORD})\b\s*)?(?P<num>\d{{1,4}}(?:[.,]\d+)?) "
                    r"trieu dong(?P<per>/ng\w{2,4}/n\w{1,2}m|/ng\w{2,4}|/nam)?")
_PER_CAPITA = re.compile(r"(?P<num>\d{1,3}) nguoi tren (?:mot|01|1) van dan")
# a table row whose "%" stands in the unit column before its values ("% | - | 80 | 90")
_UNIT_COLUMN = re.compile(r"%\s*(?:-\s*)?(?P<cmp>(?:>=|<=|[<>≥≤=])\s*)?(?P<num>\d{1,3})"
                          r"(?![\d%/.,])")
# one cell of a target table's year columns: "≥30%", ">15", "100", "0,6"
_CELL = re.compile(r"^(?P<cmp>>=|<=|[<>≥≤])?(?P<num>\d{1,3}(?:[.,]\d{1,2})?)(?P<pct>%)?[|,;]?$")
_BARE_NUMBER = re.compile(r"(?<![\w/.,%])(?P<cmp>(?:>=|<=|[<>≥≤])\s*)?"
                          r"(?P<num>\d{1,5}(?:[.,]\d+)?)(?![\w/%.])")
_CELL_GAP = re.compile(r"^[\s|,;:]*$")


@dataclass(frozen=True)
class Quantity:
    """A value as a plan states it, with where it stands in the search form."""

    text: str  # as matched
    number: str  # "30", "9-10", "72"
    start: int
    end: int
    sym: str = ""  # "≥", ">", "<", "≤", "khoảng" or ""
    comparison: str = ""  # the plan's word: "tối thiểu", "từ … trở lên", "trên" …
    unit: str = "%"  # "%", "% GDP", "%/năm", "triệu đồng/người/năm", "người/vạn dân", ""
    repaired: bool = False  # "=230%" read as "≥30%"

    @property
    def display(self) -> str:
        """Compact, for a headline: "≥30%", "khoảng 9-10% GRDP", "72 triệu đồng/người/năm"."""
        sym = f"{self.sym} " if self.sym == "khoảng" else self.sym
        return f"{sym}{self._amount()}"

    @property
    def shown(self) -> str:
        """Spaced, for a facts table: "≥ 30%", "khoảng 9-10% GRDP"."""
        return f"{self.sym} {self._amount()}" if self.sym else self._amount()

    def _amount(self) -> str:
        if not self.unit or self.unit.startswith("%"):
            return f"{self.number}{self.unit}"
        return f"{self.number} {self.unit}"


def _comparison(word: str) -> tuple[str, str]:
    word = word.strip()
    if re.fullmatch(r"t\wi th\w{1,3}u", word):
        word = "toi thieu"
    return _CMP.get(word, ("", ""))


def _percent(text: str, num: str, start: int, end: int, cmp_word: str, unit: str = "%",
             direction: str = "") -> Quantity:
    """A percentage; "230%" cannot be a share: OCR read "≥" as "2" ("=230%" is "≥30%")."""
    sym, comparison = _comparison(cmp_word)
    if direction == "len":
        sym, comparison = "≥", "từ … trở lên"
    elif direction == "xuong":
        sym, comparison = "≤", "trở xuống"
    digits = num.replace(",", ".")
    if (sym in ("", ">", "≥") and re.fullmatch(r"2\d\d", num) and float(digits) > 100):
        return Quantity(text, num[1:], start, end, "≥", "≥", unit, repaired=True)
    return Quantity(text, num, start, end, sym, comparison, unit)


def find_percentages(sf: str, table_row: bool = False) -> list[Quantity]:
    """Percentages in a search-form text; in a table row whose values carry no "%" of their
    own, the values after a "%" unit column."""
    if table_row and not _PCT.search(sf):
        out = [_percent(m.group(0), m.group("num"), m.start(), m.end(), m.group("cmp") or "")
               for m in _UNIT_COLUMN.finditer(sf)]
        if out:
            return out
    out = []
    for m in _PCT.finditer(sf):
        of = (m.group("of") or "").strip().upper()
        unit = "%" + (f" {of}" if of else "") + ("/năm" if m.group("per") else "")
        num = re.sub(r"\s+", "", m.group("num"))
        cmp_word = m.group("cmp") or ""
        if cmp_word in ("tu", "tren") and _word_before(sf, m.start()) is not None and (
                _word_before(sf, m.start()), cmp_word) in syllable_pairs():
            cmp_word = ""  # "điện tử 95%", "đầu tư 3%": a word, not "từ"
        out.append(_percent(m.group(0), num, m.start(), m.end(), cmp_word, unit,
                            m.group("dir") or ""))
    return out


def _word_before(sf: str, at: int) -> str | None:
    m = re.search(r"([a-z]+)\s*$", sf[:at])
    return m.group(1) if m else None


def find_amounts(sf: str) -> list[Quantity]:
    """Money ("tối thiểu 72 triệu đồng/người/năm") and "10 người trên một vạn dân"."""
    out = []
    for m in _MONEY.finditer(sf):
        per = m.group("per") or ""
        per = re.sub(r"/ng\w{2,4}", "/người", re.sub(r"/n\w{1,2}m$", "/năm", per))
        sym, comparison = _comparison(m.group("cmp") or "")
        out.append(Quantity(m.group(0), m.group("num"), m.start(), m.end(), sym, comparison,
                            "triệu đồng" + per))
    if not out:
        out = [Quantity(m.group(0), m.group("num"), m.start(), m.end(), unit="người/vạn dân")
               for m in _PER_CAPITA.finditer(sf)]
    return out


# ---- counts: "58 trạm", "ít nhất 20 tập dữ liệu", "tối thiểu một lần/năm" ----------------------

# number words a count may be written with ("năm" is left out: it is the year far more often)
_NUMBER_WORDS = {"mot": "1", "hai": "2", "ba": "3", "bon": "4", "sau": "6", "bay": "7",
                 "tam": "8", "chin": "9", "muoi": "10"}
# nouns after a number that make it a time, an age, a code or a rank, not a count of things
_NOT_UNIT = frozenset(re.findall(r"\w+", "nam thang ngay quy tuan gio phut giay tuoi thu so diem "
                                 "kh qd nq ctr ubnd cp ttg tw bct hdnd nd tt"))
# words in front of a number that make it a name or a reference ("Đề án 06", "năm 2030")
_NOT_COUNT_BEFORE = frozenset(re.findall(r"\w+", "nam ngay thang quy so an dinh quyet nghi muc dieu "
                                         "khoan luc thu chi giai doan tu den hang"))
_COUNT = re.compile(
    rf"(?:(?P<cmp>\b(?:{_CMP_WORD})\b)\s+)?"
    rf"(?P<num>\b\d{{1,3}}(?:\.\d{{3}})*\b|\b(?:{'|'.join(_NUMBER_WORDS)})\b)"
    r"\s+(?P<unit>[a-z]+)(?P<more>(?: [a-z]+){0,2})(?P<per>/(?:nam|thang|quy|tuan|ngay|nguoi|xa|"
    r"phuong|don vi))?")


def _unit_words(head: str, more: list[str]) -> list[str]:
    """The counted noun: its head ("trạm") and a compound joined to it ("kịch bản") or after
    it ("tập dữ liệu"), as the word list pairs syllables."""
    pairs = syllable_pairs()
    unit = [head]
    if len(more) >= 2 and (head, more[0]) not in pairs and (more[0], more[1]) in pairs:
        return unit + more[:2]  # "tập" + "dữ liệu"
    for w in more:  # "kịch bản", "hộ gia đình"
        if (unit[-1], w) not in pairs:
            break
        unit.append(w)
    return unit


def find_counts(sf: str, need_cmp: bool = False, start: int = 0) -> list[Quantity]:
    """Counts of things with their unit: "58 trạm", "ít nhất 20 tập dữ liệu", "tối thiểu
    05 kịch bản", "tối thiểu một lần/năm". Not years, dates, ages, codes or numbered names
    ("năm 2030", "Đề án 06", "15 tuổi", "6 tháng"). A number written as a word counts only
    after a comparison ("tối thiểu một lần"); `need_cmp`: every count needs one; `start`:
    where in `sf` to begin."""
    out = []
    for m in _COUNT.finditer(sf, start):
        num, cmp_word = m.group("num"), m.group("cmp") or ""
        if cmp_word == "dat":
            cmp_word = ""
        worded = num in _NUMBER_WORDS
        if (worded or need_cmp) and not cmp_word:
            continue
        if not cmp_word and _word_before(sf, m.start()) in _NOT_COUNT_BEFORE:
            continue
        if re.match(r"[/\-.,]\d|%", sf[m.end("num"):m.end("num") + 2].strip()):
            continue
        if re.search(r"[/\-]\s*$", sf[:m.start("num")]):
            continue  # "2026 - 2030 tỉnh", "57-NQ/TW"
        head = m.group("unit")
        if head in _NOT_UNIT or head == "phan" or (not worded and re.fullmatch(r"(?:19|20)\d\d",
                                                                                num)):
            continue
        unit = " ".join(_unit_words(head, (m.group("more") or "").split()))
        per = m.group("per") or ""
        sym, comparison = _comparison(cmp_word)
        number = _NUMBER_WORDS.get(num, num.lstrip("0") or "0")
        end = m.start("unit") + len(unit) if not per else m.end()
        out.append(Quantity(sf[m.start():end], number, m.start(), end, sym, comparison,
                            unit + _vn_per(per)))
    return out


def _vn_per(per: str) -> str:
    return "/" + _vn(per[1:]) if per else ""


# a level with its comparison and no unit: "duy trì trên 0,7" (an index, HDI, PCI)
_LEVEL = re.compile(rf"(?P<cmp>\b(?:{_CMP_WORD})\b)\s+(?P<num>\d{{1,2}},\d{{1,3}})(?![\d%]|\s*(?:%|phan tram|"
                    r"trieu|ty|nghin|[a-z]))")


def find_levels(sf: str) -> list[Quantity]:
    """Index levels a plan sets with a comparison: "HDI duy trì trên 0,7", "tối thiểu 0,65"."""
    out = []
    for m in _LEVEL.finditer(sf):
        sym, comparison = _comparison(m.group("cmp"))
        if sym:
            out.append(Quantity(m.group(0), m.group("num"), m.start(), m.end(), sym, comparison,
                                ""))
    return out


def cell_value(word: str) -> tuple[str, str, bool] | None:
    """(comparison symbol, number, has "%") of one table cell, or None."""
    m = _CELL.match(word)
    if not m:
        return None
    return _symbol(m.group("cmp") or ""), m.group("num"), bool(m.group("pct"))


def _symbol(cmp_: str) -> str:
    return {">=": "≥", "<=": "≤"}.get(cmp_, cmp_)


def row_numbers(sf: str, rate: bool) -> list[Quantity]:
    """Bare numbers in the year columns of a target-table row ("| 100 | 100 | >30 |"): the
    longest run of number-only cells after the row's text. `rate`: the indicator is a
    "tỷ lệ", so the numbers are percentages."""
    first_word = re.search(r"[a-z]{2,}", sf)
    if not first_word:
        return []
    runs: list[list[re.Match]] = []
    for m in _BARE_NUMBER.finditer(sf, first_word.end()):
        if runs and _CELL_GAP.match(sf[runs[-1][-1].end():m.start()]):
            runs[-1].append(m)
        else:
            runs.append([m])
    run = max(runs, key=len, default=[])
    if len(run) < 2:
        return []
    out = []
    for m in run:
        cmp_ = (m.group("cmp") or "").strip()
        if rate:
            out.append(_percent(m.group(0), m.group("num"), m.start(), m.end(), cmp_))
        else:
            sym = _symbol(cmp_)
            out.append(Quantity(m.group(0), m.group("num"), m.start(), m.end(), sym, sym, ""))
    return out


# --------------------------------------------------------------------------------------
# Deadlines and other time expressions
# --------------------------------------------------------------------------------------

_ROMAN_Q = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_THANG = r"th\w{1,2}ng"  # tháng, and the OCR's "theng", "thong"
# pattern pieces, shared with the table reader's deadline-cell detector (corpus.facts)
DMY = r"(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})"
MONTH = rf"(?:{_THANG}|t) ?(\d{{1,2}}) ?(?:nam |/ ?)(20\d\d)"
QUARTER = r"qu[yi] (iv|iii|ii|i|[1-4])\b ?(?:nam |[/-] ?)?(20\d\d)"
RANGE = r"(20\d\d) ?- ?(20\d\d)"
ONGOING = r"thuong xuyen|lien tuc"

_TIMEX: list[tuple[str, re.Pattern[str]]] = [(k, re.compile(p)) for k, p in (
    ("date", rf"\bngay (\d{{1,2}}) {_THANG} (\d{{1,2}}) nam (\d{{4}})\b"),
    ("date", rf"\b(?:ngay )?{DMY}\b"),
    ("before", r"\b(truoc|tu|den het) ngay (\d{1,2})/(\d{1,2})(?:/(\d{4}))?\b"
               r"(?:\s*(?:va|,)\s*(?:ngay )?(\d{1,2})/(\d{1,2})\b(?!/))?"
               r"(?: (hang nam|hang quy|moi nam))?"),
    # "trước ngày 20 hằng tháng": a day of every month (or quarter)
    ("before", r"\b(truoc|tu|den het) ngay (\d{1,2}) (hang thang|moi thang|hang quy)\b"),
    ("quarter", rf"\b{QUARTER}\b"),
    ("month", rf"\b{MONTH}\b"),
    ("half", r"\b(6|sau) thang dau nam (20\d\d)\b"),
    ("range", rf"\b(?:giai doan )?{RANGE}\b"),
    ("year", r"\b(?:trong |den |truoc |tu )?nam (20\d\d)(?: va (?:nhung|cac) nam tiep theo)?\b"),
    ("recurring",
     r"\b(thuong xuyen|hang (?:nam|quy|thang|tuan)|moi nam|"
     r"dinh ky(?: (?:\d+|ba|sau) thang| hang (?:nam|quy|thang))?|"
     r"(?:\d+|ba|sau) thang(?:, (?:\d+|ba|sau) thang)*(?:,? (?:va |hoac )?(?:1|mot) nam)?)"),
    ("condition", r"\b(sau khi [^.;:]{4,70}|theo (?:tien do|du an|ke hoach) [^.;:]{3,60})"),
)]
# in a deadline field: cues that in prose are ordinary words
_FIELD_TIMEX: list[tuple[str, re.Pattern[str]]] = [(k, re.compile(p)) for k, p in (
    ("year", r"\b(?:den|truoc) (20\d\d)\b"),
    ("recurring", r"\b(?:(?:nhung|cac) nam tiep theo|lien tuc)\b"),
    ("condition", r"\b(?:sau khi|theo (?:tien do|du an|ke hoach|lo trinh|yeu cau|huong dan)|"
                  r"khi co (?:yeu cau|huong dan))\b"),
)]


@dataclass(frozen=True)
class Timex:
    kind: str  # date | before | month | half | quarter | range | year | recurring | condition
    text: str  # as written (search form)
    start: int
    end: int
    display: str

    @property
    def deadline(self) -> tuple[str, str | None] | None:
        """(deadline kind, ISO date of its last day) — see `normalise_deadline` — or None
        when the expression is no deadline ("6 tháng" alone is a length of time)."""
        return _deadline(self)

    @property
    def span(self) -> tuple[date, date] | None:
        """First and last day of a dated expression ("tháng 12/2025" -> 1/12 … 31/12/2025)."""
        dl = self.deadline
        if dl is None or dl[1] is None:
            return None
        end = date.fromisoformat(dl[1])
        first_year = int(re.findall(r"20\d\d", self.text)[0]) if self.kind == "range" else end.year
        start = {"month": end.replace(day=1), "quarter": date(end.year, end.month - 2, 1),
                 "half": date(end.year, 1, 1), "year": date(end.year, 1, 1),
                 "range": date(first_year, 1, 1)}.get(self.kind, end)
        return start, end


_BEFORE_WORD = {"truoc": "trước ngày", "tu": "từ ngày", "den het": "đến hết ngày"}
_ROMAN_SHOWN = {"i": "I", "ii": "II", "iii": "III", "iv": "IV", "1": "I", "2": "II", "3": "III",
                "4": "IV"}
_VN = {
    "thuong xuyen": "thường xuyên", "hang nam": "hằng năm", "hang quy": "hằng quý",
    "hang thang": "hằng tháng", "hang tuan": "hằng tuần", "moi nam": "mỗi năm",
    "dinh ky": "định kỳ", "thang": "tháng", "nam": "năm", "sau khi": "sau khi", "mot": "một",
    "hoac": "hoặc", "va": "và", "lien tuc": "liên tục",
    "cuoi nam": "cuối năm",
}


def _vn(text: str) -> str:
    out = text
    for k, v in sorted(_VN.items(), key=lambda kv: -len(kv[0])):
        out = re.sub(rf"\b{k}\b", v, out)
    return out


def _display(kind: str, m: re.Match) -> str:
    g = m.groups()
    if kind == "date":
        return f"{int(g[0])}/{int(g[1])}/{g[2]}"
    if kind == "before" and len(g) == 3:
        return f"{_BEFORE_WORD[g[0]]} {int(g[1])} {_vn(g[2])}"
    if kind == "before":
        year = f"/{g[3]}" if g[3] else ""
        second = f" và {int(g[4])}/{int(g[5])}" if g[4] else ""
        every = f" {_vn(g[6])}" if g[6] else ""
        return f"{_BEFORE_WORD[g[0]]} {int(g[1])}/{int(g[2])}{year}{second}{every}"
    if kind == "quarter":
        return f"Quý {_ROMAN_SHOWN.get(g[0], g[0].upper())}/{g[1]}"
    if kind == "month":
        return f"tháng {int(g[0])}/{g[1]}"
    if kind == "half":
        return f"6 tháng đầu năm {g[1]}"
    if kind == "range":
        return f"giai đoạn {g[0]}-{g[1]}"
    if kind == "year" and g:
        if "tiep theo" in m.group(0):
            return f"năm {g[0]} và những năm tiếp theo"
        return f"năm {g[0]}"
    return _vn(m.group(0).strip())


def find_timex(sf: str, field: bool = False) -> list[Timex]:
    """Time expressions in a search-form text, left to right, without overlaps (the more
    specific pattern wins). `field`: the text is a deadline field (see the module doc)."""
    taken: list[tuple[int, int]] = []
    out: list[Timex] = []
    for kind, rx in _TIMEX + (_FIELD_TIMEX if field else []):
        for m in rx.finditer(sf):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            taken.append((s, e))
            out.append(Timex(kind, m.group(0), s, e, _display(kind, m)))
    return sorted(out, key=lambda t: t.start)


def _month_end(y: int, mo: int) -> str:
    return date(y, mo, calendar.monthrange(y, mo)[1]).isoformat()


def _valid(y: int, mo: int, d: int) -> str | None:
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return None


def _deadline(t: Timex) -> tuple[str, str | None] | None:
    nums = [int(x) for x in re.findall(r"\d+", t.text)]
    if t.kind == "date":
        d, mo, y = (nums[-3:] if len(nums) >= 3 else (0, 0, 0))
        return "date", _valid(y, mo, d)
    if t.kind == "before":
        dated = re.search(r"(\d{1,2})/(\d{1,2})/(\d{4})", t.text)
        return ("date", _valid(int(dated.group(3)), int(dated.group(2)), int(dated.group(1)))) \
            if dated else ("recurring", None)
    if t.kind == "month":
        mo, y = nums[-2:]
        return ("month", _month_end(y, mo)) if 1 <= mo <= 12 else None
    if t.kind == "half":
        return "month", _month_end(nums[-1], 6)
    if t.kind == "quarter":
        q = re.search(r"qu[yi] (iv|iii|ii|i|[1-4])\b", t.text).group(1)  # type: ignore[union-attr]
        return "quarter", _month_end(nums[-1], (_ROMAN_Q.get(q) or int(q)) * 3)
    if t.kind == "range":
        return "range", date(nums[-1], 12, 31).isoformat()
    if t.kind == "year":
        if "tiep theo" in t.text:
            return "ongoing", None
        return "year", date(nums[-1], 12, 31).isoformat()
    if t.kind == "recurring":
        if re.match(rf"(?:{ONGOING})\b|(?:nhung|cac) nam tiep theo", t.text):
            return "ongoing", None
        if re.match(r"(?:\d+|ba|sau) thang", t.text):
            return None  # "6 tháng": a length of time, not a rhythm
        return "recurring", None
    return "condition", None


# the order in which a deadline field is read: a date before a month … before a lone year
_PRIORITY = ["date", "month", "quarter", "ongoing-tail", "recurring", "ongoing", "condition",
             "range", "year"]


def _rank(t: Timex, dl: tuple[str, str | None]) -> int:
    kind = dl[0]
    if kind == "ongoing" and "tiep theo" in t.text:
        kind = "ongoing-tail"
    return _PRIORITY.index(kind)


def normalise_deadline(text: str) -> tuple[str, str | None]:
    """(kind, ISO date of the deadline's last day) for a deadline as written.

    Kinds: date, month, quarter, year, range (the last year of "2025-2030"), recurring
    ("hằng năm", "định kỳ 6 tháng", "trước ngày 15/6" without a year), ongoing ("thường
    xuyên", "năm 2025 và những năm tiếp theo"), condition ("sau khi thành phố ban hành",
    "theo tiến độ dự án"); "" when the text holds no deadline.
    """
    sf = search_form(text)
    read = [(t, dl) for t in find_timex(sf, field=True) if (dl := t.deadline) is not None]
    if read:
        return min(read, key=lambda r: _rank(*r))[1]
    m = re.fullmatch(r"\D*\b(20\d\d)\b\D*", sf)  # a lone year in a deadline cell
    if m:
        return "year", date(int(m.group(1)), 12, 31).isoformat()
    return "", None


# ---- report deadlines ---------------------------------------------------------------------

_PERIOD = r"\d{1,2} th\w{1,2}ng|hang (?:nam|quy|thang)"
_REPORT = re.compile(rf"(?P<period>{_PERIOD}|(?:01|1) nam|cuoi nam)?\s*\(?\s*tr\w{{2,4}} ng\w{{1,2}}y ")
# the dates after "trước ngày": "15/6", "01/6 và 15/11", "15/6/2025"; or a day of every month
_REPORT_DATE = re.compile(r"(?P<day>\d{1,2})/(?P<month>\d{1,2})(?:/(?P<year>20\d\d))?\b(?!/)")
_REPORT_AND = re.compile(r"\s*(?:va|,)\s*(?:ngay\s*)?")
_REPORT_MONTHLY = re.compile(r"(?P<day>\d{1,2}) (?P<period>hang thang|moi thang|hang quy)\b")
_PERIOD_AFTER = re.compile(r"\s*(?P<period>hang nam|hang quy|hang thang|moi nam)\b")
PERIODIC = re.compile(
    r"\b[dpb]\w?inh ky\s+((?:(?:hang |moi )?(?:\d{1,2} thang|\d{1,2} nam|nam|quy|thang|tuan)"
    r"(?:/lan)?[ ,]*(?:va |hoac )?)+)")


def period_key(period: str) -> str:
    """One key per reporting period: "6 thang"/"sau thang", "hang nam"/"01 nam"/"cuoi nam"."""
    p = period.strip()
    m = re.fullmatch(r"(\d{1,2}|sau|ba|mot) thang", p)
    if m:
        n = {"sau": 6, "ba": 3, "mot": 1}.get(m.group(1)) or int(m.group(1))
        return f"{n} thang"
    if re.fullmatch(r"(?:hang )?quy", p):
        return "3 thang"
    if re.fullmatch(r"hang thang", p):
        return "1 thang"
    return "nam" if re.fullmatch(r"hang nam|cuoi nam|(?:mot|1|01) nam|nam", p) else p


@dataclass(frozen=True)
class ReportDeadline:
    period: str  # search form: "6 thang", "hang nam", "" when the text names none
    day: int
    month: int  # 0: every month ("trước ngày 20 hằng tháng")
    year: int | None  # None: every year

    @property
    def key(self) -> str:
        return period_key(self.period)

    @property
    def period_shown(self) -> str:
        return _vn(self.period)

    @property
    def day_month(self) -> str:
        """"15/6", "15/6/2025", or "20 hằng tháng" for a day of every month (`month` 0)."""
        if not self.month:
            return f"{self.day} {self.period_shown}"
        return f"{self.day}/{self.month}" + (f"/{self.year}" if self.year else "")


@functools.lru_cache(maxsize=4096)
def report_deadlines(text: str, is_search_form: bool = False) -> tuple[ReportDeadline, ...]:
    """The "trước ngày dd/mm" deadlines of the reports a text asks for, with their period
    ("báo cáo 6 tháng (trước ngày 15/6)", "hằng năm: trước ngày 10/12", "trước ngày 01/6 và
    15/11 hằng năm", "trước ngày 20 hằng tháng")."""
    out = []
    sf = text if is_search_form else search_form(text)
    for m in _REPORT.finditer(sf):
        period = m.group("period") or ""
        if not period:  # "Định kỳ hằng năm trước ngày 30/11", "hằng năm: trước ngày 10/12"
            pm = re.search(rf"({_PERIOD})[\s:]*$", sf[max(0, m.start() - 30):m.start()])
            period = pm.group(1) if pm else ""
        monthly = _REPORT_MONTHLY.match(sf, m.end())
        if monthly:
            out.append(ReportDeadline(monthly.group("period"), int(monthly.group("day")), 0, None))
            continue
        dates: list[re.Match] = []
        pos = m.end()
        while (d := _REPORT_DATE.match(sf, pos)) is not None:
            dates.append(d)
            sep = _REPORT_AND.match(sf, d.end())
            pos = sep.end() if sep else len(sf) + 1
        if not dates:
            continue
        if not period and (after := _PERIOD_AFTER.match(sf, dates[-1].end())) is not None:
            period = after.group("period")  # "trước ngày 01/6 và 15/11 hằng năm"
        period = re.sub(r"^(\d{1,2}) th\w{1,2}ng$", r"\1 thang", period)
        for d in dates:
            year = int(d.group("year")) if d.group("year") else None
            out.append(ReportDeadline(period, int(d.group("day")), int(d.group("month")), year))
    return tuple(out)
