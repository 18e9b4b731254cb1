"""Codes joined by "/", "&" or "-" ("3G/4G", "KH&CN", "HĐND-UBND", "IoT/AI") are found by their
parts typed apart ("3g 4g", "kh cn") and by their joined spelling ("khcn"); numbers with
separators (dates, plan numbers, periods) stay as they were."""

from __future__ import annotations

import pytest

from corpus.normalize import search_form, words
from retrieval.lexical import BM25Index, joined_forms, terms

DOCS = [
    "Lắp đặt mới trạm 3G/4G tại các xã vùng sâu, vùng xa",
    "Phát triển mạng 5G tại các khu công nghiệp",
    "Sở KH&CN chủ trì hướng dẫn, tổng hợp báo cáo",
    "Văn phòng HĐND-UBND xã tiếp nhận hồ sơ trực tuyến",
    "Ứng dụng IoT/AI trong nông nghiệp thông minh",
    "Báo cáo trước ngày 15/11/2025 theo Kế hoạch số 79/KH-UBND giai đoạn 2026-2030",
]


@pytest.fixture(scope="module")
def index() -> BM25Index:
    return BM25Index([search_form(d) for d in DOCS])


def _best(index: BM25Index, query: str) -> int:
    return int(index.scores(search_form(query)).argmax())


@pytest.mark.parametrize("query, doc", [
    ("trạm 3G/4G", 0), ("tram 3g 4g", 0), ("3G 4G", 0), ("4g", 0), ("3g4g", 0),
    ("sở khcn", 2), ("so kh cn", 2), ("KH&CN", 2),
    ("van phong hdnd ubnd", 3), ("hdndubnd", 3),
    ("iot ai nong nghiep", 4), ("iotai", 4), ("mang 5g", 1),
])
def test_a_join_is_found_by_its_parts_and_its_joined_spelling(index, query, doc) -> None:
    assert _best(index, query) == doc


def test_the_parts_of_a_join_are_words_of_their_own() -> None:
    assert words(search_form("trạm 3G/4G mới")) == ["tram", "3g", "4g", "moi"]
    assert words(search_form("IoT/AI")) == ["iot", "ai"]


@pytest.mark.parametrize("text, kept", [
    ("ngày 15/11/2025", "15/11/2025"), ("Quý IV/2025", "iv/2025"), ("tỷ lệ 0,6", "0,6"),
    ("mục 1.2.3", "1.2.3"), ("đạt 45%", "45%"),
])
def test_numbers_keep_their_separators(text, kept) -> None:
    assert kept in words(search_form(text))


@pytest.mark.parametrize("text", ["số 79/KH-UBND", "giai đoạn 2026-2030", "ngày 15/11/2025",
                                  "Quý IV/2025"])
def test_plan_numbers_periods_and_dates_have_no_joined_form(text) -> None:
    assert joined_forms(search_form(text)) == []


def test_a_join_adds_its_joined_spelling_once() -> None:
    assert terms(search_form("Sở KH&CN")).count("khcn") == 1
    assert "3g4g" in terms(search_form("3G/4G")) and "3g_4g" in terms(search_form("3G/4G"))
