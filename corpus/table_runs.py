"""Typed tables in clean text: where a `cell | cell` table starts, and where it ends.

A DOCX or PDF plan saved as text keeps its tables as lines of cells separated by `|`, one
line a row. Such a table may stand anywhere in a plan, not only in an appendix under a
"Phụ lục" title: a target table under "2. Chỉ tiêu cụ thể", a task table in the middle of
"II. Nhiệm vụ". It ends where its rows end. A line without a cell rule ends it when it reads
as a heading or a paragraph, unless it
- continues a wrapped cell (it follows a row directly, and starts in lower case or
  completes a row shorter than the header whose last cell has not ended its sentence), or
- is a group row inside the table ("I. NÂNG CAO NHẬN THỨC …" with rows below it).
A new header row ends the table too (the next table starts there); a header typed over two
lines right below each other is one header.

`read_run` returns the table's lines as `TableLine`s (header, group and body rows, each
with the blocks it spans) and the index of the first block after the table; the segmenter
(`corpus.segment`) emits them as row segments under the heading the table stands in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import zip_longest

from corpus.models import Block
from corpus.normalize import fold, strip_marks
from corpus.tables import GROUP_LINE, column_role, group_label, is_header, split_cells

# a header cell is a column title: short, and free of the debris OCR leaves on column rules
_HEADER_CELL_CHARS = 60
_DEBRIS = re.compile(r"[~\[\]{}\\<>@_]")
_NUMBERED = re.compile(r"^(?:[IVXLC]{1,6}|[A-Da-dđ]|\d{1,2}(?:\.\d{1,2}){0,3})\s*[.)]\s+\S")
_BULLET = re.compile(r"^[-–—•+*]\s*\S")
_SENTENCE_END = ".;:!?"
# what follows a plan's last table: the recipients and signature, an appendix title
_CLOSING = re.compile(r"^(noi nhan|tm\.|kt\.|phu luc|\(?kem theo|\(?ban hanh kem theo)")


@dataclass
class TableLine:
    """One line of a typed table: its kind ("header", "group", "row"), cells and blocks (a
    row whose cell wraps over several lines spans several blocks)."""

    kind: str
    cells: list[str]
    blocks: list[Block] = field(default_factory=list)


def piped(text: str) -> list[str] | None:
    """The cells of a `cell | cell` line (at least two, one of them filled), else None."""
    t = text.strip()
    if "|" not in t:
        return None
    cells = split_cells(t)
    return cells if len(cells) >= 2 and any(cells) else None


def _typed_header(cells: list[str]) -> bool:
    """A header row as typed text has it: column titles, each short, clean and starting with
    a capital or a digit, nearly all of them with a column role."""
    filled = [c for c in cells if c]
    if not is_header(cells) or any(
            len(c) > _HEADER_CELL_CHARS or _DEBRIS.search(c) or not (c[0].isupper() or
                                                                  c[0].isdigit())
            for c in filled):
        return False
    return sum(not column_role(c) for c in filled) <= len(filled) // 4


def _body_row(cells: list[str] | None, width: int) -> bool:
    """A body row of a table `width` cells wide: not a header, not wider than the table."""
    return cells is not None and not _typed_header(cells) and len(cells) <= max(width, 2) + 1


def _next_filled(blocks: list[Block], i: int) -> int | None:
    return next((j for j in range(i, len(blocks)) if blocks[j].text.strip()), None)


def table_starts(blocks: list[Block], i: int) -> bool:
    """A typed table starts at block `i`: a header row with a body row (or a group row and a
    body row) below it."""
    cells = piped(blocks[i].text)
    if cells is None or not _typed_header(cells):
        return False
    j = _next_filled(blocks, i + 1)
    below = piped(blocks[j].text) if j is not None else None
    if below is not None and _typed_header(below):  # the header's second line
        j = _next_filled(blocks, j + 1)
    if j is not None and piped(blocks[j].text) is None and _reads_as_group(blocks[j].text):
        j = _next_filled(blocks, j + 1)
    return j is not None and _body_row(piped(blocks[j].text), len(cells))


def _upper_ratio(text: str) -> float:
    letters = [c for c in strip_marks(text) if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0


def reads_as_heading(text: str) -> bool:
    """A numbered, lettered or bulleted item, or a line in capitals: a heading or list item
    of the plan's own structure, never the rest of a cell."""
    t = text.strip().lstrip("‘'\". ")
    return bool(_NUMBERED.match(t) or _BULLET.match(t)) or (
        len(t) > 3 and _upper_ratio(t) > 0.7)


def _reads_as_group(text: str) -> bool:
    t = text.strip()
    return bool(GROUP_LINE.match(t) or _NUMBERED.match(t)) or (
        len(t) > 3 and _upper_ratio(t) > 0.7)


def _continues(prev: TableLine, text: str, width: int, blank_before: bool) -> bool:
    """`text` (a line with no cell rule) is the rest of the last cell of row `prev`."""
    if blank_before or prev.kind != "row" or reads_as_heading(text) or \
            _CLOSING.match(fold(text)):
        return False
    t = text.strip()
    if t[:1].islower():
        return True
    last = next((c for c in reversed(prev.cells) if c), "")
    return len(prev.cells) < width and last[-1:] not in _SENTENCE_END


def _wraps(prev: TableLine, cells: list[str], width: int, blank_before: bool) -> bool:
    """A piped line that carries on row `prev`'s last cell: it starts in lower case and
    together they are no wider than the table."""
    return (not blank_before and prev.kind == "row" and cells[0][:1].islower()
            and len(prev.cells) + len(cells) - 1 <= width)


def read_run(blocks: list[Block], start: int) -> tuple[list[TableLine], int]:
    """The table that starts at `start` (a header row, `table_starts`): its lines, and the
    index of the first block after it (its trailing blank lines are not part of it)."""
    header = split_cells(blocks[start].text.strip())
    width = len(header)
    out = [TableLine("header", header, [blocks[start]])]
    end = start + 1
    i = start + 1
    blank_before = False
    while i < len(blocks):
        b = blocks[i]
        text = b.text.strip()
        if not text:
            blank_before = True
            i += 1
            continue
        cells = piped(text)
        prev = out[-1]
        if cells is not None:
            if prev.kind == "header" and _typed_header(cells) and not blank_before:
                # a header over two lines ("Mục tiêu" over "Năm 2025 | Năm 2030"): a column
                # is titled by its lower cell, or by the upper one where the lower is empty
                prev.cells = [lo or up for up, lo in zip_longest(prev.cells, cells,
                                                                fillvalue="")]
                prev.blocks.append(b)
                header = prev.cells
                width = len(header)
                end = i + 1
                i += 1
                continue
            if _typed_header(cells) and fold(" | ".join(cells)) != fold(" | ".join(header)):
                break  # the header of the next table
            if _wraps(prev, cells, width, blank_before):
                prev.cells = [*prev.cells[:-1], f"{prev.cells[-1]} {cells[0]}", *cells[1:]]
                prev.blocks.append(b)
            else:
                kind = "header" if _typed_header(cells) else (
                    "group" if group_label(cells, width) is not None else "row")
                out.append(TableLine(kind, cells, [b]))
        elif _continues(prev, text, width, blank_before):
            prev.cells = [*prev.cells[:-1], f"{prev.cells[-1]} {text}".strip()]
            prev.blocks.append(b)
        elif _reads_as_group(text) and _rows_follow(blocks, i + 1, width):
            out.append(TableLine("group", [text], [b]))
        else:
            break  # a heading or a paragraph after the table
        end = i + 1
        blank_before = False
        i += 1
    return out, end


def _rows_follow(blocks: list[Block], i: int, width: int) -> bool:
    j = _next_filled(blocks, i)
    if j is None:
        return False
    return _body_row(piped(blocks[j].text), width)
