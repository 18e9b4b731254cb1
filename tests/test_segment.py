"""Segments follow the plan's structure: page, heading path, fields kept with their item."""

from __future__ import annotations

import pytest
from conftest import PLAN_KEYS, plan_lines, plan_path

from corpus.normalize import fold
from corpus.pipeline import read_plan


def _page_of_line(key: str, line_no: int) -> int:
    """Page of a 1-based line, counted independently: a line starting with one space."""
    lines = plan_lines(key)
    page = 1
    for i, t in enumerate(lines[:line_no], start=1):
        if i > 1 and len(t) > 1 and t[0] == " " and not t[1].isspace():
            page += 1
    return page


def _line_no(key: str, needle: str) -> int:
    hits = [i for i, t in enumerate(plan_lines(key), start=1) if needle in t]
    assert len(hits) == 1, hits
    return hits[0]


def _only(segments, needle: str):
    found = [s for s in segments if needle in s.search]
    assert len(found) == 1, [(s.line_start, s.text[:60]) for s in found]
    return found[0]


def test_loc_tan_six_month_report_clause(parsed) -> None:
    segs = parsed["loc_tan"].segments
    seg = _only(segs, "dinh ky 6 thang (truoc ngay 15/6)")
    line = _line_no("loc_tan", "Téng hop béo cdo dinh ky 6 thang")
    assert seg.line_start == line == 395
    assert seg.page == _page_of_line("loc_tan", line) == 6
    # the whole clause (it wraps onto a second line) is one segment
    assert "ngay 10/12" in seg.text and seg.line_end == line + 1
    path = [fold(p) for p in seg.heading_path]
    assert len(path) == 2
    assert "to chuc" in path[0] and path[0].startswith("iv.")
    assert "phong van" in path[1] and path[1].startswith("1.")
    assert "TO CHUC" in seg.heading_path[0]
    assert "Phong Van" in seg.heading_path[1]
    # the heading context is part of the search form
    assert seg.search.startswith("iv. to chuc")


def test_binh_tan_task_keeps_its_lead_agency_field(parsed) -> None:
    segs = parsed["binh_tan"].segments
    seg = _only(segs, "1. thanh lap ban chi dao cap xa")
    assert seg.line_start == _line_no("binh_tan", "1. Thanh lap Ban Chi dao cap xa") == 879
    assert "Co quan chu tri: Van phong" in seg.text
    assert "co quan chu tri: van phong dang uy" in seg.search
    assert "hoan thanh trong thang 11 nam 2025" in seg.search
    assert seg.page == _page_of_line("binh_tan", 879) == 14
    assert seg.heading_path[0].startswith("Phụ lục")
    assert fold(seg.heading_path[-1]).startswith("i. nhem nhiem vu")
    # the next task is a segment of its own, with its own field
    nxt = next(s for s in segs if s.order == seg.order + 1)
    assert nxt.line_start == 885
    assert "2. thanh lap t" in nxt.search and "co quan chu tri: van phong" in nxt.search


def test_binh_tan_prose_steering_committee_clause(parsed) -> None:
    seg = _only(parsed["binh_tan"].segments, "1.1. thanh lap ban chi dao")
    assert seg.page == _page_of_line("binh_tan", seg.line_start) == 4
    assert [fold(p)[:20] for p in seg.heading_path] == ["iv. nhiem vu va giai", "1. cong tac lanh dao"]
    assert "van phong dang uy la co quan thuong" in seg.search


@pytest.mark.xfail(
    reason="Bình Tân Phụ lục I is now cut into rows, but header cells that OCR put above "
    "the STT line come out as rows without the table header",
    strict=True,
)
def test_binh_tan_appendix_one_rows_carry_table_header(parsed) -> None:
    segs = parsed["binh_tan"].segments
    seg = next(s for s in segs if "truy cap bang thong co dinh" in s.search)
    assert seg.kind == "row"
    assert seg.table_header and "2025" in seg.table_header and "2045" in seg.table_header
    rows = [s for s in segs if s.kind == "row" and 661 <= s.line_start <= 873]
    assert len(rows) >= 10
    assert all("2025" in (r.table_header or "") and "2045" in (r.table_header or "")
               for r in rows)


def test_loc_tan_appendix_rows(parsed) -> None:
    rows = [s for s in parsed["loc_tan"].segments if s.kind == "row"]
    assert len(rows) >= 10
    assert all(r.heading_path and r.heading_path[0].startswith("Phụ lục") for r in rows)
    assert all(r.page == 6 for r in rows)
    assert all(r.line_start >= _line_no("loc_tan", "Phu luc") for r in rows)


def test_tran_lieu_health_record_row(parsed) -> None:
    seg = _only(parsed["tran_lieu"].segments, "ho so suc khoe dien tu % > 95")
    assert seg.kind == "row"
    assert seg.page == _page_of_line("tran_lieu", seg.line_start) == 12
    assert seg.table_header and fold(seg.table_header).startswith("stt chi tieu")
    assert "phong van hoa - xa hoi" in seg.search


def test_signature_block_is_its_own_segment(parsed) -> None:
    for key in ("binh_tan", "loc_tan"):
        sig = [s for s in parsed[key].segments if s.heading_path == ["Nơi nhận, người ký"]]
        assert len(sig) == 1
        assert fold(sig[0].text).startswith("noi nh")


@pytest.mark.parametrize("key", PLAN_KEYS)
def test_segment_ids_stable_and_unique(parsed, key: str) -> None:
    first = parsed[key].segments
    again = read_plan(plan_path(key)).segments
    assert [s.id for s in again] == [s.id for s in first]
    assert len({s.id for s in first}) == len(first)
    assert parsed[key].document.id == read_plan(plan_path(key)).document.id


@pytest.mark.parametrize("key", PLAN_KEYS)
def test_segment_invariants(parsed, key: str) -> None:
    plan = parsed[key]
    segs = plan.segments
    n_lines = len(plan_lines(key))
    assert len(segs) >= 30
    assert [s.order for s in segs] == list(range(len(segs)))
    for s in segs:
        assert s.doc_id == plan.document.id
        assert 1 <= s.line_start <= s.line_end <= n_lines
        assert 1 <= s.page <= plan.document.pages
        assert s.page == _page_of_line(key, s.line_start)
        assert s.text.strip()
        assert s.search == s.search.lower()
    # reading order
    starts = [s.line_start for s in segs]
    assert starts == sorted(starts)


@pytest.mark.parametrize("key", PLAN_KEYS)
def test_segments_keep_original_text(parsed, key: str) -> None:
    lines = plan_lines(key)
    for s in parsed[key].segments:
        first = s.text.split("\n")[0]
        assert first == lines[s.line_start - 1].strip()


def test_centred_rows_take_back_their_top_lines(parsed) -> None:
    """Trần Liễu Phụ lục 3, task 6: two lines above the number line and two below."""
    segs = parsed["tran_lieu"].segments
    rows = [s for s in segs if s.kind == "row"
            and "ke hoach to chuc thuc hien chuong trinh dao tao" in s.search]
    assert len(rows) == 1
    row = rows[0]
    assert "thang 9/2025" in row.search
    assert "phat dong phong trao hoc" not in row.search  # task 5 stays in its own row


def test_blank_separated_rows_take_their_indicator_line(parsed) -> None:
    """Bình Tân Phụ lục I, V.6: 'Tỷ lệ dịch vụ công trực tuyến toàn' closes the block above
    the blank line but names the indicator of row 6."""
    segs = parsed["binh_tan"].segments
    row = _only(segs, "truc tuyen toan 6 | trinh")
    assert row.kind == "row"
    assert "90%" in row.search
    assert "tthc duoc so hoa" not in row.search
