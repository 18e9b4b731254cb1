"""What-questions that ask one detail of a clause ("theo tiêu chuẩn nào", "nền tảng … nào",
"mô hình gì"), the members of a set ("gồm những ai"), and the duties of an agency named
with its province: the noun asked decides the clause and the headline (intents.detail,
intents.asking, intents.detect).

The plan here is written for these tests (a province's plan in clean text); the engine is
the real one (SQLite, FAISS) with the deterministic fake embedder."""

from __future__ import annotations

import pytest
from plan_fixtures import engine_over

from corpus.normalize import fold
from intents import AnswerEngine
from intents.asking import detect_intents
from intents.detail import asked_heads, detail_after

PLAN = """ỦY BAN NHÂN DÂN
TỈNH CAO BẰNG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 52/KH-UBND
Cao Bằng, ngày 12 tháng 9 năm 2025

KẾ HOẠCH

PHÁT TRIỂN Y TẾ SỐ TỈNH CAO BẰNG GIAI ĐOẠN 2026 - 2030

Ủy ban nhân dân tỉnh ban hành Kế hoạch phát triển y tế số, cụ thể như sau:

I. ĐỐI TƯỢNG ÁP DỤNG

1. Các bệnh viện, trung tâm y tế công lập trên địa bàn tỉnh.

2. Các doanh nghiệp cung cấp giải pháp, phần mềm y tế số.

II. NHIỆM VỤ

1. Dữ liệu y tế

a) Xây dựng cơ sở dữ liệu y tế của tỉnh, kết nối với các bệnh viện tuyến huyện.

b) Chuẩn hóa cơ sở dữ liệu y tế theo tiêu chuẩn HL7 FHIR phiên bản 4 về trao đổi dữ liệu y tế.


2. Nền tảng số

a) Triển khai nền tảng số cho trạm y tế xã, phục vụ khám chữa bệnh từ xa và quản lý hồ sơ sức khỏe.

b) Đưa vào sử dụng nền tảng khám chữa bệnh từ xa “Telehealth Cao Bằng” tại các trạm y tế xã vùng cao.

3. An toàn thông tin

a) Nhiệm vụ: Bảo đảm an toàn thông tin cho cơ sở dữ liệu y tế, phòng chống tấn công mạng, giám sát an ninh mạng liên tục cho các bệnh viện và trung tâm y tế, diễn tập ứng cứu sự cố theo phương án được phê duyệt với kịch bản tấn công mã hóa dữ liệu.

b) Đơn vị chủ trì: Công an tỉnh.

c) Thời gian thực hiện: Thực hiện thường xuyên.

d) Hiện có 40 trạm y tế xã kết nối Internet cáp quang, trong đó 12 trạm y tế vùng cao dùng nền tảng khám chữa bệnh từ xa.

4. Đào tạo

a) Đào tạo nhân lực y tế số theo mô hình “Bệnh viện vệ tinh”, gắn với thực hành tại tuyến huyện.

b) Xây dựng chương trình đào tạo nhân lực y tế số cho cán bộ trạm y tế xã.

III. TỔ CHỨC THỰC HIỆN

1. Sở Y tế

Chủ trì triển khai Kế hoạch; định kỳ báo cáo Ủy ban nhân dân tỉnh trước ngày 15/12 hằng năm.

2. Sở Tài chính

a) Thẩm định dự toán kinh phí thực hiện Kế hoạch.

b) Phối hợp huy động nguồn vốn tài trợ cho các dự án y tế số.
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> AnswerEngine:
    return engine_over(tmp_path_factory.mktemp("what-detail"), "tinh-cao-bang_52-KH-UBND.txt",
                       PLAN)


def test_the_noun_asked_is_read_back_from_the_question_word() -> None:
    assert asked_heads("cao bang chuan hoa du lieu theo tieu chuan nao") == ["tieu chuan"]
    # a noun with its modifiers: the nearest compound first, the head after it
    assert asked_heads("ung dung nen tang mo quoc gia nao") == ["quoc gia", "nen tang"]
    assert asked_heads("ai chu tri") == []


def test_the_detail_is_the_name_after_the_noun() -> None:
    assert detail_after("theo mô hình “Bệnh viện vệ tinh”, gắn với thực hành",
                        ["mo hinh"]) == "“Bệnh viện vệ tinh”"
    assert detail_after("theo Nghị định số 80/2021/NĐ-CP ngày 26/8/2021 của Chính phủ.",
                        ["nghi dinh"]).startswith("80/2021/NĐ-CP")
    assert detail_after("theo hình thức hợp tác công tư (PPP), bảo đảm hiệu quả.",
                        ["hinh thuc"]) == "hợp tác công tư (PPP)"
    # a noun named in passing gives no detail
    assert detail_after("Triển khai nền tảng số dùng chung của tỉnh.", ["nen tang"]) == ""


@pytest.mark.parametrize("question", [
    "Cơ sở dữ liệu y tế của Cao Bằng được chuẩn hóa theo tiêu chuẩn nào?",
    "csdl y te cao bang chuan hoa theo tieu chuan nao",
])
def test_a_standard_asked_leads_the_headline(engine, question) -> None:
    a = engine.ask(question)
    assert a.found and fold(a.headline).startswith("hl7 fhir")


@pytest.mark.parametrize("question", [
    "Cao Bằng đưa vào sử dụng nền tảng khám chữa bệnh từ xa nào ở trạm y tế xã?",
    "cao bang dung nen tang kham chua benh tu xa nao o tram y te xa",
])
def test_the_clause_that_names_the_platform_answers(engine, question) -> None:
    # the clause before it shares the question's words but names no platform
    a = engine.ask(question)
    assert a.found and "Telehealth Cao Bằng" in a.headline


def test_a_model_asked_is_given_by_its_name(engine) -> None:
    a = engine.ask("Cao Bằng đào tạo nhân lực y tế số theo mô hình gì?")
    assert a.found and a.headline.startswith("“Bệnh viện vệ tinh”")


def test_members_of_a_set_asked_with_ai_are_a_content_question(engine) -> None:
    assert detect_intents("doi tuong ap dung gom nhung ai") == ["what"]
    assert detect_intents("ai chu tri xay dung co so du lieu y te") == ["who"]
    a = engine.ask("Đối tượng áp dụng của kế hoạch y tế số Cao Bằng gồm những ai?")
    assert a.found and a.intent == "what"
    assert "benh vien" in fold(a.headline) and "doanh nghiep" in fold(a.headline)


def test_an_agency_named_with_its_province_is_the_plans_agency(engine) -> None:
    q = engine.understand("Sở Tài chính Cao Bằng có nhiệm vụ gì?")
    assert q.agency == "Sở Tài chính"
    q = engine.understand("Công an tỉnh Cao Bằng chủ trì nhiệm vụ gì?")
    assert q.agency == "Công an tỉnh"


def test_the_duties_of_an_agency_asked_as_a_noun(engine) -> None:
    a = engine.ask("Nhiệm vụ của Sở Tài chính Cao Bằng trong kế hoạch y tế số là gì?")
    text = fold(a.answer)
    assert a.found and "tham dinh du toan" in text and "huy dong nguon von" in text


def test_a_single_task_listed_is_shown_to_its_end(engine) -> None:
    a = engine.ask("Công an tỉnh Cao Bằng chủ trì nhiệm vụ gì?")
    assert a.found and "ma hoa du lieu" in fold(a.answer)


def test_a_name_asked_is_read_after_the_noun_named(engine) -> None:
    a = engine.ask("Nền tảng khám chữa bệnh từ xa ở trạm y tế xã vùng cao của Cao Bằng tên là gì?")
    assert a.found and a.headline.startswith("“Telehealth Cao Bằng”")


def test_a_field_that_tells_when_does_not_answer_what(engine) -> None:
    a = engine.ask("Nội dung chính của nhiệm vụ an toàn thông tin của Cao Bằng là gì?")
    assert a.found and "tan cong ma hoa du lieu" in fold(a.answer)
    assert not fold(a.headline).startswith("c) thoi gian")


def test_x_la_gi_asks_x_not_the_word_before_la() -> None:
    from intents.detect import asked_nouns

    assert asked_nouns("muc tieu chung cua ke hoach la gi") == []
    assert asked_nouns("trien khai nhung nen tang nao") == ["nen tang"]


@pytest.mark.parametrize("question", [
    "Cao Bằng có mấy trạm y tế vùng cao dùng nền tảng khám chữa bệnh từ xa?",
    "cao bang co may tram y te vung cao dung kham chua benh tu xa",
])
def test_a_count_asked_with_may_is_the_number_before_the_thing_counted(engine,
                                                                         question) -> None:
    # the clause gives two counts of stations: the one written before "trạm y tế vùng cao"
    a = engine.ask(question)
    assert a.found and a.headline.startswith("12 trạm y tế vùng cao")


def test_a_set_is_asked_only_of_the_noun_the_question_word_ends(engine) -> None:
    from intents.set_answer import asks_set

    def asks(q: str) -> bool:
        return asks_set(engine.understand(q))

    assert asks("Cao Bằng triển khai những nền tảng nào cho trạm y tế xã?")
    assert asks("Kế hoạch y tế số Cao Bằng nêu 3 nhiệm vụ chính là gì?")
    # a number or "các" across a preposition asks one thing, not a set
    assert not asks("Cao Bằng kết nối Đề án 06 tại địa chỉ nào?")
    assert not asks("Nếu thiếu kinh phí thì các đơn vị ở Cao Bằng làm gì?")


def test_the_noun_asked_is_searched_for_but_not_required(engine) -> None:
    from intents.detail import asked_words

    q = engine.understand("Cao Bằng chuẩn hóa cơ sở dữ liệu y tế theo tiêu chuẩn nào?")
    assert asked_words(q) == ["tieu", "chuan"] and "tieu" not in q.terms
    # a set asked: its noun names what the items are, not a word to look for
    assert asked_words(engine.understand("Cao Bằng triển khai những nền tảng nào?")) == []


def test_the_noun_asked_decides_over_a_role_verb_in_the_task() -> None:
    # "chủ trì"/"phối hợp" name the task's roles; the question asks a thing by its noun
    assert detect_intents("so y te chu tri trien khai nen tang nao") == ["what"]
    assert detect_intents("so tai chinh phoi hop xay dung ke hoach gi") == ["what"]
    assert detect_intents("phong van hoa phoi hop thuc hien so hoa ho so") == ["who"]
    assert detect_intents("don vi phoi hop la ai") == ["who"]


def test_a_noun_the_question_opens_with_is_asked_by_la_gi(engine) -> None:
    a = engine.ask("Mô hình đào tạo nhân lực y tế số của Cao Bằng là gì?")
    assert a.found and a.headline.startswith("“Bệnh viện vệ tinh”")


def test_a_lowercase_letter_with_a_mark_opens_no_name() -> None:
    assert detail_after("thực hiện Chương trình đột phá phát triển khoa học, công nghệ.",
                        ["chuong trinh"]) == ""
    assert detail_after("xây dựng trên nền tảng Đám mây Việt, tích hợp dữ liệu.",
                        ["nen tang"]) == "Đám mây Việt"
