"""Shared fixtures: the bundled plans and their parsed forms (read once per session)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from corpus.pipeline import ParsedPlan, read_plan  # noqa: E402

PLANS_DIR = ROOT / "corpus" / "plans"

# short key -> file stem of each bundled plan
PLAN_STEMS = {
    "an_hao": "dang-uy-xa-an-hao_15-KH-DU",
    "binh_tan": "dang-uy-xa-binh-tan_27-KH-DU",
    "tran_lieu": "phuong-tran-lieu_79-KH-UBND",
    "loc_tan": "xa-loc-tan_16-KH-UBND",
    "phong_tho": "xa-phong-tho_80-KH-UBND",
}
PLAN_KEYS = sorted(PLAN_STEMS)


def plan_path(key: str) -> Path:
    return PLANS_DIR / f"{PLAN_STEMS[key]}.txt"


def sidecar(key: str) -> dict:
    return json.loads((PLANS_DIR / f"{PLAN_STEMS[key]}.meta.json").read_text(encoding="utf-8"))


def plan_lines(key: str) -> list[str]:
    return plan_path(key).read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="session")
def parsed() -> dict[str, ParsedPlan]:
    """Every bundled plan read through the real pipeline, once."""
    return {key: read_plan(plan_path(key)) for key in PLAN_KEYS}


@pytest.fixture(scope="session")
def documents(parsed):
    return [p.document for p in parsed.values()]
