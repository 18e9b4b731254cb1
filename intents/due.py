"""Deadline lists from facts: "Việc nào sắp đến hạn trong 30 ngày tới?", "Những việc nào hạn
tháng 12/2025?", "Phòng Văn hóa - Xã hội có việc gì đến hạn trong tháng 12/2025?".

The rows are `corpus.fact_query.select_facts`'s — tasks' deadlines and the dates of the
reports duties ask for ("báo cáo 6 tháng: trước ngày 15/6") — so the chat and
`run_bot.py facts --due-within N` list the same things. The agency is matched with
`same_agency` (any spelling, lead or coordinating). What is still ahead comes first; of what
is already late only the recent ones are listed (a plan's deadlines of a year ago would
flood the reply), the others are counted.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from corpus.agencies import same_agency
from corpus.fact_query import FactRow, select_facts
from corpus.normalize import readable
from intents.compose import citation, fit, place, quote
from intents.models import Answer, Query

if TYPE_CHECKING:
    from intents.engine import AnswerEngine

RECENT_OVERDUE_DAYS = 90  # late items listed when the question asks what is coming up
MAX_RECENT_OVERDUE = 3
BODY_CHARS = 1850


def _span(query: Query, today: date) -> tuple[date, date] | None:
    """The dates asked about ("tháng 12/2025"; "từ nay đến cuối năm 2026" from today)."""
    if not query.due_span:
        return None
    lo, hi = (date.fromisoformat(d) for d in query.due_span)
    return (today if query.due_from_today and today <= hi else lo), hi


def due_rows(engine: AnswerEngine, query: Query, doc_ids: list[str],
             today: date) -> list[FactRow]:
    """The fact rows a deadline question asks for, as `run_bot.py facts` selects them."""
    span = _span(query, today)
    rows = select_facts(engine.index.facts, engine.documents(), agency=query.agency or None,
                        due_within=None if span else (query.due_days or 30), today=today,
                        due_between=span)
    return [r for r in rows if not doc_ids or r.fact.doc_id in doc_ids]


def due_answer(engine: AnswerEngine, query: Query, doc_ids: list[str], today: date) -> Answer:
    """The list, one line per date due, within one message; the first clauses cited."""
    rows = due_rows(engine, query, doc_ids, today)
    if query.due_span:
        head, shown, rest = _span_list(query, rows, today)
    elif query.overdue:
        head, shown, rest = _overdue_list(rows, today)
    else:
        head, shown, rest = _coming_list(query, rows, today)
    head = _subject(engine, query, doc_ids) + head
    lines: list[str] = []
    for i, (title, row) in enumerate(shown):
        block = ([f"{title}:"] if title and (i == 0 or shown[i - 1][0] != title) else [])
        block.append(_line(query, row, today))
        if len("\n".join([head, "", *lines, *block, *rest])) > BODY_CHARS:
            rest = [f"… và {len(shown) - i} việc nữa.", *rest]
            break
        lines += block
    cits = []
    for _, r in shown:
        seg = engine.segment(r.fact.segment_id)
        if seg is not None and len(cits) < 5:
            cits.append(citation(r.document, seg, 300))
    text = "\n".join([head, *([""] + lines if lines else []), *rest])
    return Answer(question=query.text, intent="list", found=bool(rows), headline=head[:300],
                  answer=fit(text), citations=cits)


def _subject(engine: AnswerEngine, query: Query, doc_ids: list[str]) -> str:
    parts = [query.agency] if query.agency else []
    if len(doc_ids) == 1:
        parts.append(place(engine.index.documents[doc_ids[0]]))
    return f"{' – '.join(parts)}: " if parts else ""


def _late(row: FactRow, today: date) -> int:
    return (today - row.due).days if row.due and row.overdue else 0


def _coming_list(query: Query, rows: list[FactRow],
                 today: date) -> tuple[str, list[tuple[str, FactRow]], list[str]]:
    """What falls due in the next N days, then the recently late ones; older ones counted."""
    days = query.due_days or 30
    soon = [r for r in rows if not r.overdue]
    late = sorted((r for r in rows if r.overdue), key=lambda r: r.due or date.min, reverse=True)
    recent = [r for r in late if _late(r, today) <= RECENT_OVERDUE_DAYS][:MAX_RECENT_OVERDUE]
    older = late[len(recent):]
    head = (f"{len(soon)} việc đến hạn trong {days} ngày tới (đến "
            f"{today + timedelta(days=days):%d/%m/%Y}), {len(late)} việc đã quá hạn "
            f"(tính đến {today:%d/%m/%Y})")
    shown = [("Sắp đến hạn", r) for r in soon]
    shown += [(f"Quá hạn gần đây (trong {RECENT_OVERDUE_DAYS} ngày)", r) for r in recent]
    rest = []
    if older:
        span = f"hạn từ {min(r.due for r in older if r.due):%d/%m/%Y} đến " \
               f"{max(r.due for r in older if r.due):%d/%m/%Y}"
        rest = ["", f"… và {len(older)} việc quá hạn từ trước ({span}); hỏi «việc nào đã "
                "quá hạn?» để xem."]
    if not rows:
        head = f"Không có việc nào có hạn cụ thể trong {days} ngày tới (tính từ " \
               f"{today:%d/%m/%Y})"
    return head, shown, rest


def _overdue_list(rows: list[FactRow],
                  today: date) -> tuple[str, list[tuple[str, FactRow]], list[str]]:
    """'Việc nào đã quá hạn?': the late ones, most recent first."""
    late = sorted((r for r in rows if r.overdue), key=lambda r: r.due or date.min, reverse=True)
    head = f"{len(late)} việc đã quá hạn (tính đến {today:%d/%m/%Y})"
    if not late:
        head = f"Không có việc nào quá hạn (tính đến {today:%d/%m/%Y})"
    return head, [("", r) for r in late], []


def _span_label(lo: date, hi: date) -> str:
    """"trong tháng 12/2025", "trong Quý III/2025", "trong năm 2026", "từ 22/11 đến …"."""
    if lo.day == 1 and (hi + timedelta(days=1)).day == 1:
        if (lo.month, hi.month) == (1, 12):
            return f"trong năm {lo.year}" if lo.year == hi.year else \
                f"trong giai đoạn {lo.year}-{hi.year}"
        if lo.month == hi.month and lo.year == hi.year:
            return f"trong tháng {lo.month}/{lo.year}"
        if hi.month - lo.month == 2 and lo.month % 3 == 1:
            return f"trong Quý {['I', 'II', 'III', 'IV'][lo.month // 3]}/{lo.year}"
    if lo == hi:
        return f"ngày {lo:%d/%m/%Y}"
    return f"từ {lo:%d/%m/%Y} đến {hi:%d/%m/%Y}"


def _span_list(query: Query, rows: list[FactRow],
               today: date) -> tuple[str, list[tuple[str, FactRow]], list[str]]:
    """'Những việc nào hạn tháng 12/2025?': every row due in that span, in date order."""
    lo, hi = _span(query, today) or (today, today)
    label = _span_label(lo, hi)
    late = sum(1 for r in rows if r.overdue)
    # deadlines stated for the span itself first; "hoàn thành trong năm 2025" in a question
    # about December 2025 after them
    rows = sorted(rows, key=lambda r: (_coarser(r, lo, hi), r.due or date.max))
    head = f"{len(rows)} việc đến hạn {label}"
    if late:
        head += f" ({late} việc đã quá hạn, tính đến {today:%d/%m/%Y})"
    if not rows:
        head = f"Không có việc nào có hạn {label}"
    return head, [("", r) for r in rows], []


def _coarser(row: FactRow, lo: date, hi: date) -> bool:
    """A deadline for a longer period than the span asked about ("năm 2025" for "tháng 12")."""
    if row.report or row.fact.deadline_kind not in ("year", "range", "quarter"):
        return False
    length = {"year": 365, "range": 730, "quarter": 90}[row.fact.deadline_kind]
    return length > (hi - lo).days + 1


def _line(query: Query, row: FactRow, today: date) -> str:
    """"• 10/12/2026 · báo cáo hằng năm: trước ngày 10/12 — Phòng Văn hóa - Xã hội — «…»"
    for a report; "• 31/12/2025 · <task> — <lead> — hạn: <as written> ⚠️ quá hạn n ngày"."""
    f = row.fact
    who = ", ".join(f.lead)
    if query.agency and not any(same_agency(query.agency, a) for a in f.lead):
        who = f"phối hợp (chủ trì: {who})" if who else "phối hợp"
    where = f"({place(row.document)}, tr. {f.page})"
    when = f"{row.due:%d/%m/%Y}" if row.due else ""
    if row.report:
        return f"• {when} · báo cáo {row.report} — {who} — «{quote(readable(f.text), 80)}» {where}"
    late = _late(row, today)
    mark = f" ⚠️ quá hạn {late} ngày" if late > 0 else ""
    what = quote(readable(f.text), 110)
    who = f" — {who}" if who else ""  # a row whose lead cell the plan's scan lost
    return f"• {when} · {what}{who} — hạn: {f.deadline_text}{mark} {where}"
