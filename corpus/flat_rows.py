"""Rows of a table that OCR flattened: its lines cut into rows.

A plan scanned and read by OCR loses its table grid: a row's cells come out side by side on
one line, or centred on the row number over several lines, or as blank-separated blocks one
cell after another. `flat_rows` cuts such a region into header, group and body rows; the
segmenter (`corpus.segment`) emits each as a segment under its table's header and group.
"""

from __future__ import annotations

import re

from corpus.models import Block
from corpus.normalize import fold, search_form

ROW_NUM = re.compile(r"^(\d{1,2}(?:\.\d{1,2})?|[IVX]{1,4}|[Il1]{2,3})\s*[|.]?\s+(\S.*)$")
VALUE = re.compile(r"[<>≥≤=]?\s*\d+(?:[.,]\d+)?\s*%")
_DEADLINE_CELL = re.compile(
    r"^(thuong xuyen|thang \d|nam \d{4}|quy [ivx]+|sau khi|theo (du an|tien do)|"
    r"\d{4}\s*-\s*\d{4}|hoan thanh|truoc ngay|dinh ky)"
)
LONE_NUMBER = re.compile(r"^\d{1,2}$")
_NARROW_CELL = 40  # characters a line of a narrow column (a deadline cell) holds at most


def flat_rows(region: list[Block]) -> list[tuple[str, list[Block]]]:
    """Cut a flattened table into rows.

    A row starts at a line that begins with a row number ("25 |", "1.2", "II |"); OCR
    centres multi-line cells, so the line just above a numbered line usually belongs to
    its row. Task tables whose cells came out as blank-separated blocks are closed at the
    deadline cell ("Thường xuyên", "Tháng 12/2025", …).
    """
    out: list[tuple[str, list[Block]]] = []
    cur: list[Block] = []
    pending_blank = False

    def close() -> None:
        nonlocal cur
        if cur:
            out.append((_row_kind(cur), cur))
        cur = []

    items = [b for b in region]
    heading: list[Block] = []  # a heading row spanning the table, read at a row's start
    deadline_block = False  # the blank-separated block being read opened as a deadline cell
    reopen = False  # a row was just closed at the end of its wrapped deadline cell
    for idx, b in enumerate(items):
        text = b.text.strip()
        f = fold(text)
        if not f:
            if deadline_block and cur:
                # a deadline cell wrapped over several lines ("Sau khi tỉnh" / "phê duyệt
                # đề" / "án") closes its blank-separated row like a one-line cell
                close()
                reopen = True
            deadline_block = False
            pending_blank = True
            continue
        if reopen and not cur and text[:1].islower() and out and out[-1][0] == "row":
            # a cell starts with a capital: a block in lower case after the deadline cell is
            # the end of the row's task cell that OCR read last ("… ưu tiên các" /
            # "xã vùng cao")
            cur = out.pop()[1]
        reopen = False
        if pending_blank or not cur:
            deadline_block = bool(_DEADLINE_CELL.match(f)) and _number_line(cur) is None
        # a deadline column is narrow: a long line is another cell (task text)
        deadline_block = deadline_block and len(text) <= _NARROW_CELL
        if f.startswith("stt") or re.match(r"^(muc tieu|chi tieu|ten nhiem vu)\b.*\b20\d\d", f):
            close()
            out.append(("header", [b]))
            pending_blank = False
            continue
        if not cur and _spanning(text) and not _row_start(text):
            # "| I. Hạ tầng số …", a line longer than any cell, over the whole width:
            # the group the rows below belong to, not the first lines of the next row
            heading.append(b)
            pending_blank = False
            continue
        if heading:
            out.append(("group", heading))
            heading = []
        if _row_start(text) and not LONE_NUMBER.match(f):
            if cur and out and out[-1][0] == "group" and _number_line(cur) is None:
                carry = list(cur)  # the top lines of the first row under a group heading
            else:
                carry = _trailing_carry(cur) if pending_blank else _centred_carry(cur)
            del cur[len(cur) - len(carry):]
            close()
            cur = [*carry, b]
        elif pending_blank and cur and _DEADLINE_CELL.match(fold(cur[-1].text)) and \
                len(cur[-1].text.strip()) <= _NARROW_CELL:
            close()
            cur = [b]
        else:
            cur.append(b)
            if len(cur) > 14:
                close()
        pending_blank = False
        if _DEADLINE_CELL.match(f) and len(text) <= _NARROW_CELL and idx + 1 < len(items) and \
                not items[idx + 1].text.strip():
            # a deadline cell followed by a blank closes a blank-separated task row
            close()
    close()
    if heading:
        out.append(("group", heading))
    return out


_AGENCY_LINE = re.compile(r"^(phong|van phong|ubnd|uy ban|cong an|trung tam|so |dang uy|ban |"
                          r"cac (co quan|phong|don vi))")


def _number_line(cur: list[Block]) -> int | None:
    """Index of the row's numbered line ("7 Triển khai …"), if it has one."""
    return next((i for i, b in enumerate(cur) if _row_start(b.text.strip())), None)


def _trailing_carry(cur: list[Block]) -> list[Block]:
    """Rows separated by blank lines: a capitalised line closing the previous row's block,
    after its number line, is the first line of the next indicator ("Tỷ lệ …")."""
    num = _number_line(cur)
    if num is None or len(cur) - 1 <= num:
        return []
    last = cur[-1].text.strip()
    if last[:1].isupper() and not ROW_NUM.match(last) and not _AGENCY_LINE.match(search_form(last)):
        return [cur[-1]]
    return []


def _centred_carry(cur: list[Block]) -> list[Block]:
    """The lines at the end of the current row that belong to the next one.

    OCR centres multi-line cells on the row number: a row with k lines above its number
    line has about k lines below it, and what follows is the top half of the next row.
    A carried part must start a cell, i.e. with a capital letter.
    """
    num = _number_line(cur)
    if num is None:
        # a heading row spanning the table ("| I. Hạ tầng số …"), then the top line of
        # the first row's centred task cell: that line belongs to the row below
        if len(cur) >= 2 and _spanning(cur[-2].text) and not _spanning(cur[-1].text):
            last = cur[-1].text.strip()
            if last[:1].isupper() and not _AGENCY_LINE.match(search_form(last)):
                return [cur[-1]]
        return []
    if len(cur) < 2:
        return []
    post = cur[num + 1:]
    if num >= 1 and len(post) > num:
        for cut in (num, num + 1, num - 1):
            if 0 < cut < len(post) or (cut == 0 and num == 1):
                first = post[cut].text.strip() if cut < len(post) else ""
                if first[:1].isupper() and not ROW_NUM.match(first):
                    return post[cut:]
    if num == 0:
        # no lines above the number: the next row's top half starts at the last
        # capitalised line below it that is not an agency cell
        for k in range(len(post) - 1, -1, -1):
            line = post[k].text.strip()
            if (line[:1].isupper() and not ROW_NUM.match(line)
                    and not _AGENCY_LINE.match(search_form(line))):
                return post[k:]
        return []
    prev = cur[-1].text.strip()
    if post and prev[:1].isupper() and not ROW_NUM.match(prev):
        return [cur[-1]]
    return []


def _spanning(text: str) -> bool:
    """A group heading row that spans the whole table: opened by a column rule ("| Nâng
    cao …") or longer than any cell, without a rule inside (one cell)."""
    t = text.strip()
    if re.match(r"^\|\s*\w", t):
        return "|" not in t[1:]
    return len(t) > 100 and "|" not in t


def _row_start(text: str) -> bool:
    """A numbered row line; a Roman numeral needs real words after it ("X X P X =X O/" is
    OCR noise, "V | Phát triển chuyển đổi số" a group row)."""
    m = ROW_NUM.match(text)
    if not m:
        return False
    return not (m.group(1)[0] in "IVX" and len(re.findall(r"[A-Za-z]{3,}", m.group(2))) < 2)


def _row_kind(blocks: list[Block]) -> str:
    text = " ".join(b.text for b in blocks).strip()
    m = re.match(r"^([IVX]{1,4}|I[l1]{1,2})\s*[|.]?\s+(\S.*)$", text)
    if m and len(blocks) <= 2 and not VALUE.search(text) and _row_start(text):
        return "group"
    return "row"
