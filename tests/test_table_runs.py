"""Typed `cell | cell` tables anywhere in a clean plan end where their rows end: the headings,
clauses and pages after a table keep their own section (corpus/table_runs.py)."""

from __future__ import annotations

import pytest

from corpus.models import Block
from corpus.pipeline import read_plan
from corpus.table_runs import read_run, table_starts

# a target table under "2. Chỉ tiêu" and a task table under "II. …" with no "Phụ lục" title;
# a line with exactly one leading space opens a new page (the text plans' convention)
BODY_TABLES = """ỦY BAN NHÂN DÂN
TỈNH THỬ NGHIỆM
Số: 77/KH-UBND
Thử Nghiệm, ngày 05 tháng 3 năm 2026

KẾ HOẠCH
Phát triển hạ tầng số năm 2026

I. MỤC TIÊU

1. Mục tiêu chung

Phát triển hạ tầng số đồng bộ, hiện đại trên địa bàn tỉnh.

2. Chỉ tiêu cụ thể

Các chỉ tiêu đến năm 2030 như sau:

TT | Chỉ tiêu | Đơn vị tính | Năm 2025 | Năm 2030
1 | Tỷ lệ phủ sóng 5G | % | 60 | 100
2 | Tỷ lệ hộ gia đình có cáp quang | % | 80 | 95
3. Yêu cầu

Bảo đảm tính khả thi, phân công rõ trách nhiệm.

II. NHIỆM VỤ VÀ GIẢI PHÁP

1. Phát triển hạ tầng viễn thông

Xây dựng trạm phát sóng mới tại các xã vùng sâu.

STT | Nội dung | Cơ quan chủ trì | Thời gian hoàn thành
I. HẠ TẦNG DI ĐỘNG
1 | Lắp đặt mới trạm BTS tại các xã vùng sâu, vùng xa và
khu vực biên giới | Sở Khoa học và Công nghệ | Quý IV/2026
2 | Chuyển đổi mạng lõi sang IPv6 | Viễn thông tỉnh | Năm 2027
Ghi chú: các doanh nghiệp viễn thông phối hợp thực hiện.
 2. Phát triển hạ tầng dữ liệu

Xây dựng trung tâm dữ liệu của tỉnh theo mô hình điện toán đám mây.

III. TỔ CHỨC THỰC HIỆN

1. Sở Tài chính

Bố trí kinh phí thực hiện Kế hoạch; báo cáo UBND tỉnh trước ngày 15/11 hằng năm.

Nơi nhận:
- Như trên;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Nguyễn Văn Thử

PHỤ LỤC

DANH MỤC CHỈ TIÊU CỦA TỈNH

TT | Chỉ tiêu | Đơn vị tính | Mục tiêu |  | Cơ quan theo dõi
 |  |  | Năm 2025 | Năm 2030 |
 | I. Chính quyền số
1 | Tỷ lệ hồ sơ trực tuyến toàn trình | % | 50 | 80 | Văn phòng UBND tỉnh

Ghi chú: số liệu năm 2025 là ước thực hiện.

Các chỉ tiêu được rà soát hằng năm.
"""


@pytest.fixture(scope="module")
def plan(tmp_path_factory) -> object:
    path = tmp_path_factory.mktemp("runs") / "tinh-thu-nghiem_77-KH-UBND.txt"
    path.write_text(BODY_TABLES, encoding="utf-8")
    return read_plan(path)


def _seg(plan, start: str):  # noqa: ANN202
    return next(s for s in plan.segments if s.text.startswith(start))


def test_a_table_in_the_body_is_cut_into_rows_under_its_heading(plan) -> None:
    row = _seg(plan, "1 | Tỷ lệ phủ sóng 5G")
    assert row.kind == "row"
    assert row.heading_path == ["I. MỤC TIÊU", "2. Chỉ tiêu cụ thể"]
    assert row.table_header == "TT | Chỉ tiêu | Đơn vị tính | Năm 2025 | Năm 2030"
    assert _seg(plan, "Các chỉ tiêu đến năm 2030").kind == "text"  # the lead-in stays prose


def test_a_heading_right_after_a_table_keeps_its_section(plan) -> None:
    heading = _seg(plan, "3. Yêu cầu")
    assert heading.kind == "heading" and heading.table_header is None
    clause = _seg(plan, "Bảo đảm tính khả thi")
    assert clause.heading_path == ["I. MỤC TIÊU", "3. Yêu cầu"]


def test_a_task_table_without_an_appendix_title_does_not_swallow_what_follows(plan) -> None:
    rows = [s for s in plan.segments if s.kind == "row" and s.table_header
            and s.table_header.startswith("STT")]
    assert [s.text.split(" | ")[0] for s in rows] == ["I. HẠ TẦNG DI ĐỘNG", "1", "2"]
    assert all(s.heading_path == ["II. NHIỆM VỤ VÀ GIẢI PHÁP",
                                  "1. Phát triển hạ tầng viễn thông"] for s in rows)
    note = _seg(plan, "Ghi chú: các doanh nghiệp")
    assert note.kind == "text" and note.table_header is None
    data = _seg(plan, "Xây dựng trung tâm dữ liệu")
    assert data.heading_path == ["II. NHIỆM VỤ VÀ GIẢI PHÁP", "2. Phát triển hạ tầng dữ liệu"]
    assert data.page == 2 and _seg(plan, "2. Phát triển hạ tầng dữ liệu").page == 2
    duty = _seg(plan, "Bố trí kinh phí")
    assert duty.heading_path == ["III. TỔ CHỨC THỰC HIỆN", "1. Sở Tài chính"]


def test_a_wrapped_cell_stays_in_its_row_and_the_group_row_gives_context(plan) -> None:
    row = _seg(plan, "1 | Lắp đặt mới trạm BTS")
    assert row.line_end == row.line_start + 1 and "khu vực biên giới" in row.text
    assert row.group == "I. HẠ TẦNG DI ĐỘNG"
    tasks = {f.text: f for f in plan.facts if f.kind == "task"}
    bts = tasks["Lắp đặt mới trạm BTS tại các xã vùng sâu, vùng xa và khu vực biên giới"]
    assert bts.lead == ["Sở Khoa học và Công nghệ"] and bts.deadline_text == "Quý IV/2026"
    assert "I. HẠ TẦNG DI ĐỘNG" in bts.section


def test_lines_after_a_table_give_no_table_facts(plan) -> None:
    """Before, the note, the next headings and the duties became 'rows' that took the last
    row's lead and deadline as their own."""
    tasks = [f for f in plan.facts if f.kind == "task"]
    assert sorted(f.text for f in tasks) == [
        "Chuyển đổi mạng lõi sang IPv6",
        "Lắp đặt mới trạm BTS tại các xã vùng sâu, vùng xa và khu vực biên giới"]
    assert any(f.kind == "duty" and f.lead == ["Sở Tài chính"] for f in plan.facts)


def test_an_appendix_table_ends_before_the_notes_below_it(plan) -> None:
    row = _seg(plan, "1 | Tỷ lệ hồ sơ trực tuyến toàn trình")
    assert row.kind == "row" and row.line_end == row.line_start
    note = _seg(plan, "Ghi chú: số liệu năm 2025")
    assert note.kind == "text" and note.table_header is None
    assert note.heading_path == row.heading_path  # still the appendix


def _blocks(text: str) -> list[Block]:
    return [Block(text=t, page=1, line=i + 1) for i, t in enumerate(text.split("\n"))]


def test_a_new_header_ends_the_table_and_a_repeated_one_does_not() -> None:
    blocks = _blocks("TT | Nhiệm vụ | Chủ trì\n1 | Số hóa hồ sơ | Sở Nội vụ\n"
                     "TT | Nhiệm vụ | Chủ trì\n2 | Tập huấn | Sở Y tế\n"
                     "TT | Chỉ tiêu | 2025 | 2030\n1 | Tỷ lệ A | 10% | 20%")
    lines, end = read_run(blocks, 0)
    assert [ln.kind for ln in lines] == ["header", "row", "header", "row"]
    assert end == 4 and table_starts(blocks, 4)


def test_ocr_debris_between_column_rules_is_not_a_table_header() -> None:
    blocks = _blocks("cao; thu hut dong dao cong dong tham gia | ., . . Cac phong, co quan\n"
                     "12 Lo YISy | Phong Van hoa - X& hoi | Thuong xuyén")
    assert not table_starts(blocks, 0)


def test_a_header_over_two_lines_is_one_header(plan) -> None:
    row = _seg(plan, "1 | Tỷ lệ hồ sơ trực tuyến toàn trình")
    assert row.table_header == "TT | Chỉ tiêu | Đơn vị tính | Năm 2025 | Năm 2030 | " \
        "Cơ quan theo dõi"
    target = next(f for f in plan.facts if f.text == "Tỷ lệ hồ sơ trực tuyến toàn trình")
    assert target.values == {"2025": "50%", "2030": "80%"}
    assert target.lead == ["Văn phòng UBND tỉnh"]


def test_a_row_with_an_empty_first_cell_does_not_open_a_page(plan) -> None:
    """A line with one leading space opens a page in a text plan; " | I. …" is a table row."""
    group = _seg(plan, "| I. Chính quyền số")
    assert group.page == _seg(plan, "1 | Tỷ lệ hồ sơ trực tuyến toàn trình").page == \
        _seg(plan, "Ghi chú: số liệu năm 2025").page == 2


def test_the_signature_right_below_a_short_last_row_ends_the_table() -> None:
    blocks = _blocks("TT | Nhiệm vụ | Chủ trì | Phối hợp\n1 | Số hóa hồ sơ | Sở Nội vụ\n"
                     "Nơi nhận:\n- Như trên;")
    lines, end = read_run(blocks, 0)
    assert [ln.kind for ln in lines] == ["header", "row"] and end == 2


def test_a_wrapped_cell_continues_its_row() -> None:
    blocks = _blocks("TT | Nhiệm vụ | Chủ trì | Thời hạn\n1 | Số hóa hồ sơ hộ tịch và\n"
                     "chứng thực của xã | Sở Tư pháp | Quý IV/2026\n2 | Tập huấn | Sở Nội vụ |"
                     " Năm 2027\nBáo cáo kết quả về Sở Nội vụ.")
    lines, end = read_run(blocks, 0)
    assert [ln.cells for ln in lines[1:]] == [
        ["1", "Số hóa hồ sơ hộ tịch và chứng thực của xã", "Sở Tư pháp", "Quý IV/2026"],
        ["2", "Tập huấn", "Sở Nội vụ", "Năm 2027"]]
    assert end == 4  # the paragraph after the table is not a row


NO_BLANK_LINES = """ỦY BAN NHÂN DÂN
HUYỆN GIỮ LẠI
Số: 55/KH-UBND
Giữ Lại, ngày 01 tháng 6 năm 2026

KẾ HOẠCH
Ứng dụng công nghệ thông tin năm 2026

I. MỤC TIÊU
1. Mục tiêu chung
Nâng cao hiệu quả quản lý nhà nước bằng công nghệ số.
2. Chỉ tiêu
STT | Chỉ tiêu | ĐVT | Kế hoạch 2026
1 | Tỷ lệ văn bản điện tử có chữ ký số | % | 95
2 | Số cuộc họp trực tuyến | cuộc | 24
(*) Số liệu năm 2026 là kế hoạch, được rà soát giữa năm.
3. Yêu cầu
Các cơ quan phân công rõ người, rõ việc.
II. NHIỆM VỤ
1. Hạ tầng
STT | Nhiệm vụ | Đơn vị chủ trì | Thời gian
1 | Nâng cấp mạng LAN tại trụ sở | Văn phòng HĐND và UBND | Quý III/2026
- Bảo đảm an toàn thông tin cho hệ thống mạng nội bộ.
2. Ứng dụng
Triển khai hệ thống quản lý văn bản liên thông bốn cấp.
III. KINH PHÍ
Kinh phí từ ngân sách huyện.
"""


def test_a_typed_plan_without_blank_lines_keeps_headings_tables_and_clauses_apart(
        tmp_path_factory) -> None:
    path = tmp_path_factory.mktemp("dense") / "huyen-giu-lai_55-KH-UBND.txt"
    path.write_text(NO_BLANK_LINES, encoding="utf-8")
    plan = read_plan(path)
    heading = _seg(plan, "1. Mục tiêu chung")
    assert heading.kind == "heading" and heading.text == "1. Mục tiêu chung"
    assert _seg(plan, "Nâng cao hiệu quả").heading_path == ["I. MỤC TIÊU", "1. Mục tiêu chung"]
    assert _seg(plan, "(*) Số liệu năm 2026").kind == "text"  # the note ends the table
    assert _seg(plan, "Các cơ quan phân công").heading_path == ["I. MỤC TIÊU", "3. Yêu cầu"]
    bullet = _seg(plan, "- Bảo đảm an toàn thông tin")
    assert bullet.kind == "text" and bullet.table_header is None
    assert _seg(plan, "Triển khai hệ thống quản lý văn bản").heading_path == [
        "II. NHIỆM VỤ", "2. Ứng dụng"]
    assert [f.text for f in plan.facts if f.kind == "task"] == ["Nâng cấp mạng LAN tại trụ sở"]
