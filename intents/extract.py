"""Pulling the direct answer out of a clause: agencies by role, time expressions, values.

Everything works on the search form (folded, OCR-repaired) and maps spans back to words,
so it reads the OCR text and a clean DOCX alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.agencies import AgencyMatch, find_agencies
from corpus.normalize import fold, words

# ---- time expressions ------------------------------------------------------------------
_ROMAN_Q = {"i": "I", "ii": "II", "iii": "III", "iv": "IV", "1": "I", "2": "II", "3": "III",
            "4": "IV"}

_TIMEX = [
    ("date", re.compile(r"\bngay (\d{1,2}) thang (\d{1,2}) nam (\d{4})\b")),
    ("date", re.compile(r"\b(?:ngay )?(\d{1,2})/(\d{1,2})/(\d{4})\b")),
    ("before", re.compile(r"\b(truoc|tu|den het) ngay (\d{1,2})/(\d{1,2})(?:/(\d{4}))?\b")),
    ("quarter", re.compile(r"\bquy (iv|iii|ii|i|[1-4])(?: nam)? (\d{4})\b")),
    ("month", re.compile(r"\bthang (\d{1,2})(?: nam |/)(\d{4})\b")),
    ("range", re.compile(r"\b(?:giai doan )?(20\d\d) ?- ?(20\d\d)\b")),
    ("year", re.compile(r"\b(?:trong |den |truoc |tu )?nam (20\d\d)(?: va nhung nam tiep theo)?\b")),
    ("recurring", re.compile(
        r"\b(thuong xuyen|hang (?:nam|quy|thang|tuan)|moi nam|"
        r"dinh ky(?: (?:\d+|ba|sau) thang| hang (?:nam|quy|thang))?|"
        r"(?:\d+|ba|sau) thang(?:, (?:\d+|ba|sau) thang)*(?:,? (?:va |hoac )?(?:1|mot) nam)?)")),
    ("condition", re.compile(r"\b(sau khi [^.;:]{4,70}|theo (?:tien do|du an|ke hoach) [^.;:]{3,60})")),
]


@dataclass
class Timex:
    kind: str
    text: str  # as written (search form)
    start: int
    end: int
    display: str


def _display_timex(kind: str, m: re.Match) -> str:
    g = m.groups()
    if kind == "date":
        return f"{int(g[0])}/{int(g[1])}/{g[2]}"
    if kind == "before":
        year = f"/{g[3]}" if g[3] else ""
        word = {"truoc": "trước ngày", "tu": "từ ngày", "den het": "đến hết ngày"}[g[0]]
        return f"{word} {int(g[1])}/{int(g[2])}{year}"
    if kind == "quarter":
        return f"Quý {_ROMAN_Q.get(g[0], g[0].upper())}/{g[1]}"
    if kind == "month":
        return f"tháng {int(g[0])}/{g[1]}"
    if kind == "range":
        return f"giai đoạn {g[0]}-{g[1]}"
    if kind == "year":
        text = m.group(0).strip()
        if "nhung nam tiep theo" in text:
            return f"năm {g[0]} và những năm tiếp theo"
        return f"năm {g[0]}"
    return _vn(m.group(0).strip())


_VN = {
    "thuong xuyen": "thường xuyên", "hang nam": "hằng năm", "hang quy": "hằng quý",
    "hang thang": "hằng tháng", "moi nam": "mỗi năm", "dinh ky": "định kỳ", "thang": "tháng",
    "nam": "năm", "sau khi": "sau khi", "mot": "một", "hoac": "hoặc", "va": "và",
}


def _vn(text: str) -> str:
    out = text
    for k, v in sorted(_VN.items(), key=lambda kv: -len(kv[0])):
        out = re.sub(rf"\b{k}\b", v, out)
    return out


def find_timex(search_text: str) -> list[Timex]:
    taken: list[tuple[int, int]] = []
    out: list[Timex] = []
    for kind, rx in _TIMEX:
        for m in rx.finditer(search_text):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            taken.append((s, e))
            out.append(Timex(kind, m.group(0), s, e, _display_timex(kind, m)))
    return sorted(out, key=lambda t: t.start)


# ---- values (targets) -------------------------------------------------------------------
_VALUE = re.compile(
    r"(?P<cmp>(?:tu|tren|duoi|toi thieu|it nhat|khoang|dat|>=|<=|>|<|=|≥|≤)\s*)?"
    r"(?P<num>\d{1,3}(?:[.,]\d+)?)\s*(?P<pct>%|phan tram)"
    r"(?:\s*(?P<suffix>tro len|tro xuong))?"
)


@dataclass
class Value:
    text: str
    number: str
    start: int
    end: int
    display: str


_UNIT_VALUE = re.compile(r"%\s*(?:-\s*)?(?P<cmp>[<>≥≤=]\s*)?(?P<num>\d{1,3})(?![\d%/.,])")


def _pct(sym: str, num: str) -> str:
    """'230%' cannot be a share: OCR read '≥' as '2' ("=230%", "≥30%")."""
    digits = num.replace(",", ".")
    if (sym in ("", "=", ">", "≥") and digits.replace(".", "").isdigit()
            and float(digits) > 100 and num.startswith("2") and len(num) == 3):
        return f"≥{num[1:]}%"
    return f"{sym.replace('=', '')}{num}%"


def find_values(search_text: str, table_row: bool = False) -> list[Value]:
    """Percentages; in table rows also values whose '%' stands in the unit column before them."""
    if table_row and not _VALUE.search(search_text):
        out_u = []
        for m in _UNIT_VALUE.finditer(search_text):
            sym = (m.group("cmp") or "").strip().replace(">=", "≥")
            out_u.append(Value(m.group(0), m.group("num"), m.start(), m.end(),
                               _pct(sym, m.group("num"))))
        if out_u:
            return out_u
    out = []
    for m in _VALUE.finditer(search_text):
        cmp_ = (m.group("cmp") or "").strip()
        sym = {"tren": ">", ">": ">", "tu": "≥", "toi thieu": "≥", "it nhat": "≥", ">=": "≥",
               "≥": "≥", "khoang": "khoảng ", "duoi": "<", "<": "<"}.get(cmp_, "")
        if m.group("suffix") == "tro len":
            sym = "≥"
        num = m.group("num")
        out.append(Value(m.group(0), num, m.start(), m.end(), _pct(sym, num)))
    return out


_CELL_NUM = re.compile(r"(?<![\w/.,%])(?P<cmp>[<>≥≤]=?\s*)?(?P<num>\d{1,5}(?:[.,]\d+)?)(?![\w/%.])")
_CELL_GAP = re.compile(r"^[\s|,;:]*$")


def row_numbers(search_text: str, rate: bool) -> list[Value]:
    """Bare numbers in the year columns of a target-table row ("| 100 | 100 | >30 |"): the
    longest run of number-only cells after the row's text. `rate`: the indicator is a
    "tỷ lệ", so the numbers are percentages."""
    first_word = re.search(r"[a-z]{2,}", search_text)
    if not first_word:
        return []
    runs: list[list[re.Match]] = []
    for m in _CELL_NUM.finditer(search_text, first_word.end()):
        if runs and _CELL_GAP.match(search_text[runs[-1][-1].end():m.start()]):
            runs[-1].append(m)
        else:
            runs.append([m])
    run = max(runs, key=len, default=[])
    if len(run) < 2:
        return []
    unit = "%" if rate else ""
    return [Value(m.group(0), m.group("num"), m.start(), m.end(),
                  _pct((m.group("cmp") or "").strip().replace(">=", "≥"), m.group("num"))
                  if unit else f"{(m.group('cmp') or '').strip()}{m.group('num')}")
            for m in run]


# ---- agencies by role --------------------------------------------------------------------
_LEAD_FIELD = re.compile(r"(co quan |don vi )?chu tri\s*:\s*")
_SUPPORT_FIELD = re.compile(r"(co quan |don vi )?phoi hop\s*:\s*")


def agencies_after(search_text: str, cue: re.Pattern[str]) -> list[AgencyMatch]:
    """Agencies in the field that follows a label such as 'Cơ quan chủ trì:'."""
    m = cue.search(search_text)
    if not m:
        return []
    tail = search_text[m.end():]
    stop = re.search(r"\n|- (co quan|thoi|don vi)|\bthoi (gian|han)\b", tail)
    field = tail[: stop.start()] if stop else tail[:160]
    return [AgencyMatch(a.name, a.start + m.end(), a.end + m.end())
            for a in find_agencies(field)]


def inline_lead(search_text: str) -> list[AgencyMatch]:
    """'Phòng X chủ trì, phối hợp …' / 'Phòng X: Chủ trì …' / 'giao Phòng X chủ trì'."""
    out = []
    for a in find_agencies(search_text):
        after = search_text[a.end:a.end + 14]
        if re.match(r"\s*[:,]?\s*(chu tri|cha tri|chi tri)", after):
            out.append(a)
    return out


def term_positions(search_text: str, terms: list[str]) -> list[int]:
    pos = []
    for t in set(terms):
        for m in re.finditer(rf"\b{re.escape(t)}\b", search_text):
            pos.append(m.start())
    return pos


def nearest(items: list, positions: list[int], key=lambda x: x.start):
    """The item closest to where the question's words occur (first one if none)."""
    if not items:
        return None
    if not positions:
        return items[0]
    return min(items, key=lambda it: min(abs(key(it) - p) for p in positions))


def best_value(values: list, body: str, terms: list[str]):
    """The value whose surroundings hold most of the question's words (nearest on ties)."""
    if not values:
        return None
    tset = set(terms)

    def score(v) -> tuple[int, int]:
        window = set(words(body[max(0, v.start - 15): v.end + 70]))
        pos = [m.start() for t in tset for m in re.finditer(rf"\b{re.escape(t)}\b", body)]
        dist = min((abs(v.start - p) for p in pos), default=0)
        return (len(tset & window), -dist)

    return max(values, key=score)


def quantity(search_text: str, noun_hint: str = "") -> str | None:
    """'50 thành viên' style quantities; prefer the noun the question asked about."""
    found = re.findall(r"\b(\d{1,6}) ((?:thanh vien|nguoi|can bo|hoc vien|ca nhan|tap the|"
                       r"tai khoan|thon|doanh nghiep|san pham|[a-z]+ [a-z]+))\b", search_text)
    if not found:
        return None
    if noun_hint:
        for num, noun in found:
            if noun.startswith(noun_hint):
                return f"{num} {noun}"
    num, noun = found[0]
    return f"{num} {noun}"


def sentences(text: str) -> list[str]:
    """Clauses of a segment (OCR lines joined), split at ; and . boundaries."""
    flat = " ".join(text.split())
    parts = re.split(r"(?<=[.;])\s+(?=[A-ZĐ0-9\-–])", flat)
    return [p for p in parts if len(words(p)) >= 2]


# ---- names a clause lists ----------------------------------------------------------------
_QUOTE_OPEN, _QUOTE_CLOSE = "“\"«", "”\"»"
_NAME = re.compile(r"[“\"«]\s*([^”\"»“«]{2,90}?)\s*[”\"»]")
_NAME_NEAR = 40  # the first name follows the noun closely: "các chương trình: “…”"


def listed(text: str, nouns: list[str]) -> list[str]:
    """The quoted names a clause lists right after a noun the question asks for:
    "triển khai các chương trình: “Công dân số” …; “Đổi mới sáng tạo trong công việc” …"
    gives both names, in order, for "những chương trình nào". [] when it lists none."""
    flat = " ".join(text.split())
    low = fold(flat)
    if len(low) != len(flat):  # fold changed the length: read names from the folded text
        flat = low
    for noun in nouns:
        for m in re.finditer(rf"(?<!\w){re.escape(noun)}(?!\w)", low):
            rest = flat[m.end():_sentence_end(flat, m.end())]
            names = [" ".join(n.split()).strip(" ,;") for n in _NAME.findall(rest)]
            first = min((rest.find(c) for c in _QUOTE_OPEN if c in rest), default=-1)
            if names and 0 <= first <= _NAME_NEAR:
                return names
    return []


def _sentence_end(text: str, start: int, limit: int = 700) -> int:
    """Where the sentence that goes on at `start` ends: a full stop outside quotes."""
    inside = False
    stop = min(len(text), start + limit)
    for i in range(start, stop):
        c = text[i]
        if c in _QUOTE_OPEN and not (c == '"' and inside):
            inside = True
        elif c in _QUOTE_CLOSE:
            inside = False
        elif c == "." and not inside and (i + 1 == len(text) or text[i + 1] == " "):
            return i
    return stop
