"""Plan metadata: with the sidecar (display values) and from the OCR text alone."""

from __future__ import annotations

import shutil

import pytest
from conftest import PLAN_KEYS, plan_path, sidecar

from corpus.loaders import LoadError, decode_text, load_document
from corpus.metadata import extract_metadata
from corpus.normalize import edit_distance, fold
from corpus.pipeline import read_plan

RAW_NUMBER = {
    "an_hao": "15-KH/ĐU",
    "binh_tan": "27-KH/ĐU",
    "tran_lieu": "79/KH-UBND",
    "loc_tan": "16/KH-UBND",
    "phong_tho": "80/KH-UBND",
}
# What the header of each scan allows: An Hảo's day is illegible ("ngay osthang 10"),
# Lộc Tân's day and month were left blank ("ngay M thang Y nim 2025").
RAW_DATE = {
    "an_hao": "10/2025",
    "binh_tan": "19/11/2025",
    "tran_lieu": "02/10/2025",
    "loc_tan": "2025",
    "phong_tho": "03/10/2025",
}
ISSUER_BODY = {
    "an_hao": "Đảng ủy",
    "binh_tan": "Đảng ủy",
    "tran_lieu": "UBND",
    "loc_tan": "UBND",
    "phong_tho": "UBND",
}


@pytest.mark.parametrize("key", PLAN_KEYS)
def test_meta_matches_sidecar(parsed, key: str) -> None:
    meta = parsed[key].document.meta
    side = sidecar(key)
    assert meta.number == side["number"]
    assert meta.locality == side["locality"]
    assert meta.issuer == side["issuer"]
    assert meta.locality_kind == side["locality_kind"]
    if "date" in side:
        assert meta.date == side["date"]


@pytest.fixture(scope="module")
def raw_meta(tmp_path_factory):
    """Metadata of each plan copied without its .meta.json: the extractor alone."""
    out = {}
    for key in PLAN_KEYS:
        d = tmp_path_factory.mktemp(f"raw_{key}")
        dst = d / plan_path(key).name
        shutil.copy(plan_path(key), dst)
        assert not dst.with_suffix(".meta.json").exists()
        out[key] = read_plan(dst).document.meta
    return out


@pytest.mark.parametrize("key", PLAN_KEYS)
def test_raw_number_exact(raw_meta, key: str) -> None:
    assert raw_meta[key].number == RAW_NUMBER[key]
    assert raw_meta[key].number == sidecar(key)["number"]


@pytest.mark.parametrize("key", PLAN_KEYS)
def test_raw_locality_close_to_sidecar(raw_meta, key: str) -> None:
    got, want = fold(raw_meta[key].locality), fold(sidecar(key)["locality"])
    assert got == want or edit_distance(got, want) <= 2, (got, want)
    assert raw_meta[key].locality_kind == sidecar(key)["locality_kind"]


def test_raw_locality_exact_where_ocr_is_clean(raw_meta) -> None:
    assert raw_meta["tran_lieu"].locality == "Tran Lieu"
    assert raw_meta["binh_tan"].locality == "Binh Tan"
    assert raw_meta["an_hao"].locality == "An Hao"


@pytest.mark.parametrize("key", PLAN_KEYS)
def test_raw_date(raw_meta, key: str) -> None:
    assert raw_meta[key].date == RAW_DATE[key]
    if "date" in sidecar(key):
        assert raw_meta[key].date == sidecar(key)["date"]


@pytest.mark.parametrize("key", PLAN_KEYS)
def test_raw_issuer_names_body_and_locality(raw_meta, key: str) -> None:
    meta = raw_meta[key]
    assert meta.issuer.startswith(ISSUER_BODY[key])
    assert fold(meta.issuer).endswith(fold(f"{meta.locality_kind} {meta.locality}"))


def test_raw_title_of_phong_tho(raw_meta) -> None:
    assert fold(raw_meta["phong_tho"].title).startswith("phat trien khoa hoc, cong nghe")
    assert "2026 - 2030" in raw_meta["phong_tho"].title


def test_extract_metadata_on_loaded_document() -> None:
    meta = extract_metadata(load_document(plan_path("tran_lieu")))
    assert meta.number == "79/KH-UBND"
    assert meta.issuer == "UBND phường Trần Liễu"  # sidecar beside the bundled file


def test_loader_pages_follow_one_space_convention() -> None:
    doc = load_document(plan_path("loc_tan"))
    lines = plan_path("loc_tan").read_text(encoding="utf-8").splitlines()
    starts = sum(1 for i, t in enumerate(lines) if i > 0 and t.startswith(" ")
                 and not t.startswith("  ") and t.strip())
    assert doc.pages == starts + 1
    assert doc.blocks[0].page == 1
    assert doc.blocks[-1].page == doc.pages


def test_load_errors(tmp_path) -> None:
    with pytest.raises(LoadError, match="Không tìm thấy"):
        load_document(tmp_path / "missing.txt")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(LoadError, match="rỗng"):
        load_document(empty)
    odd = tmp_path / "plan.xyz"
    odd.write_text("abc", encoding="utf-8")
    with pytest.raises(LoadError, match="chưa hỗ trợ"):
        load_document(odd)


def test_decode_text_encodings() -> None:
    s = "Kế hoạch số 79/KH-UBND"
    assert decode_text(s.encode("utf-8")) == s
    assert decode_text(b"\xef\xbb\xbf" + s.encode("utf-8")) == s
    assert decode_text(s.encode("utf-16")) == s
    assert decode_text(s.encode("utf-16-le")) == s
