"""Count goals: numbers of things a plan sets or states, with their unit.

- "+ Lắp đặt mới trạm 3G/4G: 58 trạm (Trong đó: VNPT: 25 trạm, Viettel: 33 trạm);" — a
  label, a colon, a count; the breakdown after "Trong đó" gives one fact per part;
- "Đến năm 2030, tỉnh … có ít nhất 20 tập dữ liệu mở …" — a count with a comparison;
- "… tổ chức diễn tập … tối thiểu một lần/năm" — a rate of events;
- "tổng số trạm … là 87 trạm" — a total stated.

Counts are read by `corpus.values.find_counts` (a number, a counted noun, an optional
"/năm"). Outside a "Mục tiêu"/"Chỉ tiêu" section a count needs one of those structural cues
(label-colon, comparison, "tổng số", a year it is set for), so that a number inside an
ordinary clause ("phối hợp với 3 xã") is not taken for a goal. A value is keyed by the year
the clause or its section sets ("giai đoạn 2026 - 2030" gives 2030), or by "" when the plan
gives none.
"""

from __future__ import annotations

import re

from corpus.facts.common import (
    _CLEAN,
    _clean,
    _fact,
    _Line,
    _line,
    _readable,
    _strip_number,
    _validity,
    _wordset,
)
from corpus.facts.duties import _split_head
from corpus.lexicon import syllables
from corpus.models import Document, Fact, Segment
from corpus.normalize import search_form
from corpus.values import Quantity, find_amounts, find_counts, find_percentages

_TARGET_SECTION = re.compile(r"\b(?:muc tieu|chi tieu)\b")
_BY_YEAR = re.compile(r"\b[dbp]\w?n (?:het )?(?:nam |n\w{1,3}m )?(20[2-5]\d)\b")
_PERIOD_YEAR = re.compile(r"\bgiai [dp]oan (20\d\d) ?- ?(20\d\d)\b|\bnam (20[2-5]\d)\b")
_BREAKDOWN = re.compile(r"\(\s*trong do\s*:?\s*")
_TOTAL = re.compile(r"\btong so\b")
_TIME_UNIT = re.compile(r"th\w{1,2}ng|n\w{1,2}m|giai|dot|ky|nhiem|lan thu")


def _year_of(seg: Segment, headings: dict[str, str]) -> str:
    for h in reversed(seg.heading_path):
        hs = search_form(headings.get(h, h))
        m = _BY_YEAR.search(hs) or _PERIOD_YEAR.search(hs)
        if m:
            return next(g for g in reversed(m.groups()) if g)
    return ""


def count_targets(doc: Document, seg: Segment, headings: dict[str, str]) -> list[Fact]:
    """The count goals of one clause segment (see the module doc)."""
    if seg.kind != "text":
        return []
    _, text = _split_head(seg)
    if not re.search(r"\d|\b(?:mot|hai|ba)\b", search_form(text)):
        return []
    path = search_form(" ".join(headings.get(h, h) for h in seg.heading_path))
    in_section = bool(_TARGET_SECTION.search(path))
    section_year = _year_of(seg, headings)
    out: list[Fact] = []
    for sentence in re.split(r"(?<=[.!?])\s+(?=[A-ZĐ])", _strip_number(text)):
        year = section_year
        for clause in _clauses(sentence):
            ln = _line(seg, clause)
            ym = _BY_YEAR.search(ln.sf)
            if ym:
                year = ym.group(1)  # "Đến năm 2030, …": for the rest of the sentence
            if find_percentages(ln.sf) or find_amounts(ln.sf):
                continue  # a share, money, "người trên một vạn dân": the prose reader's
            out += _clause_counts(doc, seg, ln, year, in_section or bool(ym))
    return out


def _clauses(sentence: str) -> list[str]:
    """";"-separated goals, keeping a "(Trong đó: …; …)" breakdown with its count."""
    out: list[str] = []
    depth = 0
    cur = ""
    for ch in sentence:
        depth += ch == "("
        depth -= ch == ")" and depth > 0
        if ch == ";" and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    return [c for c in [*out, cur] if c.strip()]


def _clause_counts(doc: Document, seg: Segment, ln: _Line, year: str,
                   goal_context: bool) -> list[Fact]:
    sf = ln.sf
    inner = [(m.start(), _close(sf, m.start())) for m in _BREAKDOWN.finditer(sf)]
    out: list[Fact] = []
    prev_end = 0
    for q in find_counts(sf):
        if any(a <= q.start < b for a, b in inner) or not _plain_count(ln, q):
            continue  # a part of a breakdown (read with its total below), or OCR debris
        before = sf[prev_end:q.start]
        colon = before.rstrip().endswith(":")
        cue = colon or bool(q.sym) or bool(_TOTAL.search(before)) or goal_context
        if not _CLEAN.get():
            cue = colon or bool(q.sym)  # OCR reads letters as digits ("$6" for "số")
        if not cue:
            prev_end = q.end
            continue
        indicator = _indicator(ln, prev_end, q, colon)
        prev_end = q.end
        if indicator is None:
            continue
        value = _shown(ln, q)
        fact = _count_fact(doc, seg, indicator, year, value, q)
        if fact is None:
            continue
        out.append(fact)
        for a, b in inner:
            if a >= q.end and not sf[q.end:a].strip(" ,"):
                out += _parts(doc, seg, ln, a, b, indicator, year)
                prev_end = b + 1
    return out


def _plain_count(ln: _Line, q: Quantity) -> bool:
    """The number stands as a word of its own ("58", "05", "một"), not inside OCR debris
    ("$6", "s6"), and its unit is a Vietnamese word, not a time ("6 théng", "giai đoạn")."""
    head = q.unit.split("/")[0].split()[0]
    if head not in syllables() or len(head) < 2 or _TIME_UNIT.fullmatch(head):
        return False
    w_num = ln.word_at(q.end - len(q.unit) - 1) if q.end - len(q.unit) - 1 > q.start else \
        ln.word_at(q.start)
    raw = ln.toks[ln.owner[w_num]] if ln.owner else ""
    return bool(re.fullmatch(r"\(?(?:\d+(?:\.\d{3})*|[^\W\d_]+)", raw))


def _close(sf: str, start: int) -> int:
    end = sf.find(")", start)
    return end if end >= 0 else len(sf)


_FILLER = _wordset("phan dau dat co la gom voi duy tri huong toi it nhat toi thieu tu")
_FILLER_MARKED = _wordset("phấn đấu đạt có là gồm với duy trì hướng tới ít nhất tối thiểu từ")


def _filler(ln: _Line, i: int) -> bool:
    """A filler word before a count ("có", "đạt", "là"), as written: a typed "cố" is a word
    of the indicator ("sự cố"), though it folds like "có"."""
    if ln.words[i].strip(":,") not in _FILLER:
        return False
    raw = ln.toks[ln.owner[i]].lower().strip(":,") if ln.owner else ln.words[i]
    return not _CLEAN.get() or search_form(raw) == raw or raw in _FILLER_MARKED


def _indicator(ln: _Line, prev_end: int, q: Quantity, colon: bool) -> str | None:
    """What is counted: the label before the colon, or the clause's words around the count
    ("tỉnh Bắc Ninh có" + "tập dữ liệu" + "mở phục vụ phát triển kinh tế số …")."""
    w0 = ln.word_at(prev_end) + (1 if prev_end else 0)
    w1 = ln.word_at(q.start)
    ym = None
    for found in _BY_YEAR.finditer(ln.sf_words(w0, w1)):
        ym = found  # the last one
    if ym is not None:  # "Đến năm 2030, …": the year, not the indicator
        w0 += len(ln.sf_words(w0, w1)[:ym.end()].split())
    while w0 < w1 and not re.search(r"\w", ln.words[w0]):
        w0 += 1
    while w1 > w0 and (_filler(ln, w1 - 1) or not re.search(r"\w", ln.words[w1 - 1])):
        w1 -= 1
    left = ln.raw_words(w0, w1)
    if colon:
        text = left
    else:
        w_end = ln.word_at(max(q.start, q.end - 1)) + 1
        right = " ".join(ln.raw_words(w_end, len(ln.words)).split()[:24])
        right = re.split(r"[;(]|,\s+(?=(?:[Cc]ó|[Đđ]ạt|[Tt]rong đó)\b)", right)[0]
        text = f"{left} {q_unit_raw(ln, q)} {right}" if right.strip(" .,") else left
    text = _clean(_readable(text)).strip(" :,+-–")
    words = search_form(text).split()
    if len(words) < 2 or _validity(words, near=True) < 0.75:
        return None
    return text[:1].upper() + text[1:]


def q_unit_raw(ln: _Line, q: Quantity) -> str:
    """The counted noun as the plan writes it ("tập dữ liệu")."""
    n_unit = len(q.unit.split("/")[0].split())
    w_end = ln.word_at(max(q.start, q.end - 1)) + 1
    raw = ln.raw_words(w_end - n_unit, w_end)
    return re.sub(r"/.*$", "", raw).strip(" .,;:()")


def _shown(ln: _Line, q: Quantity) -> str:
    per = "/" + q.unit.split("/", 1)[1] if "/" in q.unit else ""
    amount = f"{q.number} {q_unit_raw(ln, q)}{per}"
    return f"{q.sym} {amount}" if q.sym else amount


def _count_fact(doc: Document, seg: Segment, indicator: str, year: str, value: str,
                q: Quantity) -> Fact | None:
    unit = value.split(" ", 2)[-1] if q.sym else value.split(" ", 1)[-1]
    return _fact(doc, seg, "target", indicator[:220], unit=unit, values={year: value},
                 comparison=q.comparison)


def _parts(doc: Document, seg: Segment, ln: _Line, a: int, b: int, indicator: str,
           year: str) -> list[Fact]:
    """"(Trong đó: VNPT: 25 trạm, Viettel: 33 trạm)": one fact per named part."""
    out: list[Fact] = []
    opening = _BREAKDOWN.match(ln.sf, a)
    pos = opening.end() if opening else a
    for q in find_counts(ln.sf[:b], start=pos):
        gap = ln.sf[pos:q.start]
        label_sf = gap.strip(" ,;:")
        pos = q.end
        if not label_sf or len(label_sf.split()) > 6:
            continue
        w0 = ln.word_at(q.start - len(gap.lstrip(" ,;:")))
        name = ln.raw_words(w0, w0 + len(label_sf.split())).strip(" ,;:()")
        fact = _count_fact(doc, seg, f"{indicator} ({name})", year, _shown(ln, q), q)
        if fact is not None:
            out.append(fact)
    return out
