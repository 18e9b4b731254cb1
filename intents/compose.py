"""Composing replies: the direct answer, the quoted clause and where it stands.

A reply fits one Zalo message (2000 characters); the headline is one line (≤ 300). The answer
itself comes from `intents.clause_answer`, the citation from `intents.cite`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from corpus import values as V
from corpus.agencies import find_agencies, same_agency
from corpus.models import Document, Fact, Segment
from corpus.normalize import fold, readable
from intents import extract as X
from intents import set_answer as sets
from intents.cite import HEADLINE_CHARS, citation, fit, place, quote, where
from intents.clause_answer import best_sentence, extract
from intents.models import Answer, Query

if TYPE_CHECKING:
    import numpy as np

    from intents.engine import AnswerEngine
    from intents.evidence import Evidence



# ---- replies ---------------------------------------------------------------------------------
def _headline(direct: str, detail: str, extra: list[str], snippet: str, where_: str) -> str:
    lead = direct
    if detail:
        lead += f" ({detail})"
    if extra:
        lead += "; " + "; ".join(extra)
    head = f"{lead} — {snippet} [{where_}]" if snippet else f"{lead} [{where_}]"
    if len(head) > HEADLINE_CHARS:
        room = HEADLINE_CHARS - len(lead) - len(where_) - 8
        head = f"{lead} — {quote(snippet, max(room, 20))} [{where_}]"
    return head[:HEADLINE_CHARS]


_DASHES = frozenset("-–—|")


def legible(text: str, max_noise: float = 0.25) -> bool:
    """False for a snippet that is mostly OCR debris once read ("viên . < 1 . — số số Số e
    số Ở … 0, 0, 0,"): too many of its word tokens are lone marks, single letters or the
    word before repeated. Numbers and dashes count neither way: table rows are full of them."""
    noise = total = 0
    prev = ""
    for tok in text.split():
        bare = tok.strip(".,;:()«»\"'").lower()
        if tok in _DASHES or any(c.isdigit() for c in tok):
            continue
        total += 1
        if len(bare) <= 1 or not any(c.isalpha() for c in bare) or bare == prev:
            noise += 1
        prev = bare
    return total == 0 or noise / total <= max_noise


def single_answer(engine: AnswerEngine, query: Query, ev: Evidence) -> Answer:
    seg = ev.hit.segment
    if query.intent == "what":
        # a heading or a lead-in ("a) Phát triển hải quan số:") says nothing alone: its items
        # answer
        opened = sets.expand(engine, query, ev)
        if opened is not None:
            return opened
    doc = engine.index.documents[seg.doc_id]
    snippet = quote(readable(ev.about), 170) if ev.about else best_sentence(seg, query)
    if ev.direct and not legible(snippet):
        # the answer stands alone in the headline; the clause is quoted below as it is
        snippet = ""
    if ev.direct:
        head = _headline(ev.direct, ev.detail, ev.extra, snippet, place(doc))
    else:
        # a clause that lists the set asked ("bao gồm: …, …, …"): its items named
        head = (sets.inline_headline(query, seg, place(doc))
                or _headline(snippet, "", [], "", place(doc)))
    more_segs = [h.segment for h in engine.search(query, [seg.doc_id], None, k=4)
                 if h.segment.id != seg.id][:3]
    others = _answers_elsewhere(engine, query, ev) if ev.direct else []
    also = [s for s, _ in others]
    cits = [citation(doc, seg)] + [citation(engine.index.documents[s.doc_id], s, 300)
                                   for s in (also or more_segs[:1])]
    places = [place(doc)] + [place(engine.index.documents[s.doc_id]) for s in also]
    differ = any(fold(o.direct) != fold(ev.direct) for _, o in others)
    if differ:  # "Lộc Tân: trước ngày 10/12; Trần Liễu: trước ngày 30/11"
        each = "; ".join(f"{p}: {e.direct}" for p, e in zip(places, [ev] + [o for _, o in others],
                                                              strict=True))
        head = _headline(each, ev.detail, ev.extra, snippet, ", ".join(places))
    elif also:
        head = _headline(ev.direct, ev.detail, ev.extra, snippet, ", ".join(places))
    body = [head, "", f"📄 {where(doc, seg)}", f"«{quote(seg.shown, 700)}»"]
    if also:
        body += ["", "Các kế hoạch khác:" if differ else "Các kế hoạch khác cũng nêu:"]
        body += [f"• {where(engine.index.documents[s.doc_id], s)}: «{quote(s.shown, 200)}»"
                 for s in also]
    elif more_segs:
        s = more_segs[0]
        body += ["", "Xem thêm:", f"• {where(engine.index.documents[s.doc_id], s)}: "
                 f"«{quote(s.shown, 250)}»"]
    return Answer(question=query.text, intent=query.intent, found=True, headline=head,
                  answer=fit("\n".join(body)), citations=cits,
                  more=[citation(engine.index.documents[s.doc_id], s) for s in more_segs],
                  segment_ids=[seg.id] + [s.id for s in more_segs])


def _answers_elsewhere(engine: AnswerEngine, query: Query,
                       ev: Evidence) -> list[tuple[Segment, Evidence]]:
    """For a question that names no plan: other plans whose clause gives the same answer —
    or, asked when a report is due, any dated answer (each plan sets its own date)."""
    if query.localities or query.doc_ids:
        return []
    seg = ev.hit.segment
    out: list[tuple[Segment, Evidence]] = []
    seen = {seg.doc_id}
    hits = engine.report_clauses(query.report_period, None) if query.report_period else \
        engine.search(query, None, None, k=12)
    for h in hits:
        if h.segment.doc_id in seen:
            continue
        other = extract(engine, query, h, 1.0)
        if other is not None and (query.report_period or fold(other.direct) == fold(ev.direct)):
            out.append((h.segment, other))
            seen.add(h.segment.doc_id)
    return out[:2]


def multi_answer(engine: AnswerEngine, query: Query, parts: list) -> Answer:
    heads, body, cits, found_any = [], [], [], False
    for doc_id, ev in parts:
        doc = engine.index.documents[doc_id]
        if ev is None:
            heads.append(f"{place(doc)}: kế hoạch không nêu")
            body += [f"▪ {place(doc)}: {doc.label()} không nêu nội dung này.", ""]
            continue
        found_any = True
        seg = ev.hit.segment
        direct = ev.direct or best_sentence(seg, query, 120)
        heads.append(f"{place(doc)}: {direct}" + (f" ({ev.detail})" if ev.detail else ""))
        body += [f"▪ {place(doc)}: {direct}", f"📄 {where(doc, seg)}",
                 f"«{quote(seg.shown, 450)}»", ""]
        cits.append(citation(doc, seg, 450))
    head = " | ".join(heads)[:HEADLINE_CHARS]
    return Answer(question=query.text, intent=query.intent, found=found_any, headline=head,
                  answer=fit("\n".join([head, "", *body]).strip()), citations=cits)


def not_found(engine: AnswerEngine, query: Query, doc_ids: list[str],
              qvec: np.ndarray | None) -> Answer:
    docs = [engine.index.documents[d] for d in doc_ids] or list(engine.index.documents.values())
    scope = ", ".join(f"{d.label()}" for d in docs[:2]) if doc_ids else "các kế hoạch đã nạp"
    head = f"Không tìm thấy: {scope} không nêu nội dung này."
    related = engine.related(query, doc_ids or None, qvec, k=3)
    body = [head]
    if related:
        body += ["", "Các điều khoản gần nhất (không trả lời trực tiếp câu hỏi):"]
        for s in related[:3]:
            d = engine.index.documents[s.doc_id]
            body.append(f"• {where(d, s)}: «{quote(s.shown, 200)}»")
    body += ["", "Bạn có thể hỏi về: ai chủ trì, thời hạn, chỉ tiêu theo năm của từng "
             "xã/phường; gõ /kehoach để xem danh sách kế hoạch."]
    return Answer(question=query.text, intent=query.intent, found=False, headline=head,
                  answer=fit("\n".join(body)), citations=[])


def not_given(engine: AnswerEngine, query: Query, nearest: Evidence) -> Answer:
    """A value asked for a year the plan does not set: said so, with the nearest value the
    plan does give, labelled as such (found=false: the year asked is not answered)."""
    seg = nearest.hit.segment
    doc = engine.index.documents[seg.doc_id]
    asked = ", ".join(map(str, query.years))
    given = f"{nearest.direct}" + (f" ({nearest.detail})" if nearest.detail else "")
    head = (f"Không tìm thấy: {doc.label()} không nêu chỉ tiêu năm {asked}; điều khoản gần "
            f"nhất nêu: {given}.")
    return _not_found_near(query, doc, seg, head)


def not_stated(engine: AnswerEngine, query: Query, nearest: Evidence, why: str) -> Answer:
    """A value the plan gives only for other bodies (`why` "body": "Đầu tư mới trạm 5G:
    MobiFone …, Viettel …" asked of VNPT) or under another qualifier ("qualifier": "toàn
    trình" stated, "một phần" asked): said so, with what the plan does give as the
    nearest clause (found=false: the question is not answered)."""
    seg = nearest.hit.segment
    doc = engine.index.documents[seg.doc_id]
    asked = f" cho {query.agency}" if why == "body" and query.agency else ""
    given = quote(readable(nearest.about or seg.shown), 160)
    head = (f"Không tìm thấy: {doc.label()} không nêu số liệu này{asked}; gần nhất là: "
            f"{given}: {nearest.direct}.")
    return _not_found_near(query, doc, seg, head)


def _not_found_near(query: Query, doc: Document, seg: Segment, head: str) -> Answer:
    """found=false with the nearest clause the plan does give, quoted and cited."""
    body = [quote(head, HEADLINE_CHARS), "", f"📄 {where(doc, seg)}", f"«{quote(seg.shown, 600)}»"]
    return Answer(question=query.text, intent=query.intent, found=False,
                  headline=quote(head, HEADLINE_CHARS), answer=fit("\n".join(body)),
                  citations=[citation(doc, seg)])


def message(question: str, text: str) -> Answer:
    return Answer(question=question, intent="unknown", found=False, headline=text,
                  answer=text, citations=[])


def list_answer(engine: AnswerEngine, query: Query, doc_ids: list[str],
                qvec: np.ndarray | None, today: date) -> Answer:
    """'Phòng X chủ trì những việc gì?', 'việc nào hạn năm 2026?' — items with their source."""
    if query.agency:
        listed = _facts_list(engine, query, doc_ids)
        if listed is not None:
            return listed
    elif not query.years:
        # "kinh phí gồm những nguồn nào": the clause that opens that set, with its items
        outlined = sets.set_answer(engine, query, doc_ids, qvec)
        if outlined is not None:
            return outlined
    hits = engine.search(query, doc_ids or None, qvec, k=40)
    items: list[tuple[Segment, str]] = []
    for h in hits:
        seg = h.segment
        body = seg.body
        if query.agency:
            lead = X.agencies_after(body, X.LEAD_FIELD) or X.inline_lead(body)
            if seg.kind == "row" and not lead:
                found = find_agencies(body)
                lead = found[:1]
            if not any(same_agency(query.agency, a.name) for a in lead) and not (
                    query.role == "phoi_hop" and _partner_in(body, query.agency)):
                continue
        if query.years:
            tx = V.find_timex(body)
            if not any(str(y) in t.display for t in tx for y in query.years):
                continue
        if engine.coverage(query, seg) < 0.34 and not query.agency:
            continue
        tx = V.find_timex(body)
        due = tx[-1].display if tx else ""
        items.append((seg, due))
    if not items:
        return not_found(engine, query, doc_ids, qvec)
    items.sort(key=lambda it: (it[0].doc_id, it[0].order))
    lines, cits = [], []
    for seg, due in items[:8]:
        doc = engine.index.documents[seg.doc_id]
        what = quote(readable(X.sentences(seg.shown)[0] if X.sentences(seg.shown) else seg.shown),
                      150)
        lines.append(f"• {what}" + (f" — hạn: {due}" if due else "") + f" (tr. {seg.page})")
        cits.append(citation(doc, seg, 300))
    subject = query.agency or "Các kế hoạch"
    head = f"{subject}: {len(items)} việc" + (f" ({place(engine.index.documents[doc_ids[0]])})"
                                             if doc_ids else "")
    rest = [_item_line(engine, seg, due) for seg, due in items[8:]]
    more = len(rest)
    text = "\n".join([head, "", *lines] + ([f"… và {more} việc nữa (gõ «tiếp» để xem)."]
                                          if more > 0 else []))
    return Answer(question=query.text, intent="list", found=True, headline=head[:300],
                  answer=fit(text), citations=cits[:5], rest=rest)


_PARTNER_CUE = re.compile(r"\bphoi hop(?: chat che)?(?: voi)?\b|\bdon vi phoi hop\b")


def _partner_in(body: str, agency: str) -> bool:
    """The clause names the agency among those it works with: after "phối hợp (với)", within
    the list of bodies that follows ("Phối hợp với Sở Xây dựng, Sở Quy hoạch - Kiến trúc …")."""
    cues = [m.end() for m in _PARTNER_CUE.finditer(body)]
    return any(same_agency(agency, a.name) and any(0 <= a.start - c <= 120 for c in cues)
               for a in find_agencies(body))


def duties_answer(engine: AnswerEngine, query: Query, doc_ids: list[str]) -> Answer | None:
    """"Sở X làm gì?": the tasks and duties the plans give the agency named, leading or
    coordinating, from the extracted facts; None when they give it none."""
    return _facts_list(engine, query, doc_ids, ("lead", "support"))


def _facts_list(engine: AnswerEngine, query: Query, doc_ids: list[str],
                roles: tuple[str, ...] = ()) -> Answer | None:
    """The tasks and duties the plans give the agency named (lead, or coordinating when
    asked "phối hợp"), from the extracted facts: whole task texts, with their deadlines."""
    roles = roles or (("support",) if query.role == "phoi_hop" else ("lead",))
    role = roles[0]
    mine = [f for f in engine.index.facts if f.kind in ("task", "duty")
            and (not doc_ids or f.doc_id in doc_ids)
            and any(same_agency(query.agency, a) for a in (*f.lead, *f.support))]
    facts = [f for f in mine if any(same_agency(query.agency, a)
                                    for r in roles for a in getattr(f, r))]
    if roles == ("support",):
        # "Sở X phối hợp làm gì": also the duties given X that are coordination itself
        # ("Sở Nội vụ: Phối hợp với Sở … rà soát …"); none at all, what X does in any role
        facts += [f for f in mine if f not in facts and fold(f.text).startswith("phoi hop")]
        if not facts:
            facts, roles = mine, ("lead", "support")
    if query.years:
        facts = [f for f in facts if any(str(y) in f.deadline_text for y in query.years)]
    if not facts:
        return None
    docs = engine.index.documents
    lines = []
    for f in facts:
        due = f" — hạn: {f.deadline_text}" if f.deadline_text else ""
        where_ = f" ({place(docs[f.doc_id])})" if len({x.doc_id for x in facts}) > 1 else ""
        # a few tasks are shown whole as far as the room allows: the detail asked often
        # stands at a long task's end ("… theo tiêu chuẩn TCVN 14423:2025")
        lines.append(f"• {X.task_text(engine, f, X.item_room(len(facts)))}{due}"
                     f"{where_} (tr. {f.page})")
    label = "chủ trì, phối hợp" if len(roles) > 1 else "phối hợp" if role == "support" \
        else "chủ trì"
    scope = f" ({place(docs[doc_ids[0]])})" if len(doc_ids) == 1 else ""
    head = f"{query.agency} {label} {len(facts)} việc{scope}"
    return fact_list_reply(engine, query, facts, head, lines, "việc", "list")


def fact_list_reply(engine: AnswerEngine, query: Query, facts: list[Fact], head: str,
                    lines: list[str], noun: str, intent: str) -> Answer:
    """A list answered from facts, one line each: the first eight shown, the rest kept for
    «tiếp», the first five facts' clauses cited."""
    docs = engine.index.documents
    shown, rest = lines[:8], lines[8:]
    tail = [f"… và {len(rest)} {noun} nữa (gõ «tiếp» để xem)."] if rest else []
    cits = []
    for f in facts[:5]:
        seg = engine.segment(f.segment_id)
        if seg is not None:
            cits.append(citation(docs[f.doc_id], seg, 300))
    return Answer(question=query.text, intent=intent, found=True,
                  headline=head[:HEADLINE_CHARS],
                  answer=fit("\n".join([head, "", *shown, *tail])), citations=cits, rest=rest)


def _item_line(engine: AnswerEngine, seg: Segment, due: str) -> str:
    sents = X.sentences(seg.shown)
    what = quote(readable(sents[0] if sents else seg.shown), 150)
    return f"• {what}" + (f" — hạn: {due}" if due else "") + f" (tr. {seg.page})"


def targets_table(engine: AnswerEngine, query: Query, doc_ids: list[str],
                  year: int) -> Answer | None:
    """Every target a plan sets for one year, one line each, within one message."""
    facts = engine.targets_for_year(year, doc_ids or None)
    if not facts:
        return None
    docs = engine.index.documents
    where = place(docs[doc_ids[0]]) if len(doc_ids) == 1 else "các kế hoạch"
    head = f"Chỉ tiêu năm {year} – {where}: {len(facts)} chỉ tiêu"
    lines: list[str] = []
    shown = 0
    for f in facts:
        doc = docs.get(f.doc_id)
        who = f" ({place(doc)})" if doc and len(doc_ids) != 1 else ""
        line = f"• {quote(readable(f.text), 90)}: {f.values[str(year)]}{who} — tr. {f.page}"
        if len("\n".join([head, "", *lines, line])) > 1850:
            break
        lines.append(line)
        shown += 1
    rest = [f"• {quote(readable(f.text), 90)}: {f.values[str(year)]} — tr. {f.page}"
            for f in facts[shown:]]
    more = len(rest)
    text = "\n".join([head, "", *lines] + ([f"… và {more} chỉ tiêu nữa (gõ «tiếp»)."]
                                          if more > 0 else []))
    cits = []
    for f in facts[:5]:
        seg, doc = engine.segment(f.segment_id), docs.get(f.doc_id)
        if seg and doc:
            cits.append(citation(doc, seg, 200))
    return Answer(question=query.text, intent="target", found=True, headline=head[:300],
                  answer=fit(text), citations=cits, rest=rest)


def years_set(engine: AnswerEngine, doc_ids: list[str]) -> list[int]:
    """The years the plans set targets for (from the extracted facts)."""
    return sorted({int(y) for f in engine.facts("target") if not doc_ids or f.doc_id in doc_ids
                   for y in f.values if y.isdigit()})
