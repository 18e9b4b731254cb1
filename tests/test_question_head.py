"""What a question asks, read from its head (the noun asked with "nào"), and the evidence
checks that go with it: paraphrases both ways, garbles confirmed by their neighbour,
another measure of the same thing, one value per year asked."""

from __future__ import annotations

import pytest

from corpus.normalize import fold, search_form, words
from intents.asking import detect_intent
from intents.detect import alternatives, understand
from intents.evidence import _garbled_in_pairs, _other_measure

HEADS = [
    ("Những tổ chức, lực lượng nào được giao vận động hội viên?", "who"),
    ("Bộ phận nào được giao lưu trữ hồ sơ điện tử?", "who"),
    ("Dự án cáp quang thôn bản thực hiện trong giai đoạn nào?", "when"),
    ("Hệ thống camera an ninh đưa vào dùng vào thời điểm nào?", "when"),
    ("Những lĩnh vực ưu tiên nào được nêu?", "what"),
    # the tasks named are the topic when the question word asks for a body
    ("Đơn vị nào thực hiện các nhiệm vụ về dữ liệu đất đai?", "who"),
    ("Phòng Kinh tế chủ trì những việc gì?", "list"),
    ("Đơn vị chủ trì các nhiệm vụ về dữ liệu dân cư là gì?", "who"),
    ("Trung tâm nào vận hành cổng dịch vụ công?", "who"),
]


@pytest.mark.parametrize(("question", "intent"), HEADS)
def test_intent_from_the_noun_asked(question: str, intent: str) -> None:
    assert detect_intent(search_form(question)) == intent
    assert detect_intent(search_form(fold(question))) == intent


def test_a_noun_far_from_its_question_word_does_not_decide() -> None:
    # "nhóm" and "ngành" are what the question is about, not a body asked for
    assert detect_intent(search_form("Phòng Kinh tế hỗ trợ những nhóm ngành nào?")) == "what"


def test_a_place_first_does_not_hide_the_question_word() -> None:
    class Meta:
        locality, number = "Hòa Lạc", "12/KH-UBND"

    class Doc:
        id, meta = "d1", Meta()

    q = understand("hoa lac han so hoa ho so dat dai", [Doc()])
    assert q.localities == ["d1"] and q.intent == "when"
    # the place set aside, the rest keeps its marks: "%" still asks a share
    assert understand("hoa lac thuong mai dien tu 2030 chiem may % gdp", [Doc()]).intent == "target"


def test_a_measure_named_alone_asks_its_value() -> None:
    assert detect_intent(search_form("Quy mô kinh tế số năm 2030 của xã")) == "target"
    assert detect_intent(search_form("so luong tram 5g nam 2027")) == "target"


def test_synonyms_are_read_both_ways() -> None:
    assert set(alternatives("he thong chay tren nen tang so")["chay"]) == {"van", "hanh"}
    assert "chay" in alternatives("he thong van hanh tren nen tang so")["van"]
    assert set(alternatives("giu muc tang truong")["giu"]) == {"duy", "tri"}


def test_a_garble_counts_when_its_neighbour_confirms_it() -> None:
    clause = words("chi 50 phat trien con nguoi duy tri tren 0,7 to chuc hoc tip")
    pairs = set(zip(clause, clause[1:], strict=False))

    def forms(t: str) -> set[str]:
        return {t}

    got = _garbled_in_pairs(words("chi so phat trien hoc tap"), pairs, forms)
    assert {"so", "tap"} <= got
    # without the neighbour, one letter off a real syllable is no evidence
    assert "tap" not in _garbled_in_pairs(words("tap huan"), pairs, forms)


def test_another_measure_of_the_thing_asked_is_another_indicator() -> None:
    count = words("so luong doanh nghiep su dung hoa don dien tu tang 10%/nam")
    share = words("ty le doanh nghiep su dung hoa don dien tu dat 80%")
    garbled = words("ti 1& doanh nghiep su dung hoa don dien tu 80%")
    asked = "ty le doanh nghiep su dung hoa don dien tu bao nhieu"
    assert _other_measure(asked, count)
    assert not _other_measure(asked, share)
    assert not _other_measure(asked, garbled)
    assert not _other_measure("so luong doanh nghiep su dung hoa don dien tu", count)


def _evidence(text: str, heading: list[str], direct: str, detail: str = ""):
    from corpus.models import Segment
    from intents.evidence import Evidence
    from retrieval.search import Hit

    seg = Segment(id="s", doc_id="d", order=0, text=text, heading_path=heading,
                  search=search_form(" ".join([*heading, text])))
    return Evidence(Hit(seg, 1.0, 0.0, 0.0), 1.0, direct, detail)


def test_a_value_for_a_year_asked_comes_from_a_clause_that_names_that_year() -> None:
    from intents.evidence import states_year

    q = understand("Tỷ lệ phủ sóng 5G năm 2027 là bao nhiêu?", [])
    past = _evidence("Mạng 4G đã phủ 32,2% số thôn.", ["Tình hình"], "32,2%")
    assert not states_year(q, past)
    under = _evidence("Phủ sóng 5G đạt 80% số thôn.", ["Mục tiêu đến năm 2027"], "80%")
    assert states_year(q, under)
    # no year asked: any value may answer
    assert states_year(understand("Tỷ lệ phủ sóng 5G là bao nhiêu?", []), past)


def test_a_word_that_asks_only_in_its_phrase_is_content_elsewhere() -> None:
    # "trạm" and "trăm" fold alike: only "phần trăm" asks
    assert "tram" in understand("Số trạm biến áp thông minh năm 2030 là bao nhiêu?", []).terms
    assert "tram" not in understand("Biến áp thông minh đạt bao nhiêu phần trăm?", []).terms
    assert "hoi" not in understand("xin hoi ai chu tri so hoa ho so", []).terms


def test_an_abbreviation_in_the_plan_holds_the_indicator_head() -> None:
    from intents.normalize import spelt_out

    full = spelt_out(words("co dnnvv, htx tren dia ban ung dung cong nghe so"))
    assert ("doanh", "nghiep") in set(zip(full, full[1:], strict=False))
    assert "hop" in full and "dnnvv" not in full


def test_syllables_that_also_ask_start_content_words() -> None:
    # "quy hoạch", "đầu tư" begin with what folds to "quý", "đâu"; a question word ends none
    terms = understand("chi tieu so ban do quy hoach duoc cong khai nam 2030", []).terms
    assert {"quy", "hoach"} <= set(terms)
    assert {"dau", "tu"} <= set(understand("ai chu tri dau tu ha tang so", []).terms)
    assert "dau" not in understand("bao cao quy 4 gui ve dau", []).terms
