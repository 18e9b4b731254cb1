"""Reading copies shipped ahead of time (corpus.reading.copies): used only for the model
they were made with, and current for the bundled plans."""

from __future__ import annotations

import gzip
import json

import pytest

from corpus import reading
from corpus.reading import copies

LINE = "Ke hoach trien khai chuyen doi so nam 2026 cua xa"


@pytest.fixture
def shipped_file(tmp_path, monkeypatch):
    """A shipped-copies file of our own in place of the real one."""
    path = tmp_path / "copies.json.gz"
    monkeypatch.setattr(copies, "SHIPPED", path)
    monkeypatch.setattr(copies, "_shipped", None)
    _clear()
    yield path
    copies._shipped = None
    _clear()


def _clear() -> None:
    reading._restore.cache_clear()
    reading._restore_typed.cache_clear()


def _ship(path, entries: dict[str, str]) -> None:
    path.write_bytes(gzip.compress(json.dumps({"copies": entries}).encode()))


def test_a_shipped_copy_is_read_instead_of_decoding(shipped_file) -> None:
    _ship(shipped_file, {copies.key(LINE, True, ""): "bản đọc đã lưu"})
    assert reading.restore_line(LINE, assume_ocr=True) == "bản đọc đã lưu"
    # the same line with another right context or kind of reading is another entry
    assert reading.restore_line(LINE, assume_ocr=True, after="của") != "bản đọc đã lưu"
    assert reading.restore_diacritics(LINE) != "bản đọc đã lưu"


def test_a_copy_of_another_model_is_never_used(shipped_file, monkeypatch) -> None:
    decoded = reading.restore_line(LINE, assume_ocr=True)
    _ship(shipped_file, {copies.key(LINE, True, "", model_key="a model of yesterday"):
                         "bản đọc cũ"})
    _clear()
    assert reading.restore_line(LINE, assume_ocr=True) == decoded
    # a change of the decoder's code or data changes the fingerprint, so every entry misses
    before = copies.fingerprint()
    monkeypatch.setattr(copies, "_CODE", b"other code")
    monkeypatch.setattr(copies, "_fingerprint", None)
    assert copies.fingerprint() != before


def test_a_damaged_file_means_decoding(shipped_file) -> None:
    shipped_file.write_bytes(b"not gzip")
    assert reading.restore_line(LINE, assume_ocr=True).startswith("Kế hoạch")


def test_recording_writes_what_was_read(tmp_path, shipped_file) -> None:
    copies.start_recording()
    copy = reading.restore_line(LINE, assume_ocr=True)
    out = tmp_path / "written.json.gz"
    assert copies.write_recorded(out) == 1
    assert json.loads(gzip.decompress(out.read_bytes()))["copies"] == {
        copies.key(LINE, True, ""): copy}


def test_the_shipped_copies_cover_the_bundled_plans() -> None:
    """The README's first-start time holds only while the shipped copies match the
    reading model of a fresh data directory; after a change to corpus/reading (or the
    count files, places, normalize) run `python -m retrieval.seed`."""
    from corpus.loaders import load_document
    from corpus.reading import lm
    from retrieval.index import plan_files
    from retrieval.settings import BUNDLED_PLANS

    fresh = copies.fingerprint(lm._shipped_model())  # no clean plan learned yet
    shipped = copies.shipped_keys()
    wanted = set()
    for path in plan_files([BUNDLED_PLANS]):
        lines = [b.text.strip() for b in load_document(path).blocks]
        assert not reading.document_is_clean(lines)  # the bundled plans are OCR
        for i, ln in enumerate(lines):
            if ln.strip() and not reading.is_clean_text(ln):
                after = reading._runs_on(ln, lines[i + 1] if i + 1 < len(lines) else "")
                wanted.add(copies.key(ln, True, after, model_key=fresh))
    hits = len(wanted & shipped)
    assert hits >= 0.95 * len(wanted), (
        f"the shipped reading copies cover {hits} of {len(wanted)} lines of the bundled "
        "plans: run `python -m retrieval.seed`")
