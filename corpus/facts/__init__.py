"""Tasks, duties and targets held as facts, each tied to the segment it comes from.

One module per source: `fields` (field lists and "Giao X chủ trì …" prose), `tables` (task
tables: typed/DOCX/PDF rows through `corpus.tables`, OCR-flattened rows rebuilt by
`ocr_rows`), `duties` ("Tổ chức thực hiện"), `targets` (goals in prose and target tables), `counts`
(count goals: "58 trạm", "ít nhất 20 tập dữ liệu");
`common` holds what they share.

- Task: an item with "Cơ quan chủ trì: …" / "Thời gian: …" fields; a row of an appendix task
  table (task text, lead, coordinating agencies, deadline); a clause "Giao X chủ trì …".
- Duty: a clause under "Tổ chức thực hiện" / "Trách nhiệm" with the agency it binds (named
  by the clause itself, "Phòng Kinh tế: Chủ trì …", or by its heading), and the report
  deadlines it sets ("báo cáo định kỳ 6 tháng (trước ngày 15/6) và hằng năm (trước ngày
  10/12)").
- Target: an indicator with a value per year: rows of appendix target tables (year columns
  read from the header, or the "Đến năm 2030" group row above), and prose goals under
  "Mục tiêu" or after "Đến năm 2030:" ("90% hồ sơ công việc được số hóa").

OCR flattened the appendix tables: a row's cells come out side by side on its middle line,
with the first line of a centred cell above it and the rest below ("interleaved" rows), or
as blank-separated blocks one cell after another. Rows are rebuilt from the lines of the
table's segments; a row whose cells cannot be mapped with confidence (garbled indicator,
value count that does not fit the year columns, no identifiable lead) yields no fact and
stays a quotable segment. Nothing is guessed.
"""

from __future__ import annotations

from corpus.facts.common import _CLEAN, _full_headings, vi_deadline
from corpus.facts.counts import count_targets
from corpus.facts.duties import _duty
from corpus.facts.fields import _task_from_fields, _task_from_prose, task_blocks
from corpus.facts.ocr_rows import _stream, _tables
from corpus.facts.refs import resolve_references
from corpus.facts.spelling import respell_agencies
from corpus.facts.tables import _table_tasks, typed_table_facts
from corpus.facts.targets import _prose_targets, _table_targets
from corpus.models import Document, Fact, Segment

__all__ = ["extract_facts", "vi_deadline"]


def extract_facts(doc: Document, segments: list[Segment]) -> list[Fact]:
    """Every task, duty and target the plan states with confidence, in reading order."""
    from corpus.lexicon import is_clean

    token = _CLEAN.set(is_clean(" ".join(s.text for s in segments[:40])))
    try:
        return _extract(doc, segments)
    finally:
        _CLEAN.reset(token)


def _extract(doc: Document, segments: list[Segment]) -> list[Fact]:
    headings = _full_headings(segments)
    facts, in_blocks = task_blocks(doc, segments)
    for seg in segments:
        if seg.kind == "row" or seg.id in in_blocks:
            continue
        if seg.heading_path[:1] == ["Nơi nhận, người ký"]:
            continue
        task = _task_from_fields(doc, seg)
        if task is not None:
            facts.append(task)
            continue
        duty = _duty(doc, seg, headings)
        if duty is not None:
            facts.append(duty)
        facts += _task_from_prose(doc, seg)
        facts += _prose_targets(doc, seg, headings)
        facts += count_targets(doc, seg, headings)
    if _CLEAN.get():
        # typed text, DOCX, PDF: rows with their cells, read through corpus.tables
        facts += typed_table_facts(doc, segments)
        facts = respell_agencies(facts, segments)  # names in the plan's own spelling
    else:
        for kind, segs in _tables(segments):
            lines = _stream(segs)
            facts += _table_tasks(doc, lines) if kind == "task" else _table_targets(doc, lines)
    facts = resolve_references(facts, segments)  # "… tại mục (IV) (5) của Kế hoạch"
    order = {s.id: s.order for s in segments}
    seen: set[str] = set()
    out = []
    for f in sorted(facts, key=lambda f: order.get(f.segment_id, 0)):
        if f.id not in seen:
            seen.add(f.id)
            out.append(f)
    return out
