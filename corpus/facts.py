"""Tasks, duties and targets held as facts, each tied to the segment it comes from.

- Task: an item with "Cơ quan chủ trì: …" / "Thời gian: …" fields, or a task-table row
  (task text, then lead, coordinating agencies, deadline at the end).
- Duty: a clause under "Tổ chức thực hiện" / "Trách nhiệm" whose heading names an agency,
  with any report deadlines in it ("báo cáo định kỳ 6 tháng (trước ngày 15/6)").
- Target: a target-table row whose values map onto the header's year columns.
Rows too garbled to map with confidence are left as quotable segments, never guessed.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

from corpus.agencies import find_agencies
from corpus.models import Document, Fact, Segment, content_id
from corpus.normalize import fold, readable

_LEAD = re.compile(r"(?:co quan |don vi )?chu tri\s*:\s*")
_SUPPORT = re.compile(r"(?:co quan |don vi )?phoi hop\s*:\s*")
_TIME = re.compile(r"\btho\w{0,2} (?:gian|han)[^:]{0,25}:\s*(.+)")
_DUTY_HEAD = re.compile(r"to chuc thuc hien|trach nhiem")
_VALUE = re.compile(r"([<>≥≤=]?\s*\d{1,3}(?:[.,]\d+)?\s*%)")
_ROMAN_Q = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def normalise_deadline(text: str) -> tuple[str, str | None]:
    """(kind, ISO due date of the deadline's last day) for a deadline as written."""
    t = fold(text)
    m = re.search(r"(\d{1,2})/(\d{1,2})/(20\d\d)", t)
    if m:
        d, mo, y = map(int, m.groups())
        try:
            return "date", date(y, mo, d).isoformat()
        except ValueError:
            return "date", None
    m = re.search(r"thang (\d{1,2})(?: nam |/)(20\d\d)", t)
    if m:
        mo, y = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12:
            return "month", date(y, mo, calendar.monthrange(y, mo)[1]).isoformat()
    m = re.search(r"quy (iv|iii|ii|i|[1-4])(?: nam)? (20\d\d)", t)
    if m:
        q = _ROMAN_Q.get(m.group(1), int(m.group(1)) if m.group(1).isdigit() else 0)
        y = int(m.group(2))
        if 1 <= q <= 4:
            mo = q * 3
            return "quarter", date(y, mo, calendar.monthrange(y, mo)[1]).isoformat()
    if re.search(r"thuong xuyen|hang (nam|quy|thang)", t):
        return "recurring" if "hang" in t else "ongoing", None
    if re.search(r"sau khi|theo (tien do|du an|ke hoach)", t):
        return "condition", None
    m = re.search(r"(20\d\d)\s*-\s*(20\d\d)", t)
    if m:
        return "range", date(int(m.group(2)), 12, 31).isoformat()
    m = re.search(r"nam (20\d\d)", t)
    if m:
        return "year", date(int(m.group(1)), 12, 31).isoformat()
    return "", None


def _fact(doc: Document, seg: Segment, kind: str, text: str, **kw) -> Fact:
    return Fact(id=content_id(seg.id, kind, text[:80]), doc_id=doc.id, segment_id=seg.id,
                kind=kind, text=text, page=seg.page, section=" › ".join(seg.heading_path), **kw)


def _task_from_fields(doc: Document, seg: Segment) -> Fact | None:
    body = seg.search.split("||", 1)[-1]
    lead_m = _LEAD.search(body)
    if not lead_m:
        return None
    lead_field = re.split(r"\n| - |\btho\w{0,2} (?:gian|han)\b", body[lead_m.end():])[0]
    lead = [a.name for a in find_agencies(lead_field)]
    if not lead:
        return None
    sup_m = _SUPPORT.search(body)
    support = [a.name for a in find_agencies(body[sup_m.end():sup_m.end() + 160])] if sup_m \
        else []
    deadline = ""
    for line in seg.text.splitlines():
        m = _TIME.search(fold(line))
        if m:
            deadline = readable(line.split(":", 1)[-1]).strip(" .;")
    first = re.split(r"\n\s*-?\s*Co quan|\n\s*-?\s*C[oơ] quan", seg.text)[0]
    kind, due = normalise_deadline(deadline)
    return _fact(doc, seg, "task", readable(" ".join(first.split())), lead=lead,
                 support=support, deadline_text=deadline, deadline_kind=kind, due_date=due)


_DEADLINE_TAIL = re.compile(
    r"(thuong xuyen|thang \d{1,2}/20\d\d|nam 20\d\d(?: va nhung nam tiep theo)?|"
    r"sau khi [a-z ]{4,60}|theo (?:tien do|du an) [a-z ]{3,50}|20\d\d ?- ?20\d\d|"
    r"hoan thanh [a-z ]{0,30}\d{1,2}/20\d\d)")


def _task_from_row(doc: Document, seg: Segment) -> Fact | None:
    body = seg.search.split("||", 1)[-1]
    agencies = find_agencies(body)
    if not agencies or _VALUE.search(seg.text):
        return None
    tail = _DEADLINE_TAIL.findall(body)
    if not tail:
        return None
    deadline = tail[-1]
    task = seg.search.split("||", 1)[-1][: agencies[0].start].strip(" |-")
    task = re.sub(r"^\d{1,2}(\.\d{1,2})?\s*\|?\s*", "", task)
    if len(task.split()) < 4:
        return None
    kind, due = normalise_deadline(deadline)
    return _fact(doc, seg, "task", task, lead=[agencies[0].name],
                 support=[a.name for a in agencies[1:3] if a.name != agencies[0].name],
                 deadline_text=deadline, deadline_kind=kind, due_date=due)


def _duty(doc: Document, seg: Segment) -> Fact | None:
    path = fold(" ".join(seg.heading_path))
    if not _DUTY_HEAD.search(path) or seg.kind != "text":
        return None
    heads = [a for h in seg.heading_path[1:] for a in find_agencies(fold(readable(h)))]
    body = seg.search.split("||", 1)[-1]
    agencies = heads or find_agencies(body)[:1]
    if not agencies:
        return None
    reports = re.findall(r"(truoc ngay \d{1,2}/\d{1,2}(?:/20\d\d)?)", body)
    return _fact(doc, seg, "duty", readable(" ".join(seg.text.split()))[:400],
                 lead=[agencies[0].name], deadline_text="; ".join(reports),
                 deadline_kind="recurring" if reports else "")


def _target(doc: Document, seg: Segment) -> Fact | None:
    if seg.kind != "row":
        return None
    vals = [v.replace(" ", "") for v in _VALUE.findall(seg.text)]
    years = list(dict.fromkeys(int(y) for y in re.findall(r"\b(20[2-5]\d)\b",
                                                           seg.table_header or "")))
    if len(years) >= 2 and len(vals) > len(years):
        step = (years[-1] - years[0]) / (len(vals) - 1)
        if step == int(step) and step > 0:
            years = [years[0] + int(step) * i for i in range(len(vals))]
    if not vals or len(vals) != len(years):
        return None  # too garbled to map with confidence: the row stays a quotable segment
    body = seg.search.split("||", 1)[-1]
    agencies = find_agencies(body)
    indicator = re.split(r"[<>≥]?\s*\d{1,3}%", body, maxsplit=1)[0]
    indicator = re.sub(r"^\d{1,2}(\.\d{1,2})?\s*\|?\s*", "", indicator).strip(" |")
    return _fact(doc, seg, "target", indicator[:200], lead=[a.name for a in agencies[:1]],
                 support=[a.name for a in agencies[1:2]], unit="%",
                 values={str(y): v for y, v in zip(years, vals, strict=True)})


def extract_facts(doc: Document, segments: list[Segment]) -> list[Fact]:
    facts: list[Fact] = []
    for seg in segments:
        fact = (_task_from_fields(doc, seg) or _target(doc, seg)
                or (_task_from_row(doc, seg) if seg.kind == "row" else None) or _duty(doc, seg))
        if fact is not None:
            facts.append(fact)
    return facts
