"""A when-question is not answered by the time it names itself: "the yearly report … when?"
is not answered "hằng năm" by a clause that says the same, when another clause gives the
moment (intents.evidence). The plan is written for this test; the engine is the real one
with the deterministic fake embedder."""

from __future__ import annotations

import pytest
from plan_fixtures import engine_over

from corpus.normalize import fold
from intents import AnswerEngine

PLAN = """ỦY BAN NHÂN DÂN
XÃ THANH HÀ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 21/KH-UBND
Thanh Hà, ngày 05 tháng 9 năm 2025

KẾ HOẠCH

ỨNG DỤNG CÔNG NGHỆ SỐ TRONG THƯ VIỆN XÃ THANH HÀ NĂM 2026

I. NHIỆM VỤ

1. Thư viện xã lập danh mục sách điện tử của thư viện và cập nhật danh mục hằng năm.

2. Danh mục sách điện tử của thư viện được lập sau khi huyện giao chỉ tiêu mua sách.

II. TỔ CHỨC THỰC HIỆN

Văn phòng HĐND và UBND xã theo dõi, đôn đốc việc thực hiện Kế hoạch.
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> AnswerEngine:
    return engine_over(tmp_path_factory.mktemp("time-echo"), "xa-thanh-ha_21-KH-UBND.txt", PLAN)


@pytest.mark.parametrize("question", [
    "Danh mục sách điện tử hằng năm của thư viện xã Thanh Hà được lập khi nào?",
    "danh muc sach dien tu hang nam thanh ha lap luc nao",
])
def test_the_time_the_question_names_is_not_its_answer(engine, question) -> None:
    answer = engine.ask(question)
    assert answer.found and answer.intent == "when"
    assert "sau khi huyen giao" in fold(answer.headline)


def test_a_time_the_question_does_not_name_is_still_answered(engine) -> None:
    answer = engine.ask("Thư viện xã Thanh Hà cập nhật danh mục khi nào?")
    assert answer.found and "hang nam" in fold(answer.headline)
