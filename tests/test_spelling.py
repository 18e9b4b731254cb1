"""Typos typed on a phone are put right before the question is understood."""

from __future__ import annotations

import pytest

from intents.detect import understand
from intents.spelling import correct

FIXED = [
    ("loc tan chi teiu so suc khoe", "loc tan chi tieu so suc khoe"),  # a lexicon pair
    ("dat bao niheu", "dat bao nhieu"),
    ("ke hoach chyuen doi so", "ke hoach chuyen doi so"),
    ("o pohng tho", "o phong tho"),  # two letters swapped
    ("khi nao phai bao cao 6 tahng", "khi nao phai bao cao 6 thang"),
]


@pytest.mark.parametrize(("typed", "meant"), FIXED)
def test_one_letter_typos_are_corrected(typed: str, meant: str) -> None:
    assert correct(typed) == meant


@pytest.mark.parametrize("text", [
    "ung dung zalo va app online wifi email",  # foreign words: no syllable makes a word
    "khcn cds ubnd tthc 5g nq57",  # abbreviations and codes
    "ke hoach 79/kh-ubnd ngay 15/6/2025 dat 100%",  # numbers and plan numbers
    "ai chu tri viec so hoa ho so",  # already right
])
def test_words_that_are_not_typos_are_kept(text: str) -> None:
    assert correct(text) == text


def test_words_of_the_loaded_plans_are_never_corrected() -> None:
    assert correct("ocop hdnd") == "ocop hdnd"
    # a plan's own spelling counts as a word even when the lexicon lacks it
    assert correct("bao niheu", known={"niheu"}) == "bao niheu"


def test_a_typo_in_the_place_name_still_finds_the_plan(documents) -> None:
    by_place = {d.meta.locality: d.id for d in documents}
    q = understand("Mục tiêu phủ sóng 5G của xã pohng tho?", documents)
    assert q.localities == [by_place["Phong Thổ"]]
    assert q.intent == "target"
