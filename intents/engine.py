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
from datetime import date
from pathlib import Path

import numpy as np

from corpus.agencies import find_agencies, same_agency
from corpus.models import Document, Fact, Segment
from corpus.normalize import fold, search_form, words
from corpus.places import find_places
from corpus.plan_ref import find_plan
from corpus.sanitize import Question, clean_question
from corpus.values import report_deadlines
from intents import about, clause_answer, compose, contrast, due, facts_answer, plan_terms
from intents import conversation as talk
from intents import evidence as gate
from intents import set_answer as sets
from intents.detect import Places, understand
from intents.evidence import Evidence
from intents.models import Answer, Citation, Query
from intents.section_answer import agency_section, section_answer
from retrieval.embed import Embedder, QueryVector
from retrieval.index import Index, IngestReport, Progress
from retrieval.search import Hit
from retrieval.settings import Settings

MAX_QUESTION_CHARS = 1000
class AnswerEngine:
    def __init__(self, index: Index, settings: Settings) -> None:
        self.index = index
        self.settings = settings
        # (what it was built for, the index built): one attribute each, so that a thread
        # never pairs an index with the list or documents of another view
        self._facts_at: tuple[list[Fact] | None, dict[str, list[Fact]]] = (None, {})
        self._places: tuple[dict[str, Document] | None, Places | None] = (None, None)
        self.chats = talk.Conversations()  # each chat's short memory

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
        Liễu', 'phường Trần Liễu'); None when none or several fit (corpus.plan_ref)."""
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
    def ask(self, question: str, today: date | None = None, chat: str | None = None) -> Answer:
        """The answer to one message. With a chat key, the chat's memory applies: follow-ups,
        "tiếp", a remembered locality (intents.conversation). Safe from many threads at once:
        each question reads one view of the index, which an ingest running meanwhile
        replaces only between questions."""
        t0 = time.perf_counter()
        # surrogates, mark floods, controls; cut at a long real question's size, so that no
        # message costs more than such a question: corpus.sanitize
        cleaned = clean_question(question, MAX_QUESTION_CHARS)
        question = cleaned.text
        with self.index.reading():
            answer = self._validate(question, cleaned.length) or _say_cut(
                self._converse(question, today or date.today(), chat), cleaned)
        answer.elapsed_ms = (time.perf_counter() - t0) * 1000
        return answer

    # ---- conversation --------------------------------------------------------------------
    def _converse(self, question: str, today: date, chat: str | None) -> Answer:
        search = search_form(question)
        kind = talk.small_talk(search)
        if kind:
            return talk.help_answer(question, kind)
        state = self.chats.get(chat) if chat else None
        if state is not None:
            command = re.match(r"/xa\b\s*(.*)$", search)
            place = command.group(1) if command else talk.place_statement(search)
            if command or place:
                return self.remember_place(chat, place)
            if talk.asks_more(search):
                return self._more(question, state)
            if talk.asks_detail(search):
                return self._detail(question, state)
        query = self.understand(question)
        applied = ""
        if state is not None:
            prev = state.recent()
            if prev is not None and talk.is_follow_up(query, query.search):
                words_of = {d: fold(doc.meta.locality) for d, doc in self.index.documents.items()}
                merged = self.understand(talk.carry_over(query, prev, words_of))
                query = merged.model_copy(update={"text": question})
            elif state.place_ids and not (query.localities or query.doc_ids) \
                    and not _ALL_PLACES.search(query.search):
                scoped = self.understand(f"{question} o {fold(state.place)}")
                if scoped.localities:
                    query, applied = scoped.model_copy(update={"text": question}), state.place
        answer = self._respond(query, today)
        if applied:
            note = f"(Theo địa phương bạn đã chọn: {applied}) "
            answer.headline = compose.quote(note + answer.headline, compose.HEADLINE_CHARS)
            answer.answer = compose.fit(f"{note}\n{answer.answer}\n\nGõ /xa bỏ để bỏ chọn "
                                        "địa phương.")
        if state is not None:
            state.remember(query, answer, list(answer.rest))
        return answer

    def remember_place(self, chat: str | None, name: str) -> Answer:
        """Set (or, with "bỏ"/"xóa", clear) the chat's locality: later questions that name
        none are asked of its plans."""
        state = self.chats.get(chat or "")
        key = search_form(name)
        if not key:
            now = f"Địa phương đang chọn: {state.place}." if state.place else \
                "Bạn chưa chọn địa phương."
            return compose.message(name, f"{now} Gõ /xa <tên xã/phường> để chọn, /xa bỏ để bỏ.")
        if key in _CLEAR_WORDS:
            state.place, state.place_ids = "", []
            return compose.message(name, "Đã bỏ chọn địa phương: câu hỏi sẽ tìm trong mọi kế "
                                   "hoạch đã nạp.")
        found = self.places().find(f"o {key}")
        ids = [d for m in found for d in m.doc_ids]
        if not ids:
            known = self._unloaded_place(f"xã {name}") or self._unloaded_place(name)
            return compose.message(name, f"Chưa có kế hoạch nào của «{known or name}» trong "
                                   "các kế hoạch đã nạp; gõ /kehoach để xem danh sách.")
        doc = self.index.documents[ids[0]]
        state.place, state.place_ids = compose.place(doc), ids
        return compose.message(name, f"Đã chọn {state.place}: câu hỏi không nêu địa phương sẽ "
                               f"được trả lời theo {doc.label()}. Gõ /xa bỏ để bỏ chọn.")

    def _more(self, question: str, state: talk.ChatState) -> Answer:
        if state.pending:
            shown, state.pending = state.pending[:talk.PAGE], state.pending[talk.PAGE:]
            tail = [f"… còn {len(state.pending)} mục nữa, gõ «tiếp»."] if state.pending else []
            head = "Tiếp theo:"
            return Answer(question=question, intent="list", found=True, headline=head,
                          answer=compose.fit("\n".join([head, "", *shown, *tail])))
        if state.sources:
            shown, state.sources = state.sources[:2], state.sources[2:]
            lines = [f"📄 {c.document} · {c.section} · trang {c.page}\n«{c.quote}»"
                     for c in shown]
            return Answer(question=question, intent="what", found=True, headline="Nguồn khác:",
                          answer=compose.fit("\n\n".join(["Nguồn khác:", *lines])),
                          citations=shown)
        if state.answer is None:
            return compose.message(question, "Chưa có câu trả lời nào để xem thêm. Hãy đặt câu "
                                   "hỏi trước.")
        return compose.message(question, "Không còn gì thêm cho câu trả lời vừa rồi. Hãy đặt "
                               "câu hỏi mới.")

    def _detail(self, question: str, state: talk.ChatState) -> Answer:
        last = state.answer
        if last is not None and not last.segment_ids and (state.pending or state.sources):
            return self._more(question, state)  # a list: its next lines
        if last is None or not last.segment_ids:
            return compose.message(question, "Chưa có câu trả lời nào để xem chi tiết. Hãy "
                                   "đặt câu hỏi trước.")
        seg = self.segment(last.segment_ids[0])
        if seg is None:
            return compose.message(question, "Điều khoản này không còn trong chỉ mục.")
        cit = self.citation(seg, quote_chars=1800)
        head = f"Toàn văn điều khoản: {cit.document} · {cit.section} · trang {cit.page}"
        return Answer(question=question, intent=last.intent, found=True, headline=head[:300],
                      answer=compose.fit(f"{head}\n\n«{cit.quote}»"), citations=[cit])

    def _unloaded_place(self, text: str) -> str:
        """A commune or ward the text marks ("xã …", "phường …") that the official list of
        units knows and no loaded plan is of, as "xã X (tỉnh Y)", or a province or city no
        loaded plan is of or in; else ""."""
        docs = self.index.documents.values()
        loaded = {fold(d.meta.locality) for d in docs}
        provinces = loaded | {fold(d.meta.province) for d in docs if d.meta.province}
        # a province's own plans (issued at its level), not its communes'
        own = {fold(d.meta.locality) for d in docs if d.meta.locality_kind in _PROVINCE_KINDS}
        folded = fold(text)
        for p in find_places(text):
            if p.marked and p.kind in ("xã", "phường") and fold(p.name) not in loaded:
                return f"{p.kind} {p.name}" + (f" ({p.province})" if p.province else "")
            if p.kind in _PROVINCE_KINDS and fold(p.name) not in provinces:
                # "Quảng Ninh …", marked or not: a province no loaded plan is of or in
                return f"{p.kind} {p.name}"
            if p.marked and p.kind in _PROVINCE_KINDS and fold(p.name) not in own and not any(
                    m.start <= p.start < m.end for m in find_agencies(folded)):
                # "tỉnh Lai Châu đặt …" asks the province's plan: a commune's plan in it
                # answers for the commune (not for a "Sở … tỉnh Lai Châu" the text names)
                inside = [f"{d.meta.locality_kind} {d.meta.locality}" for d in docs
                          if fold(d.meta.province or "") == fold(p.name)]
                return f"{p.kind} {p.name}" + (f" (chỉ có kế hoạch của {', '.join(inside[:3])} "
                                               "thuộc địa bàn này)" if inside else "")
        return ""

    def understand(self, question: str) -> Query:
        known = self.index.bm25.vocab if self.index.bm25 else ()
        query = understand(question, self.places(), known)
        own = plan_terms.plans_spelling(self, query.agency, _named(query))
        return query.model_copy(update={"agency": own}) if own != query.agency else query

    def contrasts(self) -> tuple[contrast.Contrast, ...]:
        """The qualifiers that contrast (intents.contrast), listed and learned from the
        loaded plans' sibling indicators."""
        return plan_terms.contrasts(self)

    def _validate(self, question: str, length: int) -> Answer | None:
        if length > MAX_QUESTION_CHARS:
            return compose.message(
                question[:200] + "…",
                f"Câu hỏi quá dài ({length} ký tự). Hãy hỏi ngắn gọn trong "
                f"{MAX_QUESTION_CHARS} ký tự, mỗi lần một ý.")
        if not words(search_form(question)):
            return compose.message(question, "Bạn chưa nhập câu hỏi. Ví dụ: «Ai chủ trì việc số "
                                   "hóa hồ sơ ở phường Trần Liễu?»")
        if not self.index.documents:
            return compose.message(question, "Chưa có kế hoạch nào trong chỉ mục. Hãy nạp "
                                   "kế hoạch bằng lệnh `python run_bot.py ingest <tệp>`.")
        return None

    def _respond(self, query: Query, today: date) -> Answer:
        if _says_nothing(query):
            # "ai phối hợp?" with nothing before it: ask what about rather than guess
            return compose.message(query.text, "Bạn hỏi về việc nào, ở xã/phường nào? Ví dụ: "
                                   "«Ai phối hợp cấp chứng thư số ở phường Trần Liễu?»")
        named = _named(query)
        elsewhere = "" if named else self._unloaded_place(query.text)
        if elsewhere:
            # "xã Bến Thành …" with no plan of it loaded: say so, not another commune's answer
            return compose.message(query.text, f"Chưa có kế hoạch của {elsewhere} trong các kế "
                                   "hoạch đã nạp; gõ /kehoach để xem danh sách.")
        if query.about:
            return about.answer(self, query, named)
        # "Mục tiêu chung của Kế hoạch 144 là gì": the section the question names by its
        # heading, whatever cue words the name holds (intents.section_answer)
        section = section_answer(self, query, named)
        if section is not None:
            return section
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
            years = compose.years_set(self, named)
            if named and years:
                # "chỉ tiêu đến năm 2045" of a plan whose targets stop at 2030: not given
                ans = compose.not_found(self, query, named, None)
                note = ("Kế hoạch có chỉ tiêu cho các năm: " + ", ".join(map(str, years))
                        + f"; không có chỉ tiêu năm {query.years[0]}.")
                ans.answer = compose.fit(f"{ans.headline}\n{note}\n{ans.answer[len(ans.headline):]}")
                return ans
        if facts_answer.asks_agency_targets(query):
            # "Sở Y tế được giao những chỉ tiêu nào?": the targets read with that agency
            listed = facts_answer.agency_targets(self, query, named)
            if listed is not None:
                return listed
        # embedded where the dense scores are first needed (retrieval.search.score_arrays):
        # an answer made without them does not wait for the model
        qvec = QueryVector(self.index.embedder, query.search)
        if query.duties and query.role not in ("chu_tri", "phoi_hop"):
            return self._duties(query, named, qvec)
        if query.intent == "list":
            listed = compose.list_answer(self, query, named, qvec, today)
            if not listed.found and query.agency and query.duties:
                # no task read for the body: the section a heading that names it opens
                # (asked what it leads: not a section that gives the lead to another body)
                section = agency_section(self, query, named)
                if section is not None and not (section.citations and gate.role_contradicted(
                        query, section.citations[0].quote)):
                    listed = section
            if listed.found or query.agency:
                return listed
            # "Tổ công nghệ số cộng đồng có nhiệm vụ gì?": no task list names it as a lead,
            # but a clause may say what it does
            query = query.model_copy(update={"intent": "what"})
        every = _ALL_PLACES.search(query.search) and not named
        if len(query.localities) >= 2 or (every and len(self.index.documents) >= 2):
            # "… ở các xã": the same question put to each plan, one line each
            docs = query.localities if len(query.localities) >= 2 else list(self.index.documents)
            parts = [(d, gate.best(self, query, [d], qvec)) for d in docs]
            if every and len(query.localities) < 2:
                # asked of all plans: only clear answers count, the rest "không nêu"
                parts = [(d, ev if _clear(query, ev) else None) for d, ev in parts]
                if not any(ev for _, ev in parts):
                    return compose.not_found(self, query, [], qvec)
            return compose.multi_answer(self, query, parts)
        evidence = gate.best(self, query, named or None, qvec)
        if query.intent == "what":
            # "… gồm những nội dung gì": the set the clause opens or belongs to, with its
            # items; no clause passing, the closest sets (intents.set_answer)
            outlined = (sets.set_around(self, query, evidence) if evidence else None) or \
                sets.set_answer(self, query, named, qvec, evidence.coverage if evidence else 0)
            if outlined is not None:
                return outlined
        if query.intent == "target":
            # the indicator read off the plan's target table or list at ingest answers when
            # it matches the question at least as well as the clause does
            fm = facts_answer.match_target(self, query, named)
            ev = facts_answer.evidence(self, fm) if fm is not None else None
            if fm is not None and ev is not None and fm.refused \
                    and not _answers_instead(query, evidence, fm):
                # the indicator asked is given for other bodies or another qualifier only:
                # said so, not answered by a sibling indicator the gate let through
                return compose.not_stated(self, query, ev, fm.refused)
            if ev is not None and fm is not None and facts_answer.prefer_fact(fm, evidence, query.years,
                                                                         query.terms):
                if fm.value:
                    return compose.single_answer(self, query, ev)
                if evidence is None or evidence.hit.segment.id != fm.fact.segment_id:
                    # the indicator asked, read at ingest, is given for other years only: a
                    # clause it matches clearly better than is another indicator's
                    return compose.not_given(self, query, ev)
        if evidence is not None and query.intent == "target" and _other_body(self, query, evidence):
            evidence = None
        if evidence is None and query.intent == "target" and query.years:
            # "chỉ tiêu năm 2026" where the plan sets one for 2030 only: not given, the
            # nearest value offered with its own year
            nearest = gate.best(self, query.model_copy(update={"years": []}), named or None, qvec)
            if nearest is not None and nearest.direct and nearest.detail:
                if gate.in_span_asked(query, nearest):
                    return compose.single_answer(self, query, nearest)
                return compose.not_given(self, query, nearest)
        if evidence is None:
            return compose.not_found(self, query, named, qvec)
        if query.also:
            self._second_part(query, evidence, qvec)
        return compose.single_answer(self, query, evidence)

    def _duties(self, query: Query, named: list[str], qvec: np.ndarray) -> Answer:
        """"Sở X làm gì?": the tasks and duties the plans give X; else a clause that names X
        and answers; else not given (a plan that gives X nothing does not say)."""
        listed = compose.duties_answer(self, query, named) or agency_section(self, query, named)
        if listed is not None:
            return listed
        what = query.model_copy(update={"intent": "what"})
        ev = gate.best(self, what, named or None, qvec)
        if ev is None or not _names_agency(ev.hit.segment, query.agency):
            return compose.not_found(self, what, named, qvec)
        return compose.single_answer(self, what, ev)

    def _second_part(self, query: Query, ev: Evidence, qvec: np.ndarray) -> None:
        """"Ai chủ trì và hạn khi nào": the second thing asked, from the same clause, else
        from the clause of the same plan that answers it, added to the answer's extras."""
        for intent in query.also:
            second = query.model_copy(update={"intent": intent})
            got = clause_answer.extract(self, second, ev.hit, ev.coverage)
            if got is None or not got.direct:
                got = gate.best(self, second, [ev.hit.segment.doc_id], qvec)
            if got is not None and got.direct and fold(got.direct) not in fold(ev.direct):
                ev.extra.append(f"{_PART_LABEL.get(intent, intent)}: {got.direct}")

    # ---- retrieval and the evidence gate (intents.evidence) --------------------------------
    def search(self, query: Query, doc_ids: list[str] | None, qvec: np.ndarray | None,
               k: int = 10) -> list[Hit]:
        return gate.search(self, query, doc_ids, qvec, k)

    def coverage(self, query: Query, seg: Segment) -> float:
        return gate.coverage(self, query, seg)

    def related(self, query: Query, doc_ids: list[str] | None, qvec: np.ndarray | None,
                k: int = 3) -> list[Segment]:
        return gate.related(self, query, doc_ids, qvec, k)


_PROVINCE_KINDS = ("tỉnh", "thành phố")
_PART_LABEL = {"who": "cơ quan", "when": "thời hạn", "target": "chỉ tiêu"}
_CLEAR_WORDS = frozenset(["bo", "xoa", "huy", "bo chon", "xoa chon", "clear", "reset"])
_ALL_PLACES = re.compile(r"\b(?:cac|moi|tung|nhung) (?:xa|phuong|dia phuong|ke hoach)\b|"
                         r"\bgiua cac\b")


def _says_nothing(query: Query) -> bool:
    """A question with no topic, place, plan or period of its own (a follow-up out of
    context)."""
    return not (query.terms or query.localities or query.doc_ids or query.years or query.about
                or query.role in ("ky", "can_cu") or query.report_period or query.agency
                or query.due_days is not None or query.due_span or query.phrases)


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


def _names_agency(seg: Segment, agency: str) -> bool:
    """The clause, or the heading it stands under, names the agency."""
    return any(same_agency(agency, a.name) for text in (seg.body, *map(fold, seg.heading_path))
               for a in find_agencies(text))


def _answers_instead(query: Query, clause: Evidence | None, fm: facts_answer.FactMatch) -> bool:
    """A clause the gate passed answers a question whose indicator the plan gives only for
    other bodies or another qualifier: it covers the question at least as well as that
    indicator does, and, asked of a body, names it."""
    if clause is None or not re.search(r"\d", clause.direct) or clause.coverage < fm.score:
        return False
    if fm.refused == "body":
        return bool(query.agency) and _names_agency(clause.hit.segment, query.agency)
    return True


def _other_body(engine: AnswerEngine, query: Query, ev: Evidence) -> bool:
    """A figure asked of one body ("MobiFone lắp mới bao nhiêu trạm") from a plan that
    splits its figures by body and names that body somewhere, answered by a clause that
    does not name it: the clause gives a total or another body's part."""
    seg = ev.hit.segment
    return bool(query.agency) and facts_answer.splits_by_body(engine, seg.doc_id) \
        and plan_terms.names(engine, seg.doc_id, query.agency) \
        and not _names_agency(seg, query.agency)


def _clear(query: Query, ev: Evidence | None) -> bool:
    if ev is None or ev.coverage < 0.8:
        return False
    return query.intent != "target" or bool(re.search(r"\d", ev.direct))


def _say_cut(answer: Answer, cleaned: Question) -> Answer:
    """A message longer than a question the engine reads (corpus.sanitize.QUESTION_CHARS) was
    answered from its first part: the headline says so, politely, where every front end
    shows it."""
    if not cleaned.cut:
        return answer
    note = (f"(Tin nhắn dài {cleaned.length} ký tự nên trợ lý chỉ đọc {len(cleaned.text)} "
            "ký tự đầu; xin hỏi ngắn gọn, mỗi lần một ý.)")
    old = answer.headline
    answer.headline = f"{old} {note}".strip()
    if answer.answer.startswith(old):
        answer.answer = compose.fit(answer.headline + answer.answer[len(old):])
    else:
        answer.answer = compose.fit(f"{note}\n{answer.answer}")
    return answer
