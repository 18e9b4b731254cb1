"""DOCX plans (python-docx): paragraphs with their numbering and style, tables as rows.

- Numbering Word computes at display time ("I.", "1.", "1.1.", "a)", bullets) is rebuilt
  from numbering.xml and put in front of the paragraph text, so the segmenter sees the
  same "1. …" a reader sees. The paragraph style ("Heading 1") goes to `Block.style`.
- A paragraph is followed by a blank block: paragraphs are what blank lines separate in a
  text plan, and the segmenter reads them that way.
- Tables with three or more columns become one `row` block per table row with its cells
  (merged cells counted once). The small two-column tables Vietnamese administrative
  documents use for layout (issuing body | national motto; "Nơi nhận" | signature) are read
  as lines, left cell first.
- Headers and footers live in their own parts and are never read.
- Pages: Word records where it last broke pages (`w:lastRenderedPageBreak`); when the file
  has none (written by another program), pages are counted from explicit page breaks and
  estimated from the amount of text (about 42 lines of 80 characters per A4 page), and the
  document says `page_estimated=True` so citations can say so.
- Before python-docx opens the file, the container is checked and rebuilt: a file that is
  not a zip (an old .doc, a password-protected document, anything renamed) is refused with
  a clear message. The sizes a zip's directory declares are not trusted (a zip bomb can
  declare 1 KB and inflate to gigabytes, and Python's zipfile inflates a whole member in
  one call before cutting it to the declared size): every XML part is inflated here in
  small steps against a running byte budget (`MAX_XML_BYTES` for all parts together), and
  python-docx gets a new zip of those parts. Pictures and other binary parts are never
  inflated (their text is not read), and an XML part with a document type declaration
  (entities: the "billion laughs") is refused: Word never writes one.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.legacy import convert_blocks
from corpus.loaders import LoadError, register, sha256_bytes
from corpus.models import Block, LoadedDocument
from corpus.normalize import nfc

MAX_XML_BYTES = 64 * 1024 * 1024  # all XML parts together, counted as they inflate
MAX_RATIO = 100  # a part larger than RATIO_FROM may not have inflated more than this
RATIO_FROM = 5 * 1024 * 1024
MAX_MEMBERS = 5000
CHUNK = 64 * 1024
LINES_PER_PAGE = 42  # 14 pt on A4; about 2,900 characters of prose a page, as the bundled plans
CHARS_PER_LINE = 80

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


# ---- the zip container -------------------------------------------------------------------
def check_container(name: str, data: bytes) -> None:
    """Refuse what is not a Word file: an OLE file (.doc, encrypted), not a zip."""
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED in data:
            raise LoadError(f"Tệp «{name}» được đặt mật khẩu; hãy gỡ mật khẩu rồi gửi lại.")
        raise LoadError(f"Tệp «{name}» là tệp Word 97-2003 (.doc) mang đuôi .docx; hãy mở "
                        "bằng Word và lưu lại dưới dạng .docx.")
    if not data.startswith(b"PK"):
        raise LoadError(f"Tệp «{name}» không phải tệp Word (.docx) hợp lệ.")


def _bomb(name: str, detail: str) -> LoadError:
    return LoadError(f"Tệp «{name}» bị từ chối: {detail} (dấu hiệu «bom zip»).")


def _inflate(data: bytes, info: zipfile.ZipInfo, name: str, budget: int) -> bytes:
    """One member, inflated `CHUNK` bytes at a time; refused once it passes `budget`,
    whatever its declared size. The CRC is checked, so a damaged member is refused too."""
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) or \
            info.flag_bits & 0x1:
        raise LoadError(f"Tệp «{name}» dùng kiểu nén hoặc mã hóa lạ; không phải tệp Word "
                        "hợp lệ.")
    start = info.header_offset
    header = data[start:start + zipfile.sizeFileHeader]
    if len(header) != zipfile.sizeFileHeader or header[:4] != zipfile.stringFileHeader:
        raise LoadError(f"Tệp «{name}» bị hỏng (phần «{info.filename}»).")
    fields = zipfile.struct.unpack(zipfile.structFileHeader, header)
    pos = (start + zipfile.sizeFileHeader + fields[zipfile._FH_FILENAME_LENGTH]
           + fields[zipfile._FH_EXTRA_FIELD_LENGTH])
    end = min(len(data), pos + info.compress_size)
    out = bytearray()
    crc = 0
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    while pos < end or (inflater is not None and inflater.unconsumed_tail):
        if inflater is not None and inflater.unconsumed_tail:
            piece = inflater.decompress(inflater.unconsumed_tail, CHUNK)
        else:
            chunk = data[pos:min(end, pos + CHUNK)]
            pos += len(chunk)
            piece = inflater.decompress(chunk, CHUNK) if inflater is not None else chunk
        out += piece
        crc = zlib.crc32(piece, crc)
        if len(out) > budget:
            raise _bomb(name, f"phần «{info.filename}» giải nén vượt "
                              f"{MAX_XML_BYTES // (1024 * 1024)} MB dù khai báo "
                              f"{info.file_size} byte")
        if len(out) > RATIO_FROM and len(out) > MAX_RATIO * max(1, pos - start):
            raise _bomb(name, f"phần «{info.filename}» phình hơn {MAX_RATIO} lần khi giải nén")
        if inflater is not None and inflater.eof:
            break
    if crc != info.CRC or len(out) != info.file_size:
        raise LoadError(f"Tệp «{name}» bị hỏng: phần «{info.filename}» không khớp kích thước "
                        "hoặc mã kiểm tra (CRC).")
    return bytes(out)


def _is_xml(member: str) -> bool:
    return member.endswith((".xml", ".rels")) or member == "[Content_Types].xml"


def read_container(name: str, data: bytes) -> bytes:
    """A new zip holding the document's XML parts inflated under the budget, and its other
    parts empty; what python-docx opens instead of the file as sent."""
    check_container(name, data)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise LoadError(f"Tệp «{name}» bị hỏng, không mở được ({exc}).") from exc
    names = {i.filename for i in infos}
    if "word/document.xml" not in names:
        raise LoadError(f"Tệp «{name}» là tệp nén nhưng không phải văn bản Word (.docx).")
    if len(infos) > MAX_MEMBERS:
        raise _bomb(name, f"{len(infos)} phần trong tệp nén")
    declared = sum(i.file_size for i in infos if _is_xml(i.filename))
    if declared > MAX_XML_BYTES:
        raise _bomb(name, f"khai báo {declared // (1024 * 1024)} MB khi giải nén")
    budget = MAX_XML_BYTES
    out = io.BytesIO()
    with zf, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as new:
        for info in infos:
            if info.is_dir() or info.filename in new.NameToInfo:
                continue
            if not _is_xml(info.filename):
                new.writestr(info.filename, b"")  # a picture: its text is not read
                continue
            try:
                part = _inflate(data, info, name, budget)
            except (zlib.error, OSError, zipfile.struct.error) as exc:
                raise LoadError(f"Tệp «{name}» bị hỏng (phần «{info.filename}»: {exc}).") from exc
            budget -= len(part)
            if b"<!DOCTYPE" in part[:4096] or b"<!ENTITY" in part:
                raise LoadError(f"Tệp «{name}» bị từ chối: phần «{info.filename}» khai báo "
                                "thực thể XML (DOCTYPE/ENTITY), điều tệp Word không bao giờ có.")
            new.writestr(info.filename, part)
    return out.getvalue()


# ---- numbering -----------------------------------------------------------------------------
def _roman(n: int) -> str:
    out = ""
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                       (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                       (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + sym, n - value
    return out


def _letter(n: int) -> str:
    n = max(n, 1)
    return "abcdefghijklmnopqrstuvwxyz"[(n - 1) % 26] * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperLetter":
        return _letter(n).upper()
    if fmt == "lowerLetter":
        return _letter(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


def _val(el: Any, tag: str, default: str | None = None) -> str | None:
    child = el.find(W + tag) if el is not None else None
    return child.get(W + "val") if child is not None else default


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."


@dataclass
class Numbering:
    """Word's list numbering, replayed paragraph by paragraph."""

    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # abstractNumId
    nums: dict[str, str] = field(default_factory=dict)  # numId -> abstractNumId
    starts: dict[str, dict[int, int]] = field(default_factory=dict)  # numId overrides
    counters: dict[str, dict[int, int]] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)

    @classmethod
    def from_document(cls, document: Any) -> Numbering:
        num = cls()
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return num
        for ab in root.findall(W + "abstractNum"):
            levels: dict[int, _Level] = {}
            for lvl in ab.findall(W + "lvl"):
                levels[int(lvl.get(W + "ilvl", "0"))] = _Level(
                    int(_val(lvl, "start", "1") or 1), _val(lvl, "numFmt", "decimal") or "",
                    _val(lvl, "lvlText", "") or "")
            num.levels[ab.get(W + "abstractNumId", "")] = levels
        for n in root.findall(W + "num"):
            nid = n.get(W + "numId", "")
            num.nums[nid] = _val(n, "abstractNumId", "") or ""
            for ov in n.findall(W + "lvlOverride"):
                start = _val(ov, "startOverride")
                if start is not None:
                    num.starts.setdefault(nid, {})[int(ov.get(W + "ilvl", "0"))] = int(start)
        return num

    def label(self, num_id: str, ilvl: int) -> str:
        """The label of the next paragraph of list `num_id` at level `ilvl` ("1.2.", "a)")."""
        abstract = self.nums.get(num_id)
        levels = self.levels.get(abstract or "", {})
        if abstract is None or ilvl not in levels:
            return ""
        counters = self.counters.setdefault(abstract, {})
        if num_id not in self.seen:  # a list instance that restarts its numbering
            self.seen.add(num_id)
            for lvl, start in self.starts.get(num_id, {}).items():
                counters[lvl] = start - 1
        counters[ilvl] = counters.get(ilvl, levels[ilvl].start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        lvl = levels[ilvl]
        if lvl.fmt == "bullet":
            return "-"

        def sub(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            ref = levels.get(k, _Level())
            return format_number(counters.get(k, ref.start), ref.fmt)

        return re.sub(r"%(\d)", sub, lvl.text).strip()


def _num_pr(paragraph: Any) -> tuple[str, int] | None:
    """(numId, ilvl) from the paragraph, else from its style chain."""
    ppr = paragraph._p.pPr
    candidates = [ppr.find(W + "numPr") if ppr is not None else None]
    style = paragraph.style
    while style is not None:
        sppr = style.element.find(W + "pPr")
        candidates.append(sppr.find(W + "numPr") if sppr is not None else None)
        style = style.base_style
    ilvl = 0
    for np_ in candidates:
        if np_ is None:
            continue
        level = _val(np_, "ilvl")
        if level is not None:
            ilvl = int(level)
        num_id = _val(np_, "numId")
        if num_id is not None:
            return (num_id, ilvl) if num_id != "0" else None
    return None


# ---- pages ---------------------------------------------------------------------------------
@dataclass
class _Pager:
    """Page of each block: Word's rendered breaks when present, else an estimate."""

    rendered: bool
    page: int = 1
    lines: float = 0.0

    def breaks(self, el: Any) -> tuple[int, int]:
        """(breaks before any text, breaks after text) inside a paragraph or table row."""
        before = after = 0
        seen_text = False
        for node in el.iter(W + "t", W + "br", W + "lastRenderedPageBreak", W + "pageBreakBefore"):
            tag = node.tag[len(W):]
            if tag == "t":
                seen_text = seen_text or bool((node.text or "").strip())
                continue
            counts = (tag == "lastRenderedPageBreak") if self.rendered else (
                tag == "pageBreakBefore" or (tag == "br" and node.get(W + "type") == "page"))
            if counts:
                if seen_text:
                    after += 1
                else:
                    before += 1
        return before, after

    def place(self, el: Any, lines: float) -> int:
        """Page on which an element starts; advances past it."""
        before, after = self.breaks(el)
        if before:
            self.page, self.lines = self.page + before, 0.0
        elif not self.rendered and self.lines + lines > LINES_PER_PAGE and self.lines > 0:
            self.page, self.lines = self.page + 1, 0.0
        start = self.page
        self.lines += lines
        if after:
            self.page, self.lines = self.page + after, 0.0
        return start


def _para_lines(text: str) -> float:
    return max(1, math.ceil(len(text) / CHARS_PER_LINE)) + 0.3


def _row_lines(cells: list[str]) -> float:
    width = max(8, CHARS_PER_LINE // max(1, len(cells)))
    return max(1, *(math.ceil(len(c) / width) for c in cells)) + 0.3


# ---- reading -------------------------------------------------------------------------------
def _cell_lines(cell: Any) -> list[str]:
    """The non-empty paragraphs of a cell, nested tables included."""
    parts = [p.text for p in cell.paragraphs]
    parts += [_cell_text(c) for t in cell.tables for r in t.rows for c in _unique_cells(r)]
    return [nfc(" ".join(t.split())) for t in parts if t.strip()]


def _cell_text(cell: Any) -> str:
    return " ".join(_cell_lines(cell))


def _unique_cells(row: Any) -> list[Any]:
    """Cells of a row, a cell merged across columns counted once."""
    out: list[Any] = []
    for cell in row.cells:
        if not out or cell._tc is not out[-1]._tc:
            out.append(cell)
    return out


def _placed_cells(row: Any) -> list[list[str]]:
    """The lines of each column's cell. A cell merged over some of the columns is read once,
    in its first column, the others left empty, so the cells after it stay under their
    header (as a typed `cell | cell` row keeps them); a cell over the whole row (a group
    row, "I. HẠ TẦNG SỐ") is one cell."""
    cells = row.cells
    if len(_unique_cells(row)) == 1:
        return [_cell_lines(cells[0])] if cells else []
    out: list[list[str]] = []
    for i, cell in enumerate(cells):
        out.append([] if i and cell._tc is cells[i - 1]._tc else _cell_lines(cell))
    return out


@dataclass
class _Reader:
    document: Any
    numbering: Numbering
    pager: _Pager
    blocks: list[Block] = field(default_factory=list)

    def add(self, text: str, page: int, **kw: Any) -> None:
        self.blocks.append(Block(text=text, page=page, line=len(self.blocks) + 1, **kw))

    def paragraph(self, p: Any) -> None:
        text = nfc(" ".join(p.text.replace("\t", " ").split()))
        num = _num_pr(p) if text else None
        label = self.numbering.label(*num) if num else ""
        if label:
            text = f"{label} {text}"
        page = self.pager.place(p._p, _para_lines(text) if text else 0.6)
        style = p.style.name if p.style is not None else None
        self.add(text, page, style=style)
        if text:
            self.add("", page)  # the paragraph boundary a text plan marks with a blank line

    def table(self, t: Any) -> None:
        rows = [(r, _placed_cells(r)) for r in t.rows]
        width = max((len(cells) for _, cells in rows), default=0)
        layout = width <= 2 and len(rows) <= 4
        for r, cell_lines in rows:
            cells = [" ".join(lines) for lines in cell_lines]
            page = self.pager.place(r._tr, _row_lines(cells))
            if layout:  # issuing body | motto, "Nơi nhận" | signature: read as lines
                for line in (x for lines in cell_lines for x in lines):
                    self.add(line, page)
                continue
            if any(cells):
                self.add(" | ".join(cells), page, kind="row", cells=cells, style="Table")
        self.add("", self.pager.page)

    def body(self, parent: Any) -> None:
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        for el in parent.iterchildren():
            if el.tag == W + "p":
                self.paragraph(Paragraph(el, self.document.part))
            elif el.tag == W + "tbl":
                self.table(Table(el, self.document.part))
            elif el.tag == W + "sdt":  # content control: read what it holds
                content = el.find(W + "sdtContent")
                if content is not None:
                    self.body(content)


@register(".docx", isolated=True)
def load_docx(path: Path, data: bytes) -> LoadedDocument:
    container = read_container(path.name, data)
    try:
        import docx
    except ImportError as exc:
        raise LoadError("Chưa cài python-docx: chạy `pip install python-docx` để đọc tệp "
                        f"«{path.name}».") from exc
    try:
        document = docx.Document(io.BytesIO(container))
    except Exception as exc:  # a damaged part python-docx cannot parse
        raise LoadError(f"Tệp «{path.name}» là tệp Word bị hỏng, không mở được "
                        f"({type(exc).__name__}).") from exc
    body = document.element.body
    rendered = body.find(f".//{W}lastRenderedPageBreak") is not None
    reader = _Reader(document, Numbering.from_document(document), _Pager(rendered))
    reader.body(body)
    blocks = convert_blocks(reader.blocks)
    warnings = [] if rendered else [
        "Số trang là ước tính: tệp Word không ghi vị trí ngắt trang."]
    return LoadedDocument(path=str(path), sha256=sha256_bytes(data), format="docx",
                          blocks=blocks, pages=max((b.page for b in blocks), default=1),
                          page_estimated=not rendered, warnings=warnings)
