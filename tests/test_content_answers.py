"""Content questions ("gồm những … nào", "những … gì") answered with the clause that opens
the set asked and its items, read back from the plan's structure (intents.outline,
intents.set_answer).

The plan here is written for these tests (a province's plan in clean text); the engine is
the real one (SQLite, FAISS) with the deterministic fake embedder."""

from __future__ import annotations

import pytest
from plan_fixtures import engine_over

from corpus.normalize import fold
from intents import AnswerEngine
from intents import outline as O
from intents import set_answer as S
from intents.models import MAX_REPLY_CHARS

PLAN = """ỦY BAN NHÂN DÂN
TỈNH LAI CHÂU
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 45/KH-UBND
Lai Châu, ngày 10 tháng 10 năm 2025

KẾ HOẠCH

PHÁT TRIỂN THƯ VIỆN SỐ TỈNH LAI CHÂU GIAI ĐOẠN 2026 - 2030

Ủy ban nhân dân tỉnh ban hành Kế hoạch phát triển thư viện số, cụ thể như sau:

I. MỤC ĐÍCH, YÊU CẦU

1. Mục đích

Đưa tài nguyên thư viện lên môi trường số, phục vụ người đọc mọi lúc, mọi nơi.

2. Yêu cầu

Bảo đảm an toàn dữ liệu và quyền tác giả trong quá trình số hóa.

II. NHIỆM VỤ

1. Số hóa tài liệu

a) Số hóa sách cổ, báo chí địa phương và tài liệu quý hiếm của thư viện tỉnh.

b) Xây dựng kho học liệu mở dùng chung cho các trường học.

2. Phát triển dịch vụ đọc

a) Triển khai ứng dụng mượn sách trực tuyến trên điện thoại.

b) Tổ chức phòng đọc thực tế ảo tại các xã vùng cao.

3. Kinh phí thực hiện

- Ngân sách tỉnh: chi cho số hóa, mua bản quyền và bảo trì hệ thống.

- Vốn tài trợ của các quỹ văn hóa: hỗ trợ số hóa tài liệu quý hiếm.

- Nguồn thu dịch vụ của thư viện: chi cho vận hành ứng dụng.

4. Đào tạo cán bộ thư viện

Tổ chức các lớp bồi dưỡng kỹ năng số cho cán bộ thư viện, bao gồm: quản trị dữ liệu, biên mục số, chăm sóc bạn đọc trực tuyến, an toàn thông tin.

III. TỔ CHỨC THỰC HIỆN

1. Sở Văn hóa, Thể thao và Du lịch

Chủ trì triển khai Kế hoạch; định kỳ báo cáo Ủy ban nhân dân tỉnh trước ngày 15/12 hằng năm.

2. Sở Tài chính

Tham mưu bố trí kinh phí thực hiện Kế hoạch.
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> AnswerEngine:
    return engine_over(tmp_path_factory.mktemp("content-answers"), "tinh-lai-chau_45-KH-UBND.txt", PLAN)


def _segment(engine: AnswerEngine, starts: str):
    for seg in engine.index.segments:
        if seg.shown.startswith(starts):
            return seg
    raise AssertionError(f"no segment starts with {starts!r}")


def test_a_heading_has_its_numbered_sections_as_items(engine) -> None:
    outline = O.outline_of(engine, _segment(engine, "II. NHIỆM VỤ"))
    assert outline is not None
    assert [i.shown.split(".")[0] for i in outline.items] == ["1", "2", "3", "4"]
    # what stands under an item is kept with it, not listed as an item of its own
    first = outline.items[0]
    assert [s.shown[:2] for s in outline.under[first.id]] == ["a)", "b)"]


def test_a_section_has_its_bullets_and_stops_at_the_next_section(engine) -> None:
    outline = O.outline_of(engine, _segment(engine, "3. Kinh phí thực hiện"))
    assert outline is not None
    assert len(outline.items) == 3
    assert all(i.shown.startswith("- ") for i in outline.items)


def test_a_clause_without_items_has_no_outline(engine) -> None:
    assert O.outline_of(engine, _segment(engine, "a) Triển khai ứng dụng mượn sách")) is None
    assert O.outline_of(engine, _segment(engine, "Tổ chức các lớp bồi dưỡng")) is None


def test_an_item_finds_the_clause_it_stands_under(engine) -> None:
    up = O.opener_of(engine, _segment(engine, "- Vốn tài trợ của các quỹ"))
    assert up is not None and up.shown.startswith("3. Kinh phí thực hiện")
    assert O.opener_of(engine, _segment(engine, "Đưa tài nguyên thư viện")) is None


@pytest.mark.parametrize("question", [
    "Kinh phí thực hiện kế hoạch thư viện số của Lai Châu gồm những nguồn nào?",
    "kinh phi thu vien so lai chau gom nhung nguon nao",
])
def test_sources_are_named_in_the_headline(engine, question) -> None:
    a = engine.ask(question)
    assert a.found and len(a.answer) <= MAX_REPLY_CHARS and len(a.headline) <= 300
    head = fold(a.headline)
    for item in ("ngan sach tinh", "von tai tro", "nguon thu dich vu"):
        assert item in head
    assert "gom 3" in head
    assert any("Lai Châu" in c.document for c in a.citations)


def test_a_set_of_sections_is_answered_by_the_heading_that_names_it(engine) -> None:
    a = engine.ask("Kế hoạch thư viện số của Lai Châu gồm những nhóm nhiệm vụ nào?")
    head = fold(a.headline)
    assert a.found and "gom 4" in head
    for item in ("so hoa tai lieu", "dich vu doc", "kinh phi", "dao tao"):
        assert item in head


def test_an_item_asked_for_climbs_to_its_set(engine) -> None:
    a = engine.ask("Lai Châu phát triển dịch vụ đọc bằng những việc gì?")
    text = fold(a.headline + " " + a.answer)
    assert a.found and "muon sach truc tuyen" in text and "thuc te ao" in text


def test_a_clause_that_lists_the_set_itself_answers_alone(engine) -> None:
    a = engine.ask("Lớp bồi dưỡng kỹ năng số cho cán bộ thư viện Lai Châu gồm những nội dung gì?")
    text = fold(a.headline + " " + a.answer)
    assert a.found and "bien muc so" in text and "quan tri du lieu" in text
    # the clause's own items named in the headline, not the sections of the plan
    assert "gom 4 muc: quan tri du lieu; bien muc so; cham soc ban doc truc tuyen; an toan " \
        "thong tin" in fold(a.headline)


def test_who_and_when_questions_are_not_turned_into_lists(engine) -> None:
    who = engine.ask("Cơ quan nào tham mưu bố trí kinh phí thực hiện kế hoạch thư viện số "
                     "Lai Châu?")
    assert who.intent == "who" and who.headline.startswith("Sở Tài chính")
    when = engine.ask("Sở Văn hóa, Thể thao và Du lịch Lai Châu báo cáo trước ngày nào?")
    assert when.intent == "when" and "15/12" in when.headline


def test_a_long_set_fits_one_message_and_keeps_the_rest(engine) -> None:
    head = _segment(engine, "3. Kinh phí thực hiện")
    item = _segment(engine, "- Ngân sách tỉnh")
    long = "- Nguồn vốn lồng ghép từ các chương trình mục tiêu quốc gia: " + "chi cho số hóa, " * 30
    items = [item.model_copy(update={"id": f"x{i}", "text": long, "reading": ""})
             for i in range(24)]
    query = engine.understand("Kinh phí thư viện số Lai Châu gồm những nguồn nào?")
    a = S.render(engine, query, O.Outline(head, items))
    assert len(a.answer) <= MAX_REPLY_CHARS and len(a.headline) <= 300
    shown = [ln for ln in a.answer.splitlines() if ln.startswith("• ")]
    assert shown and a.rest and len(shown) + len(a.rest) == 24
    assert "gõ «tiếp»" in a.answer
    assert a.headline.startswith("Kinh phí thực hiện: gồm 24 mục: Nguồn vốn lồng ghép")
    assert a.headline.endswith("[tỉnh Lai Châu]")


def test_the_clause_the_gate_found_is_quoted_whole_within_its_set(engine) -> None:
    head = _segment(engine, "3. Kinh phí thực hiện")
    item = _segment(engine, "- Ngân sách tỉnh")
    detail = "- Vốn lồng ghép: " + "hỗ trợ số hóa tài liệu quý hiếm của các thư viện xã, " * 8
    long_items = [item.model_copy(update={"id": f"y{i}", "text": detail + str(i), "reading": ""})
                  for i in range(8)]
    query = engine.understand("Kinh phí thư viện số Lai Châu gồm những nguồn nào?")
    a = S.render(engine, query, O.Outline(head, long_items), long_items[5])
    assert len(a.answer) <= MAX_REPLY_CHARS
    assert " ".join((detail + "5").split()) in a.answer  # the found item, whole
    assert " ".join((detail + "0").split()) not in a.answer  # the others, cut to fit


@pytest.mark.parametrize(("question", "is_set"), [
    ("kinh phi gom nhung nguon nao", True),
    ("Kế hoạch nêu năm yếu tố nền móng nào?", True),
    ("bac ninh 5 yeu to nen mong la gi", True),
    ("Bắc Ninh bảo đảm an ninh mạng theo tiêu chuẩn nào?", False),
    ("Ai chủ trì xây dựng cơ sở dữ liệu?", False),
])
def test_set_questions_are_told_from_detail_questions(engine, question, is_set) -> None:
    assert S.asks_set(engine.understand(question)) is is_set


def test_words_asking_for_a_set_are_not_content_but_the_subject_named_is(engine) -> None:
    asked = S.content_query(engine.understand("Kế hoạch gồm những nhóm nội dung nào?"))
    assert "nhom" not in asked.terms and "gom" not in asked.terms
    named = S.content_query(engine.understand(
        "Nội dung thực hiện kế hoạch thư viện số gồm những phần nào?"))
    assert {"noi", "dung"} <= set(named.terms) and "phan" not in named.terms
