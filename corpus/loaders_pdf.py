"""PDF plans: the text layer with real page numbers, ruled tables as rows, scans by OCR.

Library: pdfplumber (pdfminer.six underneath). Measured on the two-page test plan on this
machine, pypdf extracts the text about six times faster (10 ms against 60 ms) but gives
neither character positions nor table cells; pdfplumber gives both, which is what finds
ruled tables, running headers and paragraph gaps, and it renders pages for OCR through
pypdfium2 (already its dependency), so scanned pages need no other program. Reading time
is dominated by OCR anyway (about a second a page against a few milliseconds).

- Tables are found where the PDF draws ruling lines; each table row becomes a `row` block
  with its cells. A cell merged across rows is repeated in every row it spans (as a reader
  reads it); a cell merged across columns is counted once.
- Running headers and footers (lines at the top or bottom of most pages) and bare page
  numbers are dropped.
- A blank block marks a paragraph break: a larger gap between lines, or a first-line indent.
- A page with no text layer is rendered at 300 dpi and read by Tesseract (corpus.ocr).
"""

from __future__ import annotations

import io
import math
import re
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.legacy import convert_blocks
from corpus.loaders import LoadError, progress, register, sha256_bytes
from corpus.models import Block, LoadedDocument
from corpus.normalize import fold, nfc

MAX_PAGES = 500
MIN_TEXT_CHARS = 20  # fewer characters than this on a page with an image: a scanned page
RUNNING_SHARE = 0.6  # a top/bottom line on this share of pages is a running header/footer
ZONE_LINES = 2  # how many lines at the top and at the bottom can be running lines
_PAGE_NUMBER = re.compile(r"^[-–—\s]*(trang\s*)?\d{1,4}(\s*(/|tren)\s*\d{1,4})?[-–—\s.]*$")


# ---- running headers and footers ----------------------------------------------------------
def _key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(fold(text).split()))


def running_indexes(pages: list[list[str | None]]) -> list[set[int]]:
    """Per page, the indexes of running headers/footers and bare page numbers.

    Only the first and last `ZONE_LINES` non-empty entries of a page are candidates; None
    stands for something that is never dropped (a table row)."""
    zones: list[list[int]] = []
    for lines in pages:
        filled = [i for i, t in enumerate(lines) if t is None or t.strip()]
        zone = filled[:ZONE_LINES] + filled[-ZONE_LINES:]
        zones.append([i for i in dict.fromkeys(zone) if lines[i] is not None])
    counts: dict[str, int] = {}
    for lines, zone in zip(pages, zones, strict=True):
        for key in {_key(lines[i] or "") for i in zone}:
            counts[key] = counts.get(key, 0) + 1
    need = max(2, math.ceil(RUNNING_SHARE * len(pages)))
    out: list[set[int]] = []
    for lines, zone in zip(pages, zones, strict=True):
        drop = set()
        for i in zone:
            text = lines[i] or ""
            if _PAGE_NUMBER.match(fold(text)) or (len(pages) >= 2 and counts[_key(text)] >= need):
                drop.add(i)
        out.append(drop)
    return out


def drop_running_lines(pages: list[list[str]]) -> list[list[str]]:
    drops = running_indexes(list(pages))  # type: ignore[arg-type]
    return [[t for i, t in enumerate(lines) if i not in d] for lines, d in zip(pages, drops,
                                                                                 strict=True)]


# ---- one page of a text PDF ----------------------------------------------------------------
@dataclass
class _Item:
    top: float
    x0: float
    bottom: float
    text: str
    cells: list[str] | None = None  # a table row
    x1: float = 0.0  # where the line ends on the right


# a row number a narrow "TT" column wrapped mid-token ("II" / "I" for "III", "1" / "2")
_WRAPPED_NUMBER = re.compile(r"^(?:[0-9]{1,4}|[IVXLC]{1,6})(?:\.[0-9]{1,3})*\.?$")


def _cell(text: str | None) -> str:
    pieces = (text or "").split()
    if len(pieces) > 1 and _WRAPPED_NUMBER.match("".join(pieces)) and "\n" in (text or ""):
        return "".join(pieces)
    return nfc(" ".join(pieces))


def _table_rows(table: Any) -> list[_Item]:
    """Rows of a ruled table; vertically merged cells repeated, horizontal ones once."""
    texts = table.extract()
    rows = table.rows
    out: list[_Item] = []
    above: dict[int, tuple[str, float]] = {}  # column -> (text, bottom of its cell)
    for row, cells_text in zip(rows, texts, strict=False):
        cells: list[str] = []
        for col, (bbox, text) in enumerate(zip(row.cells, cells_text, strict=False)):
            if bbox is not None:
                cells.append(_cell(text))
                above[col] = (_cell(text), bbox[3])
            elif col in above and above[col][1] >= row.bbox[3] - 1:
                cells.append(above[col][0])  # the cell above spans this row too
        if any(cells):
            x0, top, _, bottom = row.bbox
            out.append(_Item(top, x0, bottom, " | ".join(cells), cells))
    return out


def _page_items(page: Any) -> list[_Item]:
    """Text lines outside tables and table rows, top to bottom."""
    tables = [t for t in page.find_tables() if len(t.rows) >= 2 and
              max(len(r.cells) for r in t.rows) >= 2]
    boxes = [t.bbox for t in tables]

    def outside(obj: dict) -> bool:
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    text_page = page.filter(outside) if boxes else page
    items = [_Item(line["top"], line["x0"], line["bottom"], nfc(line["text"]), x1=line["x1"])
             for line in text_page.extract_text_lines()]
    for t in tables:
        items += _table_rows(t)
    return sorted(items, key=lambda it: (round(it.top), it.x0))


def _paragraph_breaks(items: list[_Item], before: _Item | None = None) -> list[bool]:
    """Where a blank line belongs before an item: a wide gap, a first-line indent, or a
    line before it that ends short; `before` is the last line of the page before, which
    may end a paragraph (a heading at the foot of a page)."""
    lines = [it for it in items if it.cells is None]
    gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:], strict=False)
            if b.top - a.bottom >= 0]
    heights = [it.bottom - it.top for it in lines] or [10.0]
    step = min(statistics.quantiles(gaps, n=4)[0], statistics.median(gaps)) if len(
        gaps) >= 4 else (min(gaps) if gaps else 0.0)
    margin = min((it.x0 for it in lines), default=0.0)
    right = max((it.x1 for it in lines), default=0.0)
    flags = []
    for prev, it in zip([None, *items], items, strict=False):
        if prev is None and before is not None and before.cells is None and it.cells is None:
            flags.append(_ends_short(before, it, margin, right))
            continue
        if prev is None or it.cells is not None or prev.cells is not None:
            flags.append(prev is not None)
            continue
        gap = it.top - prev.bottom
        wide = gap > step + 0.25 * statistics.median(heights)
        indented = it.x0 > margin + 12 and prev.x0 <= margin + 2
        flags.append(wide or indented or _ends_short(prev, it, margin, right))
    return flags


def _ends_short(prev: _Item, it: _Item, margin: float, right: float) -> bool:
    """`prev` ends its paragraph: it stops well short of the text's right edge (a heading,
    the last line of a paragraph), and `it` opens like a paragraph, with a capital, a number
    or a dash. A PDF set with no space between paragraphs shows its breaks only this way."""
    width = right - margin
    if width <= 0 or not prev.x1 or prev.x1 >= right - 0.2 * width:
        return False
    first = it.text.lstrip()[:1]
    return first.isupper() or first.isdigit() or first in "-–—+•*"


# ---- the document --------------------------------------------------------------------------
def _open(name: str, data: bytes) -> Any:
    if b"%PDF-" not in data[:1024]:
        raise LoadError(f"Tệp «{name}» không phải tệp PDF hợp lệ.")
    precheck(name, data)
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        _check_count(pdf, name)  # before the page tree is parsed: 20,000 pages take minutes
        _ = pdf.pages  # parses the page tree: a broken file fails here
    except LoadError:
        raise
    except Exception as exc:
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(inner, PDFPasswordIncorrect | PDFEncryptionError):
            raise LoadError(f"Tệp «{name}» là PDF được đặt mật khẩu; hãy gỡ mật khẩu (hoặc "
                            "in lại ra PDF không mật khẩu) rồi gửi lại.") from exc
        raise LoadError(f"Tệp «{name}» là PDF bị hỏng, không đọc được "
                        f"({type(inner).__name__}).") from exc
    if len(pdf.pages) > MAX_PAGES:
        pdf.close()
        raise LoadError(f"Tệp «{name}» có {len(pdf.pages)} trang; tối đa {MAX_PAGES} trang.")
    return pdf


_STREAM = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
_BRACKET = re.compile(rb"<<|>>|\[|\]")
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
MAX_NESTING = 64  # arrays and dictionaries inside each other; real PDFs use fewer than 10


def precheck(name: str, data: bytes) -> None:
    """What the file's own bytes show before any parser runs: page objects beyond
    `MAX_PAGES`, arrays or dictionaries nested deeper than `MAX_NESTING` (pdfminer spends
    seconds on each such object). Stream contents are left out; objects packed inside
    compressed streams are not seen here, and the worker's time budget covers them."""
    outside = _STREAM.sub(b" ", data)
    pages = len(_PAGE_OBJECT.findall(outside))
    if pages > MAX_PAGES:
        raise LoadError(f"Tệp «{name}» có {pages} trang; tối đa {MAX_PAGES} trang.")
    depth = 0
    for m in _BRACKET.finditer(outside):
        depth += 1 if m.group() in (b"[", b"<<") else -1
        if depth > MAX_NESTING:
            raise LoadError(f"Tệp «{name}» bị từ chối: cấu trúc lồng nhau quá sâu (hơn "
                            f"{MAX_NESTING} tầng).")
        depth = max(depth, 0)


def _check_count(pdf: Any, name: str) -> None:
    """The page count the document declares, checked before any page is read."""
    from pdfminer.pdftypes import resolve1

    try:
        count = resolve1(resolve1(pdf.doc.catalog.get("Pages")).get("Count"))
    except Exception:  # no usable count: the page tree itself is read under the time budget
        return
    if isinstance(count, int) and count > MAX_PAGES:
        pdf.close()
        raise LoadError(f"Tệp «{name}» có {count} trang; tối đa {MAX_PAGES} trang.")


def _is_scanned(page: Any) -> bool:
    chars = sum(1 for c in page.chars if c.get("text", "").strip())
    return chars < MIN_TEXT_CHARS and bool(page.images)


@register(".pdf", isolated=True)
def load_pdf(path: Path, data: bytes) -> LoadedDocument:
    pdf = _open(path.name, data)
    warnings: list[str] = []
    with pdf:
        scanned: list[int] = []
        pages: list[list[_Item]] = []
        for i, p in enumerate(pdf.pages):
            progress()  # one page at a time: the worker's time budget is per page
            if _is_scanned(p):
                scanned.append(i)
                pages.append([])
            else:
                pages.append(_page_items(p))
            p.close()  # pdfplumber caches every object of a page until the file is closed
        n_pages = len(pdf.pages)
        if scanned:
            warnings += _ocr_pages(pdf, scanned, pages, path.name, n_pages)
    blocks = convert_blocks(_blocks(pages, set(scanned)))
    fmt = "pdf-ocr" if scanned and len(scanned) * 2 >= n_pages else "pdf"
    return LoadedDocument(path=str(path), sha256=sha256_bytes(data), format=fmt,
                          blocks=blocks, pages=n_pages, warnings=warnings)


def _ocr_pages(pdf: Any, scanned: list[int], pages: list[list[_Item]], name: str,
               n_pages: int) -> list[str]:
    """Read the pages without a text layer by OCR, in place; the warnings to report."""
    from corpus import ocr

    reason = ocr.unavailable_reason()
    if reason:
        if len(scanned) == n_pages:
            ocr.require_ocr(name)
        return [f"Trang {', '.join(str(i + 1) for i in scanned)} là ảnh quét, bỏ qua vì "
                f"{reason}."]
    images = (_render(pdf.pages[i], name) for i in scanned)  # rendered as OCR reaches them
    for i, text in zip(scanned, ocr.ocr_images(images), strict=True):
        pages[i] = [_Item(float(n), 0.0, float(n), line.strip())
                    for n, line in enumerate(text.splitlines())]
    listed = ", ".join(str(i + 1) for i in scanned)
    return [f"Trang {listed} được nhận dạng chữ từ ảnh quét (OCR); có thể sai chính tả."]


def _render(page: Any, name: str) -> Any:
    """A page image for OCR at `ocr.DPI`, or coarser when the page is so large that the
    image would pass `ocr.MAX_PIXELS` (a crafted 200-inch page is not rendered at 300 dpi)."""
    from corpus import ocr

    inches = max(1e-3, float(page.width) / 72) * max(1e-3, float(page.height) / 72)
    dpi = min(ocr.DPI, int(math.sqrt(ocr.MAX_PIXELS / inches)))
    if dpi < 50:
        raise LoadError(f"Tệp «{name}» bị từ chối: trang {page.page_number} quá lớn để nhận "
                        f"dạng chữ ({page.width / 72:.0f} × {page.height / 72:.0f} inch).")
    image = page.to_image(resolution=dpi).original
    page.close()
    return image


def _blocks(pages: list[list[_Item]], ocr_pages: set[int]) -> list[Block]:
    """Blocks of all pages; OCR text keeps its own blank lines between paragraphs."""
    texts: list[list[str | None]] = [[None if it.cells else it.text for it in items]
                                     for items in pages]
    drops = running_indexes(texts)
    blocks: list[Block] = []
    last: _Item | None = None  # the last line kept of the page before
    for index, (items, drop) in enumerate(zip(pages, drops, strict=True)):
        kept = [it for i, it in enumerate(items) if i not in drop]
        breaks = [False] * len(kept) if index in ocr_pages else _paragraph_breaks(kept, last)
        last = kept[-1] if kept and index not in ocr_pages else None
        for it, brk in zip(kept, breaks, strict=True):
            if brk and blocks and blocks[-1].text:
                blocks.append(Block(text="", page=index + 1, line=len(blocks) + 1))
            blocks.append(Block(text=it.text, page=index + 1, line=len(blocks) + 1,
                                kind="row" if it.cells else "line", cells=it.cells))
    return blocks
