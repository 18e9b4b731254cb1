"""A plan saved as DOCX or PDF by a word processor reads as its text does.

The layouts here are those a writer's "save as" gives and typed text does not show: a PDF
with no space between paragraphs (a heading known only because its line ends short, also
at the foot of a page), "PHỤ LỤC" set right under the signer's name, a narrow "TT" column
that wraps "III" over two lines, and an appendix whose title ("PHỤ LỤC" / "… ĐẾN NĂM 2030"
/ "(Ban hành kèm theo …)") gives the year of a target table without year columns.
"""

from __future__ import annotations

from pathlib import Path

import plan_fixtures as F
import pytest

from corpus import read_plan
from corpus.loaders_pdf import _cell

needs_font = pytest.mark.skipif(F.unicode_font() is None,
                                reason="no TTF with Vietnamese glyphs (fonts-dejavu-core)")

HEADER = ["ỦY BAN NHÂN DÂN", "TỈNH HÒA BÌNH", "Số: 77/KH-UBND", "Hòa Bình, ngày 05 tháng 3 năm 2026",
          "KẾ HOẠCH", "Phát triển kinh tế số và xã hội số trên địa bàn tỉnh"]
BODY = [
    "I. MỤC TIÊU",
    "Đến năm 2030, kinh tế số của tỉnh đạt quy mô khá, người dân dùng dịch vụ số thành thạo "
    "trong mọi lĩnh vực của đời sống xã hội, nhất là y tế, giáo dục và giao thông.",
    "II. TỔ CHỨC THỰC HIỆN",
    "1. Sở Y tế",
    "Chủ trì triển khai hồ sơ sức khỏe điện tử cho người dân trên địa bàn tỉnh, bảo đảm kết nối "
    "liên thông dữ liệu giữa các cơ sở khám bệnh, chữa bệnh.",
    "2. Đài Phát thanh và Truyền hình tỉnh",
    "Chủ trì tuyên truyền thường xuyên về nội dung Kế hoạch trên các kênh của Đài, phối hợp "
    "với các cơ quan báo chí đóng trên địa bàn tỉnh.",
]
SIGNATURE = ["Nơi nhận:", "- Như trên;", "- Lưu: VT.", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH",
             "Lê Văn Hòa"]
APPENDIX_TITLE = ["PHỤ LỤC", "PHÂN CÔNG THỰC HIỆN CÁC CHỈ TIÊU ĐẾN NĂM 2030",
                  "(Ban hành kèm theo Kế hoạch số 77/KH-UBND ngày 05 tháng 3 năm 2026)"]
TABLE = [["TT", "Chỉ tiêu", "Chủ trì"],
         ["I", "Kinh tế số", ""],
         ["1", "Tỷ lệ người dân có hồ sơ sức khỏe điện tử đạt 95%.", "Sở Y tế"],
         ["2", "Tỷ lệ hồ sơ dịch vụ công trực tuyến toàn trình đạt 80%.", "Văn phòng UBND tỉnh"],
         ["3", "Tỷ lệ giao dịch không dùng tiền mặt đạt 80%.", "Ngân hàng Nhà nước"]]


def _write_pdf(path: Path, heading_at_foot: bool = False) -> Path:
    """Paragraphs with no space between them (the PDF shows no gap), the signer's name
    right above "PHỤ LỤC", a ruled target table with a narrow TT column."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font("DejaVu", "", str(F.unicode_font()))
    pdf.set_font("DejaVu", size=10)
    pdf.add_page()
    for line in [*HEADER, *BODY[:3]]:
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    if heading_at_foot:  # "1. Sở Y tế" is the last line of its page
        while pdf.get_y() < pdf.h - 15 - 10:
            pdf.multi_cell(0, 5, "Các sở, ngành bảo đảm tiến độ theo từng năm của kế hoạch.",
                           new_x="LMARGIN", new_y="NEXT")
    for line in [*BODY[3:], *SIGNATURE, *APPENDIX_TITLE]:
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=8)
    with pdf.table(col_widths=(4, 70, 30), line_height=4, first_row_as_headings=True,
                   headings_style=FontFace()) as table:
        for cells in TABLE:
            row = table.row()
            for text in cells:
                row.cell("III" if text == "I" else text)  # wraps in the narrow column
    pdf.output(str(path))
    return path


def _write_docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    for line in [*HEADER, *BODY, *SIGNATURE]:
        d.add_paragraph(line)
    for line in APPENDIX_TITLE:
        d.add_paragraph("")
        d.add_paragraph(line)
    table = d.add_table(rows=len(TABLE), cols=3)
    for r, cells in enumerate(TABLE):
        for c, text in enumerate(cells):
            table.cell(r, c).text = text
    d.save(str(path))
    return path


def _targets(plan) -> dict[str, dict[str, str]]:  # noqa: ANN001 - ParsedPlan
    return {f.text: f.values for f in plan.facts if f.kind == "target"}


def test_a_wrapped_row_number_is_one_number() -> None:
    assert _cell("II\nI") == "III"
    assert _cell("1\n2") == "12"
    assert _cell("Sở Y\ntế") == "Sở Y tế"  # words wrapped in a cell keep their space
    assert _cell("II I") == "II I"  # one line as set: nothing was wrapped


@needs_font
def test_pdf_without_paragraph_gaps_keeps_its_headings(tmp_path) -> None:
    plan = read_plan(_write_pdf(tmp_path / "ke-hoach.pdf"))
    duty = [f for f in plan.facts if f.kind == "duty" and "Đài Phát thanh" in " ".join(f.lead)]
    assert duty, [(f.kind, f.lead, f.text[:40]) for f in plan.facts]
    heads = {s.heading_path[-1] for s in plan.segments if s.heading_path}
    assert any(h.startswith("2. Đài Phát thanh") for h in heads), heads


@needs_font
def test_pdf_heading_at_the_foot_of_a_page_is_a_heading(tmp_path) -> None:
    plan = read_plan(_write_pdf(tmp_path / "ke-hoach.pdf", heading_at_foot=True))
    assert plan.document.pages >= 2
    first = next(s for s in plan.segments if "hồ sơ sức khỏe điện tử cho người dân" in s.text)
    assert first.heading_path[-1].startswith("1. Sở Y tế"), first.heading_path
    assert not first.text.startswith("1. Sở Y tế")


@needs_font
def test_pdf_appendix_under_the_signer_gives_its_year_to_the_targets(tmp_path) -> None:
    plan = read_plan(_write_pdf(tmp_path / "ke-hoach.pdf"))
    targets = _targets(plan)
    row = "Tỷ lệ người dân có hồ sơ sức khỏe điện tử đạt 95%."
    assert targets.get(row) == {"2030": "95%"}, targets
    seg = next(s for s in plan.segments if s.kind == "row" and "hồ sơ sức khỏe" in s.text)
    assert seg.heading_path[0].startswith("Phụ lục"), seg.heading_path
    # the group row's wrapped "III" is a group, not a task or a target
    assert not any(t.startswith("Kinh tế số") for t in targets)


def test_docx_appendix_subtitle_is_no_appendix_of_its_own(tmp_path) -> None:
    plan = read_plan(_write_docx(tmp_path / "ke-hoach.docx"))
    rows = [s for s in plan.segments if s.kind == "row"]
    assert rows and all(s.heading_path == ["Phụ lục: PHỤ LỤC"] for s in rows), \
        {tuple(s.heading_path) for s in rows}
    targets = _targets(plan)
    assert targets.get("Tỷ lệ giao dịch không dùng tiền mặt đạt 80%.") == {"2030": "80%"}, \
        targets
    assert len(targets) == 3
