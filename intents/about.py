"""Questions about a plan itself, answered from its metadata: when it was issued, its
number, who issued it, what it is called ("Kế hoạch của xã Bình Tân ban hành ngày nào?").

The clauses would mislead here: the first date in a plan is usually the date of
Resolution 57 (22/12/2024), not the plan's own. The header read by corpus/metadata.py
knows the plan's number, issuer and date; the answer quotes that header.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from corpus.models import Document, Segment
from intents import compose
from intents.models import Answer, Query

if TYPE_CHECKING:
    from intents.engine import AnswerEngine

def answer(engine: AnswerEngine, query: Query, doc_ids: list[str]) -> Answer:
    docs = [engine.index.documents[d] for d in doc_ids] if doc_ids else engine.documents()
    lines = [f"{compose.place(d) or d.label()}: {_value(d, query.about)}" for d in docs]
    if len(docs) == 1:
        head = f"{_value(docs[0], query.about)} [{compose.place(docs[0])}]"
    else:
        head = "; ".join(lines)
    body = [head, ""]
    cits = []
    for d in docs:
        seg = _header(engine, d)
        body.append(f"📄 {d.label()}" + (f" · trang {seg.page}" if seg else ""))
        body.append(f"   Số {d.meta.number or '(không đọc được)'}; {d.meta.issuer or '?'}; "
                    f"ngày {d.meta.date or '(không đọc được)'}")
        if d.meta.title:
            body.append(f"   V/v: {compose.quote(d.meta.title, 220)}")
        if seg is not None:
            body.append(f"   «{compose.quote(seg.shown, 250)}»")
            cits.append(compose.citation(d, seg, 300))
    return Answer(question=query.text, intent=query.intent, found=True,
                  headline=compose.quote(head, 300), answer=compose.fit("\n".join(body)),
                  citations=cits)


def _header(engine: AnswerEngine, doc: Document) -> Segment | None:
    """The plan's first segment (its header), through the loaded table and its cache."""
    table = engine.index.segments
    span = table.spans([doc.id])
    return table.many([span[0][0]])[0] if span and span[0][0] < span[0][1] else None


def _value(doc: Document, kind: str) -> str:
    m = doc.meta
    if kind == "date":
        date = m.date
        if not date:
            return "bản này không đọc được ngày ban hành"
        whole = re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", date)
        note = "" if whole else " (bản OCR không đọc rõ ngày)"
        prefix = "ngày" if whole else ("tháng" if "/" in date else "năm")
        return f"{prefix} {date}{note} — Kế hoạch {m.number}".rstrip(" —")
    if kind == "issuer":
        return f"{m.issuer or 'không đọc được cơ quan ban hành'} — Kế hoạch {m.number}"
    if kind == "number":
        return f"Kế hoạch số {m.number}" if m.number else "không đọc được số kế hoạch"
    return f"Kế hoạch {m.number}: {compose.quote(m.title, 200)}" if m.title else doc.label()
