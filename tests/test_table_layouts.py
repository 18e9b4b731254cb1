"""Table layouts the real plans do not have (bench/table_layouts.py, its tuned part), as clean
text, DOCX and PDF: the same row model and the facts the table states come out of each."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.table_layouts import (
    LAYOUTS,
    expected,
    facts_of,
    read,
    row_model,
    write_docx,
    write_pdf,
    write_text,
)

TUNED = [layout for layout in LAYOUTS if layout.part == "tune"]


@pytest.mark.parametrize("layout", TUNED, ids=[x.name for x in TUNED])
def test_text_and_docx_tables_give_the_same_rows_and_the_stated_facts(layout,
                                                                        tmp_path: Path) -> None:
    text = read(write_text(layout, tmp_path / "xa-kiem-bang_21-KH-UBND.txt"))
    docx = read(write_docx(layout, tmp_path / "xa-kiem-bang.docx"))
    pdf = read(write_pdf(layout, tmp_path / "xa-kiem-bang.pdf"))
    assert row_model(text) == row_model(docx) == row_model(pdf)
    assert len(row_model(text)) == sum(not isinstance(r, str) and r[0] not in ("I", "II")
                                       for r in layout.rows)
    want = expected(layout)
    assert facts_of(text) == want
    assert facts_of(docx) == want
    assert facts_of(pdf) == want


def test_a_unit_column_gives_the_values_their_unit(tmp_path: Path) -> None:
    layout = next(x for x in TUNED if "Đơn vị tính" in x.header)
    plan = read(write_text(layout, tmp_path / "xa-kiem-bang_21-KH-UBND.txt"))
    units = {f.text: f.unit for f in plan.facts if f.kind == "target"}
    assert units == {"Tỷ lệ hồ sơ dịch vụ công trực tuyến toàn trình": "%",
                     "Số điểm truy cập wifi công cộng miễn phí": "điểm"}


def test_a_docx_cell_merged_over_some_columns_keeps_the_cells_after_it_in_place(
        tmp_path: Path) -> None:
    import docx

    from bench.table_layouts import CLOSING, PREAMBLE

    doc = docx.Document()
    for line in PREAMBLE.strip().split("\n"):
        doc.add_paragraph(line)
    table = doc.add_table(rows=0, cols=5)
    for text, cell in zip(["STT", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời hạn"],
                          table.add_row().cells, strict=True):
        cell.text = text
    cells = table.add_row().cells
    cells[0].text, cells[1].text, cells[4].text = "1", "Số hóa hồ sơ địa chính của xã", \
        "Quý IV/2026"
    cells[2].merge(cells[3]).text = "Công an xã"  # one agency over both agency columns
    doc.add_paragraph(CLOSING.strip())
    path = tmp_path / "merged.docx"
    doc.save(str(path))
    task = next(f for f in read(path).facts if f.kind == "task")
    assert task.lead == ["Công an xã"]
    assert (task.deadline_text, task.deadline_kind) == ("Quý IV/2026", "quarter")
