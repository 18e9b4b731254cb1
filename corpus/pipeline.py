"""File in, plan out: load, read metadata, segment, extract facts."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from corpus.loaders import load_document
from corpus.metadata import extract_metadata
from corpus.models import Document, Fact, Segment, content_id
from corpus.segment import segment_document, segment_search_form

# A clean plan's syllable pairs join the reading copy's language model, so the words of
# agencies and plans that news text lacks are known when OCR text is read later.
LEARN_FROM_CLEAN = True
# The lexical search form of an OCR segment: folded from its reading copy (True) or from
# the OCR text through the repair lists of corpus.normalize (False). Measured in
# bench/READING.md.
SEARCH_FROM_READING = False


class ParsedPlan(BaseModel):
    document: Document
    segments: list[Segment]
    facts: list[Fact]
    format: str
    warnings: list[str] = []


def read_plan(path: str | Path) -> ParsedPlan:
    """Read one plan file of any supported format. Raises `LoadError` with a clear message."""
    p = Path(path).resolve()
    loaded = load_document(path)  # as given: a link is checked against its own folder
    meta = extract_metadata(loaded)
    doc = Document(
        id=content_id("doc", loaded.sha256),
        path=str(p),
        sha256=loaded.sha256,
        format=loaded.format,
        pages=loaded.pages,
        page_estimated=loaded.page_estimated,
        meta=meta,
    )
    segments = segment_document(loaded, doc)
    add_reading_copies([b.text for b in loaded.blocks], segments, key=loaded.sha256)
    from corpus.facts import extract_facts  # facts build on the segments

    facts = extract_facts(doc, segments)
    return ParsedPlan(document=doc, segments=segments, facts=facts, format=loaded.format,
                      warnings=[*loaded.warnings, *([meta.warning] if meta.warning else [])])


def add_reading_copies(lines: list[str], segments: list[Segment], key: str | None = None) -> None:
    """Give each segment of an OCR plan its reading copy (`Segment.reading`); a clean plan
    is its own reading copy and teaches the language model its words instead."""
    from corpus import reading  # the model loads on first use, not at import

    lines = [ln.strip() for ln in lines]
    if reading.document_is_clean(lines):
        if LEARN_FROM_CLEAN:
            reading.learn(lines, key=key)
        return
    restored = dict(zip(lines, reading.restore_lines(lines), strict=True))

    def copy_of(text: str) -> str:
        return "\n".join(restored.get(ln) or reading.restore_line(ln, assume_ocr=True)
                         for ln in text.split("\n"))

    for seg in segments:
        copy = copy_of(seg.text)
        seg.reading = copy if copy != seg.text else ""
        if SEARCH_FROM_READING:
            seg.search = segment_search_form(
                [copy_of(h) for h in seg.heading_path], seg.group and copy_of(seg.group),
                seg.table_header and copy_of(seg.table_header), copy)
