"""Retrieving clauses and checking the evidence: the third and fourth stages of answering.

    hits = search(engine, query, doc_ids, qvec)      # hybrid search within the plans named
    ev = best(engine, query, doc_ids, qvec)          # the clause that answers, or None

A clause answers when it covers the question's key words (IDF-weighted, word pairs count,
OCR garbles one letter off and abbreviations the clause writes for the question's words
count as present) and holds the kind of answer asked (an agency, a time, a value for the
year asked). When no clause reaches the bar, one of the three closest — by words and by
meaning — that nearly does and holds that kind of answer is taken (graded evidence).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from corpus.agencies import same_agency
from corpus.lexicon import syllables
from corpus.models import Segment
from corpus.normalize import words
from intents import clause_answer
from intents.models import Query
from intents.normalize import abbreviation_index
from retrieval.lexical import STOP
from retrieval.search import Boost, Hit, hybrid_search
from retrieval.segments import KINDS, year_bits

if TYPE_CHECKING:
    from intents.engine import AnswerEngine

COVERAGE_MIN = 0.6
NEAR_MIN = 0.5  # a top clause above this, with the answer asked for, may still answer
_NEAR_RANKS = 5  # … among the first five hits
_NEAR_DENSE = 0.03  # … and as close in meaning as the closest of them


@dataclass
class Evidence:
    hit: Hit
    coverage: float
    direct: str = ""  # the direct answer ("Phòng Văn hóa - Xã hội", "tháng 9/2025", "85%")
    detail: str = ""  # a qualifier ("chủ trì", "năm 2030")
    extra: list[str] = field(default_factory=list)
    about: str = ""  # what the answer is about, when the clause holds more (a row's task)


_CLOSING = re.compile(r"\W*tren day la\b")
_LISTING_TRIES = 4  # clauses read past the closest one for a list of names


_BASIS = re.compile(r"\bcan cu (?:vao )?(?:ke hoach|nghi quyet|chi thi|quyet dinh|luat|van ban|"
                    r"cong van|thong bao)\b")


def search(engine: AnswerEngine, query: Query, doc_ids: list[str] | None, qvec: np.ndarray | None,
           k: int = 10) -> list[Hit]:
    qterms = engine.index.bm25.query_terms(" ".join(
        [*query.terms, *map(str, query.years), *_role_words(query)])) if engine.index.bm25 \
        else None
    return hybrid_search(engine.index, query.search, qvec, doc_ids, k=k,
                         weight=engine.settings.lexical_weight, fusion=engine.settings.fusion,
                         qterms=qterms, boost=boost(engine, query))

def boost(engine: AnswerEngine, query: Query) -> Boost | None:
    """Clauses under the year asked about rank above the same clause for another year."""
    if not query.years:
        return None
    table = engine.index.segments
    asked = year_bits(query.years)
    row = KINDS.index("row")

    def boost(pos: np.ndarray) -> np.ndarray:
        years = table.years[pos]
        other = (years != 0) & (table.kinds[pos] != row)
        return np.where(years & asked, 0.15, np.where(other, -0.1, 0.0)).astype(np.float32)

    return boost

def coverage(engine: AnswerEngine, query: Query, seg: Segment) -> float:
    """Share of the question's key words (IDF-weighted) and word pairs the clause has.

    Pairs matter: "hồ sơ sức khỏe" is not covered by a clause that has "hồ" and
    "sức khỏe" in other places. OCR-garbled words one letter off count as present.
    """
    bm = engine.index.bm25
    if not query.terms or bm is None:
        return 1.0
    seg_words = words(seg.search)
    present = set(seg_words)
    # "KHCN", "TMĐT", "DVCTT" in the clause stand for the words the question spells out
    for phrase, abbrs in abbreviation_index().items():
        if abbrs & present and all(w in query.terms or w in STOP for w in phrase):
            present.update(phrase)
    pairs = set(zip(seg_words, seg_words[1:], strict=False))

    form_of: dict[str, set[str]] = {}

    def forms(t: str) -> set[str]:
        # once per term: the pair loops below asked again for every pair and every form
        if t not in form_of:
            form_of[t] = {t, *query.alts.get(t, []), *bm.correct(t)}
        return form_of[t]

    # only a word that is no syllable can be an OCR garble of a term (_ocr_close): those
    # few are looked through, once per term, not the whole clause for every term and pair
    odd = [w for w in present if len(w) >= 3 and w not in syllables()]
    seen: dict[str, bool] = {}

    def has(t: str) -> bool:
        if t not in seen:
            seen[t] = bool(forms(t) & present) or any(_ocr_close(t, w) for w in odd)
        return seen[t]

    total = got = 0.0
    for t in dict.fromkeys(query.terms):
        w = max(bm.idf(c) for c in forms(t))
        total += w
        got += w * has(t)
    uni = got / total if total else 1.0
    qwords = words(query.search)
    qpairs = list(dict.fromkeys((a, b) for a, b in zip(qwords, qwords[1:], strict=False)
                                if a in query.terms and b in query.terms))
    hit = sum(1 for a, b in qpairs if any((x, y) in pairs for x in forms(a) for y in forms(b))
              or (has(a) and has(b) and _near(seg_words, forms(a), forms(b))))
    cov = 0.6 * uni + 0.4 * hit / len(qpairs) if qpairs else uni
    head = query.indicator_head
    if head and not any(_like(head[0], x, forms) and _like(head[1], y, forms)
                        for x, y in pairs):
        # "tỷ lệ X Y …": a clause without the indicator's head noun ("X Y") is about
        # another indicator, however many other words it shares
        # — below the bar of a near clause too, or the nearest indicator with a number
        # would answer for it
        cov = min(cov, NEAR_MIN - 0.1)
    # a name the user quoted, found word for word, is strong evidence on its own
    joined = " ".join(seg_words)
    if any(f" {p} " in f" {joined} " for p in query.phrases):
        cov = min(1.0, cov + 0.15)
    return cov

def best(engine: AnswerEngine, query: Query, doc_ids: list[str] | None, qvec: np.ndarray) -> Evidence | None:
    if query.role == "ky":
        return signature(engine, query, doc_ids)
    if query.role == "can_cu" and query.intent in ("who", "what"):
        found = basis(engine, query, doc_ids)
        if found is not None:
            return found
    hits = search(engine, query, doc_ids, qvec)
    if query.report_period:
        # "khi nào phải báo cáo 6 tháng?": the clauses that date that report first, those
        # the search ranked in its order
        dated = engine.report_clauses(query.report_period, doc_ids)
        ids = {h.segment.id for h in dated}
        ranked = [h for h in hits if h.segment.id in ids]
        seen = {h.segment.id for h in ranked}
        hits = ranked + [h for h in dated if h.segment.id not in seen] + hits
    if query.years:
        # a question about one year is answered from a clause about that year first
        asked = tuple(str(y) for y in query.years)
        dated = [h for h in hits if any(y in _context(h.segment) for y in asked)]
        hits = dated + [h for h in hits if h not in dated]
    weak: Evidence | None = None
    listing = query.intent == "what" and bool(query.asked)
    tried = 0
    near: Evidence | None = None  # the best of the top hits just under the bar
    partial: tuple[Evidence | None, int] = (None, 0)  # the clause holding most posts asked
    top_dense = max((h.dense for h in hits[:_NEAR_RANKS]), default=0.0)
    for rank, hit in enumerate(hits):
        if _closing_only(hit.segment.body):
            continue  # "Trên đây là Kế hoạch …./.": the plan's closing formula says nothing
        cov = coverage(engine, query, hit.segment)
        if cov < COVERAGE_MIN:
            if (near is None and rank < _NEAR_RANKS and cov >= NEAR_MIN
                    and hit.dense >= top_dense - _NEAR_DENSE):
                near = checked(engine, query, hit, cov)
            continue
        ev = clause_answer.extract(engine, query, hit, cov)
        if ev is None:
            continue
        if listing and not ev.direct:
            # "những chương trình nào": a close clause that names them beats the closest
            # one, which is kept
            weak, tried = weak or ev, tried + 1
            if tried >= _LISTING_TRIES:
                return weak
            continue
        held = len(clause_answer.holders(hit.segment.body, query.titles)) if query.titles else 0
        if held < len(query.titles):
            # "ai làm trưởng ban, cơ quan nào thường trực": a passing clause that says who
            # holds every post asked beats one that names some, and that the closest one
            if held > partial[1]:
                partial = (ev, held)
            weak = weak or ev
            continue
        if query.when_kind == "frequency" and not re.search(r"\d", ev.direct):
            # "định kỳ" alone: a clause that says how often ("3 tháng, 6 tháng") is better
            weak = weak or ev
            continue
        return ev
    # graded evidence: no clause covers the question's words, but one of the closest
    # (by words and by meaning) nearly does and holds the kind of answer asked — OCR
    # garbles, abbreviations and paraphrases are what it misses
    return partial[0] or weak or near

def checked(engine: AnswerEngine, query: Query, hit: Hit, cov: float) -> Evidence | None:
    """A near clause's answer, when it gives what the question needs: an agency, a
    time or a value (for the year asked), not just text."""
    if query.intent not in ("who", "when", "target"):
        return None
    ev = clause_answer.extract(engine, query, hit, cov)
    if ev is None or not ev.direct or not _fits(query, ev):
        return None
    if query.intent == "target" and not re.search(r"\d", ev.direct):
        return None
    return ev

def signature(engine: AnswerEngine, query: Query, doc_ids: list[str] | None) -> Evidence | None:
    """'Ai ký kế hoạch?': the signature block, found by structure, not by words."""
    for seg in having(engine, "noi_nhan", doc_ids):
        if seg.heading_path[:1] == ["Nơi nhận, người ký"]:
            ev = clause_answer.extract(engine, query, Hit(seg, 1.0, 0.0, 0.0), 1.0)
            if ev is not None:
                return ev
    return None

def basis(engine: AnswerEngine, query: Query, doc_ids: list[str] | None) -> Evidence | None:
    """'Căn cứ vào kế hoạch của ai?': the plan's "Căn cứ …" clauses, found by how they
    begin; the kind of document asked for (kế hoạch, nghị quyết) first."""
    clauses = [s for s in having(engine, "can_cu", doc_ids) if _BASIS.search(s.body)]
    kind = re.search(r"\b(ke hoach|nghi quyet|chi thi|van ban)\b",
                     query.search.split("can cu", 1)[-1])
    if kind:
        clauses.sort(key=lambda s: not re.search(rf"can cu (?:vao )?{kind.group(1)}",
                                                 s.body))
    for seg in clauses:
        ev = clause_answer.extract(engine, query, Hit(seg, 1.0, 0.0, 0.0), 1.0)
        if ev is not None:
            return ev
    return None

def having(engine: AnswerEngine, pair: str, doc_ids: list[str] | None) -> list[Segment]:
    """Segments (of the given plans) whose search form has this word pair, in index
    order: BM25's posting list of the pair instead of a pass over every segment."""
    if engine.index.bm25 is None:
        return []
    table = engine.index.segments
    ids, _ = engine.index.bm25.postings(pair)
    if doc_ids:
        keep = np.zeros(len(ids), dtype=bool)
        for a, b in table.spans(doc_ids):
            keep |= (ids >= a) & (ids < b)
        ids = ids[keep]
    return table.many(ids)

def related(engine: AnswerEngine, query: Query, doc_ids: list[str] | None, qvec: np.ndarray,
            k: int = 3) -> list[Segment]:
    return [h.segment for h in search(engine, query, doc_ids, qvec, k=k)]


def _closing_only(body: str) -> bool:
    """The plan's closing formula alone ("Trên đây là Kế hoạch … năm 2026./."), not followed
    by what it asks of whom ("… UBND xã yêu cầu …, báo cáo về Phòng …")."""
    if not _CLOSING.match(body):
        return False
    end = re.search(r"[.;]\s", body)
    return end is None or len(words(body[end.end():])) < 5


def _fits(query: Query, ev: Evidence) -> bool:
    """The answer is not the body the question itself names ("Phòng VHXH phối hợp với ai?"
    is not answered by Phòng VHXH)."""
    if query.intent != "who" or not query.agency or not ev.direct:
        return True
    return not same_agency(query.agency, ev.direct)


def _context(seg: Segment) -> str:
    return " ".join([*seg.heading_path, seg.group or "", seg.table_header or "", seg.text[:300]])


def _like(term: str, word: str, forms) -> bool:
    return word in forms(term) or _one_off(term, word)


def _one_off(a: str, b: str) -> bool:
    """Equal, or one letter substituted (OCR: "den so" for "dan so")."""
    return a == b or (len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1)


def _ocr_close(term: str, word: str) -> bool:
    """An OCR-garbled word (not a Vietnamese syllable) one substitution from the term."""
    if len(term) < 3 or term == word or term[0] != word[:1] or word in syllables():
        return False
    return _one_off(term, word)


def _near(seq: list[str], a: set[str], b: set[str], gap: int = 2) -> bool:
    pos_a = [i for i, w in enumerate(seq) if w in a]
    pos_b = [i for i, w in enumerate(seq) if w in b]
    return any(0 < j - i <= gap for i in pos_a for j in pos_b)


def _role_words(query: Query) -> list[str]:
    return {"chu_tri": ["chu", "tri"], "phoi_hop": ["phoi", "hop"],
            "theo_doi": ["theo", "doi"], "de_nghi": ["de", "nghi"]}.get(query.role, [])
