"""What-questions answered from the structure read at ingest: a task's result and funding
cells (intents.task_fields), a duty that points to a part of the plan (corpus/facts/refs.py),
a heading that opens prose, an item labelled with the name asked, a year's targets asked as
a set, and outlines of OCR plans (intents.outline).

The plan is written for these tests (a province's plan in clean text); the engine is the real
one (SQLite, FAISS) with the deterministic fake embedder."""

from __future__ import annotations

import pytest
from plan_fixtures import engine_over

from corpus.facts.refs import references
from corpus.models import Segment
from corpus.normalize import fold
from intents import AnswerEngine
from intents import outline as O
from intents.models import MAX_REPLY_CHARS

PLAN = """ỦY BAN NHÂN DÂN
TỈNH ĐIỆN BIÊN
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 71/KH-UBND
Điện Biên, ngày 12 tháng 11 năm 2025

KẾ HOẠCH

SỐ HÓA DI SẢN VĂN HÓA TỈNH ĐIỆN BIÊN GIAI ĐOẠN 2026 - 2030

I. MỤC TIÊU

1. Mục tiêu về di sản số

- Tỷ lệ di tích cấp tỉnh có hồ sơ số đến năm 2030 đạt 80%.

- Tỷ lệ hiện vật bảo tàng được số hóa 3D đến năm 2030 đạt 60%.

2. Mục tiêu về du lịch số

- Tỷ lệ điểm du lịch có thuyết minh tự động đến năm 2030 đạt 70%.

- Tỷ lệ khách tham quan đặt vé trực tuyến đến năm 2030 đạt 50%.

II. NHIỆM VỤ

1. Tăng cường giám sát, đánh giá

Tổ chức kiểm tra định kỳ, đột xuất tiến độ số hóa tại các bảo tàng; công khai kết quả trên cổng thông tin điện tử của tỉnh để bảo đảm minh bạch.

2. Bảo tàng số

a) Xây dựng bảo tàng ảo trên nền tảng thực tế ảo cho Bảo tàng tỉnh.

b) Số hóa 3D các hiện vật quý hiếm của kho lưu trữ.

3. Giải pháp thực hiện

- Giải pháp về nhân lực: Mở lớp tập huấn kỹ năng số cho hướng dẫn viên và cán bộ bảo tàng.

- Giải pháp về tài chính: Lồng ghép vốn sự nghiệp văn hóa với vốn xã hội hóa.

4. Xây dựng chiến lược số

4.1. Chiến lược dữ liệu di sản
Thu thập dữ liệu di sản từ các xã vùng cao và lưu trữ tập trung tại Bảo tàng tỉnh.

4.2. Chiến lược quảng bá di sản trên môi trường số
Quảng bá di sản trên mạng xã hội và các sàn du lịch trực tuyến bằng video thực tế ảo.

III. TỔ CHỨC THỰC HIỆN

1. Sở Văn hóa, Thể thao và Du lịch

Chủ trì triển khai các nhiệm vụ tại mục (II) (2) của Kế hoạch.

2. Sở Tài chính

Tham mưu bố trí kinh phí thực hiện Kế hoạch hằng năm theo khả năng ngân sách.

PHỤ LỤC

DANH MỤC NHIỆM VỤ

TT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành | Kết quả dự kiến | Nguồn kinh phí
I | Xây dựng cơ sở dữ liệu di sản văn hóa
1 | Thu thập, chuẩn hóa hồ sơ di tích cấp tỉnh vào cơ sở dữ liệu di sản | Sở Văn hóa, Thể thao và Du lịch | UBND các xã, phường | Quý IV/2026 | Cơ sở dữ liệu di tích cấp tỉnh | Ngân sách tỉnh
2 | Số hóa hồ sơ hiện vật của Bảo tàng tỉnh | Bảo tàng tỉnh | Sở Khoa học và Công nghệ | Năm 2027 | Kho hồ sơ hiện vật số
III | Đào tạo nhân lực di sản
1 | Tập huấn kỹ năng số cho cán bộ bảo tàng và hướng dẫn viên | Bảo tàng tỉnh | Sở Nội vụ | Năm 2026 | Lớp tập huấn
II | Vận hành cổng di sản số
1 | Xây dựng cổng thông tin di sản số phục vụ khách tham quan trực tuyến | Sở Khoa học và Công nghệ | Sở Văn hóa, Thể thao và Du lịch | Quý II/2027 | Cổng thông tin di sản số | Vốn xã hội hóa
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> AnswerEngine:
    return engine_over(tmp_path_factory.mktemp("task-fields"), "tinh-dien-bien_71-KH-UBND.txt",
                       PLAN)


def _fact(engine: AnswerEngine, starts: str):
    for f in engine.index.facts:
        if f.text.startswith(starts):
            return f
    raise AssertionError(f"no fact starts with {starts!r}")


def test_a_task_row_keeps_its_result_and_funding_cells(engine) -> None:
    f = _fact(engine, "Thu thập, chuẩn hóa hồ sơ di tích")
    assert f.product == "Cơ sở dữ liệu di tích cấp tỉnh"
    assert f.funding == "Ngân sách tỉnh"
    # a merged funding cell carries down to the row that leaves it out
    assert _fact(engine, "Số hóa hồ sơ hiện vật").funding == "Ngân sách tỉnh"


@pytest.mark.parametrize("question", [
    "Kết quả dự kiến của nhiệm vụ xây dựng cổng thông tin di sản số ở Điện Biên là gì?",
    "dien bien ket qua du kien cua nhiem vu xay dung cong thong tin di san so",
])
def test_a_tasks_result_is_its_table_cell(engine, question) -> None:
    a = engine.ask(question)
    assert a.found and len(a.headline) <= 300 and len(a.answer) <= MAX_REPLY_CHARS
    head = fold(a.headline)
    assert head.startswith("ket qua du kien: cong thong tin di san so")
    assert "dien bien" in fold(a.citations[0].document)


def test_a_group_of_rows_answers_with_the_value_they_share(engine) -> None:
    a = engine.ask("Nguồn kinh phí cho nhiệm vụ xây dựng cơ sở dữ liệu di sản văn hóa "
                   "của Điện Biên là gì?")
    assert a.found
    assert fold(a.headline).startswith("nguon kinh phi: ngan sach tinh")
    assert "von xa hoi hoa" not in fold(a.headline)


def test_a_question_naming_no_task_is_left_to_the_other_readers(engine) -> None:
    from intents.task_fields import task_field_answer

    q = engine.understand("Kinh phí thực hiện kế hoạch của Điện Biên lấy từ đâu?")
    assert task_field_answer(engine, q, q.localities) is None


def test_references_read_the_address_of_a_part() -> None:
    assert references("Chủ trì các nhiệm vụ tại mục (IV) (5) của Kế hoạch") == [["iv", "5"]]
    assert references("tại mục (IV) (4.1) (4.2) và Phụ lục") == [["iv", "4.1"], ["iv", "4.2"]]
    assert references("tại mục (IV)(3.4)(a);") == [["iv", "3.4", "a"]]
    assert references("Tham mưu bố trí kinh phí thực hiện") == []


def test_a_duty_pointing_to_a_part_lists_what_that_part_holds(engine) -> None:
    duty = _fact(engine, "Chủ trì triển khai các nhiệm vụ tại mục")
    assert duty.refers
    a = engine.ask("Sở Văn hóa, Thể thao và Du lịch Điện Biên làm gì?")
    text = fold(a.answer)
    assert a.found and "bao tang ao" in text and "so hoa 3d" in text


def test_a_heading_that_opens_prose_answers_with_its_prose(engine) -> None:
    a = engine.ask("Nhiệm vụ tăng cường giám sát, đánh giá của Điện Biên gồm những gì?")
    assert a.found
    assert "kiem tra dinh ky" in fold(a.answer) and "minh bach" in fold(a.answer)


def test_an_item_labelled_with_the_name_asked_answers(engine) -> None:
    a = engine.ask("Giải pháp về nhân lực của Điện Biên là gì?")
    assert a.found and "tap huan ky nang so" in fold(a.headline)
    assert "tai chinh" not in fold(a.headline)


def test_a_years_targets_asked_as_a_set_are_listed(engine) -> None:
    a = engine.ask("Mục tiêu đến năm 2030 của Điện Biên gồm những gì?")
    assert a.found
    text = fold(a.answer)
    assert "80%" in text and "60%" in text


def test_targets_asked_by_the_part_that_sets_them_are_that_parts(engine) -> None:
    a = engine.ask("Điện Biên có những chỉ tiêu du lịch số nào?")
    text = fold(a.answer)
    assert a.found and "70%" in text and "50%" in text
    assert "80%" not in text


def test_a_task_whose_field_is_empty_is_not_given_another_tasks(engine) -> None:
    a = engine.ask("Nguồn kinh phí của nhiệm vụ tập huấn kỹ năng số cho cán bộ bảo tàng ở "
                   "Điện Biên là gì?")
    assert not a.found and "nguon kinh phi" in fold(a.headline)
    assert "ngan sach tinh" not in fold(a.answer)


def _seg(text: str, path: list[str], reading: str = "", order: int = 0) -> Segment:
    return Segment(id=f"s{order}", doc_id="d", order=order, text=text, search=fold(text),
                   reading=reading, heading_path=path)


def test_an_ocr_heading_opens_what_stands_under_its_line_as_read() -> None:
    # the heading path keeps the OCR line; the segment shows its reading copy
    head = _seg("3. Ting cuwong dau tw, hoan thién ha tang", ["III. NHIEM VU"],
                reading="3. Tăng cường đầu tư, hoàn thiện hạ tầng")
    item = _seg("a) Phát triển mạng lưới", ["III. NHIEM VU", head.text], order=1)
    assert O._under_heading(head, item)


def test_letter_markers_the_scan_misread_rank_as_letters() -> None:
    assert O.rank(_seg("¢) Ưu tiên ngân sách", [])) == O.rank(_seg("c) Ưu tiên", []))
    one = _seg("1) Hoàn thiện cơ sở dữ liệu", [])
    assert O._rank_among(one, 5) == 5  # "l)" after "k)"
    assert O._rank_among(one, None) == O.rank(_seg("1. Mục đích", []))


@pytest.mark.parametrize("typed, name", [
    ("hiep hoi doanh nghiep tinh lam gi", "Hiệp hội Doanh nghiệp tỉnh"),
    ("so giao duc lam gi", "Sở Giáo dục"),
    ("phong giao duc chu tri viec nao", "Phòng Giáo dục"),
])
def test_a_question_typed_without_marks_ends_the_name_it_asks_about(typed, name) -> None:
    from corpus.agencies import find_agencies

    assert [a.name for a in find_agencies(typed)] == [name]


def test_a_body_asked_without_its_level_is_the_one_a_heading_names(engine) -> None:
    from intents.section_answer import _same_body

    assert _same_body("Hiệp hội Doanh nghiệp", "Hiệp hội Doanh nghiệp tỉnh")
    assert not _same_body("Hội Nông dân", "Hiệp hội Doanh nghiệp tỉnh")


def test_a_part_named_as_asked_answers_with_its_prose_not_its_siblings(engine) -> None:
    a = engine.ask("Chiến lược quảng bá di sản trên môi trường số của Điện Biên gồm những gì?")
    text = fold(a.answer)
    assert a.found and "mang xa hoi" in text
    assert "vung cao" not in fold(a.headline)
