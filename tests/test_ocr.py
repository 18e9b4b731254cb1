"""Scanned PDFs and page photos read by Tesseract (`tesseract -l vie`). Skipped when
Tesseract or its Vietnamese model is missing (.ci/run installs them)."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import plan_fixtures as F
import pytest

from corpus import ocr
from corpus.loaders import LoadError, load_document
from corpus.normalize import edit_distance, fold
from corpus.pipeline import read_plan
from intents import AnswerEngine
from retrieval import Settings

pytestmark = [
    pytest.mark.ocr,
    pytest.mark.skipif(ocr.unavailable_reason() is not None,
                       reason=f"Tesseract/vie not installed ({ocr.TESSERACT_PACKAGES})"),
    pytest.mark.skipif(F.unicode_font() is None, reason="no TTF with Vietnamese glyphs"),
]


def char_accuracy(got: str, want: str) -> float:
    """1 - edit distance / length of the source, whitespace collapsed, both NFC."""
    a = " ".join(unicodedata.normalize("NFC", got).split())
    b = " ".join(unicodedata.normalize("NFC", want).split())
    return 1 - edit_distance(a, b) / max(1, len(b))


@pytest.fixture(scope="module")
def scans(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("scans")
    return {"pdf": F.write_scanned_pdf(d / "scan.pdf"), "png": F.write_scan_png(d / "scan.png")}


def test_scanned_pdf_is_read_by_ocr_with_its_pages(scans) -> None:
    doc = load_document(scans["pdf"])
    assert doc.format == "pdf-ocr" and doc.pages == 2 and doc.warnings
    page = {b.text: b.page for b in doc.blocks}
    assert page.get("I. MỤC ĐÍCH, YÊU CẦU") == 1 and page.get("III. TỔ CHỨC THỰC HIỆN") == 2
    got = "\n".join(b.text for b in doc.blocks)
    want = "\n".join("\n".join(p) for p in F.prose_pages())
    assert char_accuracy(got, want) > 0.97


def test_image_is_read_by_ocr(scans) -> None:
    doc = load_document(scans["png"])
    assert doc.format == "image-ocr" and doc.pages == 1
    assert any(fold(b.text).startswith("- co quan chu tri: van phong hdnd") for b in doc.blocks)


def test_scanned_plan_facts_and_answers(scans, tmp_path) -> None:
    plan = read_plan(scans["pdf"])
    assert plan.document.meta.number == "12/KH-UBND"
    tasks = {(f.lead[0], f.due_date) for f in plan.facts if f.kind == "task"}
    assert ("Văn phòng HĐND và UBND", "2025-09-30") in tasks
    assert ("Phòng Văn hóa - Xã hội", "2025-12-31") in tasks
    engine = AnswerEngine.open(Settings(data_dir=tmp_path / "data", embedder="fake",
                                        plans=[scans["pdf"]]))
    who = engine.ask("Ở xã Tân Phú, ai chủ trì số hóa hồ sơ, tài liệu lưu trữ?")
    assert who.found and who.headline.startswith("Văn phòng HĐND và UBND")
    assert who.citations[0].page == 1
    when = engine.ask("Phong trào Bình dân học vụ số của xã Tân Phú phải hoàn thành khi nào?")
    assert when.found and when.headline.startswith("tháng 12/2025")


def test_missing_tesseract_names_the_packages(scans, monkeypatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setenv("PATH", "")  # the loader worker (corpus.sandbox) looks it up itself
    for path in scans.values():
        with pytest.raises(LoadError) as err:
            load_document(path)
        msg = str(err.value)
        assert f"«{path.name}»" in msg and "tesseract-ocr tesseract-ocr-vie" in msg


def test_broken_image_is_refused(tmp_path) -> None:
    bad = tmp_path / "anh.jpg"
    bad.write_bytes(b"\xff\xd8\xff not really a jpeg")
    with pytest.raises(LoadError, match="anh.jpg.*không phải ảnh"):
        load_document(bad)
