"""One plan in two files (OCR text, then the clean DOCX): one plan in the index, and the
sync of the plans folder does not bring the replaced file back."""

from __future__ import annotations

from pathlib import Path

import pytest
from plan_fixtures import write_docx, write_text

from retrieval import Settings
from retrieval.index import Index


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "plans"
    folder.mkdir()
    return write_text(folder / "plan.txt"), write_docx(tmp_path / "upload.docx")


def _open(tmp_path: Path, sync: bool = True) -> Index:
    settings = Settings(data_dir=tmp_path / "data", plans=[tmp_path / "plans"], embedder="fake")
    return Index.open(settings, sync=sync)


def test_second_file_of_a_plan_replaces_the_first(tmp_path, files) -> None:
    text, docx = files
    index = _open(tmp_path)
    (first,) = index.documents.values()
    report = index.ingest([docx])[0]
    assert report.status == "updated" and "plan.txt" in report.message
    (only,) = index.documents.values()
    assert only.format == "docx" and only.meta.number == first.meta.number
    assert {s.doc_id for s in index.segments} == {only.id}
    assert {f.doc_id for f in index.facts} <= {only.id}


def test_sync_at_start_keeps_the_replacement(tmp_path, files) -> None:
    _, docx = files
    _open(tmp_path).ingest([docx])
    again = _open(tmp_path)  # the plans folder still holds plan.txt
    (only,) = again.documents.values()
    assert only.format == "docx"


def test_naming_the_replaced_file_brings_it_back(tmp_path, files) -> None:
    text, docx = files
    index = _open(tmp_path)
    index.ingest([docx])
    report = index.ingest([text])[0]
    assert report.status == "updated" and "upload.docx" in report.message
    (only,) = index.documents.values()
    assert only.format == "txt"
    (only,) = _open(tmp_path).documents.values()  # and the sync leaves it so
    assert only.format == "txt"


def test_removing_the_replacement_restores_the_folder_file(tmp_path, files) -> None:
    _, docx = files
    index = _open(tmp_path)
    index.ingest([docx])
    (doc,) = index.documents.values()
    index.remove(doc.id)
    (only,) = _open(tmp_path).documents.values()
    assert only.format == "txt"
