"""Tasks from field lists ("a) Nhiệm vụ … b) Đơn vị chủ trì … c) Thời gian thực hiện …",
"- Cơ quan chủ trì: …") and from prose ("Giao Văn phòng … chủ trì …")."""

from __future__ import annotations

import re

from corpus.agencies import find_agencies
from corpus.facts.common import (
    _clean,
    _fact,
    _kind,
    _line,
    _names,
    _readable,
    _strip_number,
    vi_deadline,
)
from corpus.models import Document, Fact, Segment
from corpus.normalize import search_form
from corpus.values import (
    normalise_deadline,
)

# ---- tasks from field lists ("Cơ quan chủ trì: …", "Thời gian: …") ---------------------

_LEAD = re.compile(r"(?:co quan |don vi )?chu tri\s*:\s*")
_SUPPORT = re.compile(r"(?:co quan |don vi )?phoi hop\s*:\s*")
_TIME_LINE = re.compile(r"^\W*(?:thoi|thot|thoit|thai) ?(?:gian|han)\b[^:]{0,30}:\s*(.+)$")
_FIELD_LINE = re.compile(r"^\W*(?:co quan|don vi|chu tri|phoi hop|thoi|thot|thoit|thai)\b")


def _task_from_fields(doc: Document, seg: Segment) -> Fact | None:
    body = seg.body
    lead_m = _LEAD.search(body)
    if not lead_m:
        return None
    lead_field = re.split(r"\n| - |\bth\w{1,3} ?(?:gian|han)\b|\bphoi hop\b", body[lead_m.end():])[0]
    lead = _names(find_agencies(lead_field, _kind(doc)))
    if not lead:
        return None
    support: list[str] = []
    sup_m = _SUPPORT.search(body)
    if sup_m:
        sup_field = re.split(r"\n| - |\bth\w{1,3} ?(?:gian|han)\b", body[sup_m.end():])[0]
        support = [n for n in _names(find_agencies(sup_field, _kind(doc))) if n not in lead]
    deadline = ""
    task_lines: list[str] = []
    for line in seg.text.splitlines():
        f = search_form(line)
        m = _TIME_LINE.match(f)
        if m:
            deadline = line.split(":", 1)[-1]
        elif not _FIELD_LINE.match(f) and not deadline and not lead_m.start() < 0:
            if ":" in line and _LEAD.search(f):
                continue
            task_lines.append(line)
    task_lines = [t for t in task_lines if not _LEAD.search(search_form(t))]
    text = _clean(_readable(_strip_number(" ".join(" ".join(task_lines).split()))))
    if len(text.split()) < 3:
        return None
    kind, due = normalise_deadline(deadline)
    return _fact(doc, seg, "task", text, lead=lead, support=support,
                 deadline_text=vi_deadline(deadline) if deadline.strip() else "",
                 deadline_kind=kind, due_date=due)


# ---- tasks stated in prose: "Giao Văn phòng Đảng ủy (…) chủ trì xây dựng …" --------------

_GIAO = re.compile(r"\bgiao\b")


def _task_from_prose(doc: Document, seg: Segment) -> list[Fact]:
    out = []
    for sentence in re.split(r"(?<=[.;])\s+", " ".join(seg.text.split())):
        ln = _line(seg, sentence)
        m = _GIAO.search(ln.sf)
        if not m:
            continue
        ags = find_agencies(ln.sf, _kind(doc))
        first = next((a for a in ags if a.start >= m.end() and a.start - m.end() <= 2), None)
        if first is None:
            continue
        after = ln.sf[first.end:]
        cm = re.search(r"\bchu tri\b", after)
        if not cm or cm.start() > 60:
            continue
        w0 = ln.word_at(first.end + cm.end() + 1)
        what = _clean(_readable(ln.raw_words(w0, len(ln.words))))
        if len(what.split()) < 3:
            continue
        kind, due = normalise_deadline(what)
        out.append(_fact(doc, seg, "task", what[:1].upper() + what[1:], lead=[first.name],
                         deadline_kind=kind if due else "", due_date=due))
    return out
