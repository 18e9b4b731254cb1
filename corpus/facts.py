"""Tasks, duties and targets held as facts (filled in by the facts stage)."""

from __future__ import annotations

from corpus.models import Document, Fact, Segment


def extract_facts(doc: Document, segments: list[Segment]) -> list[Fact]:
    return []
