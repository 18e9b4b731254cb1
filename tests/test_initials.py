"""Unlisted abbreviations read as the initials of a term the loaded plans use
(intents.initials), and the phone abbreviations of the table."""

from __future__ import annotations

from corpus.normalize import search_form
from intents.initials import is_initials, spell_initials
from intents.normalize import normalize
from retrieval.lexical import terms


def _vocab(*texts: str) -> dict[str, int]:
    """The search index's terms (syllables and "a_b" bigrams) of these plan texts."""
    out: dict[str, int] = {}
    for t in texts:
        for term in terms(search_form(t)):
            out.setdefault(term, len(out))
    return out


PLAN = ("Các cơ quan, đơn vị báo cáo kết quả trước ngày 30/11. Cơ quan chủ trì: Sở Tài chính. "
        "Người dân có hồ sơ sức khỏe điện tử đạt 95%.")


def test_consonant_token_is_read_as_initials_of_a_plan_term():
    known = _vocab(PLAN)
    assert spell_initials("cq", known) == "cơ quan"
    assert spell_initials("hssk", known) == "hồ sơ sức khỏe"


def test_initials_need_a_term_the_plans_write():
    known = _vocab("Sở Tài chính thẩm định dự toán kinh phí.")
    assert spell_initials("cq", known) is None  # no "c… q…" pair in these plans
    assert spell_initials("cq", {}) is None


def test_two_readings_alike_leave_the_token_as_typed():
    # "đơn vị" and "dịch vụ" are both common: neither clearly leads
    known = _vocab("đơn vị chủ trì", "dịch vụ công")
    assert spell_initials("dv", known) is None


def test_only_consonant_tokens_count_as_initials():
    assert is_initials("cq") and is_initials("HSSK") and is_initials("đv")
    assert not is_initials("quan") and not is_initials("c") and not is_initials("abcdefgh")


def test_normalize_spells_initials_but_keeps_the_plans_own_names():
    known = _vocab(PLAN, "Trạm BTS của VNPT và Viettel.")
    n = normalize("cac cq bc ubnd truoc ngay nao", known)
    assert n.text.startswith("cac cơ quan báo cáo")
    # a name the plans write themselves is no abbreviation to spell out
    assert normalize("vnpt co bn tram bts", known).text == "vnpt co bao nhiêu tram bts"


def test_phone_abbreviations_by_context():
    assert normalize("gd ko dung tien mat").text.startswith("giao dịch không")
    assert normalize("chi tieu gd pho thong").text == "chi tieu giáo dục pho thong"
    assert normalize("dv nao chu tri").text == "đơn vị nao chu tri"
    assert normalize("ty le cks").text == "ty le chữ ký số"


def test_restored_place_names_are_spelt_as_the_gazetteer_spells_them():
    # the syllable model alone reads "tran lieu" as "trận liệu"
    assert normalize("tran lieu ai chu tri", restore=True).text.startswith("Trần Liễu")
    assert "Bắc Ninh" in normalize("tinh bac ninh so nao lo", restore=True).text
    # a name typed with its marks stays as the writer typed it
    assert normalize("xã Lộc Tân ai lo", restore=True).text.startswith("xã Lộc Tân")
