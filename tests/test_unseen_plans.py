"""Who / when / target answers on a plan written the way provincial plans are, which the
engine was not built on: labelled task blocks whose task stands in bullets ("a) Nhiệm vụ:"
over bullets, "b) Cơ quan thực hiện: - Đơn vị chủ trì: …", "c) Thời gian thực hiện: …"),
requests under a heading ("Đề nghị: Hội …"), "Theo đề nghị của …", and target questions
whose indicator the plan does not give (another word where the question has its own, a body
whose share a total's parts do not give), a year asked of a value the question quotes, and a
deadline asked where one clause only says "định kỳ". The plan is written for this test; the engine is
the real one with the deterministic fake embedder."""

from __future__ import annotations

import pytest
from plan_fixtures import engine_over

from corpus.normalize import fold
from intents import AnswerEngine

PLAN = """ỦY BAN NHÂN DÂN
TỈNH CAO BẰNG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 33/KH-UBND
Cao Bằng, ngày 12 tháng 8 năm 2025

KẾ HOẠCH

Phát triển hạ tầng số và công dân số tỉnh Cao Bằng giai đoạn 2026 - 2030, tầm nhìn đến năm 2045

Theo đề nghị của Sở Nội vụ tại Tờ trình số 120/TTr-SNV ngày 01 tháng 8 năm 2025.

I. MỤC TIÊU

- Tỷ lệ người dân có tài khoản định danh điện tử đạt 70%.

- Tỷ lệ phủ sóng 5G trên địa bàn tỉnh đạt 100%.

- Hiện nay, tổng số trạm thu phát sóng tại các khu dân cư tập trung là 87 trạm.

- Lắp đặt mới trạm thu phát sóng: 40 trạm (Trong đó: VNPT: 15 trạm, Viettel: 25 trạm).

a) Đến hết năm 2027: Có ≥ 50% hợp tác xã trên địa bàn tỉnh ứng dụng công nghệ số.

b) Đến hết năm 2035: 90% hợp tác xã trên địa bàn tỉnh ứng dụng công nghệ số.

II. NHIỆM VỤ

1. Về hạ tầng dùng chung

a) Nhiệm vụ:

- Rà soát, cải tạo hệ thống cột ăng-ten dùng chung tại các khu dân cư tập trung.

- Chỉnh trang cáp treo trên các tuyến phố theo hướng dẫn của Bộ Xây dựng, ưu tiên ngầm hóa cáp viễn thông tại trung tâm các phường.

b) Cơ quan thực hiện:

- Đơn vị chủ trì: Sở Công Thương.

- Đơn vị phối hợp: Sở Tài chính, UBND các xã, phường.

c) Thời gian thực hiện: Hoàn thành trong năm 2026.

2. Về thanh toán số

Mở rộng thanh toán không dùng tiền mặt trong thu học phí, viện phí và dịch vụ công; khuyến khích người dân thanh toán trực tuyến phí, lệ phí, thanh toán điện tử hóa đơn điện, nước.

3. Về phủ sóng

Phủ sóng 4G đến các thôn, bản vùng cao; nâng cấp trạm 4G tại khu vực biên giới.

III. TỔ CHỨC THỰC HIỆN

1. Đề nghị: Hội Cựu chiến binh tỉnh, Hội Liên hiệp Phụ nữ tỉnh

a) Tuyên truyền, vận động hội viên tham gia phong trào học kỹ năng số tại cộng đồng.

2. Sở Khoa học và Công nghệ

a) Chủ trì theo dõi việc thực hiện Kế hoạch.

b) Định kỳ tổng hợp báo cáo kết quả thực hiện Kế hoạch của các sở, ngành gửi Sở Khoa học và Công nghệ.

3. Các sở, ban, ngành, UBND các xã, phường tổ chức thực hiện nhiệm vụ được giao; định kỳ trước ngày 10/6 và 10/12 hằng năm báo cáo kết quả thực hiện về Sở Khoa học và Công nghệ.

4. Mặt trận Tổ quốc tỉnh

Phát huy vai trò trong tuyên truyền, vận động Nhân dân, giám sát thực hiện Kế hoạch.

5. Đài Phát thanh và Truyền hình tỉnh

Chủ trì, phối hợp với các sở, ngành tuyên truyền thường xuyên về phát triển hạ tầng số và công dân số của tỉnh.

6. Doanh nghiệp viễn thông

Đồng hành cùng Nhà nước trong đào tạo kỹ năng số cho người dân vùng cao.

PHỤ LỤC

CHỈ TIÊU VÀ CƠ QUAN THEO DÕI ĐẾN NĂM 2030

STT | Chỉ tiêu | Cơ quan theo dõi, đánh giá
1 | Tỷ lệ người dân vùng cao được đào tạo kỹ năng số cơ bản đạt 60%. | Sở Giáo dục và Đào tạo
2 | Tập huấn kỹ năng số cơ bản cho người dân trong độ tuổi lao động đạt 65%. | Sở Nội vụ thúc đẩy, theo dõi, báo cáo chỉ tiêu
3 | Tỷ lệ hộ gia đình có địa chỉ số đạt 75%. | Sở Xây dựng

NHIỆM VỤ HỖ TRỢ HỢP TÁC XÃ

STT | Nhiệm vụ | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành
1 | Hỗ trợ hợp tác xã trên địa bàn tỉnh ứng dụng công nghệ số trong sản xuất | Sở Công Thương | Liên minh Hợp tác xã tỉnh | Quý IV/2025
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> AnswerEngine:
    return engine_over(tmp_path_factory.mktemp("unseen"), "tinh-cao-bang_33-KH-UBND.txt", PLAN)


@pytest.mark.parametrize("question", [
    "Ở Cao Bằng, ai chủ trì chỉnh trang cáp treo và ngầm hóa cáp viễn thông?",
    "cao bang ai lo chinh trang cap treo ngam hoa cap vien thong",
])
def test_a_bullet_of_a_task_block_is_led_by_the_blocks_lead(engine, question) -> None:
    # the bullet names "Bộ Xây dựng" (whose guidance is followed): the block's lead answers
    answer = engine.ask(question)
    assert answer.found and answer.intent == "who"
    assert fold(answer.headline).startswith("so cong thuong")


def test_a_bullet_of_a_task_block_has_the_blocks_deadline(engine) -> None:
    answer = engine.ask("Cao Bằng phải hoàn thành việc chỉnh trang cáp treo khi nào?")
    assert answer.found and answer.intent == "when"
    assert "2026" in answer.headline


@pytest.mark.parametrize("question", [
    "Cao Bằng đề nghị những tổ chức nào vận động hội viên học kỹ năng số?",
    "cao bang de nghi to chuc nao van dong hoi vien hoc ky nang so",
])
def test_a_request_under_a_heading_names_the_bodies_of_the_heading(engine, question) -> None:
    answer = engine.ask(question)
    assert answer.found
    head = fold(answer.headline)
    assert "hoi cuu chien binh" in head and "hoi lien hiep phu nu" in head


def test_theo_de_nghi_cua_names_the_proposing_body(engine) -> None:
    answer = engine.ask("Kế hoạch của Cao Bằng được ban hành theo đề nghị của cơ quan nào?")
    assert answer.found and fold(answer.headline).startswith("so noi vu")


@pytest.mark.parametrize("question", [
    "Cao Bằng đặt chỉ tiêu tỷ lệ người dân có tài khoản thanh toán điện tử là bao nhiêu?",
    "Cao Bằng đặt chỉ tiêu tỷ lệ phủ sóng 4G là bao nhiêu?",
    "cao bang ty le phu song 4g bao nhieu",
    # the words one by one in other compounds ("độ tuổi", "kỹ năng", "báo cáo"): no indicator
    "Cao Bằng đặt chỉ tiêu tỷ lệ người cao tuổi có chữ ký số là bao nhiêu?",
])
def test_an_indicator_the_plan_lacks_is_not_answered_by_its_neighbour(engine, question) -> None:
    answer = engine.ask(question)
    assert not answer.found
    assert not any(v in answer.headline for v in ("70%", "100%", "65%"))


@pytest.mark.parametrize("question, value", [
    ("Cao Bằng đặt chỉ tiêu tỷ lệ người dân có tài khoản định danh điện tử là bao nhiêu?", "70%"),
    ("cao bang ty le phu song 5g bao nhieu", "100%"),
])
def test_the_indicator_the_plan_gives_is_still_answered(engine, question, value) -> None:
    answer = engine.ask(question)
    assert answer.found and value in answer.headline


def test_a_body_whose_share_the_parts_do_not_give_is_not_given(engine) -> None:
    answer = engine.ask("Cao Bằng lắp đặt mới bao nhiêu trạm thu phát sóng của MobiFone?")
    assert not answer.found or "40" not in answer.headline


def test_a_body_the_parts_give_is_answered_its_share(engine) -> None:
    answer = engine.ask("Viettel lắp đặt mới bao nhiêu trạm thu phát sóng ở Cao Bằng?")
    assert answer.found and "25" in answer.headline


@pytest.mark.parametrize("question", [
    "Mục tiêu 90% hợp tác xã ở Cao Bằng ứng dụng công nghệ số đặt cho năm nào?",
    "cao bang nam nao 90% htx ung dung cong nghe so",
])
def test_the_year_of_a_quoted_value_is_the_year_that_value_is_set_for(engine, question) -> None:
    answer = engine.ask(question)
    assert answer.found and answer.intent == "when"
    assert "2035" in answer.headline and "2027" not in answer.headline


def test_a_deadline_is_not_answered_by_a_bare_định_kỳ(engine) -> None:
    answer = engine.ask("Các sở, ngành ở Cao Bằng báo cáo kết quả thực hiện về Sở Khoa học và "
                        "Công nghệ vào thời hạn nào?")
    assert answer.found and "10/6" in answer.headline


@pytest.mark.parametrize("asked, written, replaced", [
    ("tai khoan thanh toan dien tu", "tai khoan dinh danh dien tu", True),
    ("ty le phu song 4g", "ty le phu song 5g tren dia ban", True),
    ("doanh nghiep lon ung dung", "doanh nghiep vua va nho ung dung", True),
    # a word left out, or written after the anchor elsewhere too, is no replacement
    ("nguoi lon tiep can dich vu so", "dan so truong thanh tiep can dich vu so", False),
    ("phu song 5g khu cong nghiep", "phu song 5g", False),
    # an OCR garble of the word, one letter off, is the word
    ("ho so suc khoe", "ho so suc khoc", False),
    # a preposition or directional word in the other's place says the same thing
    ("chuyen doi tram 3g 4g len 5g", "chuyen doi tu tram 3g 4g sang tram 5g", False),
    ("chuyen doi tong cong bao nhieu tram", "chuyen doi tu tram 3g 4g", False),
])
def test_another_word_at_the_questions_place(asked, written, replaced) -> None:
    from intents.evidence import substituted

    q, seq = asked.split(), written.split()
    terms = {w for w in q if w not in ("ty", "le")}
    assert substituted(q, terms, lambda t: t in seq, seq) is replaced


def test_who_follows_up_is_the_monitoring_body_not_who_does_it(engine) -> None:
    answer = engine.ask("cao bang dao tao ky nang so cho nguoi dan vung cao ai theo doi")
    assert answer.found and fold(answer.headline).startswith("so giao duc va dao tao")


def test_a_clause_with_every_key_word_beats_one_that_barely_passes(engine) -> None:
    answer = engine.ask("cao bang ai tuyen truyen ve phat trien ha tang so va cong dan so")
    assert answer.found and fold(answer.headline).startswith("dai phat thanh va truyen hinh")


def test_tong_so_asks_a_count_not_a_share(engine) -> None:
    answer = engine.ask("Cao Bằng chỉ tiêu tổng số trạm 5G đến 2030 là bao nhiêu?")
    assert "100%" not in answer.headline


def test_a_count_of_one_noun_is_not_answered_by_a_count_of_another(engine) -> None:
    answer = engine.ask("Cao Bằng có bao nhiêu khu dân cư tập trung?")
    assert "87" not in answer.headline


@pytest.mark.parametrize("text, names", [
    ("lắp đặt mới 40 trạm thu phát sóng", []),
    ("bao nhiêu trạm thu phát sóng của MobiFone", ["MobiFone"]),
    ("giao Trạm Y tế xã theo dõi", ["Trạm Y tế"]),
])
def test_a_head_noun_counted_is_a_thing_not_a_body(text, names) -> None:
    from corpus.agencies import find_agencies
    from corpus.normalize import search_form

    assert [a.name for a in find_agencies(search_form(text))] == names


def test_a_row_of_a_table_without_year_columns_is_no_target_for_another_year(engine) -> None:
    answer = engine.ask("Cao Bằng đặt chỉ tiêu tỷ lệ hộ gia đình có địa chỉ số năm 2026 là bao nhiêu?")
    assert not answer.found and "75%" not in answer.headline.split("nêu:")[0]
    answer = engine.ask("cao bang ty le ho gia dinh co dia chi so nam 2030")
    assert answer.found and "75%" in answer.headline


@pytest.mark.parametrize("question", [
    "Kế hoạch hạ tầng số và công dân số của Cao Bằng thực hiện trong giai đoạn nào?",
    "cao bang ke hoach ha tang so cong dan so giai doan nao",
])
def test_giai_doan_nao_asks_a_period_not_a_vision_year(engine, question) -> None:
    answer = engine.ask(question)
    assert answer.found and "2026" in answer.headline and "2030" in answer.headline


DECISION = """ỦY BAN NHÂN DÂN
TỈNH CAO BẰNG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 1450/QĐ-UBND
Cao Bằng, ngày 12 tháng 11 năm 2025

QUYẾT ĐỊNH

Ban hành Kế hoạch chuyển đổi số trong các trường học trên địa bàn tỉnh

Điều 1. Ban hành kèm theo Quyết định này Kế hoạch chuyển đổi số trong các trường học.

Điều 2. Quyết định này có hiệu lực từ ngày ký.

Nơi nhận:
- Như Điều 2;
- Lưu: VT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Lê Thị Hồng Vân
KẾ HOẠCH
Chuyển đổi số trong các trường học trên địa bàn tỉnh
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
Nâng cao chất lượng dạy và học bằng công nghệ số trong toàn bộ các trường học.
II. NHIỆM VỤ
1. Sở Giáo dục và Đào tạo chủ trì triển khai học bạ số trong năm 2026.
"""


def test_the_signer_is_the_one_the_header_reader_took(tmp_path) -> None:
    """A Quyết định whose signature runs straight into the plan it issues: the signer is
    the name read at ingest, not a capitalised line of the plan ("Mục đích")."""
    engine = engine_over(tmp_path, "tinh-cao-bang_1450-QD-UBND.txt", DECISION)
    for q in ("Ai ký Quyết định 1450?", "ai ky qd 1450 cao bang"):
        ans = engine.ask(q)
        assert ans.found and ans.headline.startswith("Lê Thị Hồng Vân (ký quyết định)"), \
            (q, ans.headline)
