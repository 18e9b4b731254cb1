"""File in, plan out: load, read metadata, segment, extract facts."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from corpus.loaders import load_document
from corpus.metadata import extract_metadata
from corpus.models import Document, Fact, Segment, content_id
from corpus.segment import segment_document


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
    from corpus.facts import extract_facts  # facts build on the segments

    facts = extract_facts(doc, segments)
    return ParsedPlan(document=doc, segments=segments, facts=facts, format=loaded.format,
                      warnings=[*loaded.warnings, *([meta.warning] if meta.warning else [])])
