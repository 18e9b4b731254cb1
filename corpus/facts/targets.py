"""Targets: prose goals ("Đến năm 2030: 90% …") and rows of target tables (OCR-flattened rows
here; typed and DOCX/PDF tables through `corpus.tables` in `corpus.facts.tables`)."""

from __future__ import annotations

import re

from corpus.agencies import COLLECTIVE, AgencyMatch, find_agencies
from corpus.facts.common import (
    _clean,
    _fact,
    _is_junk,
    _junk_run,
    _kind,
    _Line,
    _line,
    _names,
    _readable,
    _strip_number,
    _validity,
    _wordset,
    cell_agencies,
)
from corpus.facts.duties import _split_head
from corpus.facts.ocr_rows import (
    _AGENCY_TAIL,
    _GROUP,
    _GROUP_YEAR,
    _agencies,
    _body_start,
    _row_number,
)
from corpus.lexicon import syllables
from corpus.models import Document, Fact, Segment, content_id
from corpus.normalize import fold, search_form
from corpus.tables import Row, Table
from corpus.values import (
    Quantity,
    cell_value,
    find_amounts,
    find_levels,
    find_percentages,
)

# ---- targets in prose ---------------------------------------------------------------------

_TARGET_SECTION = re.compile(r"\b(?:muc tieu|chi tieu)\b")
_BY_YEAR = re.compile(r"\b[dbp]\w?n (?:het )?(?:nam |n\w{1,3}m )?(20[2-5]\d)\b")
_PERIOD_YEAR = re.compile(r"\bgiai [dp]oan (20\d\d) ?- ?(20\d\d)\b|\bnam (20[2-5]\d)\b")
_NEW_INDICATOR = re.compile(r",\s+(?=t[iy] (?:le|l\S|ie|i\S|1\S*|\d\d|trong)\s)")


def _section_year(seg: Segment, headings: dict[str, str]) -> int | None:
    """The year a target section is about: "Đến năm 2030", "giai đoạn 2026-2030", "năm 2026"."""
    for h in reversed(seg.heading_path):
        hs = search_form(headings.get(h, h))
        m = _BY_YEAR.search(hs)
        if m:
            return int(m.group(1))
        m = _PERIOD_YEAR.search(hs)
        if m:
            return int(m.group(2) or m.group(3))
    return None


def _prose_targets(doc: Document, seg: Segment, headings: dict[str, str]) -> list[Fact]:
    if seg.kind == "row":
        return []
    _, text = _split_head(seg)
    sf_all = search_form(text)
    path = " ".join(headings.get(h, h) for h in seg.heading_path)
    in_section = bool(_TARGET_SECTION.search(search_form(path)))
    if not in_section and not _BY_YEAR.search(sf_all):
        return []
    if not (find_percentages(sf_all) or find_amounts(sf_all) or find_levels(sf_all)):
        return []
    year = _section_year(seg, headings) if in_section else None
    out: list[Fact] = []
    # clauses: sentences and ";"-separated goals; "Đến năm 2030:" sets the year of what follows
    for sentence in re.split(r"(?<=[.!?])\s+", _strip_number(text)):
        dated = False  # "Đến 2026: 80% …; 100% …": the year holds for the whole sentence
        for clause in re.split(r";\s*", sentence):
            ln = _line(seg, clause)
            ym = _BY_YEAR.search(ln.sf)
            if ym:
                year, dated = int(ym.group(1)), True
            elif not in_section and not dated:
                continue
            if year is None:
                continue
            for piece in _pieces(ln):
                fact = _prose_target(doc, seg, piece, year)
                if fact is not None:
                    out.append(fact)
        if not in_section:
            year = None
    return out


def _pieces(ln: _Line) -> list[_Line]:
    """A clause with several goals ("30% hộ gia đình …, 30% các thôn …", "… 100%, tỷ lệ …")
    cut where a new goal starts."""
    cuts = {0}
    for m in _NEW_INDICATOR.finditer(ln.sf):
        cuts.add(ln.word_at(m.end()))
    values = find_percentages(ln.sf)
    for prev, v in zip(values, values[1:], strict=False):
        comma = ln.sf.rfind(",", prev.end, v.start)
        if comma >= 0:
            cuts.add(ln.word_at(comma) + 1)
    bounds = sorted(cuts)
    if len(bounds) == 1:
        return [ln]
    return [_line(ln.seg, ln.raw_words(a, b))
            for a, b in zip(bounds, [*bounds[1:], len(ln.words)], strict=True)]


_FILLER_END = re.compile(r"(?:\s+(?:phan dau|dat|dat ty le|dat muc|la|duy tri|huong toi))+$")


def _prose_target(doc: Document, seg: Segment, ln: _Line, year: int) -> Fact | None:
    matches: list[Quantity] = find_percentages(ln.sf) or find_amounts(ln.sf) or \
        find_levels(ln.sf)
    if len(matches) != 1:
        return None
    q = matches[0]
    numbers = [float(x.replace(",", ".")) for x in re.findall(r"\d+(?:[.,]\d+)?", q.number)]
    if q.unit.startswith("%") and (q.repaired or any(n > 100 for n in numbers)):
        return None  # "=230%" ("≥30%" as OCR read it) is a guess, not a fact
    lead_ws = len(q.text) - len(q.text.lstrip())
    w0 = ln.word_at(q.start + lead_ws)
    w1 = ln.word_at(max(q.start, q.end - 1)) + 1
    left_sf = ln.sf_words(0, w0)
    left_sf2 = _FILLER_END.sub("", left_sf)
    left = ln.raw_words(0, len(left_sf2.split()))
    right = ln.raw_words(w1, len(ln.words))
    if (right.startswith(",") or ln.raw_words(w1 - 1, w1).endswith(",")) and len(left.split()) >= 4:
        right = ""  # "… đạt 1,5% GDP, bố trí kinh phí …": another clause
    indicator = f"{left} {right}" if left and right else left or right
    indicator = _clean(_readable(indicator))
    # drop "Đến năm 2030:" and filler from the indicator
    isf = search_form(indicator)
    ym = _BY_YEAR.search(isf)
    if ym:
        words = indicator.split()
        pos = len(isf[:ym.start()].split())
        indicator = _clean(" ".join(words[:pos] + words[pos + len(ym.group(0).split()):]))
    indicator = re.sub(r"^(?:[:\-–,]\s*)+", "", indicator).strip(" ,:")
    words = search_form(indicator).split()
    if len(words) < 3 or _validity(words, near=True) < 0.75:
        return None
    indicator = indicator[:1].upper() + indicator[1:]
    return _fact(doc, seg, "target", indicator[:220], unit=q.unit,
                 values={str(year): q.shown}, comparison=q.comparison)


# ---- target tables ----------------------------------------------------------------------------

_HEADER_WORDS = _wordset("stt muc tieu chi nam co quan theo doi tong hop danh gia don vi tinh "
                         "chu tri phoi hop san pham dau ra myc dei")
_FRAGMENT_WORDS = _wordset("don vi lien quan phuong xa cac co chuyen mon thuoc ubnd so lieu bao "
                           "cao truong hoc tren dia ban nganh phong")
# the last columns of a target table (output "Báo cáo số liệu", the end of a lead's name)
_TABLE_TAIL = re.compile(r"(?:\bxahoi\b|\bx\w? ?hoi quan\b|\bquan so l\w+|\bso l\w{1,2}u\b|"
                         r"\bb\wo c\wo\b|\bvi lien quan\b).*$")
_GARBLED = re.compile(r"[^\w\s%&/.,;:()\-–+'\"’‘“”]|[{}\[\]<>@\\~|]")


def _years_in(text: str) -> list[int]:
    return [int(y) for y in re.findall(r"\b(20[2-5]\d)\b", text)]


def _header_line(ln: _Line) -> bool:
    """A line of the table header: "STT Mục tiêu 2025 2030 …", "2045 . . phối hợp"."""
    if find_percentages(ln.sf):
        return False
    words = [re.sub(r"\W", "", w) for w in ln.words]
    words = [w for w in words if w]
    if not words:
        return False
    years = [w for w in words if re.fullmatch(r"20[2-5]\d", w)]
    head = [w for w in words if w in _HEADER_WORDS]
    return (bool(years) and len(words) <= 6) or (len(years) + len(head)) / len(words) >= 0.5


def _row_values(ln: _Line, start: int) -> tuple[list[tuple[str, str]], int, int]:
    """[(comparison symbol, number + "%")], first and last word index of the value cells
    (the first index counts a unit or comparison cell in front of the first value)."""
    vals: list[tuple[str, str]] = []
    first = last = -1
    lead_in = -1
    pending_cmp = ""
    unit_pct = False
    dashes: list[int] = []  # "- - 50% 80% 100%": empty year cells before the first value
    for i in range(start, len(ln.words)):
        w = ln.words[i].strip("|")
        if not vals and w in ("-", "–"):
            dashes.append(i)
            continue
        if not vals and w and dashes and dashes[-1] != i - 1:
            dashes = []
        if w in (">", "<", "≥", "≤"):
            pending_cmp = w
            lead_in = i if lead_in < 0 else lead_in
            continue
        if w in ("%", "%o") and not vals:
            unit_pct = True  # "% - 80": a unit column, then the value
            pending_cmp = ""
            lead_in = i if lead_in < 0 else lead_in
            continue
        cell = cell_value(w)
        if cell is None and w.startswith("=") and len(w) > 1:
            cell = cell_value(w[1:])  # OCR reads "≥" as "=": "=07"
            cell = ("≥", *cell[1:]) if cell else None
        if cell and (cell[2] or unit_pct or cell[0] or pending_cmp):
            cmp_, num, has_pct = cell
            pct = has_pct or unit_pct
            if not vals and dashes and dashes[-1] == i - 1 and not unit_pct:
                vals += [("", "-")] * len(dashes)
                lead_in = dashes[0]
            vals.append((cmp_ or pending_cmp, num + "%" if pct else num))
            first = (lead_in if lead_in >= 0 else i) if first < 0 else first
            last = i
            pending_cmp = ""
        elif vals and w == "-" and not unit_pct:
            vals.append(("", "-"))  # an empty year cell
            last = i
        elif vals and w not in ("|", "") and not _is_junk(w, ln.toks[ln.owner[i]]):
            break
        elif not vals and unit_pct and w not in ("-", "|") and not re.fullmatch(r"[a-z]+", w):
            lead_in = -1
            unit_pct = False
    vals = _index_decimals(vals)
    return (vals, first, last) if vals else ([], -1, -1)


def _index_decimals(vals: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """An index row ("Chỉ số chuyển đổi số >06 | =07 | =08 | =09 | >1"): OCR lost the comma
    of "0,6". A leading-zero value is read as a decimal only when every value of the row
    is a leading-zero one or at most 1, so the row rises towards 1; otherwise the row is
    garbled and yields nothing."""
    def zero_led(v: str) -> bool:
        return len(v) > 1 and v.startswith("0") and v.isdigit()

    if not any(zero_led(v) for _, v in vals):
        return vals
    nums = [v for _, v in vals if v != "-"]
    if any(not zero_led(v) and not re.fullmatch(r"[01](?:[.,]\d+)?", v) for v in nums):
        return []
    return [(c, f"0,{v[1:]}" if zero_led(v) else v) for c, v in vals]


def _readable_part(raw: str) -> str:
    """The readable words of an OCR cell: a word the reading copy leaves as glyph soup is
    dropped, unless the OCR repair reads it as a syllable ("1€" after "Ty" is "lệ"), which
    is then kept in that (unmarked) reading."""
    toks = raw.split()
    shown = _readable(raw).split()
    aligned = len(shown) == len(toks)
    known = syllables()
    words = []
    for i, w in enumerate(shown):
        if not re.search(r"\w", w):
            continue
        if _GARBLED.search(w.strip(".,;:'’‘")):
            sf = search_form(toks[i]).strip(".,;:") if aligned else ""
            if sf in known and len(sf) > 1:
                words.append(sf)
            continue
        words.append(w)
    return " ".join(words)


def _text_part(ln: _Line, start: int = 0) -> tuple[str, int]:
    """The first column of a line (words up to a value, a unit, an agency, a "|" or OCR
    debris) and the number of its search-form words."""
    ends = [len(ln.words)]
    jr = _junk_run(ln, start)
    if jr is not None:
        ends.append(jr)
    for a in find_agencies(ln.sf):
        w = ln.word_at(a.start)
        if w >= start and (w == start or ln.toks[ln.owner[w]][:1].isupper()):
            ends.append(w)
            break
    for i in range(start, len(ln.words)):
        w = ln.words[i]
        if (cell_value(w.strip("|")) and ("%" in w or w[:1] in "<>")) or \
                w in ("%", ">", "%o") or (w.startswith("|") and i > start):
            ends.append(i)
            break
    for i in range(start, len(ln.words)):
        tok = re.sub(r"\([\w&/ ]*\)", "", ln.toks[ln.owner[i]])
        if len(re.findall(r"[^\w\s.,;:'’%&/\-]", tok)) >= 2:
            ends.append(i)  # "th)(]g": glyph soup marks the edge of a column
            break
    end = min(ends)
    for rx in (_AGENCY_TAIL, _TABLE_TAIL):
        tail = rx.search(ln.sf_words(start, end))
        if tail:
            end = start + len(ln.sf_words(start, end)[:tail.start()].split())
    return ln.raw_words(start, end), end - start


def _is_fragment(part: str) -> bool:
    words = [re.sub(r"\W", "", w) for w in search_form(part).split()]
    words = [w for w in words if w]
    return not words or all(w in _FRAGMENT_WORDS for w in words)


def _table_targets(doc: Document, lines: list[_Line]) -> list[Fact]:
    """Target rows: the numbered line holds the values; the indicator starts on the lines
    above it (from the last one that opens with a capital) and ends on the lines below."""
    kind = _kind(doc)
    years: list[int] = []
    for h in dict.fromkeys((ln.seg.table_header or "") for ln in lines):
        years += _years_in(search_form(h))
    group_year: int | None = None
    pending: list[_Line] = []
    rows: list[tuple[list[_Line], _Line, list[_Line], int | None]] = []
    i = 0
    out: list[Fact] = []
    while i < len(lines):
        ln = lines[i]
        gy = _GROUP_YEAR.match(ln.sf)
        if gy and not find_percentages(ln.sf):
            group_year = int(gy.group(1))
            pending = []
            i += 1
            continue
        if _header_line(ln):
            years += _years_in(ln.sf)
            pending = []
            i += 1
            continue
        if (_GROUP.match(ln.sf) or re.match(r"^\|\s+[a-z]", ln.sf)) and not find_percentages(ln.sf):
            pending = []
            i += 1
            continue
        if re.fullmatch(r"\d{1,2}", ln.sf.strip()):  # a row laid out one cell per line …
            j = i + 1
            while j < len(lines) and not re.fullmatch(r"\d{1,2}", lines[j].sf.strip()) and \
                    not _header_line(lines[j]) and j - i < 16:
                j += 1
            cells = lines[i:j]
            if sum(1 for c in cells if len(c.words) <= 2 and _row_values(c, 0)[0]) >= 2:
                fact = _vertical_target(doc, kind, cells, list(dict.fromkeys(years)))
                if fact is not None:
                    out.append(fact)
                pending = []
                i = j
                continue
            i += 1  # … or a page number
            continue
        num = _row_number(ln)
        if num is None:
            pending.append(ln)
            i += 1
            continue
        cut = next((k for k in range(len(pending) - 1, -1, -1)
                    if pending[k].raw.strip()[:1].isupper() and
                    _validity(search_form(_text_part(pending[k])[0]).split()) >= 0.6 and
                    _text_part(pending[k])[1] >= 2), len(pending))
        if rows:
            rows[-1][2].extend(pending[:cut])
        rows.append((pending[cut:], ln, [], group_year))
        pending = []
        i += 1
    if rows:
        rows[-1][2].extend(pending)
    cols = list(dict.fromkeys(years))
    counts = [len(_row_values(a, _body_start(a))[0]) for _, a, _, _ in rows]
    if len(cols) == 2 and cols[1] - cols[0] == 20 and counts and \
            max(set(counts), key=counts.count) == 5:
        cols = list(range(cols[0], cols[1] + 1, 5))  # the header lost its middle years
    for head, anchor, tail, gyear in rows:
        fact = _target_row(doc, kind, head, anchor, tail, cols, gyear)
        if fact is not None:
            out.append(fact)
    return out


def _map_years(vals: list[tuple[str, str]], cols: list[int],
               gyear: int | None) -> dict[str, tuple[str, str]] | None:
    real = [v for v in vals if v[1] != "-"]
    if len(vals) == len(cols) and len(cols) >= 2:
        return {str(y): v for y, v in zip(cols, vals, strict=True)}
    if len(cols) == 2 and len(vals) > 2 and cols[1] - cols[0] == 5 * (len(vals) - 1):
        step = 5  # "2025 … 2045" in the header, five value columns: the 5-year stages
        return {str(cols[0] + step * i): v for i, v in enumerate(vals)}
    if len(real) == 1 and len(vals) == 1 and gyear is not None:
        return {str(gyear): vals[0]}
    if len(real) == 1 and len(vals) == 1 and len(cols) == 2 and vals[0][1].endswith("%"):
        # one share under two year columns: the plan does not say which year it is for, so
        # it is kept without one ("" key) rather than given a guessed year
        return {"": vals[0]}
    return None  # the values do not fit the year columns


def _target_fact(doc: Document, seg: Segment, indicator: str, mapping: dict[str, tuple[str, str]],
                 agencies: list[AgencyMatch]) -> Fact | None:
    real = [v for v in mapping.values() if v[1] != "-"]
    if not real:
        return None
    pct = [v for v in real if v[1].endswith("%")]
    if pct and len(pct) != len(real):
        return None
    indicator = _clean(_readable(_readable_part(indicator)))
    indicator = re.sub(r"(?:\s+[^\w\s]*\w?[^\w\s]*)+$", "", indicator).strip(" ,;|'")
    indicator = re.sub(r"^[^\w(]+", "", indicator)
    isf = search_form(indicator)
    nums = [float(v.rstrip("%").replace(",", ".")) for _, v in real]
    if pct and any(n > 100 for n in nums) and not re.search(r"\btang\b", isf):
        return None  # "≥30%" read as "230%": garbled
    words = isf.split()
    if len(words) < 3 or _validity(words) < 0.75:
        return None
    values = {y: (f"{c} {v}" if c else v) for y, (c, v) in mapping.items() if v != "-"}
    comparisons = {c for c, v in mapping.values() if v != "-"}
    comparison = comparisons.pop() if len(comparisons) == 1 else ""
    names = _names(agencies)
    lead = names[:1] if names and names[0] not in COLLECTIVE else []
    support = [n for n in names if n not in lead]
    return _fact(doc, seg, "target", indicator[:1].upper() + indicator[1:220], lead=lead,
                 support=support[:3], unit="%" if pct else "", values=values,
                 comparison=comparison)


def _target_row(doc: Document, kind: str | None, head: list[_Line], anchor: _Line,
                tail: list[_Line], cols: list[int], gyear: int | None) -> Fact | None:
    start = _body_start(anchor)
    vals, first, last = _row_values(anchor, start)
    if not vals or vals[0][1] == "-":
        return None
    mapping = _map_years(vals, cols, gyear)
    if mapping is None:
        return None
    own, _ = _text_part(anchor, start)
    own = own or anchor.raw_words(start, first)
    own_sf = search_form(own).split()
    shown = re.sub(r"\([^()]*\)", "", _readable(own.replace("|", " ")))
    if not own_sf or _GARBLED.search(shown) or \
            any(len(re.findall(r"[^\w\s,;:]", w)) >= 2 for w in shown.split()) or \
            _validity(own_sf, near=True) < 0.75:
        return None  # the numbered line's own text is debris: the row is not readable
    if len([w for w in own_sf if w.isalpha() and len(w) > 1 and w in syllables()]) < 2 and \
            syllables():
        return None
    # the lines below the numbered one continue its text until one opens a new indicator
    below: list[_Line] = []
    for t in tail[:4]:
        part = _text_part(t)[0]
        if part[:1].isupper() and _text_part(t)[1] >= 2 and not _is_fragment(part):
            break
        below.append(t)
    parts = [_text_part(h)[0] for h in head] + [own]
    parts += [p for p in (_text_part(t)[0] for t in below) if p and not _is_fragment(p)]
    indicator = _readable_part(" ".join(p for p in parts if p))
    if not indicator[:1].isupper():
        return None  # the indicator's first words are unreadable
    ags = [a for a in _agencies(anchor, kind) if anchor.word_at(a.start) > last]
    for t in below[:2]:
        ags += [a for a in _agencies(t, kind) if t.word_at(a.start) >= _text_part(t)[1]]
    return _target_fact(doc, anchor.seg, " ".join(p for p in parts if p), mapping, ags)


def _vertical_target(doc: Document, kind: str | None, cells: list[_Line],
                     cols: list[int]) -> Fact | None:
    """"16" / "Tỷ lệ …" / "100%" / "100%" / … / "Phòng VHXH": one cell per line."""
    text: list[str] = []
    vals: list[tuple[str, str]] = []
    ags: list[AgencyMatch] = []
    for ln in cells[1:]:
        v, _, _ = _row_values(ln, 0)
        if v and len(ln.words) <= 2:
            vals += v
            continue
        found = _agencies(ln, kind)
        if found and found[0].start == 0:
            ags += found
            continue
        if vals:
            break
        text.append(ln.raw)
    mapping = _map_years(vals, cols, None) if vals else None
    if mapping is None:
        return None
    return _target_fact(doc, cells[0].seg, " ".join(text), mapping, ags)


# ---- typed, DOCX and PDF target tables (rows through corpus.tables) -------------------------

_TABLE_YEAR = re.compile(r"\b(?:den|toi|giai doan \d{4} ?- ?)\s*(?:het )?(?:nam )?(20[2-5]\d)\b")
_ATTACHED = re.compile(r"\((?:ban hanh )?kem theo[^)]*\)?")


def _table_year(row: Row, seg: Segment, segments: list[Segment]) -> int | None:
    """The year a target table without year columns sets its values for: its group rows
    ("Đến năm 2030"), its title ("… CHỈ TIÊU … ĐẾN NĂM 2030") or its section."""
    # the appendix's title lines: "PHỤ LỤC" may stand alone (a heading of a DOCX), the
    # year in the line below it ("PHÂN CÔNG … ĐẾN NĂM 2030")
    titles = [s.text for s in segments if s.kind != "row" and s.order < seg.order
              and s.heading_path[:1] == seg.heading_path[:1]
              and s.heading_path[:1] and s.heading_path[0].startswith("Phụ lục")][:3]
    for text in (*reversed(row.group), *titles, *reversed(seg.heading_path)):
        years = _TABLE_YEAR.findall(_ATTACHED.sub(" ", search_form(text)))
        if years:
            return int(years[-1])
    return None


def typed_target(doc: Document, table: Table, row: Row, seg: Segment,
                 segments: list[Segment]) -> Fact | None:
    """A target row: its indicator, a value per year column (the last year of a period
    column), or the one value its indicator states for the table's year; the agencies of
    its lead/monitoring columns."""
    roles = table.roles
    indicator = row.first(roles, "indicator") or row.first(roles, "task")
    if len(indicator.split()) < 3:
        return None
    values: dict[str, str] = {}
    comparison = unit = ""
    # the row's "Đơn vị tính" cell: "%" makes its bare numbers shares; another unit
    # ("điểm", "trạm") is the fact's unit
    unit_cell = " ".join(row.first(roles, "unit").split())
    share = unit_cell == "%" or fold(unit_cell) in ("phan tram", "ty le %")
    for i, key in table.year_columns():
        got = cell_value(row.cells[i].strip()) if i < len(row.cells) else None
        if got:
            sym, num, pct = got
            pct = pct or share
            unit = "%" if pct else unit
            values[key.split("-")[-1]] = f"{sym} {num}{'%' if pct else ''}".strip()
    if values and not unit and unit_cell and len(unit_cell) <= 30:
        unit = unit_cell
    if not table.year_columns():
        found = find_percentages(search_form(indicator))
        year = _table_year(row, seg, segments)
        if len(found) == 1 and year is not None:
            q = found[0]
            values, comparison, unit = {str(year): q.shown}, q.comparison, q.unit
    if not values:
        return None
    agencies = [n for role in ("lead", "monitor") for _, c in row.by_role(roles, role)
                for n in cell_agencies(c, _kind(doc))]
    lead = [a for a in agencies if a not in COLLECTIVE][:3]
    support = [a for a in agencies if a not in lead][:3]
    section = " › ".join([*seg.heading_path, *row.group])
    return Fact(id=content_id(seg.id, "target", indicator[:80], str(values)), doc_id=doc.id,
                segment_id=seg.id, kind="target", text=indicator[:300], lead=lead,
                support=support, unit=unit, values=values, comparison=comparison,
                page=seg.page, section=section)
