"""The agency recognizer (corpus.agencies): a head noun and its name, read by a grammar."""

from __future__ import annotations

import pytest

from corpus.agencies import canonical_agency, find_agencies, same_agency
from corpus.agencies.lexicon import known_spellings
from corpus.normalize import fold, search_form


def names(text: str, kind: str | None = None) -> list[str]:
    return [a.name for a in find_agencies(search_form(text), kind)]


@pytest.mark.parametrize(("text", "want"), [
    # the agencies the closed list missed
    ("Sở Công Thương chủ trì, phối hợp với Phòng Tài chính - Kế hoạch",
     ["Sở Công Thương", "Phòng Tài chính - Kế hoạch"]),
    ("Hội Liên hiệp Phụ nữ, Hội Nông dân, Bưu điện xã và Ban Tuyên giáo thực hiện",
     ["Hội Liên hiệp Phụ nữ", "Hội Nông dân", "Bưu điện xã", "Ban Tuyên giáo"]),
    # joined names stay whole; "và" before another head splits
    ("Sở Văn hóa, Thể thao và Du lịch chủ trì; Sở Y tế phối hợp.",
     ["Sở Văn hóa, Thể thao và Du lịch", "Sở Y tế"]),
    ("Văn phòng HĐND và UBND tham mưu", ["Văn phòng HĐND và UBND"]),
    ("Sở Khoa học và Công nghệ và Sở Tài chính", ["Sở Khoa học và Công nghệ", "Sở Tài chính"]),
    # abbreviations
    ("Sở KH&CN | Các sở, ban, ngành tỉnh", ["Sở Khoa học và Công nghệ", "Các sở, ban, ngành tỉnh"]),
    ("VP HĐND-UBND, BQL KCN, NHNN", ["Văn phòng HĐND và UBND",
                                      "Ban Quản lý các khu công nghiệp", "Ngân hàng Nhà nước"]),
    # a place after the name belongs to it
    ("UBND xã, phường, đặc khu", ["UBND xã, phường, đặc khu"]),
    ("Ủy ban nhân dân tỉnh Bắc Ninh ban hành", ["UBND tỉnh Bắc Ninh"]),
    ("Trạm Y tế xã Tân Phú", ["Trạm Y tế xã Tân Phú"]),
    # a part of a body
    ("Thường trực Thành ủy; Ban Tổ chức Tỉnh ủy", ["Thường trực Thành ủy", "Ban Tổ chức Tỉnh ủy"]),
])
def test_grammar_reads_names(text, want) -> None:
    assert names(text) == want


@pytest.mark.parametrize("text", [
    "Trung tâm Kiểm soát bệnh tật tỉnh chủ trì",
    "Viện Nghiên cứu phát triển Thành phố phối hợp",
    "Chi cục Thống kê tỉnh thực hiện",
])
def test_names_not_in_the_data_files(text) -> None:
    found = names(text)
    assert len(found) == 1
    head = found[0].split()[0]
    assert not any(fold(k.name).startswith(fold(found[0])) for k in known_spellings())
    assert fold(text).startswith(fold(found[0])) and head in text


@pytest.mark.parametrize("text", [
    "chuyển đổi số quốc gia và xã hội số",
    "tổ chức thực hiện; cán bộ, công chức; số liệu thống kê",
    "ban hành kèm theo; trong giai đoạn 2026 - 2030; cơ sở dữ liệu",
    "thị trường bảo hiểm; hội viên tích cực; thanh toán trực tuyến",
])
def test_ordinary_words_are_not_agencies(text) -> None:
    assert names(text) == []
    assert names(fold(text)) == []


@pytest.mark.parametrize(("written", "name"), [
    ("so cong thuong chu tri", "Sở Công Thương"),
    ("Phong Tai chinh - Ke hoach", "Phòng Tài chính - Kế hoạch"),
    ("Bo Khoa hoc va Cong nghe", "Bộ Khoa học và Công nghệ"),
    ("Ban Thuong vu Tinh uy", "Ban Thường vụ Tỉnh ủy"),
    ("Liên đoàn Lao động tỉnh", "Liên đoàn Lao động tỉnh"),
    ("Dai Tieng noi Viet Nam", "Đài Tiếng nói Việt Nam"),
])
def test_one_spelling_with_or_without_marks(written, name) -> None:
    assert canonical_agency(written) == name


def test_kind_from_the_plan() -> None:
    assert names("Công an chủ trì", "tỉnh") == ["Công an tỉnh"]
    assert names("Công an chủ trì", "xã") == ["Công an xã"]
    assert same_agency("so cong thuong", "Sở Công Thương")
    assert not same_agency("Sở Y tế", "Bộ Y tế")
    # the commune named after a body in a question is the plan's own body
    assert same_agency("Văn phòng Đảng ủy xã Bình Tân", "Văn phòng Đảng ủy")
    assert not same_agency("Văn phòng Đảng ủy xã Bình Tân", "Văn phòng UBND xã")


@pytest.mark.parametrize(("text", "want"), [
    # a province typed right after the name, without "tỉnh": "chính | phủ" is not read across
    ("nhiệm vụ của sở tài chính phú thọ là gì", ["Sở Tài chính Phú Thọ"]),
    ("nhiem vu cua so tai chinh phu tho la gi", ["Sở Tài chính Phú Thọ"]),
])
def test_a_place_after_a_name_ends_it(text, want) -> None:
    assert names(text) == want


def test_words_around_a_name_still_hide_it() -> None:
    # "hành chính phủ hợp" is two words, not the Government
    assert names("thủ tục hành chính phù hợp") == []
    assert names("thu tuc hanh chinh phu hop") == []


@pytest.mark.parametrize(("text", "want"), [
    # a ministry named like the province's department of its sector
    ("Bộ Thông tin và Truyền thông phối hợp", ["Bộ Thông tin và Truyền thông"]),
    # a syllable that, folded, is also a clause word ("tư"/"từ", "môi"/"mọi") inside a name
    ("BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG", ["Bộ Tài nguyên và Môi trường"]),
    ("bo ke hoach va dau tu", ["Bộ Kế hoạch và Đầu tư"]),
    # … while the clause word still ends a name where it is one
    ("Sở Kế hoạch và Đầu tư từ năm 2025", ["Sở Kế hoạch và Đầu tư"]),
    ("Sở Tài chính và mọi đơn vị", ["Sở Tài chính"]),
])
def test_names_with_clause_syllables(text, want) -> None:
    assert names(text) == want


def test_a_set_of_information_is_no_ministry() -> None:
    assert names("bộ thông tin dữ liệu dùng chung") == []


def test_commune_kinds_typed_without_commas() -> None:
    assert names("ubnd phuong xa dac khu o hcm phai lam gi") == ["UBND phường, xã, đặc khu"]
    assert names("Trạm Y tế xã Tân Phú") == ["Trạm Y tế xã Tân Phú"]


def test_a_list_of_commune_kinds_in_any_order_is_one_body() -> None:
    assert same_agency("UBND phường, xã, đặc khu", "UBND xã, phường, đặc khu")
    assert same_agency("ubnd phuong xa dac khu", "UBND xã, phường, đặc khu")
    assert not same_agency("UBND xã", "UBND xã, phường, đặc khu")


def test_a_clause_verb_after_a_place_kind_is_no_misspelt_commune() -> None:
    """"Hội Nông dân xã chủ trì …": "chủ trì" is the clause's verb, not "xã Thư Trì" one
    letter away; a real commune after the kind is still read."""
    names = [a.name for a in find_agencies(search_form("Hội Nông dân xã chủ trì tuyên truyền"))]
    assert names and not any("Thư Trì" in n for n in names), names
    names = [a.name for a in find_agencies(search_form("Hội Nông dân xã Tân Phú phối hợp"))]
    assert names == ["Hội Nông dân xã Tân Phú"]
