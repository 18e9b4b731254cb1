"""Pulling the direct answer out of a clause: agencies by role, the value or time nearest
the question's words, quantities. Time expressions and values are read by `corpus.values`,
the same reader the fact extractor uses.

Everything works on the search form (folded, OCR-repaired) and maps spans back to words,
so it reads the OCR text and a clean DOCX alike.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from corpus.agencies import AgencyMatch, find_agencies
from corpus.normalize import fold, readable, words

if TYPE_CHECKING:
    from corpus.models import Fact, Segment
    from intents.engine import AnswerEngine

# ---- agencies by role --------------------------------------------------------------------
LEAD_FIELD = re.compile(r"(co quan |don vi )?chu tri\s*:\s*")
SUPPORT_FIELD = re.compile(r"(co quan |don vi )?phoi hop\s*:\s*")


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


def best_value(values: list, body: str, terms: list[str], question: str = ""):
    """The value of the goal that reads most like the question: the longest run of the
    question's words in the goal ("hồ sơ công việc"), then most of its key words in the
    goal and around the value, then the nearest."""
    if not values:
        return None
    tset = set(terms)
    qwords = words(question)
    pos = [m.start() for t in tset for m in re.finditer(rf"\b{re.escape(t)}\b", body)]

    def score(v) -> tuple[int, int, int, int]:
        # the goal the value belongs to: "90% hồ sơ công việc số hóa; 30% …" and
        # "…; tỷ lệ xử lý văn bản, hồ sơ công việc toàn trình … 100%; …" alike
        part = words(body[part_start(body, v.start):part_end(body, v.end)])
        window = set(words(body[max(0, v.start - 15): v.end + 70]))
        dist = min((abs(v.start - p) for p in pos), default=0)
        return (_longest_run(qwords, part, tset), len(tset & set(part)), len(tset & window),
                -dist)

    return max(values, key=score)


def _longest_run(a: list[str], b: list[str], keys: set[str]) -> int:
    """Length of the longest run of words `a` and `b` share that holds a key word."""
    best = 0
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0] * (len(b) + 1)
        for j, y in enumerate(b, 1):
            if x == y:
                cur[j] = prev[j - 1] + 1
                if cur[j] > best and any(w in keys for w in b[j - cur[j]:j]):
                    best = cur[j]
        prev = cur
    return best


def part_start(body: str, at: int) -> int:
    """Start of the goal or item of a clause that holds position `at` (after ";" or ". ")."""
    return max(body.rfind(";", 0, at), body.rfind(". ", 0, at)) + 1


def part_end(body: str, at: int) -> int:
    """End of the goal or item of a clause that holds position `at`."""
    ends = [i for i in (body.find(";", at), body.find(". ", at)) if i >= 0]
    return min(ends, default=len(body))


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


# ---- a task or duty as listed ------------------------------------------------------------------

LIST_ROOM = 1400  # characters of one reply the lines of an agency's tasks share


def item_room(n: int) -> int:
    """Characters for each of `n` listed tasks: a few are shown whole as far as the reply
    allows (the detail asked often stands at a long task's end), many at least 160."""
    return max(160, LIST_ROOM // max(1, min(n, 8)))


def task_text(engine: AnswerEngine, fact: Fact, limit: int) -> str:
    """A task's or duty's text as listed, within `limit` characters; a duty that points to a
    part of the plan ("… các nhiệm vụ tại mục (IV) (5)", read at ingest into `refers`) with
    what that part holds: its name and its items."""
    from intents.cite import quote
    from intents.outline import outline_of

    text = quote(readable(fact.text), limit)
    parts = [s for s in (engine.segment(i) for i in fact.refers) if s is not None]
    if not parts:
        return text
    room = max(limit - len(text), 200)
    shown = []
    for seg in parts:
        outline = outline_of(engine, seg)
        if outline is not None:
            items = "; ".join(_name_line(i) for i in outline.items)
            shown.append(f"{_name_line(seg)}: {items}")
        else:
            shown.append(readable(seg.shown))
    each = room // len(shown)
    return text + "".join(f"\n   ▸ {quote(s, each)}" for s in shown)


def _name_line(seg: Segment) -> str:
    """An item named by its first line when that line is a heading over prose ("1.1. Nông
    nghiệp" over "Phát triển nông nghiệp số …"), else by its label."""
    from intents.outline import label, strip_marker

    lines = [readable(ln).strip() for ln in seg.shown.splitlines() if ln.strip()]
    if len(lines) >= 2 and len(lines[0]) <= 90 and not lines[0].endswith((",", ";")) \
            and lines[1][:1].isupper():
        return strip_marker(lines[0]).strip(" :.")
    return label(seg, 90)
