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
    cell_agencies,
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


# ---- labelled task blocks over several items -----------------------------------------------
# "a) Nhiệm vụ: …" / "b) Cơ quan thực hiện: - Đơn vị chủ trì: … - Đơn vị phối hợp: …" /
# "c) Thời gian thực hiện: …": the fields of one task stand in consecutive items under one
# heading, the task's own text sometimes in the bullets below its label.

_LABEL = re.compile(
    r"^\W*(?:[a-zđ]\)\s*|\d{1,2}[.)]\s*|[-–+•]\s*)?"
    r"(?P<label>(?:ten )?nhiem vu(?: cu the)?|noi dung(?: thuc hien)?|"
    r"(?:co quan|don vi) (?:chu tri|phoi hop|thuc hien)|chu tri|phoi hop|"
    r"th\w{1,3} ?(?:gian|han)(?: thuc hien| hoan thanh)?|tien do|san pham|ket qua(?: du kien)?|"
    r"(?:nguon )?kinh phi(?: thuc hien)?)"
    r"\s*:\s*(?P<rest>.*)$")


def _label_role(label: str) -> str:
    if label.startswith(("nhiem vu", "ten nhiem vu", "noi dung")):
        return "task"
    if "phoi hop" in label:
        return "support"
    if "chu tri" in label:
        return "lead"
    if label.endswith("thuc hien") and label.startswith(("co quan", "don vi")):
        return "agencies"  # "Cơ quan thực hiện:" opens the lead/coordinating bullets
    if label.startswith(("san pham", "ket qua")):
        return "product"
    if "kinh phi" in label:
        return "funding"
    return "deadline"


def _fields_of(seg: Segment) -> list[tuple[str, str]]:
    """(role, raw text) of each labelled line of a segment; unlabelled lines go with the
    label above them (or with "" before any label)."""
    out: list[tuple[str, str]] = []
    for line in seg.text.splitlines():
        m = _LABEL.match(search_form(line))
        if m:
            raw = line.split(":", 1)[1] if ":" in line else ""
            out.append((_label_role(m.group("label")), raw.strip()))
        elif out:
            role, text = out[-1]
            out[-1] = (role, f"{text} {line.strip()}".strip())
        else:
            out.append(("", line.strip()))
    return out


def field_roles(seg: Segment) -> list[str]:
    """The roles of a segment's labelled lines ("task", "lead", "deadline" …); [] for an
    item with no label, such as a bullet under "a) Nhiệm vụ:"."""
    return [r for r, _ in _fields_of(seg) if r]


def task_blocks(doc: Document, segments: list[Segment]) -> tuple[list[Fact], set[str]]:
    """Tasks whose fields are spread over consecutive items under one heading, and the ids
    of the segments they were read from (which other readers then leave alone)."""
    facts: list[Fact] = []
    used: set[str] = set()
    block: dict[str, list[str]] = {}
    anchor: Segment | None = None
    segs: list[str] = []
    path: list[str] | None = None

    def close() -> None:
        nonlocal anchor, segs
        fact = _block_fact(doc, anchor, block) if anchor is not None else None
        if fact is not None:
            facts.append(fact)
            used.update(segs)
        block.clear()
        anchor, segs = None, []

    for seg in segments:
        if seg.kind == "row":
            close()
            continue
        fields = _fields_of(seg)
        labelled = [r for r, _ in fields if r]
        if seg.heading_path != path:
            close()
            path = seg.heading_path
        if "task" in labelled:
            close()
        if not labelled:
            if anchor is not None and set(block) == {"task"}:  # bullets under "Nhiệm vụ:"
                block["task"].append(" ".join(seg.text.split()))
                segs.append(seg.id)
            elif block:
                close()
            continue
        for role, text in fields:
            if role == "task" and anchor is None:
                anchor = seg
            if role and role != "agencies":
                block.setdefault(role, []).append(text)
            elif role == "" and block:
                last = list(block)[-1]
                block[last].append(text)
        segs.append(seg.id)
    close()
    return facts, used


def _block_fact(doc: Document, seg: Segment, block: dict[str, list[str]]) -> Fact | None:
    task = " ".join(t for t in block.get("task", []) if t)
    if len(task.split()) < 3:
        return None
    kind_of = _kind(doc)
    # the field says it holds agencies: a name the agency reader does not know is kept
    lead = [n for t in block.get("lead", []) for n in cell_agencies(t, kind_of)]
    support = [n for t in block.get("support", []) for n in cell_agencies(t, kind_of)]
    deadline = " ".join(" ".join(block.get("deadline", [])).split()).rstrip(" .")
    if not lead and not deadline:
        return None
    dkind, due = normalise_deadline(deadline) if deadline else ("", None)
    text = _clean(_strip_number(" ".join(task.split())))
    return _fact(doc, seg, "task", text[:1].upper() + text[1:600],
                 lead=list(dict.fromkeys(lead)),
                 support=[s for s in dict.fromkeys(support) if s not in lead][:8],
                 deadline_text=deadline, deadline_kind=dkind, due_date=due,
                 product=_joined(block, "product"), funding=_joined(block, "funding"))


def _joined(block: dict[str, list[str]], role: str) -> str:
    return " ".join(" ".join(block.get(role, [])).split()).rstrip(" .;")
