"""Data that crosses a stage boundary: loaded documents, plans, segments, facts."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field


def content_id(*parts: str, length: int = 16) -> str:
    """Stable content-hash id: the same content always gets the same id."""
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()[:length]


class Block(BaseModel):
    """One line (text formats) or one table row (DOCX/PDF tables) of a loaded file."""

    text: str
    page: int = 1
    line: int = 0  # 1-based line (or block) number in the source, for provenance
    kind: Literal["line", "row"] = "line"
    cells: list[str] | None = None  # table cells, when the format knows the columns
    style: str | None = None  # e.g. a DOCX heading style ("Heading 1")


class LoadedDocument(BaseModel):
    """What a loader returns: the file's text as blocks with page numbers."""

    path: str
    sha256: str
    format: str  # "txt", "docx", "pdf", "pdf-ocr", "image-ocr"
    blocks: list[Block]
    pages: int = 1
    page_estimated: bool = False  # True where the format gives no real page numbers
    warnings: list[str] = Field(default_factory=list)


class PlanMeta(BaseModel):
    number: str = ""  # "79/KH-UBND", "27-KH/ĐU", "2820/QĐ-UBND"
    issuer: str = ""  # "UBND phường Trần Liễu", "Đảng ủy xã Bình Tân", "Chính phủ"
    locality: str = ""  # "Trần Liễu", "Bắc Ninh" (official spelling); "" for a national body
    locality_kind: str = ""  # "xã" | "phường" | "đặc khu" | "tỉnh" | "thành phố"
    province: str = ""  # "Hải Phòng": the province of the locality (itself for a province)
    date: str = ""  # "02/10/2025" (as far as the text allows)
    title: str = ""
    kind: str = ""  # "Kế hoạch", "Quyết định", "Nghị quyết", "Chương trình", "Đề án"
    issues: str = ""  # what a Quyết định issues ("Kế hoạch"), when it issues a plan
    signer: str = ""  # the name under the signature block, when legible
    warning: str = ""  # why the file does not look like a plan (a meeting note, …)


class Document(BaseModel):
    id: str
    path: str
    sha256: str
    format: str = "txt"
    pages: int = 1
    page_estimated: bool = False
    meta: PlanMeta

    @property
    def locality_key(self) -> str:
        from corpus.normalize import fold

        return fold(self.meta.locality)

    def label(self) -> str:
        """'Kế hoạch 79/KH-UBND – UBND phường Trần Liễu' for citations ('Quyết định
        2820/QĐ-UBND – UBND thành phố Hồ Chí Minh' for a decision that issues a plan)."""
        # a file ingested with --force that is not a plan is not cited as one
        kind = self.meta.kind or ("Văn bản" if self.meta.warning else "Kế hoạch")
        number = f"{kind} {self.meta.number}" if self.meta.number else kind
        who = self.meta.issuer or (
            f"{self.meta.locality_kind} {self.meta.locality}".strip() or Path(self.path).name
        )
        return f"{number} – {who}"


class Segment(BaseModel):
    """A clause, item or table row of a plan, with where it stands."""

    id: str
    doc_id: str
    order: int
    kind: Literal["text", "heading", "row", "header"] = "text"
    text: str  # original text (the OCR line as read): the "nguyên văn"
    search: str  # search form of heading context + text
    reading: str = ""  # the reading copy (proper Vietnamese) when it differs from `text`
    heading_path: list[str] = Field(default_factory=list)
    page: int = 1
    line_start: int = 0
    line_end: int = 0
    table_header: str | None = None  # for table rows: the table's header text
    group: str | None = None  # for table rows: the group row above ("II | Đến năm 2045")

    @property
    def shown(self) -> str:
        """What a user reads: the reading copy, or the text itself when that is clean."""
        return self.reading or self.text

    @property
    def section(self) -> str:
        return " › ".join(self.heading_path)

    @property
    def body(self) -> str:
        """The search form of the clause itself, without its heading context."""
        return self.search.split("||", 1)[-1].strip()


class Fact(BaseModel):
    """A task, duty or target held as structured data, with its source segment."""

    id: str
    doc_id: str
    segment_id: str
    kind: Literal["task", "duty", "target"]
    text: str  # what is to be done / the indicator
    lead: list[str] = Field(default_factory=list)  # canonical agency names
    support: list[str] = Field(default_factory=list)
    deadline_text: str = ""
    deadline_kind: str = ""  # date|month|quarter|year|range|recurring|condition|ongoing
    due_date: str | None = None  # ISO date of the deadline's last day, when one is known
    product: str = ""  # a task table's "Sản phẩm / Kết quả (dự kiến)" cell
    funding: str = ""  # a task table's "Nguồn kinh phí" cell
    refers: list[str] = Field(default_factory=list)  # segments a "tại mục (IV)(5)" points to
    unit: str = ""
    values: dict[str, str] = Field(default_factory=dict)  # year -> "≥ 90%"
    comparison: str = ""
    page: int = 1
    section: str = ""
