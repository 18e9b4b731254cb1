"""A field of one task asked: "Kết quả dự kiến / sản phẩm của nhiệm vụ X là gì?", "Nguồn
kinh phí cho nhiệm vụ X lấy từ đâu?", answered from the task facts read at ingest
(corpus/facts/: the "Sản phẩm / Kết quả" and "Nguồn kinh phí" columns of a task table, the
"Sản phẩm:" / "Kinh phí:" fields of a task block), not by reading the plan's text again.

The task is the one whose text (and, at half weight, its group row and section) holds most
of the question's own words; tasks that match equally (a question naming a group of rows,
"nhiệm vụ xây dựng cơ sở dữ liệu quốc gia về quy hoạch") answer together: one value when
they share it (a merged cell), else each task's. A plan whose tasks carry no such field, or
a question that names no task clearly, is left to the other readers.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from corpus.models import Fact, Segment
from corpus.normalize import readable, search_form, words
from corpus.tables import column_role, split_cells
from intents.cite import HEADLINE_CHARS, citation, fit, place, quote, where
from intents.models import Answer, Query

if TYPE_CHECKING:
    from intents.engine import AnswerEngine

MATCH_MIN = 0.7  # IDF-weighted share of the question's own words the task must hold
CONTEXT_WEIGHT = 0.5  # a word found only in the task's group row or section heading

# the field asked, by the words that name it (search form)
_FIELDS = (
    ("product", re.compile(r"\b(?:san pham|ket qua(?: du kien| dau ra)?|dau ra)\b")),
    ("funding", re.compile(r"\b(?:nguon kinh phi|kinh phi|nguon von)\b")),
)
_LABEL = {"product": "Kết quả, sản phẩm", "funding": "Nguồn kinh phí"}
# words that ask for the field or name the task generically, not what the task is about
# words that ask for the field or name a task generically, not what the task is about
_ASKING = re.compile(r"\b(?:san pham|ket qua(?: du kien| dau ra)?|dau ra|nguon kinh phi|kinh phi|"
                     r"nguon von|la gi|la nhung gi|lay tu dau|tu dau|tu nguon nao|gom nhung gi|"
                     r"gom gi|nhu the nao|nhiem vu|cong viec|viec)\b")
_PLACE_WORDS = frozenset(["thanh", "pho", "tinh", "xa", "phuong", "tp"])
PAIR_MIN = 0.5  # share of the question's word pairs the task (or its group row) must hold


def asked_field(query: Query) -> str:
    """"product" or "funding" when the question asks that field of something, else ""."""
    if query.intent not in ("what", "list") or query.agency and query.duties:
        return ""
    found = [(m.start(), f) for f, rx in _FIELDS if (m := rx.search(query.search))]
    return min(found)[1] if found else ""


def _own_terms(query: Query) -> list[str]:
    """The question's words that say which task: not the words asking the field, the
    place's kind ("TP Hồ Chí Minh") or the agency's name."""
    agency = set(words(search_form(query.agency))) if query.agency else set()
    asking = set(words(" ".join(m.group(0) for m in _ASKING.finditer(query.search))))
    return [t for t in dict.fromkeys(query.terms)
            if t not in asking and t not in _PLACE_WORDS and t not in agency]


def _asked_pairs(query: Query, own: list[str]) -> set[tuple[str, str]]:
    """The question's word pairs that hold one of its own words, the asking words cut out
    ("… của nhiệm vụ xây dựng cơ sở dữ liệu …" -> (xay, dung), (dung, co), (co, so) …)."""
    keep = set(own)
    out: set[tuple[str, str]] = set()
    for part in _ASKING.split(query.search):
        seq = words(part)
        out |= {(a, b) for a, b in zip(seq, seq[1:], strict=False) if a in keep or b in keep}
    return out


def _pair_share(asked: set[tuple[str, str]], seq: list[str] | tuple[str, ...]) -> float:
    have = set(zip(seq, seq[1:], strict=False))
    return len(asked & have) / len(asked) if asked else 0.0


def _run(spans: list[list[str]], seq: list[str] | tuple[str, ...]) -> int:
    """The longest run of the question's words the text holds in order ("xây dựng cơ sở dữ
    liệu" over "sử dụng cơ sở dữ liệu", whose pairs are as many)."""
    seq = list(seq)
    best = 0
    for span in spans:
        m = SequenceMatcher(None, span, seq, autojunk=False)
        best = max(best, m.find_longest_match(0, len(span), 0, len(seq)).size)
    return best


def _coverage(engine: AnswerEngine, f: Fact, terms: list[str]) -> float:
    """IDF-weighted share of the question's own words the task holds (its group row and
    section at half weight)."""
    bm = engine.index.bm25
    fw = engine.index.fact_words(f)
    have = set(fw.text) | fw.slash
    total = got = 0.0
    for t in terms:
        w = bm.idf(t) if bm is not None else 1.0
        total += w
        if t in have:
            got += w
        elif t in fw.context:
            got += w * CONTEXT_WEIGHT
    return got / total if total else 0.0


def task_field_answer(engine: AnswerEngine, query: Query, doc_ids: list[str]) -> Answer | None:
    """The field asked of the task the question names; None when no task of the plans
    carries that field or none clearly matches."""
    field = asked_field(query)
    if not field:
        return None
    tasks = [f for f in engine.index.facts if f.kind == "task"
             and (not doc_ids or f.doc_id in doc_ids)]
    if not any(getattr(f, field) for f in tasks):
        return None  # the plans' tasks have no such column or field
    own = _own_terms(query)
    asked = _asked_pairs(query, own)
    if len(own) < 2 or not asked:
        return None  # "kinh phí lấy từ đâu": no task named
    spans = [words(p) for p in _ASKING.split(query.search)]
    scored: list[tuple[tuple[float, int], bool, Fact]] = []
    for f in tasks:
        if _coverage(engine, f, own) < MATCH_MIN:
            continue
        seg = engine.segment(f.segment_id)
        text = engine.index.fact_words(f).text
        group = words(search_form(seg.group)) if seg is not None and seg.group else []
        by_text = (round(_pair_share(asked, text), 3), _run(spans, text))
        by_group = (round(_pair_share(asked, group), 3), _run(spans, group))
        scored.append((max(by_text, by_group), by_group > by_text, f))
    if not scored:
        return None
    top = max(sc for sc, _, _ in scored)
    if top[0] < PAIR_MIN:
        return None
    best = [(grp, f) for sc, grp, f in scored if sc == top]
    if len({f.doc_id for _, f in best}) > 1:
        return None  # the same task in two plans: the place must be named first
    if all(grp for grp, _ in best):
        # the question names a group of rows ("III | Xây dựng cơ sở dữ liệu …"): all its rows
        groups = {_group_of(engine, f) for _, f in best}
        facts = [f for f in tasks if f.doc_id == best[0][1].doc_id
                 and _group_of(engine, f) in groups]
    else:
        facts = [f for grp, f in best if not grp]
    given = [f for f in facts if getattr(f, field)]
    if given:
        return _reply(engine, query, field, given)
    return _not_given(engine, query, field, facts[0])


def _not_given(engine: AnswerEngine, query: Query, field: str, fact: Fact) -> Answer:
    """The task asked is there, its field left empty: the plan does not say (not another
    task's value)."""
    doc = engine.index.documents[fact.doc_id]
    seg = engine.segment(fact.segment_id)
    name = _column_name(seg, field)
    head = (f"Không tìm thấy: {doc.label()} không ghi «{name}» cho nhiệm vụ "
            f"«{quote(readable(fact.text), 120)}».")
    body = [head]
    if seg is not None:
        body += ["", f"📄 {where(doc, seg)}", f"«{quote(seg.shown, 500)}»"]
    return Answer(question=query.text, intent=query.intent, found=False,
                  headline=quote(head, HEADLINE_CHARS), answer=fit("\n".join(body)),
                  citations=[citation(doc, seg, 300)] if seg is not None else [])


def _group_of(engine: AnswerEngine, f: Fact) -> str:
    seg = engine.segment(f.segment_id)
    return seg.group or "" if seg is not None else ""


def _column_name(seg: Segment | None, field: str) -> str:
    """The plan's own name of the column ("Kết quả dự kiến", "Nguồn kinh phí")."""
    if seg is None or not seg.table_header:
        return _LABEL[field]
    for cell in split_cells(seg.table_header):
        if column_role(cell) == field:
            return " ".join(cell.split())
    return _LABEL[field]


def _reply(engine: AnswerEngine, query: Query, field: str, facts: list[Fact]) -> Answer:
    doc = engine.index.documents[facts[0].doc_id]
    segs = [engine.segment(f.segment_id) for f in facts]
    name = _column_name(segs[0], field)
    values = list(dict.fromkeys(getattr(f, field) for f in facts))
    where_ = place(doc)
    if len(values) == 1:
        head = f"{name}: {values[0]}"
        if len(facts) == 1:
            head += f" — nhiệm vụ: {readable(facts[0].text)}"
        lines = [f"• {quote(readable(f.text), 220)}" + _who(f) for f in facts[:6]]
    else:
        head = f"{name}: " + "; ".join(quote(v, 80) for v in values)
        lines = [f"• {quote(readable(f.text), 180)}{_who(f)}\n   ▸ {name}: "
                 f"{quote(getattr(f, field), 200)}" for f in facts[:6]]
    head = quote(head, HEADLINE_CHARS - len(where_) - 4) + f" [{where_}]"
    first = segs[0]
    body = [head, ""]
    if first is not None:
        body += [f"📄 {where(doc, first)}", f"«{quote(first.shown, 500)}»", ""]
    body += ["Nhiệm vụ:" if len(facts) == 1 else f"{len(facts)} nhiệm vụ:", *lines]
    cits = [citation(doc, s, 300) for s in segs[:5] if s is not None]
    return Answer(question=query.text, intent=query.intent, found=True, headline=head,
                  answer=fit("\n".join(body)), citations=cits,
                  segment_ids=[s.id for s in segs if s is not None])


def _who(f: Fact) -> str:
    parts = []
    if f.lead:
        parts.append(f"chủ trì: {', '.join(f.lead)}")
    if f.deadline_text:
        parts.append(f"hạn: {f.deadline_text}")
    return f" ({'; '.join(parts)})" if parts else ""
