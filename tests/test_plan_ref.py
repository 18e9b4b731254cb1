"""One resolver names a plan for the CLI, the bots and the engine (corpus.plan_ref)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from corpus.models import Document, PlanMeta
from corpus.plan_ref import PlanRefError, find_plan, match_plans, resolve_plan
from intents.engine import AnswerEngine


def _doc(id_: str, number: str, kind: str, locality: str) -> Document:
    return Document(id=id_, path=f"/plans/{id_}.txt", sha256=id_ * 4,
                    meta=PlanMeta(number=number, locality=locality, locality_kind=kind,
                                  issuer=f"UBND {kind} {locality}"))


DOCS = [
    _doc("a", "16/KH-UBND", "xã", "Hòa Bình"),
    _doc("b", "27-KH/ĐU", "xã", "Bình Tân"),
    _doc("c", "79/KH-UBND", "phường", "Trần Liễu"),
    _doc("d", "16/KH-UBND", "xã", "Tân"),       # same number, another commune
    _doc("e", "5/KH-UBND", "thị trấn", "Núi Đất"),
]


def _ids(ref: str) -> list[str]:
    return [d.id for d in match_plans(DOCS, ref)]


@pytest.mark.parametrize("ref, want", [
    ("79", "c"), ("79/KH-UBND", "c"), ("79/kh-ubnd", "c"), ("kế hoạch số 79", "c"),
    ("27-KH/ĐU", "b"), ("27", "b"),
    ("Trần Liễu", "c"), ("phường Trần Liễu", "c"), ("PHUONG TRAN LIEU", "c"),
    ("tran lieu", "c"), ("xã Bình Tân", "b"), ("binh tan", "b"),
    ("thị trấn Núi Đất", "e"), ("nui dat", "e"), ("5", "e"),
    ("16 Hòa Bình", "a"), ("16/KH-UBND xã Tân", "d"),
    ("xã Hòa Bình 2025", "a"),  # a number no plan has is not a plan number
])
def test_one_plan_by_number_or_locality(ref: str, want: str) -> None:
    assert _ids(ref) == [want]
    assert resolve_plan(DOCS, ref).id == want


def test_the_longest_locality_wins_over_a_word_of_it() -> None:
    # "Bình Tân" holds "Tân", the locality of another plan
    assert _ids("xã Bình Tân") == ["b"]
    assert _ids("xã Tân") == ["d"]


def test_ambiguous_and_contradictory_references_name_no_plan() -> None:
    assert sorted(_ids("16")) == ["a", "d"]
    assert find_plan(DOCS, "16") is None
    with pytest.raises(PlanRefError, match="khớp 2 kế hoạch"):
        resolve_plan(DOCS, "16")
    assert _ids("16 Trần Liễu") == []          # number and locality of different plans
    assert _ids("79/QĐ-UBND") == []            # another kind of document numbered 79
    assert _ids("Trần") == []                  # part of a locality is not the locality
    with pytest.raises(PlanRefError, match="không tìm thấy kế hoạch «999»"):
        resolve_plan(DOCS, "999")
    assert _ids("") == [] and _ids("  ") == []


def test_a_document_id_names_its_plan() -> None:
    assert _ids("c") == ["c"]


def test_the_engine_delegates_to_the_resolver() -> None:
    engine = AnswerEngine(SimpleNamespace(documents={d.id: d for d in DOCS}), None)
    assert engine.find_document("phuong tran lieu").id == "c"
    assert engine.find_document("27-KH/ĐU").id == "b"
    assert engine.find_document("16") is None
