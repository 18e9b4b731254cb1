"""OCR-flattened appendix tables on synthetic lines: rows cut where their cells say, a
deadline cell wrapped over a row's line ends, a row whose lead cell the scan lost."""

from __future__ import annotations

from corpus.facts.common import _line
from corpus.facts.ocr_rows import _is_group
from corpus.facts.tables import _table_tasks, wrapped_deadline
from corpus.flat_rows import flat_rows as _rows
from corpus.models import Block, Document, PlanMeta, Segment

SEG = Segment(id="s1", doc_id="d", order=0, kind="row", text="", search="",
              heading_path=["Phụ lục"], page=3)
DOC = Document(id="d", path="/d.txt", sha256="d",
               meta=PlanMeta(number="9/KH-UBND", locality="Hòa Bình", locality_kind="phường"))


def lines(*raws: str):
    return [_line(SEG, r) for r in raws]


def blocks(*texts: str) -> list[Block]:
    return [Block(text=t, page=1, line=i + 1) for i, t in enumerate(texts)]


# ---- group rows and cell rules -----------------------------------------------------------------

def test_a_long_line_with_a_column_rule_inside_is_a_row_not_a_heading() -> None:
    heading, row = lines(
        "Tang cuong nang luc so cho doi ngu can bo, cong chuc, vien chuc va nguoi dan tren dia ban "
        "toan phuong trong giai doan toi",
        "Xay dung, van hanh kho du lieu dung chung cua phuong, khai thac | _ . . . | So Tai chinh "
        "Hoan thanh ket")
    assert len(heading.raw) > 100 and len(row.raw) > 100
    assert _is_group(heading) and not _is_group(row)


# ---- a deadline cell wrapped over the ends of a row's lines ------------------------------------

def test_deadline_cell_wrapped_over_three_line_ends_is_read_as_one() -> None:
    row = lines(
        "Xay dung, van hanh kho du lieu dung chung cua phuong, khai | _ . . | So Tai chinh Hoan thanh",
        "3 . Phong Kinh te . truoc ngay",
        "thac, chia se cho cac co quan cac don vi lien quan 15/10/2026")
    assert wrapped_deadline(row, "phuong") == "hoan thanh truoc ngay 15/10/2026"


def test_words_of_the_task_text_are_not_taken_for_a_wrapped_deadline() -> None:
    # "kế hoạch … trong năm" ends the task column: no date, so no deadline is made of it
    row = lines(
        "Xay dung ke hoach chuyen doi so cua phuong Phong Kinh te",
        "4 trien khai cac nhiem vu trong nam",
        "cac don vi lien quan")
    assert wrapped_deadline(row, "phuong") == ""


# ---- a row whose lead cell is unreadable -------------------------------------------------------

def test_row_with_unreadable_lead_keeps_its_task_and_deadline_without_a_lead() -> None:
    rows = lines(
        "Trien khai chuong trinh huong dan ky nang so den moi to dan pho, . < A RAL",
        "1 bang nhieu hinh thuc phu hop voi tung nhom doi tuong ?;S;lg t;]rerl]n\\?;l?he);%r?]%l, "
        "Cac phong, co quan chuyen Thang 10/2026",
        "va tung dia ban dan cu mon thuoc UBND phuong")
    [fact] = _table_tasks(DOC, rows)
    assert fact.lead == []  # not guessed: the readable agency is the coordinating column
    assert fact.support == ["Các phòng, cơ quan chuyên môn thuộc UBND phường"]
    assert (fact.deadline_kind, fact.due_date) == ("month", "2026-10-31")
    assert fact.text.startswith("Triển khai chương trình hướng dẫn")


# ---- rows of a flattened table (corpus.segment) ------------------------------------------------

def test_blank_separated_row_closes_after_its_wrapped_deadline_cell() -> None:
    region = blocks(
        "Xay dung ke hoach phat trien ha tang so cua phuong", "",
        "Phong Van hoa - Xa hoi", "",
        "Sau khi tinh", "phe duyet de", "an", "",
        "Bao dam hoat dong quan tri noi bo tren nen tang so", "",
        "Van phong HDND va UBND", "",
        "Thuong xuyen")
    rows = [[b.text for b in r] for _, r in _rows(region)]
    assert rows[0][-1] == "an" and rows[0][0].startswith("Xay dung")
    assert rows[1][0].startswith("Bao dam") and rows[1][-1] == "Thuong xuyen"


def test_a_deadline_like_task_text_does_not_close_its_row() -> None:
    # "Hoàn thành số hóa …" is a task cell (long), not a deadline cell
    region = blocks(
        "Hoan thanh so hoa quy trinh nghiep vu noi bo, ho so tai lieu, ket qua", "",
        "giai quyet thu tuc hanh chinh", "",
        "Phong Van hoa - Xa hoi", "",
        "Thuong xuyen")
    assert len(_rows(region)) == 1


def test_heading_row_spanning_the_table_is_the_group_of_the_rows_below() -> None:
    region = blocks(
        "Phat trien ha tang so dong bo, hien dai, ket noi thong suot giua cac co quan, don vi tren "
        "dia ban va voi cac he thong cua tinh;", "",
        "Nang cap mang noi bo cua cac co quan tren dia ban phuong", "",
        "Phong Van hoa - Xa hoi", "",
        "Thuong xuyen")
    kinds = [(k, r[0].text[:8]) for k, r in _rows(region)]
    assert kinds == [("group", "Phat tri"), ("row", "Nang cap")]


def test_first_row_top_line_under_a_heading_row_joins_its_numbered_row() -> None:
    region = blocks(
        "| Phat trien ha tang so dong bo, hien dai, ket noi thong suot giua cac co quan, don vi tren "
        "dia ban phuong",
        "Lap dat he thong camera giam sat",
        "1 tai cac nut giao thong chinh Cong an phuong Thang 6/2026",
        "va noi cong cong")
    out = [(k, [b.text[:10] for b in r]) for k, r in _rows(region)]
    assert out[0][0] == "group"
    assert out[1][1][:2] == ["Lap dat he", "1 tai cac "]


# ---- a lead-less row in a deadline list (intents/due.py) ---------------------------------------

def test_deadline_list_line_of_a_row_without_lead_names_no_empty_agency() -> None:
    from datetime import date

    from corpus.fact_query import FactRow
    from corpus.models import Fact
    from intents.due import _line
    from intents.models import Query

    fact = Fact(id="f", doc_id="d", segment_id="s1", kind="task", page=3,
                text="Triển khai chương trình hướng dẫn kỹ năng số", lead=[],
                support=["Các phòng, cơ quan chuyên môn thuộc UBND phường"],
                deadline_text="Tháng 10/2026", deadline_kind="month", due_date="2026-10-31")
    row = FactRow(fact=fact, document=DOC, due=date(2026, 10, 31))
    line = _line(Query(text="q", search="q"), row, date(2026, 10, 1))
    assert line.startswith("• 31/10/2026 · Triển khai chương trình hướng dẫn")
    assert "— —" not in line and "— hạn: Tháng 10/2026" in line


def test_task_cell_end_read_after_the_wrapped_deadline_stays_in_its_row() -> None:
    # OCR read the last line of the task cell after the deadline cell: a cell starts with a
    # capital, so the lower-case block belongs to the row above
    region = blocks(
        "Ho tro nguoi dan su dung nen tang so, uu tien cac", "",
        "Phong Van hoa - Xa hoi", "",
        "Nam 2025 va", "nhung nam tiep", "theo", "",
        "xa vung cao, vung sau", "",
        "Trien khai nen tang so dung chung cua phuong", "",
        "Van phong HDND va UBND", "",
        "Thuong xuyen")
    rows = [[b.text for b in r] for _, r in _rows(region)]
    assert rows[0][0].startswith("Ho tro") and "xa vung cao, vung sau" in rows[0]
