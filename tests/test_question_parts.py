"""Questions in several parts and the answers read from facts (issue 12: understanding,
evidence): every role asked, the holder of a post, a second intent, duties of an agency,
tasks due in a month, counts and bare-number levels."""

from __future__ import annotations

import pytest

from corpus.normalize import fold
from intents import AnswerEngine
from intents.asking import asked_roles, asked_titles
from intents.clause_answer import _counted, _level, holders
from intents.detect import due_window, month_form, understand
from retrieval import Settings


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> AnswerEngine:
    return AnswerEngine.open(Settings(data_dir=tmp_path_factory.mktemp("parts"),
                                      embedder="fake"))


# ---- understanding --------------------------------------------------------------------------
def test_every_role_asked_by_a_question_word() -> None:
    assert asked_roles("ai chu tri, ai phoi hop lap ho so") == ["chu_tri", "phoi_hop"]
    assert asked_roles("co quan nao chu tri va don vi nao phoi hop") == ["chu_tri", "phoi_hop"]
    # "phối hợp" inside the task's name is not asked
    assert asked_roles("ai chu tri phoi hop trien khai van hoa so") == ["chu_tri"]


def test_posts_asked_of_have_a_word_of_their_own() -> None:
    assert asked_titles("ai lam truong ban, co quan nao la co quan thuong truc") == [
        "truong ban", "co quan thuong truc"]
    assert asked_titles("to giup viec thi pho ban la ai") == ["pho ban"]
    assert asked_titles("don vi chu tri la ai") == []  # a role, not a post


def test_month_typed_without_its_slash() -> None:
    assert month_form("viec nao han thang 12 2025") == "viec nao han thang 12/2025"
    assert month_form("t9 2026 can xong gi") == "thang 9/2026 can xong gi"
    assert month_form("thang 13 2025") == "thang 13 2025"  # no such month


def test_task_list_of_a_month_asks_what_falls_due() -> None:
    assert due_window("viec nao thang 9/2025", listing=True) == (None, ("2025-09-01",
                                                                       "2025-09-30"))
    assert due_window("viec nao thang 9/2025") == (None, None)  # not a list: no window
    u = understand("tran lieu nhung viec gi quy 4 2025", [])
    assert u.intent == "list" and u.due_span == ("2025-10-01", "2025-12-31")


def test_question_words_and_plan_dates_are_no_content() -> None:
    u = understand("Kế hoạch số 12/KH-UBND ngày 02/10/2025 thay thế kế hoạch nào?", [])
    assert "02/10/2025" not in u.terms
    u = understand("tỷ trọng kinh tế số của hai xã lần lượt là bao nhiêu", [])
    assert u.intent == "target" and {"ty", "trong"} <= set(u.terms)
    assert not {"lan", "luot"} & set(u.terms)
    u = understand("bao cao quy han chot ngay nao", [])
    assert "chot" not in u.terms
    assert "chiem" not in understand("kinh te so chiem bao nhieu %", []).terms


def test_duties_of_an_agency_asked() -> None:
    assert understand("so tu phap lam gi", []).duties
    assert understand("Công an xã được giao nhiệm vụ gì?", []).duties
    assert not understand("ai lam truong ban", []).duties


# ---- reading a clause -----------------------------------------------------------------------
def test_holder_of_a_post_read_from_the_clause() -> None:
    body = ("thanh lap ban chi dao do dong chi chu tich ubnd xa lam truong ban; van phong "
            "ubnd xa la co quan thuong truc cua ban chi dao.")
    got = holders(body, ["truong ban", "co quan thuong truc"])
    assert len(got) == 2
    assert fold(got[0]).endswith("chu tich ubnd xa") and fold(got[1]).endswith("van phong ubnd xa")
    assert holders(body, ["pho ban"]) == []


def test_count_of_the_noun_asked_for() -> None:
    body = "+ dau tu moi tram 5g: 40 tram (trong do: vnpt: 15 tram, mobifone: 25 tram);"
    assert fold(_counted("bao nhieu tram 5g", body, [], ["5g"])) == "40 tram"
    # the part of the body the question names
    assert fold(_counted("mobifone dau tu bao nhieu tram", body, [], ["mobifone"],
                         "MobiFone")) == "25 tram"
    assert _counted("bao nhieu doanh nghiep", body, [], []) == ""


def test_level_set_with_a_bare_number() -> None:
    assert fold(_level("chi so hai long duy tri tren 0,8 den nam 2030", [])) == "tren 0,8"
    assert _level("hoan thanh truoc thang 6/2026", []) == ""  # a date, not a level


# ---- answers over the bundled plans ---------------------------------------------------------
def test_duty_answered_by_the_body_it_belongs_to(engine) -> None:
    # the clause names Ban Chỉ đạo; the duty is the Front's (its heading)
    a = engine.ask("Ở xã Bình Tân, ai phát động phong trào thi đua sáng tạo, khởi nghiệp và "
                   "tăng cường giám sát, phản biện xã hội?")
    assert a.found and fold(a.headline).startswith("uy ban mttq")


def test_holders_of_posts_in_one_answer(engine) -> None:
    a = engine.ask("binh tan ban chi dao ai lam truong ban, van phong nao la co quan thuong truc")
    head = fold(a.headline)
    assert a.found and "truong ban: bi thu" in head and "co quan thuong truc: van phong" in head


def test_deadline_asked_with_the_lead(engine) -> None:
    a = engine.ask("Ở xã Bình Tân, ai chủ trì xây dựng đề án chuyển đổi số trong các cơ quan "
                   "đảng và hạn khi nào?")
    head = fold(a.headline)
    assert a.found and "van phong" in head and "2026" in head


def test_agency_the_plan_gives_nothing_is_not_found(engine) -> None:
    a = engine.ask("phong tho so tai chinh lam gi")
    assert not a.found
    b = engine.ask("binh tan cong an xa lam gi")
    assert b.found and b.intent == "list" and "Công an xã" in b.headline


def test_province_with_no_plan_loaded_is_named(engine) -> None:
    a = engine.ask("quang ninh ai chu tri so hoa ho so cong viec")
    assert not a.found and "tỉnh Quảng Ninh" in a.headline
    # the province of a loaded commune's plan is no other place
    b = engine.ask("Ở xã Phong Thổ, tỉnh Lai Châu, ai chủ trì triển khai chuyển đổi số?")
    assert "Chưa có kế hoạch" not in b.headline


def test_closing_formula_alone_is_no_evidence() -> None:
    from intents.evidence import _closing_only

    assert _closing_only("tren day la ke hoach phat trien khoa hoc nam 2026./.")
    assert not _closing_only("tren day la ke hoach trien khai nghi quyet. trong qua trinh thuc "
                             "hien, neu co vuong mac, phan anh ve phong van hoa - xa hoi.")
    assert not _closing_only("phong kinh te chu tri tham muu bo tri kinh phi.")


def test_row_agency_follows_the_text_asked_about() -> None:
    from corpus.agencies import find_agencies
    from intents.clause_answer import _row_of_question

    body = ("1 | chi so chuyen doi so 0,6 | phong van hoa - xa hoi | ty le ho so suc khoe dien "
            "tu 90% | tram y te xa")
    found = find_agencies(body)
    assert len(found) >= 2
    row = _row_of_question(body, found, {"ho", "suc", "khoe", "dien", "tu"})
    assert fold(row[0].name).startswith("tram y te")
    assert _row_of_question(body, found, {"chuyen", "doi"})[0] == found[0]
