"""Task tables: rows of typed, DOCX and PDF tables read through `corpus.tables` (column roles
from the header), and task rows rebuilt from OCR-flattened tables."""

from __future__ import annotations

import re

from corpus.agencies import COLLECTIVE, AgencyMatch, find_agencies
from corpus.facts.common import (
    _clean,
    _fact,
    _is_junk,
    _junk_run,
    _kind,
    _Line,
    _names,
    _readable,
    _strip_number,
    _validity,
    cell_agencies,
    vi_deadline,
)
from corpus.facts.ocr_rows import (
    _AGENCY_TAIL,
    _DEADLINE_CELL,
    _DEADLINE_WORDS,
    _UBND_IN_NAME,
    _agencies,
    _body_start,
    _cell_top,
    _cells_by_separator,
    _column_only,
    _is_group,
    _Row,
    _row_number,
    _starts_task,
)
from corpus.models import Document, Fact, Segment, content_id
from corpus.normalize import search_form
from corpus.tables import Row, Table, is_header, lead_and_support, read_table, split_cells
from corpus.values import (
    normalise_deadline,
)


def _task_rows(lines: list[_Line], kind: str | None) -> list[_Row]:
    """Rows of a task table. Numbered rows are centred on their numbered line: the lines
    between two numbered lines are split where the next row's text starts (a task verb or a
    lone cell) so that each row has about as many lines above its number as below. The other
    rows (blank-separated blocks) start at a task verb."""
    n = len(lines)
    group = [_is_group(ln) for ln in lines]
    num = [None if group[i] else _row_number(lines[i]) for i in range(n)]
    verb = [not group[i] and _starts_task(lines[i]) for i in range(n)]
    rows: list[_Row] = []

    def blocks_rows(a: int, b: int) -> None:
        cur: _Row | None = None
        for j in range(a, b):
            if verb[j] or cur is None:
                if cur is not None:
                    rows.append(cur)
                cur = _Row()
            cur.lines.append(lines[j])
        if cur is not None:
            rows.append(cur)

    bounds = [i for i in range(n) if group[i]]
    for b0, b1 in zip([-1, *bounds], [*bounds, n], strict=True):
        b0 += 1
        nums = [i for i in range(b0, b1) if num[i] is not None]
        if not nums:
            blocks_rows(b0, b1)
            continue
        first = nums[0]
        start = first
        for j in range(first - 1, max(b0, first - 5) - 1, -1):
            if verb[j]:
                start = j
                break
        blocks_rows(b0, start)
        spans: list[list[int]] = [[start, first]]
        above = first - start
        for a, b in zip(nums, nums[1:], strict=False):
            tops = {j for j in range(a + 1, b) if _cell_top(lines[j], kind)}
            cands = [j for j in range(a + 1, b) if verb[j] or j in tops]
            cands.append(b)
            # a row is centred on its number; the top line of a lone cell is strong evidence
            cut = min(cands, key=lambda j: (abs((j - a - 1) - above) - 1.5 * (j in tops),
                                            not (j < b and verb[j]), -j))
            spans[-1].append(cut)
            spans.append([cut, b])
            above = b - cut
        end = b1
        for j in range(nums[-1] + 1, b1):
            if verb[j]:
                end = j
                break
        spans[-1].append(end)
        for s0, anchor, s1 in spans:
            rows.append(_Row(lines=lines[s0:s1], anchor=lines[anchor]))
        blocks_rows(end, b1)
    return rows


def _task_from_blocks(doc: Document, row: _Row) -> Fact | None:
    """A row whose cells came out as blocks: task text, then lead, coordinating, deadline."""
    kind = _kind(doc)
    task: list[str] = []
    agency_sf: list[str] = []
    deadline: list[str] = []
    phase = "task"
    for ln in row.lines:
        ags = _agencies(ln, kind)
        dm = _DEADLINE_CELL.match(ln.sf)
        if dm and dm.end() >= len(ln.sf.rstrip(" .)")) - 1:
            phase = "deadline"
            deadline.append(ln.raw)
            continue
        if phase == "deadline":
            words = [re.sub(r"\W", "", w) for w in ln.words]
            if all(w in _DEADLINE_WORDS or not w for w in words):
                deadline.append(ln.raw)
                continue
            if not (ags and ags[0].start == 0):
                task.append(ln.raw)
                continue
        if ags and ags[0].start == 0:
            phase = "agency"
        if phase == "agency":
            agency_sf.append(ln.sf)
        else:
            task.append(ln.raw)
    sf = " ".join(agency_sf)
    cells = _cells_by_separator(sf, [a for a in find_agencies(sf, kind)
                                     if not (a.name.startswith("UBND") and
                                             _UBND_IN_NAME.search(sf[:a.start]))])
    if not cells or not deadline:
        return None
    lead = _names(cells[0])
    support = [n for c in cells[1:] for n in _names(c) if n not in lead]
    return _table_task(doc, row, row.lines[0], " ".join(task), lead, support, " ".join(deadline))


def _task_part(ln: _Line, start: int, ags: list[AgencyMatch], cuts: list[int]) -> str:
    """The task column of an interleaved line: up to a cell that starts a column."""
    ends = [len(ln.words), *cuts]
    for a in ags:
        w = ln.word_at(a.start)
        tok = ln.toks[ln.owner[w]]
        titled = tok[:1].isupper() and not re.fullmatch(r"[A-ZĐ]{2,}\W*", tok)  # not "UBND"
        if w == start or titled or (w > 0 and _is_junk(ln.words[w - 1], "x")):
            ends.append(w)
            break
    jr = _junk_run(ln, start)
    if jr is not None:
        ends.append(jr)
    end = min(ends)
    psf = ln.sf_words(start, end)
    tail = _AGENCY_TAIL.search(psf)
    if tail:
        end = start + len(psf[:tail.start()].split())
    if jr is not None and jr <= end + 1 and end - start < 3 and ln is not None:
        return ""  # two words before debris: a fragment of another column
    return ln.raw_words(start, end)


def _task_from_interleaved(doc: Document, row: _Row) -> Fact | None:
    """A numbered row whose cells came out side by side, centred on the numbered line."""
    kind = _kind(doc)
    task: list[str] = []
    found: list[tuple[bool, AgencyMatch]] = []  # (on the numbered line, agency)
    strong: list[tuple[bool, int, str]] = []  # (on the numbered line, line index, text)
    weak: list[tuple[int, str]] = []
    for i, ln in enumerate(row.lines):
        start = _body_start(ln) if ln is row.anchor else 0
        ags = [a for a in _agencies(ln, kind) if ln.word_at(a.start) >= start]
        cuts = []
        for d in _DEADLINE_CELL.finditer(ln.sf):
            wd = ln.word_at(d.start())
            if wd < start:
                continue
            after_agency = any(a.end <= d.start() for a in ags)
            tail = ln.words[ln.word_at(max(d.start(), d.end() - 1)) + 1:]
            at_end = all(_is_junk(w, w) for w in tail)
            text = ln.sf[d.start():d.end()]
            if after_agency or (at_end and _column_only(ln, kind)):
                strong.append((ln is row.anchor, i, text))
                cuts.append(wd)
            elif at_end:
                weak.append((i, text))
                cuts.append(wd)
        part = _task_part(ln, start, ags, cuts)
        if ln is not row.anchor and strong and all(
                re.sub(r"\W", "", w) in _DEADLINE_WORDS for w in search_form(part).split()):
            part = ""  # "bộ quy tắc": the end of a deadline cell, not task text
        if part.strip():
            task.append(part)
        used = len(search_form(part).split()) + start if part.strip() else start
        found += [(ln is row.anchor, a) for a in ags if ln.word_at(a.start) >= used]
    lead_m = next((a for on, a in found if on and a.name not in COLLECTIVE), None) or \
        next((a for _, a in found if a.name not in COLLECTIVE), None)
    chosen = next(((i, d) for on, i, d in strong if on), None) or \
        ((strong[0][1], strong[0][2]) if strong else None) or (weak[-1] if weak else None)
    if chosen is None:
        deadline = wrapped_deadline(row.lines, kind)
        if not deadline:
            return None
    else:
        at, deadline = chosen
        if normalise_deadline(deadline)[0] == "condition":
            deadline += _deadline_continuation(row.lines[at + 1:], kind)
    # an unreadable lead cell leaves the lead unknown (not guessed): the row's task and its
    # deadline are still the plan's, and the agencies read are its coordinating cell
    lead = [lead_m.name] if lead_m is not None else []
    support = [n for n in _names(a for _, a in found) if n not in lead]
    return _table_task(doc, row, row.anchor or row.lines[0], " ".join(task), lead, support,
                       deadline)


_TIME_WORDS = frozenset({"truoc", "ngay", "quy", "dau", "cuoi", "giua"})


def _tail(ln: _Line, kind: str | None, strict: bool = True) -> str:
    """The deadline-column words at the end of a line ("… Sở Tài chính Hoàn thành"): the
    trailing run of deadline words and dates after the line's last agency, stray debris at
    the very end skipped. `strict`: the run must stand apart from the task text (after an
    agency or debris, or be the whole line)."""
    ags = _agencies(ln, kind)
    words = ln.words

    def is_deadline_word(i: int) -> bool:
        w = re.sub(r"^\W+|\W+$", "", words[i])
        return re.sub(r"\W", "", w) in _DEADLINE_WORDS | _TIME_WORDS or \
            re.fullmatch(r"(?:\d{1,2}/){1,2}\d{4}|\d{1,2}|20\d\d|i{1,3}|iv", w) is not None

    end = len(words)
    while end > 0 and _is_junk(words[end - 1], ln.toks[ln.owner[end - 1]]) and \
            not is_deadline_word(end - 1):
        end -= 1
    begin = end
    floor = max([ln.word_at(a.end - 1) + 1 for a in ags] + [0])
    while begin > floor and is_deadline_word(begin - 1):
        begin -= 1
    junk_before = begin > 0 and _is_junk(words[begin - 1], ln.toks[ln.owner[begin - 1]])
    if begin < end and (not strict or floor > 0 or begin == 0 or junk_before):
        return ln.sf_words(begin, end)
    return ""


def wrapped_deadline(lines: list[_Line], kind: str | None) -> str:
    """A deadline cell wrapped over the ends of a row's lines ("Hoàn thành" / "trước
    ngày" / "15/10/2026"): the last column's words of each line, read top to bottom, taken when
    together they read as one deadline and nothing else. The first line of the cell may
    follow the task text or an unread agency directly; the lines below must stand apart."""
    for first, ln in enumerate(lines):
        head = _tail(ln, kind, strict=False)
        if not head:
            continue
        parts = [head]
        for nxt in lines[first + 1:]:
            t = _tail(nxt, kind)
            if t:
                parts.append(t)
        text = " ".join(parts)
        # every word is a deadline word or a date (the tails' own test); it must hold a
        # deadline cell and read as one time
        if _DEADLINE_CELL.search(text) and normalise_deadline(text)[0] not in ("", "ongoing"):
            return text
    return ""


def _deadline_continuation(lines: list[_Line], kind: str | None) -> str:
    """The rest of a conditional deadline cell, wrapped onto the ends of the next lines
    ("Sau khi thành" / "… phố ban hành" / "bộ quy tắc")."""
    out = []
    for ln in lines:
        ags = _agencies(ln, kind)
        words = ln.words
        end = len(words)
        while end > 0 and _is_junk(words[end - 1], ln.toks[ln.owner[end - 1]]) and \
                re.sub(r"\W", "", words[end - 1]) not in _DEADLINE_WORDS:
            end -= 1
        begin = end
        floor = max([ln.word_at(a.end - 1) + 1 for a in ags] + [0])
        while begin > floor and re.sub(r"\W", "", words[begin - 1]) in _DEADLINE_WORDS:
            begin -= 1
        junk_before = begin > 0 and _is_junk(words[begin - 1], ln.toks[ln.owner[begin - 1]])
        if begin < end and (floor > 0 or begin == 0 or junk_before):
            out.append(ln.sf_words(begin, end))
    return (" " + " ".join(out)) if out else ""


def _table_task(doc: Document, row: _Row, where: _Line, task: str, lead: list[str],
                support: list[str], deadline: str) -> Fact | None:
    words = [w for w in task.split() if w != "|" and not re.search(r"[{}\[\]<>@\\~_]", w)]
    text = _clean(_readable(_strip_number(" ".join(words))))
    text = re.sub(r"(?:\s+(?:[^\w\s(]+|\w))+$", "", text).strip(" ,;|")
    sfw = search_form(text).split()
    if len(sfw) < 4 or _validity(sfw) < 0.7:
        return None
    deadline = " ".join(deadline.replace(")", " ").replace("(", " ").split())
    kind, due = normalise_deadline(deadline)
    if not kind:
        return None
    return _fact(doc, where.seg, "task", text[:1].upper() + text[1:], lead=lead,
                 support=support[:4], deadline_text=vi_deadline(deadline), deadline_kind=kind,
                 due_date=due)


def _table_tasks(doc: Document, lines: list[_Line]) -> list[Fact]:
    out = []
    for row in _task_rows(lines, _kind(doc)):
        if not any(_DEADLINE_CELL.search(ln.sf) for ln in row.lines) and \
                not (row.anchor is not None and wrapped_deadline(row.lines, _kind(doc))):
            continue
        fact = _task_from_interleaved(doc, row) if row.anchor is not None else \
            _task_from_blocks(doc, row)
        if fact is not None:
            out.append(fact)
    return out


# ---- typed, DOCX and PDF tables: rows read through corpus.tables ---------------------------

def typed_tables(segments: list[Segment]) -> list[tuple[Table, list[Segment]]]:
    """Consecutive row segments under one header as `corpus.tables.Table`s, each row's
    segment alongside (the table's rows and groups are in the segments' order)."""
    out: list[tuple[Table, list[Segment]]] = []
    cur: list[Segment] = []

    def close() -> None:
        if cur and cur[0].table_header and is_header(split_cells(cur[0].table_header)):
            table = read_table(split_cells(cur[0].table_header),
                               [split_cells(s.text.replace("\n", " ")) for s in cur])
            out.append((table, list(cur)))
        cur.clear()

    for seg in segments:
        if seg.kind != "row" or (cur and seg.table_header != cur[0].table_header):
            close()
        if seg.kind == "row":
            cur.append(seg)
    close()
    return out


def typed_table_facts(doc: Document, segments: list[Segment]) -> list[Fact]:
    """Task facts from task tables and target facts from target tables (typed text, DOCX,
    PDF): one fact per body row whose cells say what it needs."""
    from corpus.facts.targets import typed_target

    facts: list[Fact] = []
    for table, segs in typed_tables(segments):
        kind = table.kind
        for row in table.rows:
            seg = segs[row.index]
            if kind == "task":
                fact = _typed_task(doc, table, row, seg)
            elif kind == "target":
                fact = typed_target(doc, table, row, seg, segments)
            else:
                fact = None
            if fact is not None:
                facts.append(fact)
    return facts


def _typed_task(doc: Document, table: Table, row: Row, seg: Segment) -> Fact | None:
    roles = table.roles
    task = row.first(roles, "task")
    if len(task.split()) < 2:
        return None
    lead: list[str] = []
    support: list[str] = []
    for i, c in row.by_role(roles, "lead"):
        names = cell_agencies(c, _kind(doc))
        joint = lead_and_support(table.header[i]) if i < len(table.header) else False
        lead += names[:1] if joint else names
        support += names[1:] if joint else []
    support += [n for _, c in row.by_role(roles, "support") for n in cell_agencies(c, _kind(doc))]
    support = list(dict.fromkeys(n for n in support if n not in lead))
    deadline = " ".join(row.first(roles, "deadline").split()).rstrip(".")
    if not lead and not deadline:
        return None
    dkind, due = normalise_deadline(deadline) if deadline else ("", None)
    section = " › ".join([*seg.heading_path, *(g for g in row.group)])
    return Fact(id=content_id(seg.id, "task", task[:80]), doc_id=doc.id, segment_id=seg.id,
                kind="task", text=task, lead=lead, support=support[:8],
                deadline_text=deadline, deadline_kind=dkind, due_date=due, page=seg.page,
                section=section, product=_cell(row, roles, "product"),
                funding=_cell(row, roles, "funding"))


def _cell(row: Row, roles: list[str], role: str) -> str:
    """A row's cell of one column role, its lines joined ("" when the table has none)."""
    return " ".join(" ".join(c for _, c in row.by_role(roles, role)).split()).rstrip(".;")
