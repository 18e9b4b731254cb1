"""Question understanding: intent, kind of 'when', localities, plan numbers."""

from __future__ import annotations

import pytest

from corpus.normalize import fold, search_form
from intents.asking import detect_intent, when_kind
from intents.detect import understand
from intents.places import find_localities, find_plan_numbers

INTENTS = [
    ("Ai chủ trì xây dựng hồ sơ sức khỏe điện tử?", "who"),
    ("Cơ quan nào phối hợp thành lập Ban Chỉ đạo?", "who"),
    ("Ai ký kế hoạch 79?", "who"),
    ("Khi nào phải báo cáo 6 tháng?", "when"),
    ("Hạn chót hoàn thành thành lập Ban Chỉ đạo là khi nào?", "when"),
    ("Báo cáo định kỳ bao lâu một lần?", "when"),
    ("Năm nào hoàn thành?", "when"),
    ("Mục tiêu năm 2030 về hồ sơ sức khỏe điện tử là bao nhiêu?", "target"),
    ("Tỷ lệ dịch vụ công trực tuyến toàn trình đạt bao nhiêu phần trăm?", "target"),
    ("Phòng Văn hóa - Xã hội chủ trì những việc gì?", "list"),
    ("Liệt kê các nhiệm vụ của Văn phòng Đảng ủy", "list"),
    ("Kế hoạch nói gì về chuyển đổi số?", "what"),
]


@pytest.mark.parametrize(("question", "intent"), INTENTS)
def test_intent_accented(question: str, intent: str) -> None:
    assert detect_intent(search_form(question)) == intent
    assert understand(question, []).intent == intent


@pytest.mark.parametrize(("question", "intent"), INTENTS)
def test_intent_without_diacritics(question: str, intent: str) -> None:
    plain = fold(question).rstrip("?")
    assert plain.isascii()
    assert detect_intent(search_form(plain)) == intent
    assert understand(plain, []).intent == intent


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("ai chu tri thanh lap ban chi dao", "who"),
        ("khi nao phai bao cao 6 thang", "when"),
        ("muc tieu nam 2030 ve ho so suc khoe dien tu la bao nhieu", "target"),
        ("phong vhxh chu tri nhung viec gi", "list"),
    ],
)
def test_plain_questions_as_typed(question: str, intent: str) -> None:
    assert understand(question, []).intent == intent


def test_empty_question_is_unknown() -> None:
    assert detect_intent("") == "unknown"
    assert detect_intent("   ") == "unknown"
    assert understand("", []).intent == "unknown"


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Hạn nộp báo cáo là ngày nào?", "date"),
        ("han nop bao cao la ngay nao", "date"),
        ("Phải nộp trước ngày bao nhiêu?", "date"),
        ("Báo cáo định kỳ bao lâu một lần?", "frequency"),
        ("bao cao bao lau mot lan", "frequency"),
        ("Bao lâu báo cáo một lần?", "frequency"),
        ("Năm nào hoàn thành?", "year"),
        ("Khi nào phải thành lập Ban Chỉ đạo?", "deadline"),
    ],
)
def test_when_kind(question: str, kind: str) -> None:
    q = search_form(question)
    assert when_kind(q) == kind
    u = understand(question, [])
    assert u.intent == "when"
    assert u.when_kind == kind


def test_when_kind_date_question_mentioning_yearly_report() -> None:
    assert when_kind(search_form("Báo cáo hằng năm gửi trước ngày nào?")) == "date"


def test_understand_slots(documents) -> None:
    u = understand("Phòng Văn hóa - Xã hội chủ trì những việc gì ở xã Lộc Tân năm 2025?",
                   documents)
    loc_tan = next(d.id for d in documents if fold(d.meta.locality) == "loc tan")
    assert u.intent == "list"
    assert u.role == "chu_tri"
    assert u.agency == "Phòng Văn hóa - Xã hội"
    assert u.localities == [loc_tan]
    assert u.years == [2025]
    assert u.search == search_form(u.text)
    assert "loc" not in u.terms and "tan" not in u.terms and "2025" not in u.terms


def test_plan_numbers(documents) -> None:
    by_number = {d.meta.number: d.id for d in documents}
    assert find_plan_numbers(search_form("Ai ký kế hoạch 79?"), documents) == [
        by_number["79/KH-UBND"]]
    assert find_plan_numbers(search_form("Kế hoạch 27-KH/ĐU nói gì?"), documents) == [
        by_number["27-KH/ĐU"]]
    assert understand("Ai ký kế hoạch số 16?", documents).doc_ids == [by_number["16/KH-UBND"]]
    assert find_plan_numbers("khong co so nao", documents) == []


def _ids(documents, *names: str) -> list[str]:
    # folded: the gazetteer spells some communes officially ("Lộc Tấn", "Ân Hảo")
    by_name = {fold(d.meta.locality): d.id for d in documents}
    return [by_name[fold(n)] for n in names]


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("Phường Trần Liễu và xã Lộc Tân", ("Trần Liễu", "Lộc Tân")),
        ("phuong tran lieu va xa loc tan", ("Trần Liễu", "Lộc Tân")),
        ("Xã Lộc Tân và phường Trần Liễu", ("Lộc Tân", "Trần Liễu")),
        ("Đảng ủy xã Bình Tân giao việc gì?", ("Bình Tân",)),
        ("xa phong tho", ("Phong Thổ",)),
        ("An Hảo", ("An Hảo",)),
        # one wrong, missing or extra letter (a real word, as "tâm", only after "xã", "ở" …)
        ("xa binh tam", ("Bình Tân",)),
        ("xa loc tn", ("Lộc Tân",)),
        ("phuong tran lieeu", ("Trần Liễu",)),
        ("xa phong thp", ("Phong Thổ",)),
    ],
)
def test_find_localities(documents, question: str, names: tuple[str, ...]) -> None:
    assert find_localities(search_form(question), documents) == _ids(documents, *names)
    assert understand(question, documents).localities == _ids(documents, *names)


@pytest.mark.parametrize("question", ["ai chu tri?", "xa binh dinh", "phuong tran hung dao",
                                      "loc"])
def test_find_localities_no_false_hits(documents, question: str) -> None:
    assert find_localities(search_form(question), documents) == []


def test_role_de_nghi_and_codes_kept() -> None:
    from intents.detect import understand

    q = understand("nghi quyet 71/nq-cp ra ngay nao", [])
    assert "71" in q.terms and "cp" in q.terms
    assert understand("xa de nghi co quan nao cap chu ky so", []).role == "de_nghi"
    assert "nguoi" not in understand("hoc lop boi duong may nguoi", []).terms


@pytest.mark.parametrize(("question", "nouns"), [
    ("Xã triển khai những chương trình nào?", ["chuong trinh"]),
    ("dao tao ky nang so qua to nao, phong trao gi", ["to", "phong trao"]),  # not "qua tổ"
    ("Bảng điều hành số tích hợp những lĩnh vực nào?", ["linh vuc"]),
])
def test_nouns_asked_for(question: str, nouns: list[str]) -> None:
    assert understand(question, []).asked == nouns


def _place(locality: str, number: str = "1/KH-UBND"):
    from corpus.models import Document, PlanMeta
    from corpus.normalize import fold

    return Document(id=fold(locality).replace(" ", "-"), path=f"/{locality}.txt", sha256="x",
                    meta=PlanMeta(locality=locality, number=number, locality_kind="xã"))


# communes whose names are one letter from the words of questions about other places
CROWD = ["Bình Tân", "Hà Bình", "Vĩnh Tân", "Bình An", "Tân An", "Hợp Hưng", "Hợp Yên",
         "Trung Nam", "Phong Hòa", "Lộc Tân", "Lộc Tiến", "Trần Liễu", "Điền Nam", "Định Sơn",
         "Đông Nghĩa", "Thành Trung"]


@pytest.mark.parametrize(
    ("question", "names"),
    [
        # the name written out wins over names one letter from "xã Bình" or "Bình Tân"
        ("Đảng ủy xã Bình Tân giao việc gì?", ("Bình Tân",)),
        ("xa binh tan an toan thong tin", ("Bình Tân",)),
        ("Xã Lộc Tân và xã Tân An", ("Lộc Tân", "Tân An")),
        # no name written out: one letter off only when exactly one name fits
        ("xa loc tn", ("Lộc Tân",)),
        ("phuong tran lieeu", ("Trần Liễu",)),
        ("xa loc tin", ()),  # Lộc Tân or Lộc Tiến: no guess
        # words of the question, not a misspelt commune ("tích hợp những", "hợp lên")
        ("Bảng điều hành số tích hợp những lĩnh vực nào?", ()),
        ("ty le du lieu tich hop len nen tang lgsp", ()),
        ("Đến năm 2045, tỷ lệ cơ quan dùng phần mềm là bao nhiêu?", ()),
        ("Quyết định số 204-QĐ/TW ban hành ngày nào?", ()),
        ("sua chuong trinh hanh dong nghi quyet 57", ()),
        ("binh tam", ()),
        ("o binh tam", ("Bình Tân",)),
        # a name spelt by the words of the question, beside a place the question marks
        ("Xã Lộc Tân hoàn thành Trung tâm điều hành khi nào?", ("Lộc Tân",)),
        ("ở Lộc Tân và Thành Trung", ("Lộc Tân", "Thành Trung")),
        ("tran lieu voi binh tan muc tieu", ("Trần Liễu", "Bình Tân")),
    ],
)
def test_localities_among_many_places(question: str, names: tuple[str, ...]) -> None:
    from intents.places import Places

    docs = [_place(n) for n in CROWD]
    by_name = {d.meta.locality: d.id for d in docs}
    assert find_localities(search_form(question), Places(docs)) == [by_name[n] for n in names]


def test_only_the_words_naming_the_place_leave_the_terms() -> None:
    docs = [_place(n) for n in CROWD]
    u = understand("Trung tâm an ninh mạng của xã Trung Nam đạt mục tiêu năm nào?", docs)
    assert u.localities == ["trung-nam"]
    assert {"trung", "tam", "an", "ninh"} <= set(u.terms)  # other places' syllables stay
    u = understand("Phong trào thi đua ở xã Bình An", docs)
    assert "phong" in u.terms and "binh" not in u.terms


def test_plan_number_and_locality_together() -> None:
    from intents.places import Places

    docs = [_place("Bình Tân", "80/KH-UBND"), _place("Lộc Tân", "80/KH-UBND"),
            _place("Tân An", "12/KH-UBND")]
    u = understand("Ai ký kế hoạch số 80 của xã Lộc Tân?", Places(docs))
    assert u.doc_ids == ["binh-tan", "loc-tan"] and u.localities == ["loc-tan"]


def test_plan_date_asked_with_its_kind_and_place(documents) -> None:
    q = understand("phuong tran lieu ke hoach 79 ban hanh ngay nao", documents)
    assert q.about == "date"
    assert understand("tp ke hoach 79 ky ngay nao", documents).about == "date"
    # a task that names something is no question about the plan
    assert understand("ban hanh ke hoach sang kien khi nao", documents).about == ""


def test_place_typed_as_its_initials(documents) -> None:
    # "tl" for Trần Liễu: a consonant token at either end, or after "ở"/"của", that is the
    # initials of exactly one loaded locality
    assert understand("tl ai chu tri chuyen doi so", documents).localities == \
        _ids(documents, "tran lieu")
    assert understand("ai chu tri chuyen doi so o pt", documents).localities == \
        _ids(documents, "phong tho")
    # in the middle of the question, unmarked, it is no place
    assert understand("chi tieu pt nhan luc so", documents).localities == []
    # a place written out wins
    assert understand("tl ai chu tri o xa loc tan", documents).localities == \
        _ids(documents, "loc tan")


@pytest.mark.parametrize("question,intent", [
    ("so nao chu tri tich hop iot", "who"),
    ("ngan hang nao theo doi giao dich khong dung tien mat", "who"),
    ("hoi nao phoi hop tuyen truyen", "who"),
    # the second half of a word, or a plan's number, is no body asked
    ("giai doan nao trien khai", "when"),
    ("chi so nao dat 100%", "target"),
    ("nhung yeu to nao", "what"),
    ("ke hoach so nao ban hanh ngay nao", "when"),
])
def test_agency_head_asked_with_nao(question: str, intent: str) -> None:
    assert detect_intent(question) == intent


def test_a_plan_named_by_its_kind_and_number() -> None:
    """"Quyết định 2820", "QĐ 2820", "2820/QĐ-UBND", "Nghị quyết 03" name a loaded plan of that
    kind and number; a document of another kind with the same number, or one no plan is,
    is a document the question quotes, whose number stays a word of the question."""
    from intents.places import Places

    docs = [_place("Hồ Chí Minh", "2820/QĐ-UBND"), _place("Bắc Ninh", "144/KH-UBND"),
            _place("Đồng Tháp", "03/NQ-HĐND")]
    places = Places(docs)
    for q in ("Theo Quyết định 2820, ai tổng hợp kế hoạch?", "qd 2820 ai tong hop ke hoach",
              "Văn bản 2820/QĐ-UBND giao ai tổng hợp?", "kế hoạch 2820 giao ai tổng hợp"):
        u = understand(q, places)
        assert u.doc_ids == ["ho-chi-minh"], q
        assert not {"2820", "quyet", "dinh", "qd"} & set(u.terms), (q, u.terms)
    assert understand("Nghị quyết số 03 đặt mục tiêu gì?", places).doc_ids == ["dong-thap"]
    # another kind with that number: no plan named, the quoted document's words stay
    u = understand("Triển khai Quyết định 144/QĐ-TTg thế nào?", places)
    assert u.doc_ids == [] and "144" in u.terms
    assert understand("Ai chủ trì triển khai Nghị quyết 57-NQ/TW?", places).doc_ids == []
    # a word that reads "đã" is no "Đề án": "đã 100%" names nothing
    assert understand("Xã đã 100 hộ dùng chữ ký số chưa?", places).doc_ids == []
