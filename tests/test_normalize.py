"""Search form: OCR repairs, idempotence, numbers kept, NFC/NFD agnostic, fold()."""

from __future__ import annotations

import re
import unicodedata

import pytest
from conftest import PLAN_KEYS, plan_lines

from corpus.normalize import ALL_GROUPS, fold, nfc, readable, repair_groups, search_form


@pytest.mark.parametrize(
    ("ocr", "expected"),
    [
        ("Nghi quyét s6", "nghi quyet so"),
        ("Nghi quyét s6 57-NQ/TW", "nghi quyet so 57-nq/tw"),
        ("x3 Loc Tan", "xa loc tan"),
        ("trén dia ban x3 Loc Tan.", "tren dia ban xa loc tan."),
        ("Pang ty", "dang uy"),
        ("Pang uy", "dang uy"),
        ("Ban Thuong vu Tinh iy", "ban thuong vu tinh uy"),
        ("ctia", "cua"),
        ("ciia Bd Chinh tri", "cua bo chinh tri"),
        ("1a", "la"),
        ("(viét tat 1a Nghi quyét sb 57-NQ/TW)", "(viet tat la nghi quyet so 57-nq/tw)"),
        ("d6i méi sang tao", "doi moi sang tao"),
        ("Phong Van héa — Xa hoi", "phong van hoa - xa hoi"),
    ],
)
def test_search_form_repairs_ocr(ocr: str, expected: str) -> None:
    assert search_form(ocr) == expected


def test_search_form_repairs_inside_a_real_plan_line() -> None:
    line = next(t for t in plan_lines("loc_tan") if "x3 Loc Tan" in t)
    assert "xa loc tan" in search_form(line)
    assert "nghi quyet so 57-nq/tw" in search_form(
        "thuc hién Nghi quyét s6 57-NQ/TW ciia Bd Chinh tri"
    )


def test_repair_groups_can_be_switched_off() -> None:
    # with no repair groups the search form is just the fold
    assert search_form("Nghi quyét s6 ctia Pang ty", groups=()) == "nghi quyet s6 ctia pang ty"
    assert search_form("ctia", groups=("cua",)) == "cua"


def test_repair_groups_block_sets_the_default_and_restores_it() -> None:
    # how the OCR ablation reads plans and asks questions with one group left out
    line = "Nghi quyét s6 ctia x3"
    with repair_groups(set(ALL_GROUPS) - {"cua"}):
        assert search_form(line) == "nghi quyet so ctia xa"
        assert search_form(line, groups=ALL_GROUPS) == "nghi quyet so cua xa"
    assert search_form(line) == "nghi quyet so cua xa"
    with pytest.raises(RuntimeError), repair_groups(()):
        raise RuntimeError  # an error inside the block still restores every repair
    assert search_form(line) == "nghi quyet so cua xa"


def _idempotence_failures(key: str) -> list[tuple[str, str, str]]:
    out = []
    for line in plan_lines(key):
        once = search_form(line)
        twice = search_form(once)
        if twice != once:
            out.append((line, once, twice))
    return out


# Three OCR tokens are repaired in two steps (digit->letter, then the word table):
# "hd1" -> "hdi" -> "hoi", "nd1" -> "ndi" -> "noi", "D06" -> "doo" -> "do".
_NOT_IDEMPOTENT: set[str] = set()  # fixed: repairs now repeat until stable


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(
            k,
            marks=pytest.mark.xfail(
                reason="search_form is not idempotent: digit->letter repair output "
                "('hdi', 'ndi', 'doo') is repaired again by the word table on a second pass",
                strict=True,
            ),
        )
        if k in _NOT_IDEMPOTENT
        else k
        for k in PLAN_KEYS
    ],
)
def test_search_form_is_idempotent_on_every_plan_line(key: str) -> None:
    assert _idempotence_failures(key) == []


def test_search_form_idempotent_on_repaired_samples() -> None:
    for s in ["Nghi quyét s6", "x3 Loc Tan", "Pang ty", "ctia", "1a", "Kế hoạch số 79/KH-UBND",
              "Phòng Văn hóa - Xã hội", "Trên 90% người dân"]:
        once = search_form(s)
        assert search_form(once) == once


@pytest.mark.parametrize("code", ["79/KH-UBND", "15/6", "57-NQ/TW", "90%", "02/10/2025",
                                  "193/2025/QH15", "1,5%", "27-KH/ĐU"])
def test_numeric_tokens_keep_their_digits(code: str) -> None:
    out = search_form(f"Theo {code} nhé")
    digits = re.sub(r"\D", "", code)
    assert re.sub(r"\D", "", out) == digits
    assert fold(code) in out


def test_numeric_examples_exact() -> None:
    assert search_form("Kế hoạch số 79/KH-UBND ngày 02/10/2025") == (
        "ke hoach so 79/kh-ubnd ngay 02/10/2025"
    )
    assert search_form("(trudc ngay 15/6)") == "(truoc ngay 15/6)"
    assert search_form("Trên 90% người dân") == "tren 90% nguoi dan"
    assert search_form("Nghị quyết 57-NQ/TW") == "nghi quyet 57-nq/tw"


_NUMERIC = re.compile(r"\d+(?:[./,-]\d+)*%?|\d+[-/][a-z]+(?:[-/][a-z]+)*")


@pytest.mark.parametrize("key", PLAN_KEYS)
def test_numeric_tokens_of_every_plan_line_survive(key: str) -> None:
    checked = 0
    for line in plan_lines(key):
        out = search_form(line)
        for tok in fold(line).split():
            core = re.sub(r"^[^\w%]+|[^\w%]+$", "", tok)
            if _NUMERIC.fullmatch(core):
                checked += 1
                assert core in out, (line, core, out)
    assert checked > 50


@pytest.mark.parametrize(
    "text",
    ["Ai chủ trì xây dựng hồ sơ sức khỏe điện tử?", "Đảng ủy xã Bình Tân",
     "Phường Trần Liễu", "Mục tiêu năm 2030 là bao nhiêu?", "Nghị quyết số 57-NQ/TW"],
)
def test_decomposed_unicode_gives_same_search_form(text: str) -> None:
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text  # really decomposed
    assert search_form(nfd) == search_form(text)
    assert fold(nfd) == fold(text)
    assert nfc(nfd) == text


@pytest.mark.parametrize("key", PLAN_KEYS)
def test_decomposed_plan_lines_give_same_search_form(key: str) -> None:
    for line in plan_lines(key):
        assert search_form(unicodedata.normalize("NFD", line)) == search_form(line)


@pytest.mark.parametrize(
    ("question", "folded"),
    [
        ("Ai chủ trì xây dựng hồ sơ sức khỏe điện tử?",
         "ai chu tri xay dung ho so suc khoe dien tu?"),
        ("Mục tiêu năm 2030 về hồ sơ sức khỏe điện tử là bao nhiêu?",
         "muc tieu nam 2030 ve ho so suc khoe dien tu la bao nhieu?"),
        ("Phòng Văn hóa - Xã hội chủ trì những việc gì?",
         "phong van hoa - xa hoi chu tri nhung viec gi?"),
        ("  ĐẢNG ỦY   xã Bình Tân ", "dang uy xa binh tan"),
        ("Khi nào phải báo cáo 6 tháng?", "khi nao phai bao cao 6 thang?"),
    ],
)
def test_fold_of_accented_questions(question: str, folded: str) -> None:
    assert fold(question) == folded
    assert fold(folded) == folded


def test_fold_does_not_repair_ocr() -> None:
    assert fold("Nghi quyét s6") == "nghi quyet s6"
    assert fold("Pang ty") == "pang ty"


def test_readable_is_the_reading_copy_with_capitals_and_codes_kept() -> None:
    out = readable("Nghi quyét s6 57-NQ/TW ngay 22/12/2024 cua Bo Chinh tri")
    assert out == "Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị"
    assert readable("Sở Tài chính chủ trì,   phối hợp") == "Sở Tài chính chủ trì, phối hợp"


@pytest.mark.parametrize(("ocr", "expected"), [
    ("1¢ngudidancoso", "le nguoi dan co so"),   # digit for 'l', 'ud' for 'uo', run together
    ("sickhoedien", "suc khoe dien"),           # one vowel wrong: the common word wins
    ("phongvanhoa", "phong van hoa"),           # 'van hoa', not 'va nhoa'
    ("conganxa", "cong an xa"),
    ("trienkhai", "trien khai"),
])
def test_run_together_syllables_are_split(ocr: str, expected: str) -> None:
    assert search_form(ocr) == expected
    assert search_form(expected) == expected


@pytest.mark.parametrize("word", ["internet", "technology", "smartphone", "nghieng"])
def test_foreign_and_long_words_are_not_split(word: str) -> None:
    assert search_form(word) == word


@pytest.mark.parametrize(("ocr", "expected"), [
    ("4.4. Pao tao ky nang", "4.4. dao tao ky nang"),  # Đào tạo
    ("PAy manh chuyen doi", "day manh chuyen doi"),  # ĐẨY MẠNH
    ("GIAI POAN 2025", "giai doan 2025"),  # ĐOẠN
    ("Pén nam 2030", "den nam 2030"),  # Đến
])
def test_capital_p_read_for_capital_d(ocr: str, expected: str) -> None:
    assert search_form(ocr) == expected


@pytest.mark.parametrize("text", ["Phòng Văn hóa", "PCT UBND", "Mobile Payment", "pin", "phao"])
def test_p_words_that_are_not_d_are_kept(text: str) -> None:
    assert search_form(text) == fold(text)


def test_capital_p_repair_is_shown_in_answers() -> None:
    assert readable("Pao tao ky nang so").startswith("Đào tạo")


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("chỉ tiêu năm2030", "chi tieu nam 2030"),  # a year typed without its space
        ("Kế hoạch KH79", "ke hoach kh 79"),
        ("ISO9001", "iso 9001"),
        ("2030nam", "2030 nam"),
        ("nq57", "nq 57"),
        # digits OCR reads for letters, inside a word, are still letters
        ("d6i m€i", "doi moi"),
        ("c6ng d61 hd1", "cong doi hoi"),
        # codes the plans write this way stay as they are
        ("QH15 5G 3D", "qh15 5g 3d"),
    ],
)
def test_numbers_glued_to_words_are_split_off(text: str, form: str) -> None:
    assert search_form(text) == form
    assert search_form(form) == form
