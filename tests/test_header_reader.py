"""The header of plans the reader was not built on: headers written for this test in the
shapes web pages, DOCX tables and older plans give them (a cell per line, a name broken
over lines, a former province, no kind line, a national body known by its number's code),
and texts that are not plans at all."""

from __future__ import annotations

import pytest

from corpus import places
from corpus.metadata import extract_metadata
from corpus.models import Block, LoadedDocument
from corpus.normalize import fold


def _meta(text: str):
    blocks = [Block(text=t, line=i + 1) for i, t in enumerate(text.splitlines())]
    return extract_metadata(LoadedDocument(path="/nonexistent/h.txt", sha256="h",
                                           format="txt", blocks=blocks))


def _same(a: str, b: str) -> bool:
    return fold(a).replace(" ", "") == fold(b).replace(" ", "")


def test_header_broken_over_lines_by_a_page() -> None:
    m = _meta("ỦY\nBAN NHÂN DÂN\nTỈNH QUẢNG TRỊ\n-------\n|\nCỘNG\n"
              "HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n|\nSố:\n"
              "21/2024/QĐ-UBND\n|\nQuảng\nTrị, ngày 5 tháng\n3 năm 2024\n|\nQUYẾT ĐỊNH\n"
              "BAN HÀNH QUY CHẾ LÀM VIỆC\nCăn cứ Luật Tổ chức chính quyền địa phương;\n"
              "Điều 1. Ban hành kèm theo Quyết định này Quy chế làm việc.")
    assert (m.kind, m.number, m.issuer) == ("Quyết định", "21/2024/QĐ-UBND",
                                            "UBND tỉnh Quảng Trị")
    assert (m.locality, m.province, m.date) == ("Quảng Trị", "Quảng Trị", "05/03/2024")
    assert m.issues == "" and not m.warning  # a Quy chế is not a plan it issues


def test_former_province_is_not_snapped_to_a_current_one() -> None:
    # Hà Giang and Hải Dương were provinces until 2025; a near current name must not win
    for name in ("HÀ GIANG", "HẢI DƯƠNG"):
        m = _meta(f"ỦY BAN NHÂN DÂN\nTỈNH {name}\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                  f"Số: 88/KH-UBND\n{name.title()}, ngày 2 tháng 6 năm 2023\nKẾ HOẠCH\n"
                  "Chuyển đổi số năm 2023")
        assert _same(m.locality, name) and _same(m.province, name)
        assert _same(m.issuer, f"UBND tỉnh {name}")


def test_former_commune_takes_its_province_from_the_first_page() -> None:
    unit = places.former("Dân Lực", "xã")
    assert unit is not None and unit.province == "Thanh Hóa"
    m = _meta("UỶ BAN NHÂN DÂN\nXÃ DÂN LỰC\nSố: 12/KH-UBND\nCỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
              "Dân Lực, ngày 18 tháng 02 năm 2021\nKẾ HOẠCH\nTuyên truyền bầu cử\n"
              "Thực hiện Kế hoạch của UBND tỉnh Thanh Hóa;")
    assert (m.issuer, m.locality, m.province) == ("UBND xã Dân Lực", "Dân Lực", "Thanh Hóa")


def test_table_header_without_the_unit_line_takes_the_date_place() -> None:
    # a page that dropped "TỈNH LẠNG SƠN": the place before the date is the province
    m = _meta("ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
              "Số: 40/KH-UBND | Lạng Sơn, ngày 9 tháng 1 năm 2026\nKẾ HOẠCH HÀNH ĐỘNG\n"
              "PHÁT TRIỂN DỮ LIỆU SỐ\nThực hiện Quyết định của Thủ tướng Chính phủ;")
    assert (m.kind, m.number, m.issuer) == ("Kế hoạch", "40/KH-UBND", "UBND tỉnh Lạng Sơn")
    assert m.date == "09/01/2026" and m.title.startswith("Phát triển")


def test_no_kind_line_the_number_gives_the_kind_and_the_preamble_ends_the_header() -> None:
    m = _meta("ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
              "Số: 77/KH-UBND | Cao Bằng, ngày 3 tháng 4 năm 2025\n"
              "CHUYỂN ĐỔI SỐ TỈNH CAO BẰNG NĂM 2025\n"
              "- Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị;\n"
              "Căn cứ Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ;")
    assert (m.kind, m.number, m.issuer, m.date) == ("Kế hoạch", "77/KH-UBND",
                                                    "UBND tỉnh Cao Bằng", "03/04/2025")
    assert not m.warning


def test_national_body_known_by_the_code_of_its_number() -> None:
    m = _meta("Số: 15/2023/QĐ-TTg |\nHà Nội, ngày 10 tháng 5 năm 2023 |\n"
              "Căn cứ Luật Tổ chức Chính phủ;\n"
              "Điều 1. Phê duyệt Chương trình hỗ trợ doanh nghiệp chuyển đổi số.")
    assert (m.number, m.issuer, m.kind, m.issues) == ("15/2023/QĐ-TTg", "Thủ tướng Chính phủ",
                                                      "Quyết định", "Chương trình")


def test_standing_committee_over_two_lines_and_a_number_without_kind_code() -> None:
    m = _meta("ỦY BAN THƯỜNG VỤ\nQUỐC HỘI\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
              "Nghị quyết số: 101/2024/UBTVQH15\nHà Nội, ngày 1 tháng 2 năm 2024\nNGHỊ QUYẾT\n"
              "VỀ VIỆC SẮP XẾP ĐƠN VỊ HÀNH CHÍNH")
    assert (m.kind, m.number, m.issuer) == ("Nghị quyết", "101/2024/UBTVQH15",
                                            "Ủy ban Thường vụ Quốc hội")
    assert m.locality == "" and not m.warning


def test_truncated_ministry_is_named_by_the_authority_line() -> None:
    m = _meta("BỘ TÀI NGUYÊN VÀ | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n"
              "Số: 300/QĐ-BTNMT | Hà Nội, ngày 4 tháng 3 năm 2022 |\n"
              "PHÊ DUYỆT ĐỀ ÁN QUAN TRẮC\nBỘ TRƯỞNG BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG\n"
              "Căn cứ Nghị định số 68/2022/NĐ-CP;\nQUYẾT ĐỊNH:\n"
              "Điều 1. Phê duyệt Đề án quan trắc môi trường.\n"
              "KT. BỘ TRƯỞNG\nTHỨ TRƯỞNG\nLê Văn Bình")
    assert (m.kind, m.issues) == ("Quyết định", "Đề án")
    assert _same(m.issuer, "Bộ Tài nguyên và Môi trường")
    assert m.signer == "Lê Văn Bình"


def test_decision_whose_preamble_cites_a_plan_issues_none() -> None:
    m = _meta("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ ĐÀ NẴNG\nSố: 90/QĐ-UBND\n"
              "Đà Nẵng, ngày 7 tháng 7 năm 2025\nQUYẾT ĐỊNH\nCÔNG BỐ DANH MỤC THỦ TỤC\n"
              "Căn cứ Quyết định số 1/QĐ-TTg về việc ban hành Kế hoạch rà soát;\n"
              "QUYẾT ĐỊNH:\nĐiều 1. Công bố danh mục thủ tục hành chính.")
    assert m.kind == "Quyết định" and m.issues == ""


def test_blank_day_gives_month_and_year() -> None:
    m = _meta("UBND XÃ PHONG THỔ\nSố:    /KH-UBND\nPhong Thổ, ngày\ntháng 4 năm 2025\n"
              "KẾ HOẠCH\nChuyển đổi số")
    assert m.date == "04/2025" and m.number == ""


@pytest.mark.parametrize("text", [
    # a news article about a plan: no header block
    "12/03/2025\nXã Tân Phú triển khai kế hoạch chuyển đổi số năm 2025 trên địa bàn.\n"
    "Sáng ngày 12/3, UBND xã Tân Phú tổ chức hội nghị triển khai Kế hoạch số 15/KH-UBND "
    "về chuyển đổi số, với sự tham dự của lãnh đạo Đảng ủy, các ban ngành và tổ công nghệ.",
    # an outline for propaganda: a kind that is not a plan's
    "ĐỀ CƯƠNG TUYÊN TRUYỀN VỀ CHUYỂN ĐỔI SỐ\nI. Căn cứ\nCăn cứ Nghị quyết số 57-NQ/TW ngày "
    "22/12/2024 của Bộ Chính trị;",
])
def test_texts_that_are_not_plans(text: str) -> None:
    m = _meta(text)
    assert m.warning and "không phải một kế hoạch" in m.warning
    assert (m.issuer, m.locality, m.date) == ("", "", "")
    assert m.number != "57-NQ/TW"  # a number the body cites is not the document's


def test_letter_keeps_its_number_and_warns() -> None:
    m = _meta("VĂN PHÒNG CHÍNH PHỦ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 101/VPCP-KGVX\n"
              "V/v triển khai chuyển đổi số\nHà Nội, ngày 6 tháng 1 năm 2025\n"
              "Kính gửi: Bộ Nội vụ.\nThủ tướng Chính phủ có ý kiến như sau:")
    assert (m.number, m.issuer, m.date) == ("101/VPCP-KGVX", "Văn phòng Chính phủ", "06/01/2025")
    assert m.warning


def test_forced_non_plan_is_not_cited_as_a_plan() -> None:
    from corpus.models import Document

    m = _meta("VĂN PHÒNG CHÍNH PHỦ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 7/VPCP-KTTH\n"
              "Hà Nội, ngày 6 tháng 1 năm 2025\nKính gửi: Bộ Tài chính.")
    label = Document(id="d", path="/tmp/x.txt", sha256="d", meta=m).label()
    assert label == "Văn bản 7/VPCP-KTTH – Văn phòng Chính phủ"


def test_kind_line_decides_over_the_number_code() -> None:
    # Party numbers use QĐ for a Quy định too: the kind line says what the text is
    m = _meta("BAN CHẤP HÀNH TRUNG ƯƠNG\nĐẢNG CỘNG SẢN VIỆT NAM\nSố: 12-QĐ/TW\n"
              "Hà Nội, ngày 3 tháng 3 năm 2024\nQUY ĐỊNH\nVỀ CÔNG TÁC KIỂM TRA")
    assert (m.kind, m.number) == ("Quy định", "12-QĐ/TW") and m.warning
    # a plan whose kind line is illegible is still a plan by its number
    m = _meta("UBND XÃ AN BÌNH\nSố: 9/KH-UBND\nAn Bình, ngày 1 tháng 7 năm 2025\n"
              "Chuyển đổi số năm 2025\nCăn cứ Kế hoạch của UBND tỉnh;")
    assert m.kind == "Kế hoạch" and not m.warning


def test_blank_blocks_do_not_push_the_kind_line_out_of_the_header() -> None:
    # a DOCX whose header cells and spacing give an empty block after every line
    lines = ["ỦY BAN NHÂN DÂN", "TỈNH CAO BẰNG", "-------", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
             "Độc lập - Tự do - Hạnh phúc", "---------------", "Số: 61/KH-UBND",
             "Cao Bằng, ngày 2 tháng 6 năm 2025", "", "", "", "", "KẾ HOẠCH",
             "Phát triển hạ tầng số", "Căn cứ Luật Tổ chức chính quyền địa phương;"]
    m = _meta("\n\n".join(lines))
    assert (m.kind, m.number, m.issuer, m.date) == ("Kế hoạch", "61/KH-UBND",
                                                    "UBND tỉnh Cao Bằng", "02/06/2025")
    assert m.title == "Phát triển hạ tầng số"


def test_former_district_body() -> None:
    m = _meta("ỦY BAN NHÂN DÂN\nHUYỆN TRIỆU SƠN\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
              "Số: 661/KH-UBND\nTriệu Sơn, ngày 05 tháng 02 năm 2021\nKẾ HOẠCH\nTuyên truyền")
    assert (m.issuer, m.locality_kind, m.province) == ("UBND huyện Triệu Sơn", "huyện",
                                                       "Thanh Hóa")


@pytest.mark.parametrize("line", ["Hà Nội, ngày 24/12/2025", "Hà Nội, ngày 24-12-2025",
                                  "Hà Nội, ngày 24.12.2025"])
def test_numeric_date_lines(line: str) -> None:
    m = _meta(f"BỘ NỘI VỤ\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 5/KH-BNV\n{line}\nKẾ HOẠCH\n"
              "Chuyển đổi số")
    assert m.date == "24/12/2025" and m.issuer == "Bộ Nội vụ"


def test_title_that_begins_on_the_kind_line() -> None:
    m = _meta("UBND XÃ AN BÌNH\nSố: 3/KH-UBND\nAn Bình, ngày 1 tháng 7 năm 2025\n"
              "KẾ HOẠCH CHUYỂN ĐỔI SỐ\nNĂM 2025\n\nCăn cứ Kế hoạch của UBND tỉnh;")
    assert m.kind == "Kế hoạch" and m.title == "Chuyển đổi số năm 2025"
