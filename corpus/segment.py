"""Split a loaded plan into segments that follow the document's own structure.

Prose: headings (`I.`, `1.`, `1.1.`, `a)`) open levels of a heading path; every numbered,
lettered or bulleted item is a segment of its own; field bullets ("- Cơ quan chủ trì: …",
"- Thời gian: …") stay with the item they describe. Appendices (`Phụ lục`) are cut into
table rows: OCR flattened their columns, so a row keeps its table's header and the group
row above it (e.g. "II | Đến năm 2045"), which is what gives its values meaning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.flat_rows import LONE_NUMBER, ROW_NUM, VALUE, flat_rows
from corpus.models import Block, Document, LoadedDocument, Segment, content_id
from corpus.normalize import fold, search_form, strip_marks
from corpus.table_runs import read_run, table_starts
from corpus.tables import group_label, is_header, split_cells

MAX_SEGMENT_CHARS = 900

_ROMAN = re.compile(r"^(X{0,3})(IX|IV|V?I{0,3})$")
_ROMANISH = re.compile(r"^([IVXLTl1]{1,5})\s*[.,:]\s*(\S.*)$")
_PART = re.compile(r"^([A-D])\s*\.\s+(\S.*)$")
_NUM3 = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{1,2})\.?\s+(\S.*)$")
_NUM2 = re.compile(r"^(\d{1,2})\.(\d{1,2})\.?\s+(\S.*)$")
_NUM1 = re.compile(r"^(\d{1,2})\s*[.)]\s*(\S.*)$")
_LETTER = re.compile(r"^[‘'\".]*\s*([a-zđ@¢])\)\s*(\S.*)$")
_BULLET = re.compile(r"^[-–—•+*]\s*(\S.*)$")
_FIELD = re.compile(
    r"^(co quan (chu tri|phoi hop|thuc hien)|chu tri|phoi hop|tho\w{0,2} (gian|han)|don vi "
    r"(chu tri|thuc hien|phoi hop)|san pham)\b[^:]{0,25}:"
)
_APPENDIX = re.compile(
    r"^(phu luc|danh muc|chi tieu cu the|danh gia giai [dp]oan|\(?kem theo ke hoach|"
    r"\(?ban hanh kem theo)"
)
_SIGNATURE = re.compile(r"^noi nh")
# a line that is only "Phụ lục" and its number opens an appendix wherever it stands: a PDF
# may set it right under the signer's name with no gap that marks a paragraph
_BARE_APPENDIX = re.compile(r"^phu luc(\s+(so\s+)?[0-9ivxlc]{1,5})?\s*[.:]?$", re.IGNORECASE)


@dataclass
class _Open:
    kind: str
    lines: list[Block] = field(default_factory=list)
    path: list[str] = field(default_factory=list)
    header: str | None = None
    group: str | None = None


def segment_document(loaded: LoadedDocument, doc: Document) -> list[Segment]:
    """Segments of one plan, in reading order, with heading path, page and line span."""
    if any(b.kind == "row" for b in loaded.blocks):
        return _Segmenter(doc).run_structured(loaded.blocks)
    return _Segmenter(doc).run(loaded.blocks)


def _upper_ratio(text: str) -> float:
    letters = [c for c in strip_marks(text) if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0


def short_heading(text: str, n: int = 90) -> str:
    """A heading as heading paths keep it: cut to `n` characters, its years kept."""
    text = " ".join(text.split())
    if len(text) <= n:
        return text
    # a long heading's last words often hold its period ("… GIAI ĐOẠN 2026-2030"): kept
    years = re.findall(r"20[2-5]\d(?:\s*-\s*20[2-5]\d)?", text[n - 1:])
    return text[: n - 1].rstrip() + "…" + "".join(f" {y}" for y in years)


def segment_search_form(path: list[str], group: str | None, header: str | None,
                        text: str) -> str:
    """A segment's search form: its heading context, then its own text after "||"."""
    context = " ".join([*path, group or "", header or ""])
    return search_form(f"{context} || {text}")


class _Segmenter:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.segments: list[Segment] = []
        self.stack: list[tuple[int, str]] = []  # (level, heading text)
        self.cur: _Open | None = None
        self.after_blank = False
        self.cur_is_title = False
        self.typed = False  # set per plan by `run`: a typed plan's paragraphs may lack blanks

    # ---- output -------------------------------------------------------------------
    def _emit(self, kind: str, blocks: list[Block], path: list[str], header: str | None = None,
              group: str | None = None) -> None:
        blocks = [b for b in blocks if b.text.strip()]
        if not blocks:
            return
        text = "\n".join(b.text.strip() for b in blocks)
        if kind == "heading" and (len(blocks) > 2 or len(text) > 160):
            kind = "text"
        for chunk, chunk_blocks in _split_long(text, blocks):
            seg_id = content_id(self.doc.id, str(chunk_blocks[0].line), chunk)
            self.segments.append(
                Segment(
                    id=seg_id,
                    doc_id=self.doc.id,
                    order=len(self.segments),
                    kind=kind,  # type: ignore[arg-type]
                    text=chunk,
                    search=segment_search_form(path, group, header, chunk),
                    heading_path=list(path),
                    page=chunk_blocks[0].page,
                    line_start=chunk_blocks[0].line,
                    line_end=chunk_blocks[-1].line,
                    table_header=header,
                    group=group,
                )
            )

    def _close(self) -> None:
        if self.cur is not None:
            self._emit(self.cur.kind, self.cur.lines, self.cur.path, self.cur.header,
                       self.cur.group)
        self.cur = None

    def _path(self) -> list[str]:
        return [short_heading(t) for _, t in self.stack]

    def _push(self, level: int, text: str) -> None:
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()
        self.stack.append((level, text))

    # ---- prose --------------------------------------------------------------------
    def run(self, blocks: list[Block]) -> list[Segment]:
        self.typed = is_typed(blocks)
        i = 0
        appendix_at = None
        while i < len(blocks):
            b = blocks[i]
            f = fold(b.text)
            if _SIGNATURE.match(f):
                self._close()
                end = self._signature_end(blocks, i)
                self._emit("text", blocks[i:end], ["Nơi nhận, người ký"])
                i = end
                continue
            if table_starts(blocks, i):
                i = self._typed_table(blocks, i, self._path() or ["Bảng"])
                continue
            if (_is_appendix_title(b.text) or f.startswith("stt ")) and i > len(blocks) * 0.3:
                appendix_at = i
                break
            self._line(b, f)
            i += 1
        self._close()
        if appendix_at is not None:
            self._appendix(blocks[appendix_at:])
        return self.segments

    def _signature_end(self, blocks: list[Block], start: int) -> int:
        """The 'Nơi nhận' list and signature run until an appendix or a long gap."""
        blanks = 0
        for j in range(start + 1, len(blocks)):
            f = fold(blocks[j].text)
            if _is_appendix_title(blocks[j].text) or f.startswith("stt"):
                return j
            blanks = blanks + 1 if not f else 0
            if blanks >= 3 or j - start > 40:
                return j
        return len(blocks)

    def _line(self, b: Block, f: str) -> None:
        if not f:
            self.after_blank = True
            return
        if LONE_NUMBER.match(f):  # a printed page number
            return
        level, title = self._heading_level(b.text, f)
        if level is None:
            level = _style_level(b.style)
        if level is not None:
            self._close()
            if level <= 3:
                self._push(level, b.text.strip())
                parents = self._path()[:-1]
            else:
                parents = self._path()
            self.cur = _Open("heading" if level <= 2 else "text", [b], parents)
            self.cur_is_title = level <= 2
            self.after_blank = False
            return
        bullet = _BULLET.match(b.text.strip())
        if bullet:
            body = search_form(bullet.group(1))
            if _FIELD.match(body) and self.cur is not None:
                self.cur.lines.append(b)  # "- Cơ quan chủ trì: …" belongs to its item
            else:
                self._close()
                self.cur = _Open("text", [b], self._path())
                self.cur_is_title = False
            self.after_blank = False
            return
        if self.cur is not None and _FIELD.match(search_form(b.text)):
            self.cur.lines.append(b)  # "Cơ quan chủ trì: …" without a dash
        elif self.cur is None or (self.cur_is_title and (
                self.after_blank or (self.typed and _clause_after_heading(self.cur.lines,
                                                                          b.text)))):
            # body text under a heading: a segment of its own under that heading
            self._close()
            self.cur = _Open("text", [b], self._path())
            self.cur_is_title = False
        else:
            self.cur.lines.append(b)
            if self.cur_is_title and self.stack:
                # a heading that wraps over several lines: keep the path text whole
                lvl, txt = self.stack[-1]
                self.stack[-1] = (lvl, f"{txt} {b.text.strip()}")
        self.after_blank = False

    def _heading_level(self, raw: str, f: str) -> tuple[int | None, str]:
        text = raw.strip().lstrip("‘'\". ")
        if _FIELD.match(search_form(text)):
            return None, ""
        m = _PART.match(text)
        if m and _upper_ratio(m.group(2)) > 0.7:
            return 0, text
        m = _ROMANISH.match(text)
        if m:
            numeral, rest = m.groups()
            roman = numeral.translate(str.maketrans("1lLT", "IIII"))
            if (re.search("[IVX]", numeral) and _ROMAN.match(roman) and rest[:1].isupper()):
                return 1, text
            if _upper_ratio(rest) > 0.7 and len(rest) > 3:
                return 1, text
        m = _NUM3.match(text)
        if m:
            return 4, text
        m = _NUM2.match(text)
        if m:
            return 3, text
        m = _NUM1.match(text)
        if m and not re.match(r"^\d{1,2}\s*[.)]\s*\d", text):
            return 2, text
        m = _LETTER.match(text)
        if m:
            return 5, text
        return None, ""

    # ---- appendices ----------------------------------------------------------------
    def _appendix(self, blocks: list[Block]) -> None:
        """Appendix: tables cut into rows, or a prose list (tasks with fields)."""
        regions = _split_regions(blocks)
        for title, region in regions:
            name = f"Phụ lục: {short_heading(title, 70)}"
            if _is_pipe_table(region):
                self._pipe_table(region, name)
            elif _is_tabular(region):
                self._table(region, name)
            else:
                self.stack = [(0, name)]
                self.cur = None
                self.after_blank = False
                for b in region:
                    self._line(b, fold(b.text))
                self._close()

    def _table(self, region: list[Block], name: str) -> None:
        header_lines: list[str] = []
        group: str | None = None
        rows = flat_rows(region)
        for kind, rblocks in rows:
            text = " ".join(b.text for b in rblocks)
            if kind == "header":
                header_lines = [text]
                group = None
                continue
            if kind == "group":
                group = short_heading(text, 160)
                self._emit("row", rblocks, [name], short_heading(" ".join(header_lines), 300), group)
                continue
            self._emit("row", rblocks, [name], short_heading(" ".join(header_lines), 300) or None,
                       group)

    def _pipe_table(self, region: list[Block], name: str) -> None:
        """An appendix of typed `cell | cell` tables: lines before the first header are its
        title; each table ends where its rows end (`corpus.table_runs`), and what follows a
        table is read as prose under the appendix, or as the next table."""
        self.stack = [(0, name)]
        self.cur = None
        self.after_blank = False
        title: list[Block] = []
        seen_table = False
        i = 0
        while i < len(region):
            if table_starts(region, i):
                self._close()
                if title:
                    self._emit("heading", title, [name])
                    title = []
                i = self._typed_table(region, i, [name])
                seen_table = True
                continue
            b = region[i]
            if seen_table:
                self._line(b, fold(b.text))
            elif b.text.strip():
                title.append(b)
            i += 1
        self._close()
        if title:
            self._emit("heading", title, [name])

    def _typed_table(self, blocks: list[Block], start: int, path: list[str]) -> int:
        """The typed table at `start`, one row segment a row under `path`, the header and
        the group row above it kept with each row. Returns the index after the table."""
        self._close()
        lines, end = read_run(blocks, start)
        header: str | None = None
        group: str | None = None
        for ln in lines:
            if ln.kind == "header":
                header, group = " | ".join(ln.cells), None
                continue
            if ln.kind == "group":
                width = len(split_cells(header)) if header else len(ln.cells)
                group = short_heading(group_label(ln.cells, width) or " ".join(ln.cells), 160)
            self._emit("row", ln.blocks, path, header, group)
        self.after_blank = False
        return end

    # ---- structured (DOCX/PDF tables with known columns) -----------------------------
    def run_structured(self, blocks: list[Block]) -> list[Segment]:
        header: str | None = None
        group: str | None = None
        i = 0
        while i < len(blocks):
            b = blocks[i]
            i += 1
            if b.kind != "row":
                if header is not None and b.text.strip():
                    header = None
                i = self._structured_line(blocks, i - 1)
                continue
            self._close()
            cells = [c.strip() for c in (b.cells or [b.text])]
            # empty cells keep their place: the row is read against the header's columns
            joined = " | ".join(cells)
            f = fold(joined)
            if header is None or f.startswith("stt") or is_header(cells):
                header = joined  # the first row of a table, or a repeated header row
                continue
            nonempty = [c for c in cells if c]
            label = group_label(cells, len(split_cells(header)))
            if label is not None:  # "I | Hạ tầng số", "A. XÃ HỘI SỐ" merged over the row
                group = short_heading(label, 160)
            elif len(nonempty) <= 2 and ROW_NUM.match(joined) and not VALUE.search(joined):
                group = short_heading(joined, 160)
            path = self._path() or ["Bảng"]
            self._emit("row", [b.model_copy(update={"text": joined})], path, header, group)
        self._close()
        return self.segments

    def _structured_line(self, blocks: list[Block], i: int) -> int:
        """One line of a DOCX/PDF plan: the signature block and appendix titles as in `run`,
        anything else through `_line`. Returns the index of the next block to read."""
        b = blocks[i]
        f = fold(b.text)
        if _SIGNATURE.match(f):
            self._close()
            end = self._signature_end(blocks, i)
            end = next((j for j in range(i + 1, end) if blocks[j].kind == "row"), end)
            self._emit("text", blocks[i:end], ["Nơi nhận, người ký"])
            return end
        starts_paragraph = (i == 0 or not blocks[i - 1].text.strip()
                            or blocks[i - 1].kind == "row" or bool(_BARE_APPENDIX.match(f)))
        if _is_appendix_title(b.text) and i > len(blocks) * 0.3 and starts_paragraph:
            self._close()
            prev = next((x for x in reversed(blocks[:i]) if x.text.strip()), None)
            # its subtitle, right below it or below its title line ("PHỤ LỤC" / "PHÂN CÔNG
            # … ĐẾN NĂM 2030" / "(Ban hành kèm theo …)"), is no appendix of its own
            subtitle = (prev is not None and _is_appendix_title(prev.text)) or (
                f.startswith("(") and self._in_appendix_title(blocks, i))
            if not subtitle:
                self.stack = [(0, f"Phụ lục: {short_heading(b.text.strip(), 70)}")]
            self._emit("heading", [b], self._path())
            self.after_blank = False
            return i + 1
        self._line(b, f)
        return i + 1


    def _in_appendix_title(self, blocks: list[Block], i: int) -> bool:
        """Block i is still in the title of the appendix opened last: an appendix is open
        and no table row or paragraph of its body came between its title and block i."""
        if not (self.stack and self.stack[0][1].startswith("Phụ lục:")):
            return False
        lines = [x for x in reversed(blocks[:i]) if x.text.strip()][:3]
        for x in lines:
            if x.kind == "row":
                return False
            if _is_appendix_title(x.text):
                return True
        return False


def _clause_after_heading(heading: list[Block], line: str) -> bool:
    """`line`, right below a one-line heading of a typed plan, is the first clause under it,
    not the rest of the heading: in a plan typed without blank lines between paragraphs,
    "1. Mục tiêu chung" / "Nâng cao hiệu quả …". A heading goes on in lower case, or in
    capitals below capitals; a long heading line, a label with a colon or a line ending in
    "," may run on into a capitalised word ("… của Bộ" / "Chính trị …")."""
    if len(heading) != 1:
        return False
    h, t = heading[0].text.strip(), line.strip()
    if not t[:1].isupper() or ":" in h or h.endswith((",", ";", "-")) or len(h) > 80:
        return False
    return not (_upper_ratio(h) > 0.7 and _upper_ratio(t) > 0.7)


_MARKED = re.compile(r"[^\W\d_]*[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]",
                     re.IGNORECASE)


def is_typed(blocks: list[Block]) -> bool:
    """Typed Vietnamese (a DOCX, a PDF, clean text), not OCR that lost its marks: most words
    carry a mark (three in four in typed text; OCR keeps well under half)."""
    words = [w for b in blocks[:400] for w in b.text.split() if w[:1].isalpha()]
    return len(words) >= 20 and sum(bool(_MARKED.match(w)) for w in words) >= 0.6 * len(words)


def _style_level(style: str | None) -> int | None:
    """A DOCX heading style without a typed number: "Heading 1" opens level 1, …"""
    m = re.match(r"^heading (\d)$", (style or "").lower())
    return min(int(m.group(1)), 4) if m else None


def _is_appendix_title(text: str) -> bool:
    """'Phụ lục', 'DANH MỤC …', '(Kèm theo Kế hoạch …)' — not prose that happens to say so."""
    f = fold(text)
    if not _APPENDIX.match(f) or len(f) > 120:
        return False
    if f.startswith("phu luc") and len(f) <= 30:
        return True
    return f.startswith(("(kem", "(ban hanh")) or _upper_ratio(text) > 0.6


def _split_long(text: str, blocks: list[Block]) -> list[tuple[str, list[Block]]]:
    """Long segments are cut at line boundaries into pieces of about MAX_SEGMENT_CHARS."""
    if len(text) <= MAX_SEGMENT_CHARS:
        return [(text, blocks)]
    out: list[tuple[str, list[Block]]] = []
    cur: list[Block] = []
    size = 0
    for b in blocks:
        if cur and size + len(b.text) > MAX_SEGMENT_CHARS:
            out.append(("\n".join(x.text.strip() for x in cur), cur))
            cur, size = [], 0
        cur.append(b)
        size += len(b.text) + 1
    if cur:
        out.append(("\n".join(x.text.strip() for x in cur), cur))
    return out


def _split_regions(blocks: list[Block]) -> list[tuple[str, list[Block]]]:
    regions: list[tuple[str, list[Block]]] = []
    title, cur = "", []
    for b in blocks:
        if _is_appendix_title(b.text) and (not cur or len(cur) > 5):
            if cur:
                regions.append((title, cur))
            title, cur = b.text.strip(), []
            continue
        cur.append(b)
    if cur:
        regions.append((title, cur))
    return regions


def _is_pipe_table(region: list[Block]) -> bool:
    """A region holding a typed `cell | cell` table (a header found by its column roles,
    with rows below it): whatever prose stands around the table."""
    return any(table_starts(region, i) for i in range(len(region)))


def _is_tabular(region: list[Block]) -> bool:
    lines = [b.text for b in region if b.text.strip()]
    if not lines:
        return False
    tab = sum(1 for t in lines if "|" in t or len(VALUE.findall(t)) >= 1)
    fields = sum(1 for t in lines if _FIELD.match(search_form(t.lstrip("-– "))))
    return tab / len(lines) > 0.12 and fields < 3
