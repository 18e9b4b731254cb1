"""Facts from the bundled plans: tasks, duties and targets pinned to what each plan says,
deadline normalisation, agency canonicalisation, the fact query and `run_bot.py facts`."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from bot.exports import to_ics
from corpus.agencies import canonical_agency, find_agencies, same_agency
from corpus.fact_query import FactQueryError, report_dates, select_facts
from corpus.facts import vi_deadline
from corpus.models import Document, Fact, PlanMeta
from corpus.normalize import fold, search_form
from corpus.pipeline import read_plan
from corpus.values import (
    find_amounts,
    find_percentages,
    find_timex,
    normalise_deadline,
    report_deadlines,
    row_numbers,
)

ROOT = Path(__file__).resolve().parent.parent


def facts_of(parsed, key: str, kind: str) -> list[Fact]:
    return [f for f in parsed[key].facts if f.kind == kind]


def _close(a: str, b: str) -> bool:
    return a == b or (len(a) == len(b) > 1 and sum(x != y for x, y in zip(a, b, strict=True)) == 1)


def _holds(text: str, phrase: str) -> bool:
    """The phrase's words, in order, in the OCR text, one letter of slack per word."""
    tw, pw = (re.sub(r"[^\w%/\s]", " ", search_form(t)).split() for t in (text, phrase))
    return any(all(_close(t, p) for t, p in zip(tw[i:i + len(pw)], pw, strict=True))
               for i in range(len(tw) - len(pw) + 1))


def one(parsed, key: str, kind: str, *phrases: str) -> Fact:
    """The single fact of `kind` whose text holds every phrase (OCR letters aside)."""
    hits = [f for f in facts_of(parsed, key, kind) if all(_holds(f.text, p) for p in phrases)]
    assert len(hits) == 1, [f.text for f in hits] or f"no {kind} with {phrases} in {key}"
    return hits[0]


# ---- Bình Tân (27-KH/ĐU): field-list tasks in the appendix ----------------------------------


def test_binh_tan_tasks_have_lead_and_normalised_deadline(parsed) -> None:
    f = one(parsed, "binh_tan", "task", "thanh lap ban chi dao cap xa")
    assert f.lead == ["Văn phòng Đảng ủy"] and f.support == []
    assert f.deadline_text == "Hoàn thành trong tháng 11 năm 2025"
    assert (f.deadline_kind, f.due_date) == ("month", "2025-11-30")
    assert f.page == 14 and "Phụ lục" in f.section

    f = one(parsed, "binh_tan", "task", "hoach to chuc hoc tap, quan triet")
    assert f.lead == ["Ban Xây dựng Đảng"]
    assert (f.deadline_text, f.deadline_kind, f.due_date) == (
        "Hoàn thành trong Quý III năm 2025", "quarter", "2025-09-30")

    f = one(parsed, "binh_tan", "task", "chuyen de, chuyen trang, chuyen muc")
    assert f.lead == ["Ban Xây dựng Đảng", "Văn phòng Đảng ủy", "Văn phòng UBND xã"]
    assert f.due_date == "2025-12-31"

    f = one(parsed, "binh_tan", "task", "de an/ke hoach chuyen doi so trong cac co quan dang")
    assert f.lead == ["Văn phòng Đảng ủy"]
    assert (f.deadline_kind, f.due_date) == ("year", "2026-12-31")

    f = one(parsed, "binh_tan", "task", "ke hoach phat trien cong dan so toan dien")
    assert f.lead == ["Công an xã"] and f.due_date == "2025-12-31"

    f = one(parsed, "binh_tan", "task", "truong hoc thong minh")
    assert f.lead == ["Phòng Văn hóa - Xã hội"]
    assert (f.deadline_text, f.deadline_kind, f.due_date) == ("Thực hiện thường xuyên",
                                                              "ongoing", None)


def test_binh_tan_every_field_list_task_is_a_fact(parsed) -> None:
    tasks = facts_of(parsed, "binh_tan", "task")
    # 23 items with "Cơ quan chủ trì" in the appendix, and "Giao Văn phòng Đảng ủy … chủ trì"
    assert len(tasks) == 24
    assert all(t.lead and t.text[:1].isupper() and not t.text[:1].isdigit() for t in tasks)
    prose = one(parsed, "binh_tan", "task", "van hanh he thong theo doi, giam sat chung")
    assert prose.lead == ["Văn phòng Đảng ủy"] and prose.deadline_kind == ""


def test_binh_tan_duties_and_report_rhythm(parsed) -> None:
    f = one(parsed, "binh_tan", "duty", "che do bao cao, so ket, tong ket")
    assert f.lead == ["UBND xã"]
    assert (f.deadline_text, f.deadline_kind) == ("định kỳ 3 tháng, 6 tháng, 1 năm", "recurring")
    f = one(parsed, "binh_tan", "duty", "thong tin, bao cao dinh ky")
    assert f.lead == ["Các ban Đảng", "UBND xã", "Ủy ban MTTQ Việt Nam"]
    f = one(parsed, "binh_tan", "duty", "ban xay dung dang: chu tri")
    assert f.lead == ["Ban Xây dựng Đảng"]
    # a clause under "Trách nhiệm của UBND xã" that names Ban Chỉ đạo in its body
    f = one(parsed, "binh_tan", "duty", "tham muu, de xuat voi ban chi dao")
    assert f.lead == ["UBND xã"]


def test_binh_tan_target_rows_map_onto_the_year_columns(parsed) -> None:
    f = one(parsed, "binh_tan", "target", "to chuc khoa hoc cong nghe")
    assert f.values == {"2025": "> 3", "2030": "> 4", "2035": "> 5", "2040": "> 15",
                        "2045": "> 30"}
    assert f.lead == ["Phòng Văn hóa - Xã hội"] and f.comparison == ">"
    f = one(parsed, "binh_tan", "target", "dien toan dam may")
    assert f.values == {"2025": "> 20%", "2030": "> 50%", "2035": "> 70%", "2040": "90%",
                        "2045": "100%"}
    assert f.unit == "%"
    # a row laid out one cell per line
    f = one(parsed, "binh_tan", "target", "phan mem quan tri dieu hanh thong nhat")
    assert set(f.values.values()) == {"100%"} and sorted(f.values) == ["2025", "2030", "2035",
                                                                       "2040", "2045"]
    f = one(parsed, "binh_tan", "target", "TMDT")
    assert f.values["2045"] == "40%" and f.lead == ["Phòng Kinh tế"]


def test_garbled_target_rows_stay_segments(parsed) -> None:
    values = [v for f in facts_of(parsed, "binh_tan", "target") for v in f.values.values()]
    assert not any(v.endswith("%") and float(v.split()[-1].rstrip("%").replace(",", ".")) > 100
                   for v in values)  # "=230%" (≥30%) is not a value


def test_index_row_lost_its_commas(parsed) -> None:
    # "Chỉ số chuyển đổi số >06 | =07 | =08 | =09 | >1": a row rising to 1 is an index whose
    # commas OCR lost ("=" is its reading of "≥")
    f = one(parsed, "binh_tan", "target", "chuyen doi so")
    assert f.values == {"2025": "> 0,6", "2030": "≥ 0,7", "2035": "≥ 0,8", "2040": "≥ 0,9",
                        "2045": "> 1"}


def test_one_value_under_two_year_columns_has_no_year(parsed) -> None:
    # Lộc Tân's appendix has one value under two year columns (2030, 2045): the value is
    # kept without a year rather than given a guessed one
    rows = [f for f in facts_of(parsed, "loc_tan", "target") if "Phụ lục" in f.section]
    assert rows and all(list(f.values) == [""] for f in rows)
    f = one(parsed, "loc_tan", "target", "tai khoan giao dich")
    assert f.values == {"": "95%"}


def test_prose_level_with_comparison(parsed) -> None:
    # "(HDI) duy trì trên 0,7": a level without a unit, with its comparison
    f = one(parsed, "loc_tan", "target", "con nguoi viet nam")
    assert f.values == {"2030": "> 0,7"} and f.comparison == "trên"


# ---- Trần Liễu (79/KH-UBND): the appendix task table and target tables --------------------


def test_tran_lieu_task_rows_have_lead_support_and_deadline(parsed) -> None:
    f = one(parsed, "tran_lieu", "task", "chuong trinh chuyen biet", "truyen hinh")
    assert f.lead == ["Trung tâm Văn hóa, Thể thao và Truyền thông"]
    assert f.support == ["Các phòng, cơ quan chuyên môn thuộc UBND phường"]
    assert (f.deadline_text, f.deadline_kind) == ("Thường xuyên", "ongoing")

    f = one(parsed, "tran_lieu", "task", "chuong trinh dao tao, boi duong")
    assert f.lead == ["Phòng Văn hóa - Xã hội"]
    assert (f.deadline_text, f.due_date) == ("Tháng 9/2025", "2025-09-30")

    f = one(parsed, "tran_lieu", "task", "quy tac ung xu tren moi truong so cho can bo")
    assert f.lead == ["Phòng Văn hóa - Xã hội"]
    assert (f.deadline_text, f.deadline_kind) == ("Sau khi thành phố ban hành bộ quy tắc",
                                                  "condition")

    f = one(parsed, "tran_lieu", "task", "ra soat cac quy dinh phap luat")
    assert f.lead == ["Các cơ quan chuyên môn, đơn vị thuộc phường", "Công an phường"]
    assert f.support == ["Các đơn vị liên quan"]

    f = one(parsed, "tran_lieu", "task", "nong nghiep va moi truong")
    assert f.lead == ["Phòng Kinh tế, Hạ tầng và Đô thị"]
    assert f.deadline_text == "Theo dự án được thành phố phê duyệt"

    f = one(parsed, "tran_lieu", "task", "chung thu so")
    assert f.lead == ["Phòng Văn hóa - Xã hội"] and f.due_date == "2025-12-31"

    f = one(parsed, "tran_lieu", "task", "ke hoach de phat trien", "2026-2030")
    assert (f.deadline_text, f.deadline_kind, f.due_date) == ("2025-2030", "range", "2030-12-31")

    f = one(parsed, "tran_lieu", "task", "bao ve nguoi dan tren khong gian mang")
    assert f.lead == ["Công an phường"]


def test_tran_lieu_task_table_yields_most_rows_and_no_wrong_lead(parsed) -> None:
    tasks = facts_of(parsed, "tran_lieu", "task")
    assert len(tasks) >= 38
    # "… thuộc UBND phường" is part of the coordinating column, never a lead
    assert not [t for t in tasks if "UBND phường" in t.lead]
    # the first row's lead cell is unreadable OCR: the task and its deadline without a lead
    # rather than a wrong one (the collective coordinating cell is not taken for it)
    first = [t for t in tasks if "tuyen truyen thuong xuyen, sau rong" in search_form(t.text)]
    assert [(t.lead, t.deadline_kind, t.due_date) for t in first] == [([], "month", "2025-09-30")]


def test_tran_lieu_targets_from_both_appendices(parsed) -> None:
    f = one(parsed, "tran_lieu", "target", "giao dich khong dung tien mat")
    assert f.values == {"2030": "> 85%"} and f.lead == ["Phòng Kinh tế, Hạ tầng và Đô thị"]
    f = one(parsed, "tran_lieu", "target", "su dung dich vu cong truc tuyen")
    assert f.values == {"2030": "80%"} and f.lead == ["Trung tâm Phục vụ hành chính công"]
    f = one(parsed, "tran_lieu", "target", "cau lac bo khoi nghiep")
    assert f.values == {"2045": "100%"}  # the "Đến năm 2045" group row above it
    f = one(parsed, "tran_lieu", "target", "phu song 5G tren dia ban")
    assert f.values == {"2025": "> 60%", "2030": "100%", "2035": "100%", "2040": "100%",
                        "2045": "100%"}
    f = one(parsed, "tran_lieu", "target", "doanh nghiep vua va nho dia phuong")
    assert f.values == {"2025": "> 30%", "2030": "60%", "2035": "> 85%", "2040": "> 95%",
                        "2045": "100%"}


def test_tran_lieu_report_deadline_duty(parsed) -> None:
    f = one(parsed, "tran_lieu", "duty", "30/11")
    assert f.lead == ["Các cơ quan, đơn vị"]
    assert (f.deadline_text, f.deadline_kind) == ("báo cáo hằng năm: trước ngày 30/11",
                                                  "recurring")
    f = one(parsed, "tran_lieu", "duty", "bo tri nguon kinh phi")
    assert f.lead == ["Phòng Kinh tế, Hạ tầng và Đô thị"]


# ---- Lộc Tân, Phong Thổ, An Hảo: duties and prose targets ---------------------------------


def test_loc_tan_report_deadlines(parsed) -> None:
    f = one(parsed, "loc_tan", "duty", "tong hop bao cao dinh ky")
    assert f.lead == ["Phòng Văn hóa - Xã hội"]
    assert f.deadline_text == "báo cáo 6 tháng: trước ngày 15/6; hằng năm: trước ngày 10/12"
    assert report_dates(f) == [("6 tháng", 15, 6, None), ("hằng năm", 10, 12, None)]
    f = one(parsed, "loc_tan", "duty", "trach nhiem tap trung chi dao")
    assert (f.deadline_kind, f.due_date) == ("year", "2025-12-31")
    assert f.deadline_text.startswith("hoàn thành trong năm 2025; báo cáo 6 tháng")
    assert not facts_of(parsed, "loc_tan", "task")  # the plan gives no task a lead


def test_loc_tan_prose_targets_by_2030_and_2045(parsed) -> None:
    f = one(parsed, "loc_tan", "target", "dich vu cong truc tuyen")
    assert f.values == {"2030": "> 90%"} and f.comparison == "trên"
    f = one(parsed, "loc_tan", "target", "nang suat nhan to tong hop")
    assert f.values == {"2030": "≥ 30%"} and f.comparison == "từ … trở lên"
    # one letter of slack per word: the reading copy still writes this "Quý mẹ kinh tế sẽ"
    f = next(t for t in facts_of(parsed, "loc_tan", "target")
             if _holds(t.text, "quy mo kinh te so") and "2030" in t.values)
    assert f.values == {"2030": "≥ 30% GDP"} and f.comparison == "tối thiểu"
    f = [t for t in facts_of(parsed, "loc_tan", "target") if "2045" in t.values]
    assert [t.values for t in f] == [{"2045": "≥ 40% GRDP"}]


def test_phong_tho_targets_take_the_year_of_their_section(parsed) -> None:
    f = one(parsed, "phong_tho", "target", "ty trong kinh te so")
    assert f.values == {"2030": "khoảng 9-10% GRDP"} and f.comparison == "khoảng"
    f = one(parsed, "phong_tho", "target", "su dung dich vu cong truc tuyen cua nguoi dan")
    assert f.values == {"2030": "≥ 80%"}
    f = one(parsed, "phong_tho", "target", "ket qua giai quyet thu tuc hanh chinh dien tu toan xa")
    assert f.values == {"2026": "80%"}  # "năm 2026" section of the plan
    f = one(parsed, "phong_tho", "target", "nghien cuu khoa hoc")
    assert f.values == {"2030": "10 người/vạn dân"}
    # results of 2021-2025 ("đạt 73.15%", "là 98%") are not targets
    values = {v for t in facts_of(parsed, "phong_tho", "target") for v in t.values.values()}
    assert not values & {"73.15%", "98%", "70%"} or all(
        "2021" not in t.values for t in facts_of(parsed, "phong_tho", "target"))
    assert {y for t in facts_of(parsed, "phong_tho", "target") for y in t.values} == {"2026",
                                                                                     "2030"}


def test_phong_tho_duties(parsed) -> None:
    f = one(parsed, "phong_tho", "duty", "chu tri phoi hop", "toan dien")
    assert f.lead == ["Phòng Văn hóa - Xã hội"]
    assert (f.deadline_text, f.deadline_kind) == ("định kỳ hằng quý", "recurring")
    assert one(parsed, "phong_tho", "duty", "du lieu dan cu").lead == ["Công an xã"]
    assert one(parsed, "phong_tho", "duty", "cai dat").lead == ["Tổ công nghệ số cộng đồng"]


def test_an_hao_goals_and_duties(parsed) -> None:
    f = one(parsed, "an_hao", "target", "ho so cong viec so hoa")
    assert f.values == {"2030": "90%"}
    f = one(parsed, "an_hao", "target", "thu nhap binh quan")
    assert f.values == {"2030": "72 triệu đồng/người/năm"}
    f = one(parsed, "an_hao", "target", "ky nang so co ban")
    assert f.values == {"2026": "100%"}
    f = one(parsed, "an_hao", "duty", "truc tiep chi dao ban chi dao")
    assert f.lead == ["Thường trực Đảng ủy"]
    f = one(parsed, "an_hao", "duty", "van dong hoi vien")
    assert f.lead == ["Ủy ban MTTQ Việt Nam", "Các tổ chức chính trị - xã hội"]
    assert not facts_of(parsed, "an_hao", "task")


def test_every_fact_points_at_its_segment(parsed) -> None:
    for p in parsed.values():
        segs = {s.id: s for s in p.segments}
        ids = [f.id for f in p.facts]
        assert len(ids) == len(set(ids))
        for f in p.facts:
            assert f.segment_id in segs and f.page == segs[f.segment_id].page
            # a task has its lead, or its deadline when the scan lost the lead cell
            assert f.text and (f.kind != "task" or f.lead or f.deadline_kind)


# ---- deadlines --------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("Hoàn thành trong tháng 11 năm 2025", ("month", "2025-11-30")),
    ("Hoan thanh trong thang 11 ndm 2025", ("month", "2025-11-30")),
    ("Tháng 9/2025", ("month", "2025-09-30")),
    ("Théng 12/2025", ("month", "2025-12-31")),
    ("Quý III/2025", ("quarter", "2025-09-30")),
    ("Hoàn thành trong Quý III năm 2025", ("quarter", "2025-09-30")),
    ("quý 1 năm 2026", ("quarter", "2026-03-31")),
    ("trước ngày 15/6/2026", ("date", "2026-06-15")),
    ("31/02/2025", ("date", None)),
    ("Hoàn thành trong năm 2026", ("year", "2026-12-31")),
    ("2025-2030", ("range", "2030-12-31")),
    ("Thường xuyên", ("ongoing", None)),
    ("Thực hiện thường xuyên", ("ongoing", None)),
    ("Năm 2025 và những năm tiếp theo", ("ongoing", None)),
    ("hằng năm", ("recurring", None)),
    ("trước ngày 10/12", ("recurring", None)),
    ("Sau khi thành phố ban hành bộ quy tắc", ("condition", None)),
    ("Theo dự án được thành phố phê duyệt", ("condition", None)),
    ("", ("", None)),
])
def test_normalise_deadline(text, expected) -> None:
    assert normalise_deadline(text) == expected
    assert normalise_deadline(unicodedata.normalize("NFD", text)) == expected


def test_deadline_shown_with_its_marks() -> None:
    assert vi_deadline("Hoan thanh trong thang 11 nam 2025") == \
        "Hoàn thành trong tháng 11 năm 2025"
    assert vi_deadline("theo tien do cua ubnd thanh pho") == "Theo tiến độ của UBND thành phố"
    assert vi_deadline("Thyc hién thuong xuyén") == "Thực hiện thường xuyên"


# ---- one reader of values and time expressions (corpus.values) ---------------------------


@pytest.mark.parametrize(("text", "display", "shown", "comparison"), [
    ("Tỷ lệ … đạt tối thiểu 30% GDP", "≥30% GDP", "≥ 30% GDP", "tối thiểu"),
    ("toi thiéu 30% GDP", "≥30% GDP", "≥ 30% GDP", "tối thiểu"),  # OCR "thiéu"
    ("trên 85% giao dịch", ">85%", "> 85%", "trên"),
    ("khoảng 9-10% GRDP", "khoảng 9-10% GRDP", "khoảng 9-10% GRDP", "khoảng"),
    ("từ 30% trở lên", "≥30%", "≥ 30%", "từ … trở lên"),
    ("đạt >= 80%", "≥80%", "≥ 80%", "≥"),
    ("tối đa 5%", "≤5%", "≤ 5%", "tối đa"),
    ("90 phần trăm hồ sơ", "90%", "90%", ""),
])
def test_percentages_with_their_comparison(text, display, shown, comparison) -> None:
    [q] = find_percentages(search_form(text))
    assert (q.display, q.shown, q.comparison, q.repaired) == (display, shown, comparison, False)


def test_ocr_two_for_at_least_is_read_but_marked(parsed) -> None:
    [q] = find_percentages(search_form("Tỷ lệ người dân có chữ ký số =230%"))
    assert (q.display, q.repaired) == ("≥30%", True)
    [cell] = row_numbers(search_form("Ty le nguoi dan co chu ky so | 10 | 230 | 40"), rate=True)[1:2]
    assert cell.display == "≥30%"
    # an answer may quote it so; the fact extractor does not guess: the row stays a segment
    assert not [f for f in facts_of(parsed, "binh_tan", "target") if _holds(f.text, "chu ky so")]


def test_money_and_per_capita_amounts() -> None:
    [q] = find_amounts(search_form("thu nhập bình quân đạt 72 triệu đồng/người/năm"))
    assert q.shown == "72 triệu đồng/người/năm"
    [q] = find_amounts(search_form("10 người trên một vạn dân"))
    assert q.shown == "10 người/vạn dân"


@pytest.mark.parametrize(("text", "kind", "display", "deadline"), [
    ("hoàn thành trong Quý III/2025", "quarter", "Quý III/2025", ("quarter", "2025-09-30")),
    ("Théng 12/2025", "month", "tháng 12/2025", ("month", "2025-12-31")),
    ("ngày 14 thông 7 năm 2025", "date", "14/7/2025", ("date", "2025-07-14")),
    ("trước ngày 15/6", "before", "trước ngày 15/6", ("recurring", None)),
    ("giai đoạn 2026-2030", "range", "giai đoạn 2026-2030", ("range", "2030-12-31")),
    ("thực hiện thường xuyên", "recurring", "thường xuyên", ("ongoing", None)),
    ("định kỳ hằng quý", "recurring", "định kỳ hằng quý", ("recurring", None)),
    ("sau khi thành phố ban hành", "condition", "sau khi thanh pho ban hanh", ("condition", None)),
])
def test_time_expressions_and_their_deadline(text, kind, display, deadline) -> None:
    [t] = find_timex(search_form(text))
    assert (t.kind, t.display, t.deadline) == (kind, display, deadline)


def test_weak_cues_count_only_in_a_deadline_field() -> None:
    assert find_timex(search_form("theo lộ trình của tỉnh")) == []
    assert normalise_deadline("Theo lộ trình của tỉnh") == ("condition", None)
    assert normalise_deadline("6 tháng") == ("", None)  # a length of time, not a deadline


def test_report_deadlines_with_their_period() -> None:
    got = report_deadlines("Tổng hợp báo cáo định kỳ 6 tháng (trước ngày 15/6) và hằng năm "
                           "(trước ngày 10/12)")
    assert [(r.period_shown, r.day_month) for r in got] == [("6 tháng", "15/6"),
                                                            ("hằng năm", "10/12")]


# ---- agencies -------------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "name"), [
    ("Phong Vin hoa - X& hoi", "Phòng Văn hóa - Xã hội"),
    ("Phong Van hod - X hoi", "Phòng Văn hóa - Xã hội"),
    ("PhongVanhoa", "Phòng Văn hóa - Xã hội"),
    ("Phòng VHXH", "Phòng Văn hóa - Xã hội"),
    ("phong van hoa xa hoi", "Phòng Văn hóa - Xã hội"),
    ("VP HĐND-UBND", "Văn phòng HĐND và UBND"),
    ("Van phong HDPND&UBND", "Văn phòng HĐND và UBND"),
    ("Vin phong UBND xa", "Văn phòng UBND xã"),
    ("UBMTTQ", "Ủy ban MTTQ Việt Nam"),
    ("Uy ban Mit tran Té quéc", "Ủy ban MTTQ Việt Nam"),
    ("Thwong truc Pang ay", "Thường trực Đảng ủy"),
    ("Uy ban kiém tra Pang iy", "Ủy ban Kiểm tra Đảng ủy"),
    ("Van phong DPang uy", "Văn phòng Đảng ủy"),
    ("Uy ban Nhén dén xi", "UBND xã"),
    ("Cong an phusng", "Công an phường"),
    ("Conganxa", "Công an xã"),
    ("Phong Kinh té, Ha tang va PG thi", "Phòng Kinh tế, Hạ tầng và Đô thị"),
    ("PhongKinhté", "Phòng Kinh tế"),
    ("Trung tdm phuc vu hanh chinh cong", "Trung tâm Phục vụ hành chính công"),
    ("S¢ Khoa hoc va Cong nghé", "Sở Khoa học và Công nghệ"),
    ("Sé Gido duc va Pio tao", "Sở Giáo dục và Đào tạo"),
    ("Cac To cong nghé so6 cong ddong", "Tổ công nghệ số cộng đồng"),
    ("Cac Chi b truc thudc", "Các chi bộ trực thuộc"),
    ("Céc don vi lién quan", "Các đơn vị liên quan"),
])
def test_canonical_agency(written, name) -> None:
    assert canonical_agency(written) == name
    assert canonical_agency(unicodedata.normalize("NFD", written)) == name


def test_agency_kind_comes_from_the_text_or_the_plan() -> None:
    assert canonical_agency("Cac co quan chuyen mon, don vi thuoc phuong") == \
        "Các cơ quan chuyên môn, đơn vị thuộc phường"
    assert canonical_agency("Các cơ quan chuyên môn", "phường") == \
        "Các cơ quan chuyên môn, đơn vị thuộc phường"
    # "Ban Chỉ đạo Trung ương" is not the commune's steering committee
    assert [a.name for a in find_agencies(search_form("Ban Chi dao Trung wong"))] == \
        ["Ban Chỉ đạo Trung ương"]


def test_same_agency_with_or_without_diacritics() -> None:
    assert same_agency("vhxh", "Phòng Văn hóa - Xã hội")
    assert same_agency("Phòng Văn hóa Xã hội", "Phòng Văn hóa - Xã hội")
    assert same_agency("công an", "Công an phường") and same_agency("cong an", "Công an xã")
    assert not same_agency("Công an xã", "Công an phường")
    assert not same_agency("phong kinh te", "Phòng Kinh tế, Hạ tầng và Đô thị")


def test_decomposed_unicode_plan(tmp_path) -> None:
    text = ("KẾ HOẠCH\nSố: 9/KH-UBND\n\nI. NHIỆM VỤ\n\n1. Xây dựng kế hoạch chuyển đổi số "
            "năm 2026 của xã.\n- Cơ quan chủ trì: Phòng Văn hóa - Xã hội\n"
            "- Cơ quan phối hợp: Công an xã\n- Thời gian: Hoàn thành trong Quý I năm 2026\n")
    path = tmp_path / "nfd.txt"
    path.write_text(unicodedata.normalize("NFD", text), encoding="utf-8")
    tasks = [f for f in read_plan(path).facts if f.kind == "task"]
    assert len(tasks) == 1
    t = tasks[0]
    assert t.lead == ["Phòng Văn hóa - Xã hội"] and t.support == ["Công an xã"]
    assert (t.deadline_kind, t.due_date) == ("quarter", "2026-03-31")
    assert t.deadline_text == "Hoàn thành trong Quý I năm 2026"


# ---- the query behind `run_bot.py facts` -----------------------------------------------------


def _doc(doc_id: str, number: str, locality: str) -> Document:
    return Document(id=doc_id, path=f"/{doc_id}.txt", sha256=doc_id,
                    meta=PlanMeta(number=number, locality=locality, locality_kind="xã"))


def _f(fid: str, kind: str, **kw) -> Fact:
    return Fact(id=fid, doc_id=kw.pop("doc_id", "a"), segment_id="s", kind=kind,
                text=f"việc {fid}", **kw)


DOCS = [_doc("a", "16/KH-UBND", "Lộc Tân"), _doc("b", "27-KH/ĐU", "Bình Tân")]
FACTS = [
    _f("t1", "task", lead=["Phòng Văn hóa - Xã hội"], due_date="2025-11-30", deadline_kind="month"),
    _f("t2", "task", lead=["Công an xã"], due_date="2025-09-30", deadline_kind="quarter"),
    _f("t3", "task", lead=["Phòng Kinh tế"], due_date="2026-06-30", deadline_kind="month",
       doc_id="b"),
    _f("t4", "task", lead=["Phòng Kinh tế"], deadline_kind="ongoing", doc_id="b"),
    _f("d1", "duty", lead=["Phòng Văn hóa - Xã hội"], deadline_kind="recurring",
       deadline_text="báo cáo 6 tháng: trước ngày 15/6; hằng năm: trước ngày 10/12"),
    _f("g1", "target", values={"2030": "≥ 80%"}, doc_id="b"),
]
TODAY = date(2025, 11, 20)


def test_due_within_keeps_overdue_and_next_reports() -> None:
    rows = select_facts(FACTS, DOCS, due_within=30, today=TODAY)
    got = [(r.fact.id, r.due.isoformat(), r.overdue, r.report) for r in rows]
    assert got == [("t2", "2025-09-30", True, ""), ("t1", "2025-11-30", False, ""),
                   ("d1", "2025-12-10", False, "hằng năm: trước ngày 10/12")]
    later = select_facts(FACTS, DOCS, due_within=30, today=date(2026, 6, 1))
    assert [(r.fact.id, r.due.isoformat()) for r in later if not r.overdue] == [
        ("d1", "2026-06-15"), ("t3", "2026-06-30")]


def test_filters_by_plan_agency_kind_and_year() -> None:
    assert [r.fact.id for r in select_facts(FACTS, DOCS, plan="27", today=TODAY)] == \
        ["t3", "t4", "g1"]
    assert [r.fact.id for r in select_facts(FACTS, DOCS, plan="binh tan", kind="task",
                                            today=TODAY)] == ["t3", "t4"]
    assert [r.fact.id for r in select_facts(FACTS, DOCS, agency="phong vhxh",
                                            today=TODAY)] == ["t1", "d1"]
    assert [r.fact.id for r in select_facts(FACTS, DOCS, year=2030, today=TODAY)] == ["g1"]
    assert [r.fact.id for r in select_facts(FACTS, DOCS, year=2026, kind="task",
                                            today=TODAY)] == ["t3"]


def test_query_errors_are_vietnamese() -> None:
    with pytest.raises(FactQueryError, match="không tìm thấy kế hoạch «99»"):
        select_facts(FACTS, DOCS, plan="99")
    with pytest.raises(FactQueryError, match="số ngày"):
        select_facts(FACTS, DOCS, due_within=-1)
    # the plan filter takes a locality or a number, like every other command
    assert {r.document.id for r in select_facts(FACTS, DOCS, plan="Lộc Tân", today=TODAY)} == {"a"}
    assert {r.document.id for r in select_facts(FACTS, DOCS, plan="27-KH/ĐU", today=TODAY)} == {"b"}


def test_ics_events_are_all_day_with_stable_uids() -> None:
    from icalendar import Calendar

    rows = select_facts(FACTS, DOCS, due_within=400, today=TODAY)
    one_cal, two_cal = (Calendar.from_ical(to_ics(rows)) for _ in range(2))
    events = [e for e in one_cal.walk("VEVENT")]
    assert [str(e["uid"]) for e in events] == [str(e["uid"]) for e in two_cal.walk("VEVENT")]
    by_uid = {str(e["uid"]): e for e in events}
    t1 = by_uid["t1@ke-hoach-nq57"]
    assert t1.decoded("dtstart") == date(2025, 11, 30)
    assert t1.decoded("dtend") == date(2025, 12, 1)
    assert str(t1["summary"]) == "Hạn: việc t1 (Phòng Văn hóa - Xã hội)"
    report = by_uid["d1-1210@ke-hoach-nq57"]
    assert report.decoded("dtstart") == date(2025, 12, 10) and "RRULE" in report
    assert "16/KH-UBND" in str(report["description"])


# ---- `run_bot.py facts` on the bundled plans -------------------------------------------------


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("facts-cli")


def _run(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PLAN_DATA_DIR": str(data_dir), "PLAN_EMBEDDER": "fake"}
    return subprocess.run([sys.executable, "run_bot.py", "facts", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)


def test_cli_due_within_json(data_dir) -> None:
    r = _run(data_dir, "--due-within", "30", "--today", "2025-11-20", "--json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert rows and all(x["due"] <= "2025-12-20" for x in rows)
    assert all(x["overdue"] == (x["due"] < "2025-11-20") for x in rows)
    lead = {(x["plan"], x["due"], x["lead"][0]) for x in rows if x["kind"] == "task" and x["lead"]}
    assert ("27-KH/ĐU", "2025-11-30", "Văn phòng Đảng ủy") in lead
    assert ("27-KH/ĐU", "2025-09-30", "Ban Xây dựng Đảng") in lead  # overdue, still listed
    loc_tan = [x for x in rows if x["plan"] == "16/KH-UBND" and x["report"]]
    assert {x["due"] for x in loc_tan} == {"2025-12-10"}
    assert all(x["quote"] and x["page"] >= 1 for x in rows)


def test_cli_ics_parses_back(data_dir, tmp_path) -> None:
    from icalendar import Calendar

    path = tmp_path / "han.ics"
    r = _run(data_dir, "--plan", "27", "--kind", "task", "--due-within", "60",
             "--today", "2025-11-20", "--ics", str(path))
    assert r.returncode == 0, r.stderr
    events = list(Calendar.from_ical(path.read_bytes()).walk("VEVENT"))
    got = {(e.decoded("dtstart"), str(e["summary"])) for e in events}
    # summaries show the reading copy: compared folded
    assert (date(2025, 11, 30), "han: thanh lap to giup viec ban chi dao (van phong dang uy)") \
        in {(d, fold(s)) for d, s in got}
    assert all(str(s).startswith("Hạn: ") for _, s in got)
    assert {d for d, _ in got} <= {date(2025, 9, 30), date(2025, 11, 30), date(2025, 12, 31)}
    assert all("27-KH/ĐU" in str(e["description"]) for e in events)


def test_cli_agency_filter_and_csv(data_dir) -> None:
    r = _run(data_dir, "--agency", "Phòng VHXH", "--plan", "Trần Liễu", "--kind", "task", "--csv")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) >= 10
    assert all("Phòng Văn hóa - Xã hội" in row["Chủ trì"] + row["Phối hợp"] for row in rows)
    r = _run(data_dir, "--year", "2030", "--kind", "target", "--plan", "loc tan")
    assert r.returncode == 0 and "> 90%" in r.stdout and "Chỉ tiêu" in r.stdout


def test_cli_errors_are_clear(data_dir) -> None:
    r = _run(data_dir, "--plan", "999")
    assert r.returncode == 2 and "Lỗi: không tìm thấy kế hoạch «999»" in r.stderr
    assert "Traceback" not in r.stderr
    r = _run(data_dir, "--due-within", "30", "--today", "20/11/2025")
    assert r.returncode == 2 and "YYYY-MM-DD" in r.stderr
