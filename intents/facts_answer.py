"""Target questions answered from the extracted target facts (corpus/facts.py).

A plan's target table and "Mục tiêu cụ thể" list are read at ingest into facts: the
indicator's text and its value per year. A question about one indicator is matched
against those texts — OCR-aware (a garbled word one letter off counts, so does an
abbreviation the clause uses for the question's words) and weighted by how rare each word
is — and answered with the value for the year asked. A year the fact does not give is
answered as not given, with the years it does give.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from corpus.lexicon import syllables
from corpus.models import Fact
from corpus.normalize import search_form, words
from intents.models import Query
from intents.normalize import abbreviation_index

if TYPE_CHECKING:
    from intents.engine import AnswerEngine

MATCH_MIN = 0.75  # share of the question's (IDF-weighted) words the indicator must hold
MARGIN = 0.1  # … and more than the next indicator


@dataclass
class FactMatch:
    fact: Fact
    score: float
    year: int | None  # the year answered
    value: str  # "" when the year asked is not given
    given: list[str]  # the years the fact gives


def _one_off(a: str, b: str) -> bool:
    return len(a) == len(b) and len(a) >= 3 and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _like(word: str, term: str) -> bool:
    return word == term or _one_off(word, term)


def _present(term: str, have: set[str], alts: list[str]) -> bool:
    if term in have or any(a in have for a in alts):
        return True
    # an OCR garble of the term ("khdng" for "khong"): a non-syllable one letter off
    return any(_one_off(term, w) and w not in syllables() for w in have)


@functools.lru_cache(maxsize=16_384)
def _words_of(text: str) -> tuple[str, ...]:
    """A fact's words in search form, once per process: every target question reads all
    the target facts (search_form of each was half the time of a target question)."""
    return tuple(words(search_form(text)))


def match_target(engine: AnswerEngine, query: Query, doc_ids: list[str]) -> FactMatch | None:
    """The target fact the question asks about, if one clearly matches."""
    bm = engine.index.bm25
    terms = list(dict.fromkeys(query.terms))
    if not terms or bm is None:
        return None
    scored: list[tuple[float, Fact]] = []
    for f in engine.index.facts:
        if f.kind != "target" or (doc_ids and f.doc_id not in doc_ids) or not f.values:
            continue
        seq = _words_of(f.text)
        head = query.indicator_head
        if head and not any(_like(a, head[0]) and _like(b, head[1])
                            for a, b in zip(seq, seq[1:], strict=False)):
            continue  # "tỷ lệ thanh toán trực tuyến" is not "dịch vụ trực tuyến toàn trình"
        have = set(seq)
        for phrase, abbrs in abbreviation_index().items():
            if abbrs & have:
                have.update(phrase)
        total = got = 0.0
        for t in terms:
            w = bm.idf(t)
            total += w
            got += w * _present(t, have, query.alts.get(t, []))
        if total:
            scored.append((got / total, f))
    if not scored:
        return None
    scored.sort(key=lambda sf: -sf[0])
    best, f = scored[0]
    if best < MATCH_MIN or (len(scored) > 1 and best - scored[1][0] < MARGIN
                            and scored[1][1].text != f.text):
        return None
    given = sorted(f.values)
    asked = [str(y) for y in query.years if str(y) in f.values]
    if query.years:
        if not asked:
            return FactMatch(f, best, query.years[0], "", given)
        return FactMatch(f, best, int(asked[0]), f.values[asked[0]], given)
    if len(given) == 1:
        return FactMatch(f, best, int(given[0]) if given[0].isdigit() else None,
                         f.values[given[0]], given)
    return FactMatch(f, best, None, "; ".join(f"{y}: {f.values[y]}" for y in given), given)
