"""Answers that hold on a question's qualifier and on sections named by heading, on a plan
written for this test the way provincial plans are (the engine is the real one with the
deterministic fake embedder):

- a qualifier the plan gives only for a sibling ("một phần" asked, "toàn trình" stated;
  "cấp huyện" asked, "cấp tỉnh"/"cấp xã" stated) is not answered by the sibling's value;
- a figure asked of a body the plan's split does not name is not answered by the total, a
  sibling body's part, or another clause with a number;
- "Mục tiêu chung … là gì" names a section: its text answers, not a target value;
- "Sở X (tỉnh Y) phối hợp làm gì" asks X's tasks, not who;
- "ai chủ trì các nhiệm vụ sau …" stays a who-question;
- a body whose duties stand under a heading naming it with others gets that section.
"""

from __future__ import annotations

import pytest
from plan_fixtures import engine_over

from corpus.normalize import fold, words
from intents import AnswerEngine
from intents.asking import detect_intents
from intents.contrast import contradicts, learned, listed

PLAN = """ỦY BAN NHÂN DÂN
TỈNH PHÚ THỌ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 45/KH-UBND
Phú Thọ, ngày 03 tháng 9 năm 2025

KẾ HOẠCH

Chuyển đổi số trong cải cách hành chính tỉnh Phú Thọ giai đoạn 2026 - 2030

I. MỤC TIÊU

1. Mục tiêu chung

Xây dựng nền hành chính phục vụ người dân trên môi trường số, lấy người dân và doanh nghiệp làm trung tâm, giảm thời gian và chi phí tuân thủ thủ tục hành chính.

2. Mục tiêu cụ thể

- Tỷ lệ hồ sơ dịch vụ công trực tuyến toàn trình đạt 70%.

- Tỷ lệ thủ tục hành chính cấp tỉnh được số hóa kết quả giải quyết đạt 90%.

- Tỷ lệ thủ tục hành chính cấp xã được số hóa kết quả giải quyết đạt 60%.

- Hiện nay, tổng số trạm thu phát sóng trên địa bàn tỉnh là 400 trạm. Trong đó, có 60 trạm 5G trên nền hạ tầng 4G.

- Lắp đặt mới trạm 5G: 30 trạm (Trong đó: Viettel: 20 trạm, VNPT: 10 trạm).

II. TỔ CHỨC THỰC HIỆN

1. Sở Tài chính

a) Thẩm định dự toán kinh phí thực hiện Kế hoạch, tham mưu bố trí kinh phí hằng năm.

b) Hướng dẫn các đơn vị lập dự toán chi cho chuyển đổi số.

c) Phối hợp với Sở Tư pháp, Sở Công Thương rà soát quy định về phí, lệ phí dịch vụ công trực tuyến.

d) Gửi báo cáo quyết toán kinh phí về Ủy ban nhân dân tỉnh trước ngày 31/01 hằng năm.

2. Sở Khoa học và Công nghệ

Sở Khoa học và Công nghệ chủ trì, phối hợp với Sở Nội vụ tổ chức bồi dưỡng kỹ năng số cho cán bộ, công chức cấp xã.

3. Sở Nội vụ

Phối hợp với Sở Khoa học và Công nghệ rà soát vị trí việc làm về chuyển đổi số trong các cơ quan hành chính.

4. Đề nghị: Hội Nông dân tỉnh, Liên minh Hợp tác xã tỉnh

a) Vận động hội viên, thành viên sử dụng dịch vụ công trực tuyến.

b) Giới thiệu mô hình hợp tác xã ứng dụng chuyển đổi số tiêu biểu.
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> AnswerEngine:
    return engine_over(tmp_path_factory.mktemp("qualifiers"), "tinh-phu-tho_45-KH-UBND.txt",
                       PLAN)


@pytest.mark.parametrize("question", [
    "Phú Thọ đặt tỷ lệ hồ sơ dịch vụ công trực tuyến một phần là bao nhiêu?",
    "phu tho ty le ho so dvc truc tuyen mot phan bao nhieu",
])
def test_a_qualifier_given_only_for_its_sibling_is_not_answered(engine, question) -> None:
    answer = engine.ask(question)
    assert not answer.found
    assert "70%" not in answer.headline.split("gần nhất")[0]


def test_the_qualifier_the_plan_gives_is_still_answered(engine) -> None:
    answer = engine.ask("Phú Thọ đặt tỷ lệ hồ sơ dịch vụ công trực tuyến toàn trình là bao nhiêu?")
    assert answer.found and "70%" in answer.headline


@pytest.mark.parametrize("question, value, other", [
    ("Tỷ lệ thủ tục hành chính cấp xã ở Phú Thọ được số hóa kết quả đạt bao nhiêu?", "60%", "90%"),
    ("phu tho ty le thu tuc hanh chinh cap tinh so hoa ket qua bao nhieu", "90%", "60%"),
])
def test_sibling_levels_answer_their_own_value(engine, question, value, other) -> None:
    answer = engine.ask(question)
    assert answer.found and value in answer.headline and other not in answer.headline


def test_a_level_the_plan_does_not_give_is_not_answered_by_another_level(engine) -> None:
    answer = engine.ask("Phú Thọ đặt tỷ lệ thủ tục hành chính cấp huyện được số hóa kết quả "
                        "là bao nhiêu?")
    assert not answer.found


@pytest.mark.parametrize("question", [
    "MobiFone lắp đặt mới bao nhiêu trạm 5G ở Phú Thọ?",
    "phu tho mobifone lap moi bao nhieu tram 5g",
])
def test_a_body_the_split_does_not_name_gets_no_figure(engine, question) -> None:
    answer = engine.ask(question)
    assert not answer.found
    assert "400" not in answer.headline and "10 trạm" not in answer.headline


def test_a_count_of_the_part_asked_is_not_the_total(engine) -> None:
    answer = engine.ask("Trong số trạm hiện có ở Phú Thọ, có bao nhiêu trạm 5G?")
    assert answer.found and "60" in answer.headline.split("—")[0]


def test_a_body_the_split_names_gets_its_part(engine) -> None:
    answer = engine.ask("VNPT lắp đặt mới bao nhiêu trạm 5G ở Phú Thọ?")
    assert answer.found and "10" in answer.headline


@pytest.mark.parametrize("question", [
    "Mục tiêu chung của Kế hoạch 45 Phú Thọ là gì?",
    "muc tieu chung cua ke hoach 45 phu tho la gi",
])
def test_a_section_named_by_its_heading_is_answered_with_its_text(engine, question) -> None:
    answer = engine.ask(question)
    assert answer.found and answer.intent == "what"
    assert "lay nguoi dan va doanh nghiep lam trung tam" in fold(answer.answer)


def test_a_list_section_named_by_its_heading_gives_its_items(engine) -> None:
    answer = engine.ask("Mục tiêu cụ thể của kế hoạch 45 Phú Thọ gồm những gì?")
    assert answer.found and answer.intent == "what"
    assert "70%" in answer.answer and "60%" in answer.answer


def test_a_section_the_plan_lacks_is_said_so_not_answered_with_a_value(engine) -> None:
    answer = engine.ask("Chỉ tiêu tổng quát của kế hoạch 45 Phú Thọ là gì?")
    assert not answer.found
    assert "%" not in answer.headline and "MỤC TIÊU" in answer.answer


def test_the_duties_of_a_body_are_no_section(engine) -> None:
    # "nhiệm vụ của Sở Tài chính là gì" names a body after "của": its duties, not a heading
    answer = engine.ask("Nhiệm vụ của Sở Tài chính tỉnh Phú Thọ là gì?")
    assert answer.found and "tham dinh du toan" in fold(answer.answer)


@pytest.mark.parametrize("question", [
    "Sở Nội vụ tỉnh Phú Thọ phối hợp làm gì?",
    "so noi vu phu tho phoi hop lam nhung viec gi",
])
def test_what_a_body_does_in_a_role_is_its_tasks(engine, question) -> None:
    answer = engine.ask(question)
    assert answer.found and answer.intent != "who"
    assert "vi tri viec lam" in fold(answer.answer)


@pytest.mark.parametrize("question", [
    "Hội Nông dân tỉnh Phú Thọ có những nhiệm vụ gì?",
    "Kế hoạch 45 đề nghị Liên minh Hợp tác xã tỉnh Phú Thọ làm gì?",
    "lien minh hop tac xa tinh phu tho lam gi",
])
def test_duties_under_a_heading_that_names_the_body(engine, question) -> None:
    answer = engine.ask(question)
    assert answer.found
    assert "mo hinh hop tac xa ung dung chuyen doi so" in fold(answer.answer)


def test_a_body_named_only_as_a_partner_is_given_what_it_works_on(engine) -> None:
    answer = engine.ask("Sở Tư pháp tỉnh Phú Thọ phối hợp làm gì?")
    assert answer.found and "phi, le phi" in fold(answer.answer)


def test_a_body_asked_where_it_reports_is_not_its_own_answer(engine) -> None:
    answer = engine.ask("Sở Tài chính Phú Thọ gửi báo cáo quyết toán kinh phí về đâu?")
    assert answer.found and answer.intent == "who"
    assert fold(answer.headline).startswith(("uy ban nhan dan tinh", "ubnd tinh"))


def test_a_body_named_with_its_province_keeps_the_plans_spelling(engine) -> None:
    answer = engine.ask("Sở Tài chính tỉnh Phú Thọ làm những việc gì?")
    assert answer.found and fold(answer.headline).startswith("so tai chinh ")
    assert "tham dinh du toan" in fold(answer.answer)


@pytest.mark.parametrize("question, intent", [
    ("ai chu tri cac nhiem vu sau ve dao tao ky nang so", "who"),
    ("co quan nao phu trach cac nhiem vu gom dao tao va tap huan", "who"),
    ("so noi vu phoi hop lam gi", "list"),
    ("so tai chinh chu tri nhung viec gi", "list"),
    ("ai phoi hop voi so noi vu", "who"),
    ("so x chu tri chuong trinh nao", "what"),
])
def test_who_and_role_duties_are_told_apart(question, intent) -> None:
    assert detect_intents(question)[0] == intent


def test_sibling_indicators_teach_their_contrast() -> None:
    texts = [words("ty le thu tuc cap tinh duoc so hoa"), words("ty le thu tuc cap xa duoc so hoa"),
             words("ty le thu tuc nam 2025"), words("ty le thu tuc nam 2030")]
    found = learned(texts)
    assert frozenset({("cap", "tinh"), ("cap", "xa")}) in found
    assert all(not any(w.isdigit() for m in c for w in m) for c in found)  # years: one indicator


@pytest.mark.parametrize("asked, clause, expected", [
    ("ty le dvc truc tuyen mot phan", "ty le dvc truc tuyen toan trinh dat 80%", True),
    ("ty le dvc truc tuyen toan trinh", "ty le dvc truc tuyen toan trinh dat 80%", False),
    ("ty le dvc truc tuyen", "ty le dvc truc tuyen toan trinh dat 80%", False),
    # both stated: the one asked is there
    ("ty le dvc mot phan", "dvc toan trinh va mot phan dat 90%", False),
])
def test_a_listed_contrast_is_contradicted_only_by_the_other_member(asked, clause, expected) -> None:
    assert contradicts(words(asked), words(clause), listed()) is expected
