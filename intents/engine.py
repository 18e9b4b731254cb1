"""The answer engine: a question in, a one-line answer with the quoted clause out.

    engine = AnswerEngine.open(Settings.from_env())
    answer = engine.ask("Ai chủ trì triển khai Quy tắc ứng xử ở phường Trần Liễu?")

Flow: understand the question (intent, slots) → hybrid search within the plans it names →
keep only clauses that cover the question's key words and hold the kind of answer asked
(an agency, a time, a value) → compose headline, quote and source. When no clause passes,
the reply says the plans do not say so (found=false) and names what they do cover.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np

from corpus.lexicon import syllables
from corpus.models import Document, Fact, Segment
from corpus.normalize import fold, search_form, words
from corpus.sanitize import clean_text
from corpus.values import report_deadlines
from intents import about, compose, due
from intents.detect import Places, understand
from intents.models import Answer, Citation, Query
from retrieval.embed import Embedder
from retrieval.index import Index, IngestReport, Progress
from retrieval.plan_ref import find_plan
from retrieval.search import Boost, Hit, hybrid_search
from retrieval.segments import KINDS, year_bits
from retrieval.settings import Settings

MAX_QUESTION_CHARS = 1000
COVERAGE_MIN = 0.6


@dataclass
class Evidence:
    hit: Hit
    coverage: float
    direct: str = ""  # the direct answer ("Phòng Văn hóa - Xã hội", "tháng 9/2025", "85%")
    detail: str = ""  # a qualifier ("chủ trì", "năm 2030")
    extra: list[str] = field(default_factory=list)
    about: str = ""  # what the answer is about, when the clause holds more (a row's task)


_LISTING_TRIES = 4  # clauses read past the closest one for a list of names


class AnswerEngine:
    def __init__(self, index: Index, settings: Settings) -> None:
        self.index = index
        self.settings = settings
        # (what it was built for, the index built): one attribute each, so that a thread
        # never pairs an index with the list or documents of another view
        self._facts_at: tuple[list[Fact] | None, dict[str, list[Fact]]] = (None, {})
        self._places: tuple[dict[str, Document] | None, Places | None] = (None, None)

    @classmethod
    def open(cls, settings: Settings | None = None, embedder: Embedder | None = None,
             progress: Progress | None = None, sync: bool = True) -> AnswerEngine:
        settings = settings or Settings.from_env()
        return cls(Index.open(settings, embedder, progress, sync=sync), settings)

    # ---- plans ---------------------------------------------------------------------------
    def documents(self) -> list[Document]:
        self.index.refresh()  # plans another process added are listed too
        return sorted(self.index.documents.values(), key=lambda d: d.meta.number)

    def ingest(self, paths: list[Path], skip_errors: bool = False,
               force: bool = False) -> list[IngestReport]:
        """`skip_errors`: the caller reports the failed files itself (nothing is logged).
        `force`: ingest a file that does not read as a plan."""
        return self.index.ingest(paths, skip_errors=skip_errors, force=force)

    def find_document(self, ref: str) -> Document | None:
        """The one plan `ref` names: id, number ('79', '79/KH-UBND') or locality ('Trần
        Liễu', 'phường Trần Liễu'); None when none or several fit (retrieval.plan_ref)."""
        return find_plan(self.index.documents.values(), ref)

    def remove(self, ref: str) -> Document | None:
        doc = self.find_document(ref)
        if doc is not None:
            self.index.remove(doc.id)
        return doc

    # ---- facts ---------------------------------------------------------------------------
    def facts(self, kind: str | None = None, doc_id: str | None = None,
              agency: str | None = None) -> list[Fact]:
        out = [f for f in self.index.facts if (kind is None or f.kind == kind)
               and (doc_id is None or f.doc_id == doc_id)]
        if agency:
            key = fold(agency)
            out = [f for f in out if any(key in fold(a) for a in f.lead + f.support)]
        return out

    def targets_for_year(self, year: int, doc_ids: list[str] | None = None) -> list[Fact]:
        return [f for f in self.index.facts if f.kind == "target" and str(year) in f.values
                and (not doc_ids or f.doc_id in doc_ids)]

    def facts_at(self, segment_id: str) -> list[Fact]:
        """The facts read from one segment (a table row's task, a clause's duty)."""
        facts = self.index.facts
        built_for, by_segment = self._facts_at
        if built_for is not facts:
            by_segment = {}
            for f in facts:
                by_segment.setdefault(f.segment_id, []).append(f)
            self._facts_at = (facts, by_segment)
        return by_segment.get(segment_id, [])

    def report_clauses(self, period: str, doc_ids: list[str] | None) -> list[Hit]:
        """Clauses whose facts set a dated deadline for a report of that period (key of
        `corpus.values.period_key`: "6 thang", "nam")."""
        out: list[Hit] = []
        for f in self.index.facts:
            if (doc_ids and f.doc_id not in doc_ids) or not any(
                    r.key == period for r in report_deadlines(f.deadline_text)):
                continue
            seg = self.segment(f.segment_id)
            if seg is not None and all(h.segment.id != seg.id for h in out):
                out.append(Hit(seg, 1.0, 0.0, 0.0))
        return out

    def segment(self, segment_id: str) -> Segment | None:
        return self.index.segments.get(segment_id)

    def citation(self, seg: Segment, quote_chars: int = 600) -> Citation:
        return compose.citation(self.index.documents[seg.doc_id], seg, quote_chars)

    def places(self) -> Places:
        """The plans' localities and numbers, indexed once per reload of the index (folding
        every plan's locality on every question cost 20% of the time at 1,000 plans)."""
        docs = self.index.documents
        built_for, places = self._places
        if places is None or built_for is not docs:
            places = Places(docs.values())
            self._places = (docs, places)
        return places

    # ---- asking --------------------------------------------------------------------------
    def ask(self, question: str, today: date | None = None) -> Answer:
        """Safe from many threads at once: each question reads one view of the index, which
        an ingest running meanwhile replaces only between questions."""
        t0 = time.perf_counter()
        question = clean_text(question)  # surrogates, mark floods, controls: corpus.sanitize
        with self.index.reading():
            answer = self._validate(question) or self._answer(question, today or date.today())
        answer.elapsed_ms = (time.perf_counter() - t0) * 1000
        return answer

    def _validate(self, question: str) -> Answer | None:
        if len(question) > MAX_QUESTION_CHARS:
            return compose.message(
                question[:200] + "…",
                f"Câu hỏi quá dài ({len(question)} ký tự). Hãy hỏi ngắn gọn trong "
                f"{MAX_QUESTION_CHARS} ký tự, mỗi lần một ý.")
        if not words(search_form(question)):
            return compose.message(question, "Bạn chưa nhập câu hỏi. Ví dụ: «Ai chủ trì việc số "
                                   "hóa hồ sơ ở phường Trần Liễu?»")
        if not self.index.documents:
            return compose.message(question, "Chưa có kế hoạch nào trong chỉ mục. Hãy nạp "
                                   "kế hoạch bằng lệnh `python run_bot.py ingest <tệp>`.")
        return None

    def _answer(self, question: str, today: date) -> Answer:
        known = self.index.bm25.vocab if self.index.bm25 else ()
        query = understand(question, self.places(), known)
        named = _named(query)
        if query.about:
            return about.answer(self, query, named)
        # answers from facts first: they need no embedding of the question
        if _asks_due(query):
            # "việc nào sắp đến hạn", "Phòng X có việc gì đến hạn trong tháng 12/2025?"
            listed = due.due_answer(self, query, named, today)
            if listed.found or query.due_span is None:
                return listed
        if query.all_targets:
            # "chỉ tiêu năm 2030 của phường Trần Liễu": every target of that year, as a table
            table = compose.targets_table(self, query, named, query.years[0])
            if table is not None:
                return table
        qvec = self.index.embedder.embed_query(query.search)
        if query.intent == "list":
            listed = compose.list_answer(self, query, named, qvec, today)
            if listed.found or query.agency:
                return listed
            # "Tổ công nghệ số cộng đồng có nhiệm vụ gì?": no task list names it as a lead,
            # but a clause may say what it does
            query = query.model_copy(update={"intent": "what"})
        every = _ALL_PLACES.search(query.search) and not named
        if len(query.localities) >= 2 or (every and len(self.index.documents) >= 2):
            # "… ở các xã": the same question put to each plan, one line each
            docs = query.localities if len(query.localities) >= 2 else list(self.index.documents)
            parts = [(d, self._best(query, [d], qvec)) for d in docs]
            if every and len(query.localities) < 2:
                # asked of all plans: only clear answers count, the rest "không nêu"
                parts = [(d, ev if _clear(query, ev) else None) for d, ev in parts]
                if not any(ev for _, ev in parts):
                    return compose.not_found(self, query, [], qvec)
            return compose.multi_answer(self, query, parts)
        evidence = self._best(query, named or None, qvec)
        if evidence is None:
            return compose.not_found(self, query, named, qvec)
        return compose.single_answer(self, query, evidence)

    # ---- retrieval and the evidence gate ---------------------------------------------------
    def search(self, query: Query, doc_ids: list[str] | None, qvec: np.ndarray | None,
               k: int = 10) -> list[Hit]:
        qterms = self.index.bm25.query_terms(" ".join(
            [*query.terms, *map(str, query.years), *_role_words(query)])) if self.index.bm25 \
            else None
        boost = self._boost(query)
        return hybrid_search(self.index, query.search, qvec, doc_ids, k=k,
                             weight=self.settings.lexical_weight, fusion=self.settings.fusion,
                             qterms=qterms, boost=boost)

    def _boost(self, query: Query) -> Boost | None:
        """Clauses under the year asked about rank above the same clause for another year."""
        if not query.years:
            return None
        table = self.index.segments
        asked = year_bits(query.years)
        row = KINDS.index("row")

        def boost(pos: np.ndarray) -> np.ndarray:
            years = table.years[pos]
            other = (years != 0) & (table.kinds[pos] != row)
            return np.where(years & asked, 0.15, np.where(other, -0.1, 0.0)).astype(np.float32)

        return boost

    def coverage(self, query: Query, seg: Segment) -> float:
        """Share of the question's key words (IDF-weighted) and word pairs the clause has.

        Pairs matter: "thanh toán trực tuyến" is not covered by a clause that has "thanh"
        and "trực tuyến" in other places. OCR-garbled words one letter off count as present.
        """
        bm = self.index.bm25
        if not query.terms or bm is None:
            return 1.0
        seg_words = words(seg.search)
        present = set(seg_words)
        pairs = set(zip(seg_words, seg_words[1:], strict=False))

        def forms(t: str) -> set[str]:
            return {t, *query.alts.get(t, []), *bm.correct(t)}

        def has(t: str) -> bool:
            fs = forms(t)
            return bool(fs & present) or any(_ocr_close(t, w) for w in present)

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
            # "tỷ lệ thanh toán trực tuyến": a clause without the indicator's head noun
            # ("thanh toán") is about another indicator, however many other words it shares
            cov = min(cov, COVERAGE_MIN - 0.1)
        # a name the user quoted, found word for word, is strong evidence on its own
        joined = " ".join(seg_words)
        if any(f" {p} " in f" {joined} " for p in query.phrases):
            cov = min(1.0, cov + 0.15)
        return cov

    def _best(self, query: Query, doc_ids: list[str] | None, qvec: np.ndarray) -> Evidence | None:
        if query.role == "ky":
            return self._signature(query, doc_ids)
        if query.role == "can_cu" and query.intent in ("who", "what"):
            basis = self._basis(query, doc_ids)
            if basis is not None:
                return basis
        hits = self.search(query, doc_ids, qvec)
        if query.report_period:
            # "khi nào phải báo cáo 6 tháng?": the clauses that date that report first, those
            # the search ranked in its order
            dated = self.report_clauses(query.report_period, doc_ids)
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
        for hit in hits:
            cov = self.coverage(query, hit.segment)
            if cov < COVERAGE_MIN:
                continue
            ev = compose.extract(self, query, hit, cov)
            if ev is None:
                continue
            if listing and not ev.direct and tried < _LISTING_TRIES:
                # "những chương trình nào": a close clause that names them beats the closest
                weak, tried = weak or ev, tried + 1
                continue
            if query.when_kind == "frequency" and not re.search(r"\d", ev.direct):
                # "định kỳ" alone: a clause that says how often ("3 tháng, 6 tháng") is better
                weak = weak or ev
                continue
            return ev
        return weak

    def _signature(self, query: Query, doc_ids: list[str] | None) -> Evidence | None:
        """'Ai ký kế hoạch?': the signature block, found by structure, not by words."""
        for seg in self._having("noi_nhan", doc_ids):
            if seg.heading_path[:1] == ["Nơi nhận, người ký"]:
                ev = compose.extract(self, query, Hit(seg, 1.0, 0.0, 0.0), 1.0)
                if ev is not None:
                    return ev
        return None

    def _basis(self, query: Query, doc_ids: list[str] | None) -> Evidence | None:
        """'Căn cứ vào kế hoạch của ai?': the plan's "Căn cứ …" clauses, found by how they
        begin; the kind of document asked for (kế hoạch, nghị quyết) first."""
        clauses = [s for s in self._having("can_cu", doc_ids) if _BASIS.search(s.body)]
        kind = re.search(r"\b(ke hoach|nghi quyet|chi thi|van ban)\b",
                         query.search.split("can cu", 1)[-1])
        if kind:
            clauses.sort(key=lambda s: not re.search(rf"can cu (?:vao )?{kind.group(1)}",
                                                     s.body))
        for seg in clauses:
            ev = compose.extract(self, query, Hit(seg, 1.0, 0.0, 0.0), 1.0)
            if ev is not None:
                return ev
        return None

    def _having(self, pair: str, doc_ids: list[str] | None) -> list[Segment]:
        """Segments (of the given plans) whose search form has this word pair, in index
        order: BM25's posting list of the pair instead of a pass over every segment."""
        if self.index.bm25 is None:
            return []
        table = self.index.segments
        ids, _ = self.index.bm25.postings(pair)
        if doc_ids:
            keep = np.zeros(len(ids), dtype=bool)
            for a, b in table.spans(doc_ids):
                keep |= (ids >= a) & (ids < b)
            ids = ids[keep]
        return table.many(ids)

    def related(self, query: Query, doc_ids: list[str] | None, qvec: np.ndarray,
                k: int = 3) -> list[Segment]:
        return [h.segment for h in self.search(query, doc_ids, qvec, k=k)]


_ALL_PLACES = re.compile(r"\b(?:cac|moi|tung|nhung) (?:xa|phuong|dia phuong|ke hoach)\b|"
                         r"\bgiua cac\b")
_BASIS = re.compile(r"\bcan cu (?:vao )?(?:ke hoach|nghi quyet|chi thi|quyet dinh|luat|van ban|"
                    r"cong van|thong bao)\b")


def _asks_due(query: Query) -> bool:
    """A deadline window asked for as a list, or of a named agency ("Phòng X … đến hạn
    trong tháng 12/2025"): answered from the facts. "Ai …" and target questions are not."""
    if query.due_days is None and query.due_span is None:
        return False
    # "có bao nhiêu nhiệm vụ hạn trong năm 2025": tasks, counted from the list
    tasks = re.search(r"\b(?:viec|nhiem vu|cong viec)\b", query.search) is not None
    return query.intent in ("list", "what", "unknown") or (
        bool(query.agency) and query.intent == "when") or (tasks and query.intent == "target")


def _named(query: Query) -> list[str]:
    """The plans a question names. "Kế hoạch 80 của xã Phong Thổ" is the plan with both that
    number and that locality: every commune numbers its own plans, so a number alone names
    one plan per hundred or so communes."""
    both = [d for d in query.doc_ids if d in query.localities]
    return both or list(dict.fromkeys(query.doc_ids + query.localities))


def _clear(query: Query, ev: Evidence | None) -> bool:
    if ev is None or ev.coverage < 0.8:
        return False
    return query.intent != "target" or bool(re.search(r"\d", ev.direct))


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
