"""One row model for every table a plan can hold.

DOCX and PDF tables (cells known), `cell | cell` text and rows rebuilt from OCR-flattened
tables all end here as a `Table` of `Row`s whose cells carry a column *role*:

- roles come from the header, read by `column_role`, a classifier over the header cell's
  words: each role has cue words and phrases with weights, the best-scoring role wins, so
  "Cơ quan chủ trì", "Đơn vị thực hiện" and "Chủ trì" are all `lead` whatever their order,
  and "Đơn vị tính" is a unit, not an agency; a year ("2025") or a period ("2026–2030",
  "Giai đoạn 2028-2030") is a `year` column;
- group rows ("I | Hoàn thiện thể chế …", "A. …", " | II. Xã hội số") are section context
  for the rows below them;
- a cell merged over several rows is carried down: a row shorter than its header takes its
  missing trailing cells from the row above, and a row without its number cell (a sub-row of
  a merged number) is aligned after it and keeps the number above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from corpus.normalize import fold

ROLES = ("stt", "task", "lead", "support", "deadline", "product", "funding", "indicator",
         "unit", "year", "monitor", "value", "note")

# cue -> weight; phrases outweigh single words so "đơn vị tính" beats "đơn vị"
_CUES: dict[str, dict[str, float]] = {
    "stt": {"stt": 3, "tt": 3, "so tt": 3, "so thu tu": 3},
    "task": {"nhiem vu": 2, "noi dung": 2, "ten nhiem vu": 3, "cong viec": 2, "hoat dong": 1.5,
             "giai phap": 1.5, "de an": 1, "du an": 1, "ten": 0.5, "viec": 1},
    "lead": {"chu tri": 3, "thuc hien": 1.5, "don vi thuc hien": 3, "co quan thuc hien": 3,
             "co quan": 1, "don vi": 1, "trach nhiem": 1.5, "phu trach": 2, "giao": 1},
    "support": {"phoi hop": 4, "tham gia": 2},
    "deadline": {"thoi gian": 3, "thoi han": 3, "hoan thanh": 2, "tien do": 2, "han": 1,
                 "du kien hoan thanh": 3, "moc": 1},
    "product": {"san pham": 3, "ket qua": 3, "dau ra": 3},
    "funding": {"kinh phi": 3, "nguon von": 3, "nguon": 1.5, "du toan": 2, "ngan sach": 2},
    "indicator": {"chi tieu": 3, "muc tieu": 2.5, "chi so": 3, "tieu chi": 2},
    "unit": {"don vi tinh": 5, "dvt": 5, "don vi do": 4},
    "monitor": {"theo doi": 3, "danh gia": 2, "giam sat": 3, "tong hop": 1.5},
    "value": {"gia tri": 2, "muc": 0.5, "ty le": 1, "so luong": 2, "hien trang": 2},
    "note": {"ghi chu": 4},
}
_YEAR = re.compile(r"\b(20[0-9]\d)\b")
_PERIOD = re.compile(r"\b(20\d\d)\s*[-–—/]\s*(20\d\d)\b")
_ROMAN = re.compile(r"^(?:[IVX]{1,5}|[A-D])\s*[.)]?$")
_NUMBER = re.compile(r"^\d{1,2}(?:\.\d{1,2}){0,2}\s*[.)]?$")
GROUP_LINE = re.compile(r"^\s*(?:[IVX]{1,5}|[A-D])\s*[.)|]\s*\S")


def column_role(cell: str) -> str:
    """The role of one header cell, from its words; "" when nothing fits."""
    f = " " + re.sub(r"[^\w%]+", " ", fold(cell)).strip() + " "
    if f.strip() == "":
        return ""
    words = f.split()
    years = _YEAR.findall(f)
    scores: dict[str, float] = {}
    for role, cues in _CUES.items():
        s = sum(w for cue, w in cues.items() if f" {cue} " in f)
        if s:
            scores[role] = s
    # a bare year or period is a year column; with other words ("Hoàn thành năm 2025")
    # the words decide
    if years and (len(words) - len(years) <= 3 or not scores) and (
            not scores or max(scores.values()) < 3 or len(words) <= 4):
        return "year"
    if not scores:
        return ""
    best = max(scores.items(), key=lambda kv: kv[1])
    # "Cơ quan chủ trì, phối hợp" — both cues: the first named wins
    if " chu tri " in f and " phoi hop " in f and f.find(" chu tri") < f.find(" phoi hop"):
        return "lead"
    return best[0]


def lead_and_support(cell: str) -> bool:
    """A header naming both the lead and the coordinating agencies ("Cơ quan chủ trì/phối
    hợp", "Chủ trì, phối hợp"): the cell's first agency leads, the others coordinate."""
    f = fold(cell)
    return "chu tri" in f and "phoi hop" in f


def header_roles(cells: list[str]) -> list[str]:
    return [column_role(c) for c in cells]


def is_header(cells: list[str]) -> bool:
    """A row of column titles: most cells have a role and none is a body cell (a row number,
    a value, a long sentence)."""
    cells = [c.strip() for c in cells]
    nonempty = [c for c in cells if c]
    if len(nonempty) < 2:
        return False
    if _NUMBER.match(nonempty[0]) or any(len(c) > 80 for c in nonempty):
        return False
    roles = [column_role(c) for c in nonempty]
    known = [r for r in roles if r]
    distinct = {r for r in known if r != "year"}
    return len(known) >= max(2, int(0.6 * len(nonempty))) and (
        len(distinct) >= 2 or roles.count("year") >= 2)


def split_cells(text: str) -> list[str]:
    """`a | b | c` → ["a", "b", "c"] (empty cells kept in place)."""
    return [c.strip() for c in text.split("|")]


def period_of(cell: str) -> str:
    """The year key of a year column: "2025", "2026-2030" (a period), or ""."""
    m = _PERIOD.search(fold(cell))
    if m:
        return f"{m.group(1)}-{m.group(2)}"
    m = _YEAR.search(cell)
    return m.group(1) if m else ""


@dataclass
class Row:
    """A table row: its cells by role (a role may hold several cells, e.g. years)."""

    cells: list[str]
    number: str = ""
    group: list[str] = field(default_factory=list)  # the group rows above, outermost first
    index: int = 0  # position of the source line/block in the table
    carried: set[int] = field(default_factory=set)  # cell positions carried from above

    def by_role(self, roles: list[str], role: str) -> list[tuple[int, str]]:
        return [(i, c) for i, (r, c) in enumerate(zip(roles, self.cells, strict=False))
                if r == role and c.strip()]

    def first(self, roles: list[str], role: str) -> str:
        got = self.by_role(roles, role)
        return got[0][1] if got else ""


@dataclass
class Table:
    header: list[str]
    roles: list[str]
    rows: list[Row] = field(default_factory=list)
    groups: list[Row] = field(default_factory=list)

    @property
    def kind(self) -> str:
        """"task" (a task/assignment table), "target" (indicators by year) or ""."""
        roles = set(self.roles)
        if "indicator" in roles or ("year" in roles and "task" not in roles):
            return "target"
        if "task" in roles and roles & {"lead", "deadline", "support"}:
            return "task"
        if "lead" in roles and roles & {"deadline", "support"}:
            return "task"
        return ""

    def year_columns(self) -> list[tuple[int, str]]:
        return [(i, period_of(h)) for i, (h, r) in enumerate(zip(self.header, self.roles,
                                                                   strict=False))
                if r == "year" and period_of(h)]


def group_label(cells: list[str], width: int) -> str | None:
    """The text of a group row ("I | Hoàn thiện …", " | II. Xã hội số", "A. …"), or None."""
    nonempty = [c.strip() for c in cells if c.strip()]
    if not nonempty or len(nonempty) > 2 or (width >= 4 and len(nonempty) > max(2, width // 2)):
        return None
    first = nonempty[0]
    if len(nonempty) == 2 and _ROMAN.match(first):
        return f"{first} {nonempty[1]}"
    if len(nonempty) == 1 and GROUP_LINE.match(first.replace("|", ".")):
        return first
    if len(nonempty) == 1 and width >= 3 and len(cells) <= 2 and first.isupper():
        return first  # an all-caps band across the table
    return None


def read_table(header: list[str], lines: list[list[str]]) -> Table:
    """A table from its header cells and its body rows' cells (in order)."""
    roles = header_roles(header)
    table = Table(header=header, roles=roles)
    width = len(header)
    groups: list[str] = []
    prev: Row | None = None
    first_body = _first_body_role(roles)
    for idx, cells in enumerate(lines):
        cells = [c.strip() for c in cells]
        label = group_label(cells, width)
        if label is not None:
            level = _group_level(label)
            groups = [g for g in groups if _group_level(g) < level] + [label]
            table.groups.append(Row(cells=cells, group=list(groups), index=idx))
            prev = None
            continue
        cells, filled = _align(cells, roles, first_body, prev)
        row = Row(cells=cells, group=list(groups), index=idx)
        stt = [i for i, r in enumerate(roles) if r == "stt"]
        if stt and stt[0] < len(cells) and _NUMBER.match(cells[stt[0]] or "-"):
            row.number = cells[stt[0]].rstrip(".)")
        elif prev is not None and stt and not cells[stt[0]]:
            row.number = prev.number  # a sub-row under a merged number cell
        if prev is not None:
            sub_row = not row.number or row.number == prev.number
            for i in range(len(cells)):
                # a cell merged over several rows: the row's missing trailing cells, any
                # empty cell of a sub-row, or an empty cell no row goes without (a task's
                # lead and deadline, a target's unit and monitoring body)
                if (not cells[i] and i < len(prev.cells) and prev.cells[i]
                        and _carries(roles[i])
                        and (i >= filled or sub_row or roles[i] in _ALWAYS_FILLED)):
                    cells[i] = prev.cells[i]
                    row.carried.add(i)
        table.rows.append(row)
        prev = row
    return table


_ALWAYS_FILLED = ("lead", "deadline", "unit", "monitor")


def _carries(role: str) -> bool:
    return role in ("lead", "support", "deadline", "product", "funding", "monitor", "unit")


def _first_body_role(roles: list[str]) -> int:
    return next((i for i, r in enumerate(roles) if r and r != "stt"), 0)


def _align(cells: list[str], roles: list[str], first_body: int,
           prev: Row | None) -> tuple[list[str], int]:
    """Cells placed under the header: a row missing its number cell starts at the first body
    column; a short row leaves its trailing cells empty (filled from above later)."""
    width = len(roles)
    out = list(cells)
    if (prev is not None and first_body > 0 and len(out) < width and out
            and not _NUMBER.match(out[0] or "-") and len(out[0]) > 12):
        out = [""] * first_body + out
    filled = len(out)
    return (out + [""] * width)[:max(width, len(out))], filled


def _group_level(label: str) -> int:
    head = label.strip().split()[0].rstrip(".|)") if label.strip() else ""
    if re.fullmatch(r"[A-D]", head):
        return 0
    if re.fullmatch(r"[IVX]{1,5}", head):
        return 1
    return 2
