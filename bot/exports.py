"""Selected facts as files other programs open: a CSV for Excel and an iCalendar (.ics).

    data = to_csv(rows)          # bytes: UTF-8 with BOM, Vietnamese column names, CRLF
    ics = to_ics(rows)           # bytes: one all-day event per dated deadline (RFC 5545)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from corpus.fact_query import KIND_LABEL, FactRow

# (column, header): Excel shows the header row as it is, so it is in Vietnamese
CSV_COLUMNS = [
    ("kind", "Loại"), ("plan", "Kế hoạch"), ("locality", "Địa phương"), ("text", "Nội dung"),
    ("lead", "Chủ trì"), ("support", "Phối hợp"), ("deadline_text", "Thời hạn (nguyên văn)"),
    ("due", "Hạn"), ("overdue", "Quá hạn"), ("report", "Báo cáo định kỳ"),
    ("values", "Giá trị"), ("unit", "Đơn vị"), ("comparison", "So sánh"),
    ("section", "Mục"), ("page", "Trang"), ("id", "Mã"),
]
CSV_HEADERS = [h for _, h in CSV_COLUMNS]
_DEADLINE_KIND = {"date": "ngày", "month": "tháng", "quarter": "quý", "year": "năm",
                  "range": "khoảng thời gian", "recurring": "định kỳ",
                  "condition": "có điều kiện", "ongoing": "thường xuyên"}
_UID_DOMAIN = "ke-hoach-nq57"


def _csv_cells(r: FactRow) -> list[str]:
    d = r.as_dict()
    d["kind"] = KIND_LABEL.get(d["kind"], d["kind"])
    d["lead"] = "; ".join(d["lead"])
    d["support"] = "; ".join(d["support"])
    d["values"] = "; ".join(f"{y}: {v}" for y, v in d["values"].items())
    d["overdue"] = "có" if d["overdue"] else ""
    d["due"] = d["due"] or _DEADLINE_KIND.get(r.fact.deadline_kind, "")
    return ["" if d[k] is None else str(d[k]) for k, _ in CSV_COLUMNS]


def to_csv(rows: Iterable[FactRow]) -> bytes:
    """Excel reads a CSV as the local code page unless it starts with a BOM; with it,
    Vietnamese text opens right. Dates stay ISO (YYYY-MM-DD), which every locale reads."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_HEADERS)
    for r in rows:
        w.writerow(_csv_cells(r))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _shorten(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rsplit(" ", 1)[0] + "…"


def to_ics(rows: Iterable[FactRow], now: datetime | None = None) -> bytes:
    """An iCalendar file with one all-day event per dated deadline: "Hạn: <task> (<lead>)",
    described by the plan, section, page and the quoted clause. Report deadlines repeat every
    year. UIDs come from the fact id, so a re-export updates the same events. DTSTAMP is the
    moment of export in UTC: RFC 5545 wants a DATE-TIME there, not a DATE."""
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//Tro ly ke hoach NQ57//facts//VI")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Hạn nhiệm vụ – kế hoạch NQ 57")
    stamp = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    seen: set[str] = set()
    for r in rows:
        if r.due is None:
            continue
        f = r.fact
        suffix = f"-{r.due.month:02d}{r.due.day:02d}" if r.report else ""
        uid = f"{f.id}{suffix}@{_UID_DOMAIN}"
        if uid in seen:
            continue
        seen.add(uid)
        lead = f" ({', '.join(f.lead)})" if f.lead else ""
        ev = Event()
        ev.add("uid", uid)
        ev.add("dtstamp", stamp)
        ev.add("dtstart", r.due)
        ev.add("dtend", r.due + timedelta(days=1))
        ev.add("summary", f"Hạn: {_shorten(f.text, 120)}{lead}")
        if r.yearly:
            ev.add("rrule", {"freq": "yearly"})
        lines = [f"Kế hoạch {r.plan} – {r.locality}",
                 f"Mục: {f.section}" if f.section else "", f"Trang: {f.page}",
                 f"Thời hạn: {r.report or f.deadline_text}",
                 f"Phối hợp: {', '.join(f.support)}" if f.support else "",
                 f"Trích: «{_shorten(r.quote, 600)}»" if r.quote else ""]
        ev.add("description", "\n".join(x for x in lines if x))
        ev.add("categories", [KIND_LABEL.get(f.kind, f.kind)])
        cal.add_component(ev)
    return cal.to_ical()
