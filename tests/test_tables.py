"""The one table row model (corpus/tables.py) and the facts read through it: column roles from
header words in any wording and order, group rows, merged cells carried down, typed
`cell | cell` appendices, inline task blocks, and the same task facts from text, DOCX and PDF."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.pipeline import read_plan
from corpus.tables import column_role, is_header, read_table, split_cells
from tests import plan_fixtures as fx


@pytest.mark.parametrize("cell, role", [
    ("STT", "stt"), ("TT", "stt"), ("Số TT", "stt"),
    ("Tên nhiệm vụ", "task"), ("Nội dung công việc", "task"), ("Nhiệm vụ", "task"),
    ("Cơ quan chủ trì", "lead"), ("Đơn vị thực hiện", "lead"), ("Chủ trì", "lead"),
    ("Cơ quan phối hợp", "support"), ("Đơn vị phối hợp thực hiện", "support"),
    ("Thời gian hoàn thành", "deadline"), ("Thời gian dự kiến hoàn thành", "deadline"),
    ("Thời hạn", "deadline"), ("Tiến độ", "deadline"),
    ("Kết quả dự kiến", "product"), ("Sản phẩm", "product"), ("Nguồn kinh phí", "funding"),
    ("Chỉ tiêu", "indicator"), ("Đơn vị tính", "unit"), ("ĐVT", "unit"),
    ("2025", "year"), ("2026–2030", "year"), ("Giai đoạn 2028-2030", "year"),
    ("Năm 2030", "year"), ("Cơ quan theo dõi, đánh giá", "monitor"), ("Ghi chú", "note"),
    ("Cơ quan chủ trì, phối hợp", "lead"), ("", ""),
])
def test_column_role_from_header_words(cell: str, role: str) -> None:
    assert column_role(cell) == role
    assert column_role(cell.upper()) == role  # headers are often in capitals
    assert column_role(fx_fold(cell)) == role  # and typed without marks


def fx_fold(text: str) -> str:
    from corpus.normalize import strip_marks

    return strip_marks(text).replace("đ", "d").replace("Đ", "D")


def test_header_found_whatever_the_order_and_a_body_row_is_not_one() -> None:
    assert is_header(["Thời hạn", "Đơn vị thực hiện", "Nội dung", "TT"])
    assert is_header(["STT", "Chỉ tiêu", "Đơn vị tính", "2025", "2030"])
    assert not is_header(["1", "Triển khai nền tảng số", "Sở Tài chính", "Quý IV/2025"])
    assert not is_header(["Hỗ trợ doanh nghiệp nhỏ và vừa chuyển đổi số", "Sở Công Thương"])


def test_roles_follow_the_header_not_the_position() -> None:
    t = read_table(["Thời hạn", "Đơn vị thực hiện", "Nội dung", "TT"],
                   [["Quý II/2026", "Sở Y tế", "Triển khai bệnh án điện tử", "1"]])
    row = t.rows[0]
    assert t.kind == "task"
    assert row.first(t.roles, "task") == "Triển khai bệnh án điện tử"
    assert row.first(t.roles, "lead") == "Sở Y tế"
    assert row.first(t.roles, "deadline") == "Quý II/2026"
    assert row.number == "1"


def test_group_rows_give_context_and_merged_cells_carry_down() -> None:
    header = ["TT", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời gian", "Nguồn kinh phí"]
    body = [
        ["I", "Hạ tầng số"],
        ["1", "Xây dựng trung tâm dữ liệu", "Sở A", "Sở B", "Quý IV/2026", "Đầu tư công"],
        ["Xây dựng hạ tầng dự phòng cho trung tâm dữ liệu", "Trung tâm C"],  # sub-row
        ["2", "Mua sắm thiết bị lưu trữ", "Sở A", "Sở B", "Năm 2027"],  # funding merged
        ["II", "Nhân lực số"],
        ["1", "Đào tạo kỹ năng số", "Sở D", "Sở B", "Hằng năm"],
    ]
    t = read_table(header, body)
    roles = t.roles
    assert [r.group[-1] for r in t.rows] == ["I Hạ tầng số"] * 3 + ["II Nhân lực số"]
    sub = t.rows[1]
    assert sub.number == "1" and sub.first(roles, "lead") == "Trung tâm C"
    assert sub.first(roles, "deadline") == "Quý IV/2026"  # the merged deadline cell
    assert t.rows[2].first(roles, "funding") == "Đầu tư công"
    assert t.rows[2].first(roles, "deadline") == "Năm 2027"  # its own cell is kept
    assert t.rows[3].first(roles, "funding") == ""  # nothing carries across a group row


def test_split_cells_keeps_empty_cells_in_place() -> None:
    assert split_cells(" | I. Kinh tế số") == ["", "I. Kinh tế số"]
    assert split_cells("1 | a |  | b") == ["1", "a", "", "b"]


TYPED_PLAN = """ỦY BAN NHÂN DÂN
TỈNH KIỂM THỬ
Số: 45/KH-UBND
Kiểm Thử, ngày 02 tháng 3 năm 2026

KẾ HOẠCH
Chuyển đổi số năm 2026

I. MỤC TIÊU

Nâng cao chất lượng dịch vụ công trực tuyến trên địa bàn tỉnh trong năm 2026.

II. NHIỆM VỤ

1. Về dữ liệu

a) Nhiệm vụ:

- Rà soát, chuẩn hóa cơ sở dữ liệu đất đai của tỉnh.

b) Cơ quan thực hiện:

- Đơn vị chủ trì: Sở Nông nghiệp và Môi trường.

- Đơn vị phối hợp: Sở Tài chính.

c) Thời gian thực hiện: Hoàn thành trong năm 2026.

2. Về nhân lực

a) Nhiệm vụ: Đào tạo kỹ năng số cho cán bộ, công chức cấp xã.

b) Cơ quan thực hiện:

- Đơn vị chủ trì: Sở Nội vụ.

c) Thời gian thực hiện: Thực hiện thường xuyên.

III. TỔ CHỨC THỰC HIỆN

1. Sở Khoa học và Công nghệ

a) Chủ trì theo dõi, đôn đốc thực hiện Kế hoạch; báo cáo Ủy ban nhân dân tỉnh trước ngày 15/11 hằng năm.

Nơi nhận:
- Như trên;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Nguyễn Văn Thử

PHỤ LỤC

CHỈ TIÊU VÀ NHIỆM VỤ ĐẾN NĂM 2030

(Kèm theo Kế hoạch số 45/KH-UBND ngày 02/3/2026 của UBND tỉnh)

TT | Chỉ tiêu | Chủ trì
 | I. Xã hội số
1 | Tỷ lệ người dân có chữ ký số cá nhân đạt 70%. | Tỉnh đoàn
2 | Tỷ lệ hồ sơ dịch vụ công trực tuyến toàn trình đạt 80%. | Sở Nội vụ

PHỤ LỤC II

DANH MỤC NHIỆM VỤ

Thời gian hoàn thành | Đơn vị thực hiện | Nội dung | STT | Đơn vị phối hợp
I. HẠ TẦNG SỐ
Quý III/2026 | Sở Khoa học và Công nghệ | Phủ sóng 5G tại các khu công nghiệp của tỉnh | 1 | Sở Công Thương
Năm 2027 | Sở Tài chính | Bố trí kinh phí thuê dịch vụ lưu trữ dữ liệu | 2 | Sở Khoa học và Công nghệ
"""


@pytest.fixture(scope="module")
def typed(tmp_path_factory) -> object:
    path = tmp_path_factory.mktemp("typed") / "tinh-kiem-thu_45-KH-UBND.txt"
    path.write_text(TYPED_PLAN, encoding="utf-8")
    return read_plan(path)


def test_typed_appendix_is_cut_one_line_per_row_with_header_and_group(typed) -> None:
    rows = [s for s in typed.segments if s.kind == "row"]
    first = next(s for s in rows if s.text.startswith("1 | Tỷ lệ người dân"))
    assert first.table_header == "TT | Chỉ tiêu | Chủ trì"
    assert first.group == "I. Xã hội số"
    assert first.text.count("\n") == 0
    fived = next(s for s in rows if "Phủ sóng 5G" in s.text)
    assert fived.group == "I. HẠ TẦNG SỐ"


def test_task_table_in_any_column_order_gives_tasks(typed) -> None:
    tasks = {f.text: f for f in typed.facts if f.kind == "task"}
    five = tasks["Phủ sóng 5G tại các khu công nghiệp của tỉnh"]
    assert five.lead == ["Sở Khoa học và Công nghệ"]
    assert five.support == ["Sở Công Thương"]
    assert (five.deadline_kind, five.due_date) == ("quarter", "2026-09-30")
    assert "I. HẠ TẦNG SỐ" in five.section
    assert tasks["Bố trí kinh phí thuê dịch vụ lưu trữ dữ liệu"].lead == ["Sở Tài chính"]


def test_target_table_without_year_columns_takes_the_year_of_its_title(typed) -> None:
    targets = {f.text: f for f in typed.facts if f.kind == "target" and "%" in str(f.values)}
    sig = targets["Tỷ lệ người dân có chữ ký số cá nhân đạt 70%."]
    assert sig.values == {"2030": "70%"}
    assert sig.lead == ["Tỉnh đoàn"]


def test_inline_task_blocks_are_one_task_each(typed) -> None:
    tasks = {f.text.rstrip("."): f for f in typed.facts if f.kind == "task"}
    land = tasks["Rà soát, chuẩn hóa cơ sở dữ liệu đất đai của tỉnh"]
    assert land.lead == ["Sở Nông nghiệp và Môi trường"]
    assert land.support == ["Sở Tài chính"]
    assert land.deadline_kind == "year" and land.due_date == "2026-12-31"
    train = tasks["Đào tạo kỹ năng số cho cán bộ, công chức cấp xã"]
    assert train.lead == ["Sở Nội vụ"] and train.deadline_kind == "ongoing"
    assert not any(f.text.startswith("Cơ quan thực hiện") for f in typed.facts)


def test_duty_items_under_an_agency_heading(typed) -> None:
    duties = [f for f in typed.facts if f.kind == "duty"]
    assert any(f.lead == ["Sở Khoa học và Công nghệ"] and "15/11" in f.deadline_text
               for f in duties)


def _task_rows(path: Path) -> list[tuple[str, tuple[str, ...], tuple[str, ...], str]]:
    plan = read_plan(path)
    rows = {s.id for s in plan.segments if s.kind == "row"}
    return sorted((f.text.rstrip("."), tuple(f.lead), tuple(f.support), f.deadline_kind)
                  for f in plan.facts if f.kind == "task" and f.segment_id in rows)


def test_text_docx_and_pdf_tables_give_the_same_task_rows(tmp_path: Path) -> None:
    txt = _task_rows(fx.write_text(tmp_path / "plan.txt"))
    docx = _task_rows(fx.write_docx(tmp_path / "plan.docx"))
    pdf = _task_rows(fx.write_pdf(tmp_path / "plan.pdf"))
    assert len(txt) == len(fx.TABLE_ROWS)
    assert docx == txt
    assert pdf == txt
