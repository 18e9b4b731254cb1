"""Answers built on facts, over the bundled plans (fake embedder): deadline lists, the targets
table of a year, who leads a task-table row, and dated report deadlines."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from corpus.fact_query import select_facts
from corpus.normalize import fold
from intents import AnswerEngine
from intents.models import MAX_REPLY_CHARS
from retrieval import Settings

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 22)  # nearly every 2025 deadline of the plans is past


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fact-answers")


@pytest.fixture(scope="module")
def engine(data_dir) -> AnswerEngine:
    return AnswerEngine.open(Settings(data_dir=data_dir, embedder="fake"))


def _items(answer_text: str) -> list[str]:
    return [ln for ln in answer_text.splitlines() if ln.startswith("• ")]


def _cli(data_dir: Path, *args: str) -> list[dict]:
    env = {**os.environ, "PLAN_DATA_DIR": str(data_dir), "PLAN_EMBEDDER": "fake"}
    r = subprocess.run([sys.executable, "run_bot.py", "facts", *args, "--json"], cwd=ROOT,
                       env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


# ---- what falls due --------------------------------------------------------------------------


def test_due_soon_lists_report_dates_first_and_only_recent_overdue(engine) -> None:
    a = engine.ask("việc nào sắp đến hạn trong 30 ngày tới?", today=TODAY)
    assert a.found and a.intent == "list" and len(a.answer) <= MAX_REPLY_CHARS
    assert a.headline.startswith("3 việc đến hạn trong 30 ngày tới (đến 22/12/2026), 18 việc "
                                 "đã quá hạn")
    items = _items(a.answer)
    # the recurring report dates of the duties: Trần Liễu's yearly one, Lộc Tân's two
    # then the one late by less than 90 days (Trần Liễu's "kết nối trong tháng 9/2026")
    assert [i.split(" · ")[0] for i in items] == ["• 30/11/2026", "• 10/12/2026", "• 10/12/2026",
                                                  "• 30/09/2026"]
    assert "báo cáo hằng năm: trước ngày 30/11" in items[0] and "phường Trần Liễu" in items[0]
    assert "⚠️ quá hạn 53 ngày" in items[3]
    # deadlines of 2025 are a year old: counted, not listed
    assert a.answer.count("⚠️") == 1
    assert "… và 17 việc quá hạn từ trước (hạn từ 30/09/2025 đến 31/12/2025)" in a.answer


def test_recent_overdue_are_marked_and_capped(engine) -> None:
    a = engine.ask("viec nao sap den han", today=date(2026, 1, 10))
    items = _items(a.answer)
    late = [i for i in items if "⚠️ quá hạn" in i]
    assert 1 <= len(late) <= 3
    assert all(int(re.search(r"quá hạn (\d+) ngày", i).group(1)) <= 90 for i in late)
    assert re.search(r"… và \d+ việc quá hạn từ trước", a.answer)
    # what is still ahead comes before what is late
    first_late = items.index(late[0])
    assert all("⚠️" not in i for i in items[:first_late])


def test_overdue_question_lists_the_late_ones_most_recent_first(engine) -> None:
    a = engine.ask("Việc nào đã quá hạn?", today=TODAY)
    assert a.headline.startswith("18 việc đã quá hạn")
    dates = [date(*map(int, reversed(i[2:12].split("/")))) for i in _items(a.answer)]
    assert dates == sorted(dates, reverse=True) and len(a.answer) <= MAX_REPLY_CHARS


@pytest.mark.parametrize("q", [
    "Phòng Văn hóa - Xã hội có việc gì đến hạn trong tháng 12/2025?",
    "phong van hoa co viec gi den han trong thang 12/2025",
    "Phòng VHXH phải hoàn thành những gì trong tháng 12/2025?",
    "phong vhxh co han gi thang 12/2025",
])
def test_agency_and_month_reach_the_facts(engine, q) -> None:
    a = engine.ask(q, today=TODAY)
    assert a.found and a.intent == "list"
    assert a.headline.startswith("Phòng Văn hóa - Xã hội: 4 việc đến hạn trong tháng 12/2025")
    items = _items(a.answer)
    assert items[0].startswith("• 10/12/2025 · báo cáo hằng năm: trước ngày 10/12")
    # a deadline set for December itself before "hoàn thành trong năm 2025"
    assert "hạn: Tháng 12/2025" in items[1] and "Hoàn thành trong năm 2025" in items[-1]
    assert all("Phòng Văn hóa - Xã hội" in i for i in items)


def test_month_list_without_agency(engine) -> None:
    a = engine.ask("những việc nào hạn tháng 12/2025?", today=TODAY)
    assert a.found and a.headline.startswith("13 việc đến hạn trong tháng 12/2025")
    assert len(a.answer) <= MAX_REPLY_CHARS and "… và" in a.answer


def test_from_now_until_a_date(engine) -> None:
    a = engine.ask("Từ nay đến cuối năm 2026 có việc gì phải làm?", today=TODAY)
    assert a.headline == "4 việc đến hạn từ 22/11/2026 đến 31/12/2026"
    dates = [date(*map(int, reversed(i[2:12].split("/")))) for i in _items(a.answer)]
    assert dates == sorted(dates) and dates[0] >= TODAY and dates[-1] == date(2026, 12, 31)


def test_chat_and_cli_list_the_same_rows(engine, data_dir) -> None:
    rows = _cli(data_dir, "--due-within", "30", "--today", TODAY.isoformat(), "--agency",
                "phong vhxh")
    soon = [r for r in rows if not r["overdue"]]
    late = [r for r in rows if r["overdue"]]
    for q in ("Phòng VHXH có việc nào sắp đến hạn trong 30 ngày tới?",
              "phong van hoa xa hoi sap den han gi"):
        a = engine.ask(q, today=TODAY)
        assert a.headline.startswith(f"Phòng Văn hóa - Xã hội: {len(soon)} việc đến hạn trong "
                                     f"30 ngày tới (đến 22/12/2026), {len(late)} việc đã quá hạn")
        shown = _items(a.answer)
        # what is ahead, then what fell due in the last 90 days, most recent first
        recent = sorted((r for r in late if (TODAY - date.fromisoformat(r["due"])).days <= 90),
                        key=lambda r: r["due"], reverse=True)[:3]
        assert [i.split(" · ")[0] for i in shown] == [
            f"• {date.fromisoformat(r['due']):%d/%m/%Y}" for r in [*soon, *recent]]
    # the library call behind both
    lib = select_facts(engine.index.facts, engine.documents(), agency="Phòng VHXH",
                       due_within=30, today=TODAY)
    assert [(r.fact.id, r.due.isoformat()) for r in lib] == [(r["id"], r["due"]) for r in rows]


# ---- the targets of a year ---------------------------------------------------------------------


@pytest.mark.parametrize(("q", "plan", "year"), [
    ("Chỉ tiêu năm 2030 của xã Phong Thổ?", "Phong Thổ", 2030),
    ("chi tieu nam 2030 cua xa phong tho", "Phong Thổ", 2030),
    ("Xã Phong Thổ đặt ra những chỉ tiêu gì đến năm 2030?", "Phong Thổ", 2030),
    ("các chỉ tiêu 2025 của phường Trần Liễu", "Trần Liễu", 2025),
    ("Kế hoạch của phường Trần Liễu có các chỉ tiêu chủ yếu nào cho năm 2025?", "Trần Liễu", 2025),
    ("liệt kê chỉ tiêu năm 2030 của An Hảo", "Ân Hảo", 2030),
    ("muc tieu 2030 cua loc tan", "Lộc Tấn", 2030),
])
def test_targets_of_a_year_as_a_table(engine, q, plan, year) -> None:
    a = engine.ask(q)
    rows = select_facts(engine.index.facts, engine.documents(), plan=plan, kind="target",
                        year=year)
    assert a.found and len(a.answer) <= MAX_REPLY_CHARS
    assert re.match(rf"Chỉ tiêu năm {year} – (xã|phường) {plan}: {len(rows)} chỉ tiêu$",
                    a.headline)
    items = _items(a.answer)
    assert items and all(re.search(r": .+ — tr\. \d+$", i) for i in items)
    assert items[0].endswith(f"{rows[0].fact.values[str(year)]} — tr. {rows[0].fact.page}")


@pytest.mark.parametrize("q", ["Mục tiêu năm 2030 về hồ sơ sức khỏe điện tử là bao nhiêu?",
                               "muc tieu 2030 ho so suc khoe dien tu bao nhieu"])
def test_a_named_indicator_still_gets_its_value(engine, q) -> None:
    a = engine.ask(q)
    assert a.found and a.headline.startswith("100% (năm 2030)")
    assert "suc khoe dien tu" in fold(a.headline)


# ---- who leads a task-table row ----------------------------------------------------------------


@pytest.mark.parametrize(("q", "task", "coordinating_first"), [
    # the row's first agency is Phòng Văn hóa - Xã hội, from the neighbouring row's lines
    ("Ai chủ trì rà soát các quy định pháp luật liên quan về khoa học, công nghệ ở phường "
     "Trần Liễu?", "ra soat cac quy dinh phap luat", "Phòng Văn hóa - Xã hội"),
    ("tran lieu ai chu tri ra soat quy dinh phap luat ve khoa hoc cong nghe",
     "ra soat cac quy dinh phap luat", "Phòng Văn hóa - Xã hội"),
    # rows cut at their wrapped deadline cell ("Sau khi thành / phố ban hành kế / hoạch"):
    # the row's segment holds its own lead first, and the answer is the fact's all the same
    ("Ở phường Trần Liễu, cơ quan nào chủ trì cân đối ngân sách của phường dành cho hoạt động "
     "khoa học, công nghệ?", "can doi ngan sach", None),
    ("tran lieu ai lo dam bao hoat dong chi dao dieu hanh quan tri noi bo",
     "tri noi bo", None),
])
def test_row_lead_comes_from_the_task_fact(engine, q, task, coordinating_first) -> None:
    from corpus.agencies import find_agencies
    from corpus.normalize import fold, readable

    [row] = [r for r in select_facts(engine.index.facts, engine.documents(), plan="79",
                                     kind="task") if task in fold(r.fact.text)]
    fact = row.fact
    a = engine.ask(q)
    assert a.found and a.intent == "who"
    assert a.headline.startswith(f"{', '.join(fact.lead)} (chủ trì); phối hợp: "
                                 f"{', '.join(fact.support)} — ")
    # the task the lead is for, not the first words of the row's segment
    assert a.headline.split(" — ")[1].startswith(readable(fact.text)[:40])
    seg = engine.segment(fact.segment_id)
    if coordinating_first:
        assert find_agencies(seg.body)[0].name == coordinating_first not in fact.lead
    else:
        assert find_agencies(seg.body)[0].name in fact.lead


def test_row_coordinators_when_asked_who_coordinates(engine) -> None:
    a = engine.ask("Ở phường Trần Liễu, ai phối hợp cân đối ngân sách của phường dành cho hoạt "
                   "động khoa học, công nghệ?")
    assert a.headline.startswith("Các phòng, ban, ngành, đơn vị thuộc phường (phối hợp); "
                                 "chủ trì: Phòng Kinh tế, Hạ tầng và Đô thị")


# ---- when a report is due ------------------------------------------------------------------------


@pytest.mark.parametrize("q", [
    "khi nao phai bao cao 6 thang",
    "Khi nào phải báo cáo 6 tháng?",
    "Báo cáo 6 tháng nộp trước ngày nào?",
    "hạn nộp báo cáo sáu tháng là khi nào",
    "bao cao dinh ky 6 thang gui khi nao",
])
def test_six_month_report_date_from_the_plan_that_dates_it(engine, q) -> None:
    from corpus.values import report_deadlines

    dated = {engine.index.documents[f.doc_id].meta.locality for f in engine.index.facts
             if any(r.key == "6 thang" for r in report_deadlines(f.deadline_text))}
    assert dated == {"Lộc Tấn"}  # Bình Tân says "6 tháng" with no date; no other plan dates it
    a = engine.ask(q)
    assert a.found and a.intent == "when"
    assert a.headline.startswith("trước ngày 15/6 (báo cáo 6 tháng) — ")
    assert a.headline.endswith("[xã Lộc Tấn]") and "Lộc Tấn" in a.citations[0].document


@pytest.mark.parametrize("q", ["Khi nào phải báo cáo hằng năm?", "han bao cao nam la ngay nao"])
def test_yearly_report_dates_of_every_plan_that_sets_one(engine, q) -> None:
    a = engine.ask(q)
    assert a.found
    head = a.headline.split(" — ")[0]
    assert "phường Trần Liễu: trước ngày 30/11" in head and "xã Lộc Tấn: trước ngày 10/12" in head
    assert {c.document.split(" – ")[0] for c in a.citations} == {"Kế hoạch 79/KH-UBND",
                                                                 "Kế hoạch 16/KH-UBND"}


def test_a_plan_without_a_dated_report_says_so(engine) -> None:
    a = engine.ask("Kế hoạch của Đảng ủy xã An Hảo quy định báo cáo kết quả thực hiện 6 tháng "
                   "phải gửi trước ngày nào?")
    assert a.found is False and a.headline.startswith("Không tìm thấy")
    a = engine.ask("phường Trần Liễu báo cáo hằng năm trước ngày nào?")
    assert a.headline.startswith("trước ngày 30/11 (báo cáo hằng năm)")


# ---- target facts, years the plan does not give, agencies' task lists -----------------------
@pytest.mark.parametrize("q, value", [
    ("phong tho cac diem du lich cong dong so hoa 3d bn %", "50%"),
    ("xa phong tho ktế số chiếm bn % grdp", "9-10%"),
])
def test_an_indicator_found_in_the_target_facts(engine, q, value) -> None:
    a = engine.ask(q, today=TODAY)
    assert a.found and value in a.headline and "Phong Thổ" in a.headline


def test_a_year_the_plan_sets_no_targets_for_is_not_given(engine) -> None:
    a = engine.ask("Xã Phong Thổ có những chỉ tiêu nào đến năm 2045?", today=TODAY)
    assert not a.found
    assert "2030" in a.answer and "không có chỉ tiêu năm 2045" in a.answer


def test_a_value_for_another_year_is_offered_labelled_not_as_the_answer(engine) -> None:
    a = engine.ask("Tỷ lệ dân số trưởng thành có chữ ký số ở Phong Thổ năm 2027 là bao nhiêu?",
                   today=TODAY)
    assert not a.found and "2027" in a.headline


def test_an_agencys_tasks_come_from_the_facts_with_more_on_tiep(engine) -> None:
    a = engine.ask("Phòng Văn hóa - Xã hội chủ trì những việc gì?", today=TODAY, chat="t")
    lines = _items(a.answer)
    assert a.found and a.intent == "list" and len(lines) == 8 and a.rest
    more = engine.ask("tiếp", today=TODAY, chat="t")
    assert more.found and _items(more.answer)[0] == a.rest[0]
