"""Count goals and the value grammar behind them (corpus/values.py, corpus/facts/counts.py):
numbers of things with their unit, levels with a comparison, report deadlines written as two
dates or a day of every month; and the answers built on them (intents/facts_answer.py): the
targets of an agency, a part of a total, the total before its parts."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.agencies import same_agency
from corpus.normalize import search_form
from corpus.pipeline import read_plan
from corpus.values import find_counts, find_levels, find_timex, report_deadlines
from intents import AnswerEngine
from retrieval import Settings


@pytest.mark.parametrize("text, shown, unit", [
    ("Lắp đặt mới trạm 3G/4G: 58 trạm;", "58", "tram"),
    ("có ít nhất 20 tập dữ liệu mở", "≥20", "tap du lieu"),
    ("có tối thiểu 05 kịch bản ứng dụng", "≥5", "kich ban"),
    ("diễn tập tối thiểu một lần/năm", "≥1", "lan/năm"),
    ("hỗ trợ 1.200 hộ gia đình", "1.200", "ho gia dinh"),
])
def test_counts_with_their_unit(text: str, shown: str, unit: str) -> None:
    (q,) = find_counts(search_form(text))
    assert f"{q.sym}{q.number}" == shown and q.unit == unit


@pytest.mark.parametrize("text", [
    "Tỷ lệ dân số từ 15 tuổi trở lên",  # an age
    "triển khai Đề án 06 của Chính phủ",  # a numbered name
    "giai đoạn 2026 - 2030 tỉnh có",  # years
    "báo cáo trong 6 tháng đầu năm",  # a length of time
    "Nghị quyết 57-NQ/TW",  # a code
    "trước ngày 15/6 hằng năm",  # a date
    "phối hợp hai bên",  # a number word without a comparison
])
def test_not_counts(text: str) -> None:
    assert find_counts(search_form(text)) == []


def test_levels_need_a_comparison_and_no_unit() -> None:
    (q,) = find_levels(search_form("chỉ số HDI duy trì trên 0,7."))
    assert (q.sym, q.number, q.comparison) == (">", "0,7", "trên")
    assert find_levels(search_form("đạt 0,7")) == []  # no comparison
    assert find_levels(search_form("trên 1,5 triệu đồng")) == []  # money, not a level
    assert find_levels(search_form("trên 2,5%")) == []  # a share


@pytest.mark.parametrize("text, found", [
    ("định kỳ trước ngày 01/6 và 15/11 hằng năm", [("nam", "1/6"), ("nam", "15/11")]),
    ("trước ngày 20 hằng tháng lên phần mềm", [("1 thang", "20 hằng tháng")]),
    ("báo cáo 6 tháng (trước ngày 15/6) và hằng năm (trước ngày 10/12)",
     [("6 thang", "15/6"), ("nam", "10/12")]),
    ("hoàn thành trước ngày 15/6/2025", [("", "15/6/2025")]),
])
def test_report_deadlines(text: str, found: list[tuple[str, str]]) -> None:
    assert [(r.key, r.day_month) for r in report_deadlines(text)] == found


def test_a_day_of_every_month_is_a_recurring_deadline() -> None:
    (t,) = find_timex(search_form("trước ngày 20 hằng tháng lên phần mềm"))
    assert t.display == "trước ngày 20 hằng tháng" and t.deadline == ("recurring", None)
    (t,) = [x for x in find_timex(search_form("định kỳ trước ngày 01/6 và 15/11 hằng năm"))
            if x.kind == "before"]
    assert t.display == "trước ngày 1/6 và 15/11 hằng năm"


def test_an_agency_with_its_place_is_the_plan_agency() -> None:
    assert same_agency("Sở Y tế Bắc Ninh", "Sở Y tế")
    assert same_agency("Sở Y tế tỉnh Bắc Ninh", "Sở Y tế")
    assert not same_agency("Sở Y tế Bắc Ninh", "Sở Tài chính")


COUNT_PLAN = """ỦY BAN NHÂN DÂN
TỈNH KIỂM THỬ
Số: 46/KH-UBND
Kiểm Thử, ngày 02 tháng 3 năm 2026

KẾ HOẠCH
Phát triển mạng 5G tại các khu công nghiệp

I. MỤC TIÊU

Đến năm 2030, tỉnh có ít nhất 12 tập dữ liệu mở được công bố.

II. NỘI DUNG

1. Hiện trạng

Hiện nay, tổng số trạm phát sóng trong các khu công nghiệp là 40 trạm.

2. Kế hoạch giai đoạn 2026 - 2030

+ Lắp đặt mới trạm 4G: 30 trạm (Trong đó: VNPT: 10 trạm, Viettel: 20 trạm);

+ Chuyển đổi từ trạm 4G sang trạm 5G: 15 trạm (Trong đó: MobiFone: 5 trạm, Viettel: 10 trạm).

Sở Công Thương phối hợp với 3 xã rà soát mặt bằng.

III. TỔ CHỨC THỰC HIỆN

1. Sở Khoa học và Công nghệ

Tổ chức diễn tập ứng phó sự cố mạng tối thiểu một lần/năm; báo cáo trước ngày 20 hằng tháng.

PHỤ LỤC

CHỈ TIÊU ĐẾN NĂM 2030

TT | Chỉ tiêu | Cơ quan theo dõi, đánh giá
1 | Tỷ lệ người dân có sổ sức khỏe điện tử đạt 95%. | Sở Y tế
2 | Tỷ lệ hồ sơ bệnh án điện tử đạt 80%. | Sở Y tế
3 | Tỷ lệ doanh nghiệp dùng hóa đơn điện tử đạt 100%. | Sở Tài chính
"""


@pytest.fixture(scope="module")
def plan_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("count-plan")
    (d / "tinh-kiem-thu_46-KH-UBND.txt").write_text(COUNT_PLAN, encoding="utf-8")
    return d


@pytest.fixture(scope="module")
def counted(plan_dir) -> dict[str, dict[str, str]]:
    plan = read_plan(plan_dir / "tinh-kiem-thu_46-KH-UBND.txt")
    return {f.text: f.values for f in plan.facts if f.kind == "target"}


def test_label_colon_counts_and_their_breakdown(counted) -> None:
    # the section "giai đoạn 2026 - 2030" gives the year
    assert counted["Lắp đặt mới trạm 4G"] == {"2030": "30 trạm"}
    assert counted["Lắp đặt mới trạm 4G (VNPT)"] == {"2030": "10 trạm"}
    assert counted["Lắp đặt mới trạm 4G (Viettel)"] == {"2030": "20 trạm"}
    assert counted["Chuyển đổi từ trạm 4G sang trạm 5G (MobiFone)"] == {"2030": "5 trạm"}


def test_counts_with_a_comparison_a_total_and_a_rate(counted) -> None:
    assert any(v == {"2030": "≥ 12 tập dữ liệu"} and "dữ liệu mở" in t for t, v in counted.items())
    assert any(v == {"": "40 trạm"} and t.startswith("Hiện nay, tổng số trạm")
               for t, v in counted.items())  # no year: kept without one
    assert any(v == {"": "≥ 1 lần/năm"} and "diễn tập" in t for t, v in counted.items())


def test_a_number_in_an_ordinary_clause_is_no_goal(counted) -> None:
    assert not any("3 xã" in v for vals in counted.values() for v in vals.values())


@pytest.fixture(scope="module")
def engine(plan_dir, tmp_path_factory) -> AnswerEngine:
    data = tmp_path_factory.mktemp("count-data")
    return AnswerEngine.open(Settings(data_dir=data, embedder="fake", plans=[plan_dir]))


def test_the_targets_of_an_agency(engine) -> None:
    a = engine.ask("Sở Y tế Kiểm Thử được giao những chỉ tiêu nào?")
    assert a.found and a.headline.startswith("Sở Y tế được giao 2 chỉ tiêu")
    assert "sổ sức khỏe điện tử" in a.answer and "95%" in a.answer and "80%" in a.answer
    assert "hóa đơn điện tử" not in a.answer  # Sở Tài chính's


def test_a_part_of_a_total_and_the_total_before_its_parts(engine) -> None:
    a = engine.ask("Viettel lắp đặt mới bao nhiêu trạm 4G?")
    assert a.found and "20 trạm" in a.headline
    a = engine.ask("giai đoạn 2026 - 2030 lắp đặt mới bao nhiêu trạm 4G?")
    assert a.found and "30 trạm" in a.headline


def test_agency_names_take_the_typed_plan_spelling(tmp_path: Path) -> None:
    # "Hải quan" folds like "hai quận": a typed plan that writes the name out spells it
    text = COUNT_PLAN.replace(
        "1. Sở Khoa học và Công nghệ\n",
        "1. Chi cục Hải quan khu vực V\n\nChủ trì kết nối dữ liệu hải quan điện tử với "
        "hệ thống của tỉnh.\n\n2. Sở Khoa học và Công nghệ\n")
    path = tmp_path / "tinh-kiem-thu_47-KH-UBND.txt"
    path.write_text(text, encoding="utf-8")
    leads = {a for f in read_plan(path).facts for a in f.lead}
    assert "Chi cục Hải quan khu vực V" in leads
    assert not any("quận" in a for a in leads)


def test_duties_under_a_reporting_section(tmp_path: Path) -> None:
    text = COUNT_PLAN.replace(
        "PHỤ LỤC\n",
        "IV. CHẾ ĐỘ BÁO CÁO\n\nCác sở, ban, ngành tỉnh định kỳ gửi báo cáo kết quả thực hiện "
        "trước ngày 01/6 và 15/11 hằng năm về Sở Khoa học và Công nghệ.\n\nPHỤ LỤC\n", 1)
    path = tmp_path / "tinh-kiem-thu_48-KH-UBND.txt"
    path.write_text(text, encoding="utf-8")
    duties = [f for f in read_plan(path).facts if f.kind == "duty"]
    report = next(f for f in duties if "gửi báo cáo" in f.text)
    assert report.lead == ["Các sở, ban, ngành tỉnh"]
    assert [(r.key, r.day_month) for r in report_deadlines(report.deadline_text)] == [
        ("nam", "1/6"), ("nam", "15/11")]


def test_a_comparison_asked_is_the_value_comparison(engine) -> None:
    # "ít nhất" in the question is the "≥" of the value, read out of the indicator
    a = engine.ask("đến năm 2030 có ít nhất bao nhiêu tập dữ liệu mở được công bố?")
    assert a.found and "12 tập dữ liệu" in a.headline
