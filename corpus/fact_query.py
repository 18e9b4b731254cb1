"""Facts selected the way an officer asks for them: one plan, one agency, what falls due soon,
the targets of a year (exported as CSV and calendar events by bot.exports).

    rows = select_facts(facts, documents, agency="vhxh", due_within=30, today=date(2025, 11, 20))

A task's deadline is one date; a duty's report deadlines ("báo cáo 6 tháng: trước ngày 15/6;
hằng năm: trước ngày 10/12") come back every year, so each gives the next date it falls on.
Overdue one-off deadlines are kept (and marked) when asking what falls due.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from corpus.agencies import same_agency
from corpus.models import Document, Fact, Segment
from corpus.plan_ref import PlanRefError, resolve_plan
from corpus.values import report_deadlines

KINDS = ("task", "duty", "target")
KIND_LABEL = {"task": "nhiệm vụ", "duty": "trách nhiệm", "target": "chỉ tiêu"}


class FactQueryError(ValueError):
    """A filter that cannot be applied (unknown plan, bad value); the message is Vietnamese."""


@dataclass(frozen=True)
class FactRow:
    fact: Fact
    document: Document
    due: date | None = None  # the date this row falls due (a deadline or the next report)
    overdue: bool = False
    report: str = ""  # "6 tháng: trước ngày 15/6" when the row is a recurring report
    yearly: bool = False  # the date comes back every year (report deadlines)
    quote: str = ""  # the clause the fact comes from

    @property
    def plan(self) -> str:
        return self.document.meta.number

    @property
    def locality(self) -> str:
        kind = self.document.meta.locality_kind
        return f"{kind} {self.document.meta.locality}".strip()

    def as_dict(self) -> dict:
        f = self.fact
        return {
            "id": f.id, "kind": f.kind, "plan": self.plan, "locality": self.locality,
            "text": f.text, "lead": f.lead, "support": f.support,
            "deadline_text": f.deadline_text, "deadline_kind": f.deadline_kind,
            "due_date": f.due_date, "due": self.due.isoformat() if self.due else None,
            "overdue": self.overdue, "report": self.report, "values": f.values,
            "unit": f.unit, "comparison": f.comparison, "section": f.section, "page": f.page,
            "quote": self.quote,
        }


def report_dates(fact: Fact) -> list[tuple[str, int, int, int | None]]:
    """(period, day, month, year or None) of the "trước ngày dd/mm" deadlines a fact names."""
    return [(r.period_shown, r.day, r.month, r.year) for r in report_deadlines(fact.deadline_text)]


def _next(day: int, month: int, today: date) -> date | None:
    for year in (today.year, today.year + 1, today.year + 2):
        try:
            d = date(year, month, day)
        except ValueError:
            continue
        if d >= today:
            return d
    return None


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _rows_for(fact: Fact, doc: Document, today: date, quote: str,
              span: tuple[date, date] | None = None) -> list[FactRow]:
    """The dates a fact falls due: its deadline, and each report date it sets (the next one
    from `today`, or every one inside `span`)."""
    rows: list[FactRow] = []
    if fact.due_date:
        due = date.fromisoformat(fact.due_date)
        rows.append(FactRow(fact, doc, due, due < today, quote=quote))
    for period, d, m, y in report_dates(fact):
        shown = f"{period}: trước ngày {d}/{m}" if period else f"trước ngày {d}/{m}"
        if y is not None:
            due = _day(y, m, d)
            if due is not None:
                rows.append(FactRow(fact, doc, due, due < today, shown, quote=quote))
            continue
        years = range(span[0].year, span[1].year + 1) if span else [None]
        for year in years:
            due = _day(year, m, d) if year else _next(d, m, today)
            if due is not None:
                rows.append(FactRow(fact, doc, due, False, shown, yearly=True, quote=quote))
    return rows


def select_facts(facts: Iterable[Fact], documents: Iterable[Document], *,
                 plan: str | None = None, agency: str | None = None, kind: str | None = None,
                 due_within: int | None = None, today: date | None = None,
                 year: int | None = None, due_between: tuple[date, date] | None = None,
                 segment: Callable[[str], Segment | None] | None = None) -> list[FactRow]:
    """Facts that pass every filter given, as rows.

    - plan: a plan number or locality; agency: any spelling of an agency (matched through the
      canonical list, lead or coordinating); kind: task | duty | target;
    - due_within: rows due in the next N days from `today`, overdue ones included (marked);
      a duty with report deadlines gives one row per report date;
    - due_between: rows due from the first to the last day given (both included), each
      yearly report date inside that span one row;
    - year: targets with a value for that year, tasks and duties due in that year.
    """
    today = today or date.today()
    docs = {d.id: d for d in documents}
    if kind is not None and kind not in KINDS:
        raise FactQueryError(f"loại dữ kiện «{kind}» không có; chọn một trong: {', '.join(KINDS)}.")
    if due_within is not None and due_within < 0:
        raise FactQueryError("số ngày phải là số không âm, ví dụ --due-within 30.")
    if year is not None and not 2000 <= year <= 2100:
        raise FactQueryError(f"năm «{year}» không hợp lệ; ví dụ --year 2030.")
    try:
        only = resolve_plan(docs.values(), plan).id if plan else None
    except PlanRefError as e:
        raise FactQueryError(str(e)) from e
    out: list[FactRow] = []
    for f in facts:
        doc = docs.get(f.doc_id)
        if doc is None or (only and f.doc_id != only) or (kind and f.kind != kind):
            continue
        if agency and not any(same_agency(agency, name) for name in [*f.lead, *f.support]):
            continue
        seg = segment(f.segment_id) if segment else None
        quote = " ".join(seg.text.split()) if seg else ""
        if year is not None:
            if f.kind == "target":
                if str(year) not in f.values:
                    continue
            elif not (f.due_date and f.due_date.startswith(str(year))):
                continue
        if due_between is not None:
            lo, hi = due_between
            out += [r for r in _rows_for(f, doc, today, quote, due_between)
                    if r.due and lo <= r.due <= hi]
        elif due_within is None:
            rows = _rows_for(f, doc, today, quote)
            out.append(min(rows, key=lambda r: (r.overdue, r.due)) if rows else
                       FactRow(f, doc, quote=quote))
        else:
            horizon = today + timedelta(days=due_within)
            out += [r for r in _rows_for(f, doc, today, quote) if r.due and r.due <= horizon]
    if due_between is not None:
        out.sort(key=lambda r: (r.due or date.max, r.plan))
    elif due_within is not None:
        out.sort(key=lambda r: (not r.overdue, r.due or date.max, r.plan))
    return out
