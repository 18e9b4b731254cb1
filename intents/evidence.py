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

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from corpus.agencies import find_agencies, same_agency
from corpus.lexicon import syllables
from corpus.models import Segment
from corpus.normalize import fold, words
from intents import clause_answer
from intents.contrast import contradicts, narrows
from intents.detail import asked_words
from intents.models import Query
from intents.normalize import abbreviation_index, spelt_out
from retrieval.lexical import STOP
from retrieval.search import Boost, Hit, hybrid_search
from retrieval.segments import KINDS, year_bits

if TYPE_CHECKING:
    from intents.engine import AnswerEngine

COVERAGE_MIN = 0.6
NEAR_MIN = 0.5  # a top clause above this, with the answer asked for, may still answer
_NEAR_RANKS = 5  # … among the first five hits
_NEAR_DENSE = 0.03  # … and as close in meaning as the closest of them
_TIE_RANKS = 5  # passing clauses among the first five hits …
_TIE_COVERAGE = 0.02  # … covering the key words equally are ordered by the question's wording


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
    # the noun a what-question asks a detail of is searched for, not required (intents.detail)
    searched = [*query.terms, *map(str, query.years), *_role_words(query), *asked_words(query)]
    qterms = engine.index.bm25.query_terms(" ".join(searched)) if engine.index.bm25 else None
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
    clause = _clause_words(_indicator_text(query, seg))
    seg_words, pairs = clause.words, clause.pairs
    present = set(clause.present)
    # "KHCN", "TMĐT", "DVCTT" in the clause stand for the words the question spells out
    for phrase in clause.spelt:
        if all(w in query.terms or w in STOP for w in phrase):
            present.update(phrase)

    form_of: dict[str, set[str]] = {}

    def forms(t: str) -> set[str]:
        # once per term: the pair loops below asked again for every pair and every form
        if t not in form_of:
            form_of[t] = {t, *query.alts.get(t, []), *bm.correct(t)}
        return form_of[t]

    garbled = _garbled_in_pairs(words(query.search), pairs, forms, clause)
    # only a word that is no syllable can be an OCR garble of a term (_ocr_close): those
    # few are looked through, once per term, not the whole clause for every term and pair
    odd = [*clause.odd, *(w for w in present - clause.present
                          if len(w) >= 3 and w not in syllables())]
    seen: dict[str, bool] = {}

    def has(t: str) -> bool:
        if t not in seen:
            seen[t] = (bool(forms(t) & present) or t in garbled
                       or any(_ocr_close(t, w) for w in odd))
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
    if query.intent == "target" and len(qpairs) >= 2 and not hit and not seg.reading:
        # an indicator holds the question's compound words ("người cao tuổi", "chữ ký"):
        # its words found only one by one, in other compounds ("độ tuổi", "kỹ năng"),
        # are another indicator's
        cov = min(cov, NEAR_MIN - 0.1)
    head = query.indicator_head
    full = spelt_out(seg_words) if head else []  # "DNNVV" holds "doanh nghiệp"
    if head and not any(_like(head[0], x, forms) and _like(head[1], y, forms)
                        for x, y in pairs | set(zip(full, full[1:], strict=False))):
        # "tỷ lệ X Y …": a clause without the indicator's head noun ("X Y") is about
        # another indicator, however many other words it shares
        # — below the bar of a near clause too, or the nearest indicator with a number
        # would answer for it
        cov = min(cov, NEAR_MIN - 0.1)
    own = _clause_words(seg.body)  # the clause without the headings it stands under
    if query.intent == "target" and not seg.reading and substituted(
            words(query.search), set(query.terms),
            lambda t: has(t) and bool(forms(t) & own.present) or t in garbled, own.words):
        # "tỷ lệ phủ sóng 4G" asked, "tỷ lệ phủ sóng 5G" stated: the clause writes another
        # word where the question has its own — another indicator, not a paraphrase. Only
        # text read as written (no reading copy): in OCR text the other word may be a garble
        cov = min(cov, NEAR_MIN - 0.1)
    if contradicts(words(query.search), seg_words, engine.contrasts()):
        # "… một phần" asked, "… toàn trình" stated: the qualifier that tells the two
        # apart is contradicted, whatever else the clause shares (intents.contrast)
        cov = min(cov, NEAR_MIN - 0.1)
    if query.intent == "target" and narrows(words(query.search), seg_words, engine.contrasts(),
                                            _own_level(engine, seg), set(query.terms)):
        # "người dân nông thôn có …" asked, "người dân có …" stated: the figure of the whole
        # is not the part's
        cov = min(cov, NEAR_MIN - 0.1)
    if _other_measure(query.search, seg_words):
        # "tỷ lệ thư viện số …" asked, "số lượng thư viện số …" stated: another indicator
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
    covered: dict[str, float] = {}  # a clause's coverage, read once per question

    def cov_of(seg: Segment) -> float:
        if seg.id not in covered:
            covered[seg.id] = coverage(engine, query, seg)
        return covered[seg.id]

    hits = _ties_by_wording(query, hits, cov_of)
    if query.intent == "when" and query.when_kind == "year":
        # "mục tiêu 100% … đặt cho năm nào": the clauses whose targets, read at ingest,
        # have the value the question quotes come first, those the search ranked in its order
        stated = _stating_value(engine, query, doc_ids)
        if stated:
            ids = {s.id for s in stated}
            hits = [h for h in hits if h.segment.id in ids] + [
                Hit(s, 1.0, 0.0, 0.0) for s in stated
                if all(h.segment.id != s.id for h in hits)] + [
                h for h in hits if h.segment.id not in ids]
    weak: Evidence | None = None
    listing = query.intent == "what" and bool(query.asked)
    tried = 0
    near: Evidence | None = None  # the best of the top hits just under the bar
    partial: tuple[Evidence | None, int] = (None, 0)  # the clause holding most posts asked
    top_dense = max((h.dense for h in hits[:_NEAR_RANKS]), default=0.0)
    for rank, hit in enumerate(hits):
        if _closing_only(hit.segment.body):
            continue  # "Trên đây là Kế hoạch …./.": the plan's closing formula says nothing
        cov = cov_of(hit.segment)
        if cov < COVERAGE_MIN:
            if (near is None and rank < _NEAR_RANKS and cov >= NEAR_MIN
                    and hit.dense >= top_dense - _NEAR_DENSE):
                near = checked(engine, query, hit, cov)
            elif listing and near is None and rank < 2 * _NEAR_RANKS and cov >= NEAR_MIN:
                # the detail asked is its own evidence: a clause a little further down that
                # names it is read too
                near = checked(engine, query, hit, cov)
            continue
        ev = clause_answer.extract(engine, query, hit, cov)
        if ev is None or not states_year(query, ev, engine):
            continue
        if query.intent == "target" and query.years and " / " in ev.direct \
                and not _years_told(ev.direct):
            # "50% / 80% / 100%": a row's values with no year of their own, read against
            # the year columns its neighbours were read with
            by_year = row_years(engine, hit.segment)
            if by_year:
                cells = [(y, by_year.get(y, "")) for y in query.years]
                if not any(c for _, c in cells):
                    continue  # the row's cell for the year asked is empty ("-")
                ev.direct = " / ".join(f"{c} ({y})" for y, c in cells if c)
        if role_contradicted(query, hit.segment.body):
            continue  # the body asked is the lead's partner here, not the lead
        if _yearless(query, ev):
            continue  # "năm nào" asked, "thực hiện thường xuyên" stated: no year given
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
        if _echoes(query, ev):
            # "kế hoạch hằng năm … lập khi nào?": the time the question names is what it is
            # about, not what it asks; a later clause that gives another time answers
            weak = weak or ev
            continue
        if query.intent == "when" and query.when_kind != "frequency" \
                and _VAGUE_TIME.fullmatch(fold(ev.direct).strip()):
            # "Định kỳ tổng hợp báo cáo …" says that it recurs, not when: a later clause
            # that dates it ("định kỳ trước ngày 01/6 và 15/11 hằng năm") answers
            weak = weak or ev
            continue
        if query.when_kind == "frequency" and not re.search(r"\d", ev.direct):
            # "định kỳ" alone: a clause that says how often ("3 tháng, 6 tháng") is better
            weak = weak or ev
            continue
        if cov < _BARE and query.intent in ("who", "when", "target") and ev.direct:
            return _fuller(engine, query, hits, rank, cov_of) or ev
        return ev
    # graded evidence: no clause covers the question's words, but one of the closest
    # (by words and by meaning) nearly does and holds the kind of answer asked — OCR
    # garbles, abbreviations and paraphrases are what it misses
    if listing and near is not None and (weak is None or not weak.direct):
        return near  # the detail asked, near the bar, beats a passing clause without it
    return partial[0] or weak or near

_VAGUE_TIME = re.compile(r"(?:dinh ky|thuong ky)")
_VALUE = re.compile(r"(?<![\d.,])(\d+(?:[.,]\d+)?)\s*%")


def _stating_value(engine: AnswerEngine, query: Query, doc_ids: list[str] | None) -> list[Segment]:
    """The clauses of the plans asked whose target facts give a share the question quotes
    ("100%"), in reading order."""
    asked = set(_VALUE.findall(query.search))
    if not asked:
        return []
    out: list[Segment] = []
    for f in engine.index.facts:
        if f.kind != "target" or (doc_ids and f.doc_id not in doc_ids):
            continue
        if any(set(_VALUE.findall(v)) & asked for v in f.values.values()):
            seg = engine.segment(f.segment_id)
            if seg is not None and all(s.id != seg.id for s in out):
                out.append(seg)
    return out


_BARE = 0.7  # a passing clause under this …
_FULL = 0.95  # … gives way to one of the closest that covers the question this fully
_FULL_RANKS = 8


def _fuller(engine: AnswerEngine, query: Query, hits: list[Hit], rank: int,
            cov_of: Callable[[Segment], float]) -> Evidence | None:
    """A clause among the closest, after the one that barely passes, that holds every key
    word of the question and the answer asked ("Phát huy vai trò trong tuyên truyền …" has
    the verb; "Chủ trì … tuyên truyền về kinh tế số" has the topic too)."""
    for hit in hits[rank + 1:_FULL_RANKS]:
        cov = cov_of(hit.segment)
        if cov < _FULL or _closing_only(hit.segment.body):
            continue
        ev = clause_answer.extract(engine, query, hit, cov)
        if ev is not None and ev.direct and states_year(query, ev, engine) and not _echoes(query, ev):
            return ev
    return None


def _ties_by_wording(query: Query, hits: list[Hit],
                     cov_of: Callable[[Segment], float]) -> list[Hit]:
    """Of the first clauses that pass the bar equally (a question whose key words are few,
    its other words being common ones such as "kế hoạch", "triển khai"), the one that shares
    most of the question's own word pairs first — the words the key-word count sets aside
    as common still say which clause it is."""
    top = hits[:_TIE_RANKS]
    covs = [cov_of(h.segment) for h in top]
    passing = [i for i, c in enumerate(covs) if c >= COVERAGE_MIN]
    if len(passing) < 2:
        return hits
    first = passing[0]
    ties = [i for i in passing if abs(covs[i] - covs[first]) <= _TIE_COVERAGE]
    if len(ties) < 2:
        return hits
    qw = words(query.search)
    asked = {p for p in zip(qw, qw[1:], strict=False) if not (set(p) & STOP)}

    def shared(i: int) -> int:
        sw = words(top[i].segment.search)
        return len(asked & set(zip(sw, sw[1:], strict=False)))

    order = sorted(ties, key=lambda i: -shared(i))  # stable: the search's order breaks ties
    if order[0] == ties[0]:
        return hits
    slots = iter(order)
    top = [top[next(slots)] if i in ties else h for i, h in enumerate(top)]
    return top + hits[_TIE_RANKS:]


def checked(engine: AnswerEngine, query: Query, hit: Hit, cov: float) -> Evidence | None:
    """A near clause's answer, when it gives what the question needs: an agency, a
    time or a value (for the year asked), not just text."""
    if query.intent == "what":
        # "theo tiêu chuẩn nào": a near clause that gives the detail asked (intents.detail)
        ev = clause_answer.extract(engine, query, hit, cov) if query.asked else None
        return ev if ev is not None and ev.direct else None
    if query.intent not in ("who", "when", "target"):
        return None
    ev = clause_answer.extract(engine, query, hit, cov)
    if ev is None or not ev.direct or not _fits(query, ev) or not states_year(query, ev, engine):
        return None
    if query.intent == "target" and not re.search(r"\d", ev.direct) or _yearless(query, ev):
        return None
    return ev


_CELL = r"(?:-|[<>≥≤]?\s?\d+(?:[.,]\d+)?\s?%)"
_ROW_NEAR = 3  # rows either side whose targets were read with their years


def row_years(engine: AnswerEngine, seg: Segment) -> dict[int, str]:
    """A table row whose header lost its years ("bàn phường - - 50% | 80% | 100%"): its
    cells by year, when the rows around it were read with year columns as many as its
    cells (an empty cell "-" gives ""); {} when that cannot be told."""
    table = engine.index.segments
    pos = table.position(seg.id)
    if pos is None:
        return {}
    columns: list[tuple[int, ...]] = []
    for p in range(max(0, pos - _ROW_NEAR), min(len(table), pos + _ROW_NEAR + 1)):
        if p == pos or table.doc_of(p) != seg.doc_id:
            continue
        for f in engine.facts_at(table.id(p)):
            if f.kind == "target" and len(f.values) >= 2 and all(y.isdigit() for y in f.values):
                columns.append(tuple(sorted(int(y) for y in f.values)))
    if not columns:
        return {}
    years = max(set(columns), key=columns.count)
    n = len(years)
    run = re.search(rf"(?<![\w%])({_CELL}(?:\s*\|?\s*{_CELL}){{{n - 1}}})(?![\w%])", seg.text)
    if run is None:
        return {}
    cells = re.findall(_CELL, run.group(1))
    if len(cells) != n or all(c == "-" for c in cells):
        return {}
    return {y: ("" if c == "-" else c.replace(" ", "")) for y, c in zip(years, cells, strict=True)}


def _yearless(query: Query, ev: Evidence) -> bool:
    """A year asked ("… trong năm nào") and a time without one given ("thường xuyên",
    "hằng quý"): the plan does not say the year."""
    return query.intent == "when" and query.when_kind == "year" and bool(ev.direct) \
        and not _YEAR_SPAN.search(ev.direct)

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


def _echoes(query: Query, ev: Evidence) -> bool:
    """A time answer that only repeats a time the question itself says."""
    if query.intent != "when" or not ev.direct:
        return False
    said = " ".join(words(fold(query.search)))
    told = " ".join(words(fold(ev.direct)))
    return bool(told) and f" {told} " in f" {said} "


def _fits(query: Query, ev: Evidence) -> bool:
    """The answer is not the body the question itself names ("Phòng VHXH phối hợp với ai?"
    is not answered by Phòng VHXH)."""
    if query.intent != "who" or not query.agency or not ev.direct:
        return True
    return not same_agency(query.agency, ev.direct)


def _indicator_text(query: Query, seg: Segment) -> str:
    """What a clause says, for the words of a target question: a table row without the
    agencies in its lead and monitoring columns ("… 1,5% | 2% | Phòng Kinh tế" is no
    indicator of "kinh tế số")."""
    text = seg.search
    if query.intent != "target" or not (seg.kind == "row" or "|" in seg.text):
        return text
    for m in reversed(find_agencies(text)):
        if not (query.agency and same_agency(query.agency, m.name)):
            text = text[:m.start] + " " + text[m.end:]
    return text


def states_year(query: Query, ev: Evidence, engine: AnswerEngine | None = None) -> bool:
    """A value asked for a year comes from a clause that names that year, in its answer,
    its text or the headings it stands under: a value with no year of its own (a share
    reported of the past) is no target for the year asked. Rows of a table with year
    columns are left to the table reader, which gives a value by its year column; a row of
    a table without them states its year like a clause."""
    if query.intent != "target" or not query.years or not re.search(r"\d", ev.direct):
        return True
    told = _years_told(f"{ev.direct} {ev.detail}")
    if told:
        # the answer says its own year ("30% (năm 2030)"): it answers for that year, whatever
        # other years the clause names ("Đến 2026: 80% …; Đến 2030: … 30% …")
        return any(_year_fits(told, y, query.years) for y in query.years)
    seg = ev.hit.segment
    in_table = seg.kind == "row" or seg.table_header or "|" in seg.text
    if in_table and (seg.reading or re.search(r"\b20[2-5]\d\b", seg.table_header or "")):
        # a table row: its year is its column's, which the reader infers (an OCR row's
        # header may have lost its years)
        return True
    if in_table and engine is not None:
        # a row of a table without year columns: the years its targets were read with (the
        # appendix's title: "… chỉ tiêu … đến năm 2030")
        given = {y for f in engine.facts_at(seg.id) if f.kind == "target" for y in f.values if y}
        if given:
            return any(str(y) in given for y in query.years)
    around = " ".join([ev.direct, ev.detail, ev.about, seg.text, seg.search, *seg.heading_path,
                       seg.group or "", seg.table_header or ""])
    return any(str(y) in around for y in query.years)


_YEAR_SPAN = re.compile(r"\b(20[2-9]\d)(?:\s*[-–]\s*(20[2-9]\d))?\b")


def _years_told(text: str) -> list[tuple[int, int]]:
    """The years (or spans "2026-2030") an answer names, as (first, last)."""
    return [(int(a), int(b or a)) for a, b in _YEAR_SPAN.findall(text)]


def _year_fits(told: list[tuple[int, int]], year: int, asked: list[int]) -> bool:
    """A year the answer names is the year asked, a span the answer names holds it, or the
    year named falls in the span the question asks ("giai đoạn 2026-2030": 2030)."""
    lo, hi = (min(asked), max(asked)) if len(asked) >= 2 else (year, year)
    return any(a <= year <= b or lo <= a <= hi for a, b in told)


_SPAN_ASKED = re.compile(r"\b20[2-9]\d\s*[-–]\s*20[2-9]\d\b|\bgiai doan\b|"
                         r"\btu (?:nam )?20[2-9]\d (?:den|toi) (?:nam )?20[2-9]\d\b")


def in_span_asked(query: Query, ev: Evidence) -> bool:
    """A value found with no year asked that names a year inside the span the question asks
    ("giai đoạn 2026-2030 … đạt bao nhiêu": "100% (năm 2030)") answers it; a value for
    another year, or asked for single years ("năm 2025 và 2030"), does not."""
    if len(query.years) < 2 or not _SPAN_ASKED.search(query.search):
        return False
    told = _years_told(f"{ev.direct} {ev.detail}")
    lo, hi = min(query.years), max(query.years)
    return bool(told) and all(lo <= a and b <= hi for a, b in told)


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


# what an indicator measures, written before the thing measured
_MEASURES = ("ty le", "ti le", "so luong", "ty trong", "quy mo", "chi so")
_MEASURE_ASKED = re.compile(r"\b(" + "|".join(_MEASURES) + r") ([a-z]+)")
_SHARE = {"ty le", "ti le"}


def substituted(qwords: list[str], terms: set[str], has: Callable[[str], bool],
                seq: list[str]) -> bool:
    """The text writes another word where the question has one of its key words, right
    after a key word both share: "tài khoản thanh toán điện tử" asked, "tài khoản định danh
    điện tử" written; "phủ sóng 4G" asked, "phủ sóng 5G" written; "doanh nghiệp lớn" asked,
    "doanh nghiệp vừa và nhỏ" written. A missing word alone may be a paraphrase; one
    replaced after the same anchor names another thing. An OCR garble of the word (one
    letter off) is no replacement."""
    asked = set(qwords)
    at: dict[str, list[int]] = {}
    for j, w in enumerate(seq):
        # a word after a number is the unit of a count ("35 trạm (Trong đó: MobiFone: 09
        # trạm …)"), not the indicator's noun with its modifier ("trạm 5G")
        if not (j and seq[j - 1].isdigit()):
            at.setdefault(w, []).append(j)
    for i in range(1, len(qwords)):
        word, anchor = qwords[i], qwords[i - 1]
        if word not in terms or has(word) or anchor not in terms or anchor not in at:
            continue
        after = [seq[j + 1] for j in at[anchor] if j + 1 < len(seq)]
        if not after or any(x in asked for x in after):
            continue  # the anchor goes on as the question does somewhere
        if all(_replaces(word, x) for x in after):
            return True
    return False


# prepositions and directional co-verbs (a closed class): "chuyển đổi … lên 5G" and "…
# sang trạm 5G" say the same thing with another small word
_FUNCTION = frozenset({"tu", "sang", "len", "xuong", "toi", "qua", "vao", "ra", "den", "ve"})


def _replaces(word: str, other: str) -> bool:
    """`other` can stand where `word` stands as another thing: a content word, no number,
    no stop or function word on either side, no OCR garble of `word` (one letter off in a
    word of three letters or more: "4G" and "5G" are two things)."""
    return (other not in STOP and not other.isdigit() and any(c.isalpha() for c in other)
            and word not in _FUNCTION and other not in _FUNCTION
            and len(other) >= 2 and not (len(word) >= 3 and _one_off(word, other))
            and not _garble_of(word, other))


def _other_measure(search: str, seg_words: list[str]) -> bool:
    """The clause states another measure of the thing the question asks a measure of:
    "số lượng X" where "tỷ lệ X" is asked. Only a measure written out counts, and only
    when the one asked is nowhere in the clause (OCR: "tỉ 1ệ", "ty ie" keep their "ty"/"ti")."""
    m = _MEASURE_ASKED.search(search)
    if not m:
        return False
    asked, noun = m.group(1), m.group(2)
    joined = f" {' '.join(seg_words)} "
    stated = {x for x in _MEASURES if f" {x} {noun} " in joined}
    if not stated or asked in stated or (asked in _SHARE and stated & _SHARE):
        return False
    first = asked.split()[0]
    kin = {"ty", "ti"} if asked in _SHARE else {first}
    return not any(w in kin for w in seg_words)


_OCR_DIGITS = str.maketrans("0156483", "olsgaba")  # digits OCR reads for letters ("50" for "số")


@dataclass(frozen=True)
class _ClauseWords:
    """What coverage reads of a clause's text whatever the question: its words and word
    pairs, each word's neighbours, its words that are no syllable, the abbreviations it
    writes (as the words they stand for)."""

    words: list[str]
    pairs: set[tuple[str, str]]
    present: frozenset[str]
    by_first: dict[str, list[str]]
    by_second: dict[str, list[str]]
    odd: list[str]
    spelt: list[tuple[str, ...]]


@functools.lru_cache(maxsize=1024)  # ~29 KB a clause of the bundled plans: ≤ 30 MB
def _clause_words(text: str) -> _ClauseWords:
    """Read once per clause text, not once per question and clause: a list question
    compares 40 clauses, and this was most of that work (bench/ROBUSTNESS.md). Keyed by
    the clause's text only, so questions never crowd clauses out of it."""
    seg_words = words(text)
    present = frozenset(seg_words)
    pairs = set(zip(seg_words, seg_words[1:], strict=False))
    by_first: dict[str, list[str]] = {}
    by_second: dict[str, list[str]] = {}
    for x, y in pairs:
        by_first.setdefault(x, []).append(y)
        by_second.setdefault(y, []).append(x)
    odd = [w for w in present if len(w) >= 3 and w not in syllables()]
    spelt = [phrase for phrase, abbrs in abbreviation_index().items() if abbrs & present]
    return _ClauseWords(seg_words, pairs, present, by_first, by_second, odd, spelt)


def _garbled_in_pairs(qwords: list[str], pairs: set[tuple[str, str]], forms,
                      neighbours: _ClauseWords | None = None) -> set[str]:
    """Question words the clause writes garbled next to the word they follow or precede in
    the question: "ứng dụng" read "ứng dựng", "số hóa" read "s6 hóa". One letter off is too
    weak alone when the garble is itself a syllable; the neighbour confirms it.
    `neighbours`: the clause's words read once (`_clause_words`), else built from `pairs`."""
    if neighbours is None:
        by_first: dict[str, list[str]] = {}
        by_second: dict[str, list[str]] = {}
        for x, y in pairs:
            by_first.setdefault(x, []).append(y)
            by_second.setdefault(y, []).append(x)
    else:
        by_first, by_second = neighbours.by_first, neighbours.by_second
    out: set[str] = set()
    for a, b in zip(qwords, qwords[1:], strict=False):
        if any(_garble_of(b, y) for x in forms(a) for y in by_first.get(x, ())):
            out.add(b)
        if any(_garble_of(a, x) for y in forms(b) for x in by_second.get(y, ())):
            out.add(a)
    return out


def _garble_of(word: str, seen: str) -> bool:
    """`seen` is `word` with one letter misread, a digit read for a letter counted as that
    letter; words of two letters only by such a digit ("50" for "so")."""
    if seen == word:
        return False
    read = seen.translate(_OCR_DIGITS)
    if read == word:
        return True
    return len(word) >= 3 and seen.isalpha() and _one_off(word, seen)


def _near(seq: list[str], a: set[str], b: set[str], gap: int = 2) -> bool:
    pos_a = [i for i, w in enumerate(seq) if w in a]
    pos_b = [i for i, w in enumerate(seq) if w in b]
    return any(0 < j - i <= gap for i in pos_a for j in pos_b)


_LEADS = re.compile(r"\W{0,3}(?:la co quan |lam )?chu tri\b")
_PARTNERS = re.compile(r"\bphoi hop(?: chat che)?(?: voi)?\W*$")


def role_contradicted(query: Query, text: str) -> bool:
    """Asked what a body leads ("Sở Nội vụ chủ trì nhiệm vụ nào"), the clause gives the
    lead to another body and names the one asked only as a partner ("Sở Khoa học và Công
    nghệ chủ trì, phối hợp với Sở Nội vụ …"): it says what the body supports, not what it
    leads. Roles are read off the clause's agency names: a name followed by "chủ trì"
    leads, one after "phối hợp (với)" supports."""
    if query.role != "chu_tri" or not query.agency or query.intent == "who":
        return False
    body = fold(text)
    found = find_agencies(body)
    # the name's own end may have taken the role word ("UBND xã chủ trì" read as a place
    # "xã … Trì"): "chủ trì" ending the name counts as following it
    leads = [m for m in found if _LEADS.match(body, m.end)
             or body[m.start:m.end].endswith(" chu tri")]
    if not leads or any(same_agency(query.agency, m.name) for m in leads):
        return False
    return any(same_agency(query.agency, m.name) and _PARTNERS.search(body, 0, m.start)
               for m in found)


def _own_level(engine: AnswerEngine, seg: Segment) -> tuple[tuple[str, ...], ...]:
    """The level a plan's own figures are at without saying so: "cấp xã" in a commune's
    plan, "cấp tỉnh" in a province's."""
    doc = engine.index.documents.get(seg.doc_id)
    kind = fold(doc.meta.locality_kind or "") if doc is not None else ""
    level = {"phuong": "xa", "thanh pho": "tinh"}.get(kind, kind)
    return (("cap", level),) if level else ()


def _role_words(query: Query) -> list[str]:
    return {"chu_tri": ["chu", "tri"], "phoi_hop": ["phoi", "hop"],
            "theo_doi": ["theo", "doi"], "de_nghi": ["de", "nghi"]}.get(query.role, [])
