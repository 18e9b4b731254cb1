"""Qualifiers that contrast: "toàn trình" and "một phần", "cấp tỉnh" and "cấp xã".

    contradicts(qwords, clause_words, contrasts) -> True when the question says one member
    of a contrast and the clause says another member of it, and not the one asked

A question's distinguishing qualifier is what its answer must not contradict: asked about
the "một phần" share, a clause that states the "toàn trình" share answers another question.
Contrasts come from two sources: a small data file of qualifiers that name different things
of one kind (`data/contrasts.tsv`), and the loaded plans themselves — two indicators of one
plan whose texts are the same but for one short span ("Tỷ lệ X cấp tỉnh" and "Tỷ lệ X cấp
xã") make those spans a contrast.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

from corpus.normalize import fold, words

Contrast = frozenset[tuple[str, ...]]
_SPAN = 3  # the longest differing span two indicators may have to be siblings
_COMMON = 2  # … and the least number of words they must share around it


@functools.cache
def listed() -> tuple[Contrast, ...]:
    """The contrasts of the data file, each a set of members (folded word tuples)."""
    path = Path(__file__).with_name("data") / "contrasts.tsv"
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            members = frozenset(tuple(words(fold(m))) for m in line.split("\t") if m.strip())
            if len(members) >= 2:
                out.append(members)
    return tuple(out)


def learned(texts: Iterable[list[str]]) -> tuple[Contrast, ...]:
    """Contrasts read off sibling indicators: of each two word sequences (one plan's
    indicators), those equal but for one span of at most `_SPAN` words on each side, with
    at least `_COMMON` words shared around it, give their two spans as a contrast."""
    seqs = [tuple(s) for s in dict.fromkeys(tuple(t) for t in texts) if len(s) >= _COMMON + 1]
    out: set[Contrast] = set()
    for i, a in enumerate(seqs):
        for b in seqs[i + 1:]:
            spans = _one_span(a, b)
            if spans is not None:
                out.add(frozenset(spans))
    return tuple(out)


def _one_span(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[tuple[str, ...], ...] | None:
    pre = 0
    while pre < min(len(a), len(b)) and a[pre] == b[pre]:
        pre += 1
    post = 0
    while post < min(len(a), len(b)) - pre and a[-1 - post] == b[-1 - post]:
        post += 1
    da, db = a[pre:len(a) - post], b[pre:len(b) - post]
    if not da or not db or len(da) > _SPAN or len(db) > _SPAN or pre + post < _COMMON:
        return None
    if any(w.isdigit() for w in da + db):
        return None  # "năm 2025" and "năm 2030": the same indicator for another year
    # with the word before the span ("cấp tỉnh", not "tỉnh", which a place's kind also is)
    if pre:
        return a[pre - 1:len(a) - post], b[pre - 1:len(b) - post]
    return a[:len(a) - post + 1], b[:len(b) - post + 1]


def _has(seq: list[str], member: tuple[str, ...]) -> bool:
    n = len(member)
    return any(tuple(seq[i:i + n]) == member for i in range(len(seq) - n + 1))


@functools.lru_cache(maxsize=64)
def _grams(seq: tuple[str, ...], longest: int) -> frozenset[tuple[str, ...]]:
    """Every run of up to `longest` words of a question: a question is checked against
    each clause of its evidence, so its runs are listed once, not scanned per member."""
    return frozenset(seq[i:i + n] for n in range(1, longest + 1)
                     for i in range(len(seq) - n + 1))


def contradicts(qwords: list[str], clause: list[str], contrasts: Iterable[Contrast]) -> bool:
    """The question says a member of a contrast the clause does not, and the clause says
    another member of it."""
    contrasts = tuple(contrasts)
    if not contrasts:
        return False
    longest = max(len(m) for members in contrasts for m in members)
    said = _grams(tuple(qwords), longest)
    for members in contrasts:
        asked = [m for m in members if m in said]
        if not asked or any(_has(clause, m) for m in asked):
            continue
        # a member the question says is no other's part ("cấp xã" in "cấp xã, phường")
        if any(_has(clause, m) for m in members if m not in asked
               and not any(_has(list(m), a) for a in asked)):
            return True
    return False


def narrows(qwords: list[str], clause: list[str], contrasts: Iterable[Contrast],
            implied: Iterable[tuple[str, ...]] = (), content: set[str] | None = None) -> bool:
    """The question qualifies a word with a contrast's member that the clause writes with
    no member at all: "người dân nông thôn có tài khoản" asked, "người dân có tài khoản"
    stated; "doanh nghiệp nhỏ" asked, "doanh nghiệp có hoạt động" stated — the clause gives
    the whole, the question asks the part the member names. `implied`: members the plan
    need not write ("cấp xã" in a commune's own plan). `content`: the question's content
    words; a member and the word it qualifies must be among them ("ở xã Bình Tân" names the
    plan's place, it qualifies nothing)."""
    contrasts = tuple(contrasts)
    if not contrasts or len(qwords) < 2:
        return False
    skip = set(implied)
    present = set(clause)
    for members in contrasts:
        for m in members:
            if m in skip:
                continue
            n = len(m)
            for i in range(1, len(qwords) - n + 1):
                if content is not None and not (qwords[i - 1] in content
                                                and all(w in content for w in m)):
                    continue
                if tuple(qwords[i:i + n]) == m and qwords[i - 1] in present \
                        and not any(_has(clause, x) for x in members):
                    return True
    return False
