"""The issuer of a plan and the unit it governs, read from the header's left column.

The left column names the issuing body (UBND, HĐND, Đảng ủy, Tỉnh ủy, a Sở or Bộ, a
national body) and, on the same or the next line, its unit ("XÃ ÂN HẢO", "TỈNH BẮC NINH").
Names are matched against the official gazetteer (corpus.places): an exact current unit
first, then a unit from before the 2025 reorganisation, then a spelling within the letters
OCR may have changed. The place written before the date, the authority line above the
preamble ("BỘ TRƯỞNG BỘ …") and the issuing code of the number ("…/QĐ-TTg") are witnesses
when the column is cut or missing. Entry point: `read_issuer`.
"""

from __future__ import annotations

import re

from corpus import places
from corpus.normalize import fold, search_form

# the issuing code of a number that names a national body ("06/QĐ-TTg", "03/NQ-CP",
# "653/2019/UBTVQH14"): the issuer when the header's left column is missing
_CENTRAL_CODES = [(r"ttg", "Thủ tướng Chính phủ"), (r"cp", "Chính phủ"),
                  (r"ubtvqh\d*", "Ủy ban Thường vụ Quốc hội"), (r"qh\d*", "Quốc hội")]


def read_issuer(left: list[str], date_place: str, first_page: list[str],
                issuing_code: str = "") -> tuple[str, places.Unit | None]:
    """The issuing body ("UBND xã Tân Phú", "Bộ Nội vụ", "Thủ tướng Chính phủ") and the
    unit it governs (None for a national body or an agency without a unit)."""
    issuer, unit = _issuer(left, date_place, first_page)
    return issuer or _central_by_code(issuing_code), unit


def _central_by_code(issuing: str) -> str:
    for rx, name in _CENTRAL_CODES:
        if re.fullmatch(rx, fold(issuing)):
            return name
    return ""


# the body, folded, and how it is written before the unit's name
_BODIES = [
    (r"(?:uy ban nhan dan|ubnd|uy ban nh\w{1,2}n d\w{1,2}n)", "UBND"),
    (r"(?:hoi dong nhan dan|hdnd)", "HĐND"),
    (r"\w{0,2}ang uy", "Đảng ủy"),
    (r"ban thuong vu \w{0,2}ang uy", "Ban Thường vụ Đảng ủy"),
    (r"tinh uy", "Tỉnh ủy"),
    (r"thanh uy", "Thành ủy"),
    (r"doan (?:dai bieu quoc hoi|dbqh)", "Đoàn đại biểu Quốc hội"),
]
_CENTRAL = [
    (r"^thu tuong chinh phu$", "Thủ tướng Chính phủ"),
    (r"^chinh phu$", "Chính phủ"),
    (r"^uy ban thuong vu quoc hoi$", "Ủy ban Thường vụ Quốc hội"),
    (r"^quoc hoi$", "Quốc hội"),
    (r"^bo chinh tri$", "Bộ Chính trị"),
    (r"^ban chap hanh trung uong$", "Ban Chấp hành Trung ương"),
]


def _issuer(left: list[str], date_place: str,
            first_page: list[str]) -> tuple[str, places.Unit | None]:
    """The issuing body and the unit it governs (None for a national body)."""
    forms = [search_form(x) for x in left]
    province = _province_hint(forms)
    # a name a web page broke over lines ("ỦY BAN THƯỜNG VỤ" / "QUỐC HỘI") is read whole
    spans = [*forms, *(f"{a} {b}" for a, b in zip(forms, forms[1:], strict=False))]
    for rx, name in _CENTRAL:
        if any(re.search(rx, f) for f in spans):
            return name, None
    joined, starts = "", []
    for f in forms:
        starts.append(len(joined))
        joined += f + " "
    body, body_pos = "", 0
    # the lowest body named: "ĐẢNG BỘ TỈNH X / ĐẢNG ỦY XÃ Y" is Y's Đảng ủy, not X's; a
    # body opens a line of the left column, whatever lines it runs over ("ỦY" / "BAN NHÂN DÂN")
    for rx, name in _BODIES:
        for m in re.finditer(rx + r"\b", joined):
            if m.start() in starts and (not body or m.start() >= body_pos):
                body, body_pos = name, m.start()
    unit = _unit_of([joined[body_pos:]], province, first_page)
    if unit is None and body:  # a body's place is where it dates the document
        unit = _place_unit(date_place, province)
    unit = unit or _unit_of([joined[:body_pos]], province, first_page)
    if not body and unit is None:
        agency, authority = _agency_issuer(left), _authority(left)
        # "BỘ TÀI NGUYÊN VÀ" cut off by the page, "BỘ TRƯỞNG BỘ TÀI NGUYÊN VÀ MÔI TRƯỜNG"
        if authority and fold(authority).startswith(fold(agency)):
            return authority, None
        return agency or authority, None
    if not body:
        body = "UBND" if re.search(r"uy ban|ubnd", joined) else ""
    if body in ("Tỉnh ủy", "Thành ủy") and unit is not None:
        return f"{body} {unit.name}", unit
    if unit is None:
        return _agency_issuer(left) or body, None
    agency = _agency_issuer([x for x, f in zip(left, forms, strict=True)
                             if re.match(r"(so|bo|ban|van phong)\b", f)
                             and not _AUTHORITY.match(f)])
    if agency:  # "UBND TỈNH X / SỞ Y TẾ": the department is the issuer
        return f"{agency} {unit.full}", unit
    return f"{body} {unit.full}".strip(), unit


# the authority line above the preamble: "BỘ TRƯỞNG BỘ THÔNG TIN VÀ TRUYỀN THÔNG"
_AUTHORITY = re.compile(r"^(?:bo truong|chu tich|giam doc|thu truong)\s+(?=bo |so )")


def _authority(left: list[str]) -> str:
    """The ministry or department named by the authority line, spelt the way such names
    are: the head noun, then a capital on each part ("Bộ Thông tin và Truyền thông",
    "Bộ Lao động - Thương binh và Xã hội")."""
    from corpus.agencies import canonical_agency

    for raw in left:
        m = _AUTHORITY.match(search_form(raw))
        if not m:
            continue
        words = raw.split()[len(m.group(0).split()):]
        name = canonical_agency(" ".join(words))
        # the recognizer's name when it spans the whole line (it may stop at "và")
        return name if name and len(name.split()) >= len(words) else _spell_org(words)
    return ""


def _spell_org(words: list[str]) -> str:
    out: list[str] = []
    for i, w in enumerate(words):
        low = w.lower()
        starts_part = i <= 1 or out[-1] in ("và", "-") or out[-1].endswith(",")
        out.append(low[:1].upper() + low[1:] if starts_part and low != "và" else low)
    return " ".join(out)


def _agency_issuer(left: list[str]) -> str:
    from corpus.agencies import canonical_agency

    for x in reversed(left):
        name = canonical_agency(x)
        if name:
            return name
    return ""


def _province_hint(forms: list[str]) -> str:
    for f in forms:
        m = re.search(r"\b(?:tinh|thanh pho)\s+(.+)$", f)
        if m:
            words = m.group(1).split()
            for n in range(min(4, len(words)), 0, -1):
                name = " ".join(words[:n])
                unit = places.official(name, "tỉnh", max_edits=0) or \
                    places.former(name, "tỉnh") or places.official(name, "tỉnh", max_edits=1)
                if unit is not None:
                    return unit.province
    return ""


# unit markers on an issuer line (search form) -> the kind they name; the district and
# township kinds are those of plans issued before the 2025 reorganisation
_UNIT_KINDS = {"xa": "xã", "phuong": "phường", "dac khu": "đặc khu", "tinh": "tỉnh",
               "thanh pho": "thành phố", "thanh uy": "tỉnh", "tinh uy": "tỉnh",
               "thi tran": "thị trấn", "huyen": "huyện", "quan": "quận", "thi xa": "thị xã"}
_UNIT_MARK = re.compile(r"\b(" + "|".join(sorted(_UNIT_KINDS, key=len, reverse=True))
                        + r")\s+([a-z ]+)")


def _unit_of(forms: list[str], province: str, first_page: list[str]) -> places.Unit | None:
    """The unit named on the lowest issuer line: "xa phong tho", "tinh bac ninh",
    "tinh uy nghe an". An exact name is taken before a near one: a current unit, then a
    former one ("TỈNH HẢI DƯƠNG" is the former province, not Hải Phòng two letters away),
    then one within the letters OCR may have changed."""
    marked = [(_UNIT_KINDS[m.group(1)], m.group(2).split())
              for f in reversed(forms) for m in reversed(list(_UNIT_MARK.finditer(f)))]
    for stage in ("exact", "former", "near"):
        for kind, words in marked:
            for n in range(min(5, len(words)), 0, -1):
                if n == 1 < len(words) and stage != "near":
                    # one syllable of a longer run ("xa an hdo") is no exact name: the
                    # run may be a two-syllable name OCR changed
                    continue
                name = " ".join(words[:n])
                if stage == "exact":
                    unit = places.official(name, kind, province, max_edits=0) or \
                        _one_name(name, kind, first_page)
                elif stage == "former":
                    unit = _former(name, kind, province, first_page)
                else:
                    unit = places.official(name, kind, province) if kind in _CURRENT else None
                if unit is not None:
                    return unit
    return None


_CURRENT = {"xã", "phường", "đặc khu", "tỉnh", "thành phố"}


def _named_provinces(first_page: list[str]) -> set[str]:
    return {p.province for line in first_page for p in places.find_places(line)
            if p.units and all(u.is_province for u in p.units)}


def _one_name(name: str, kind: str, first_page: list[str]) -> places.Unit | None:
    """A name several provinces have ("xã Tân Phú"): the province the first page names
    decides; else a former unit of that name in that province; else the unit without its
    province (the name is still official)."""
    found = places.lookup(name, kind) if kind in _CURRENT else []
    if not found or len({u.name for u in found}) != 1:
        return None
    named = _named_provinces(first_page)
    inside = [u for u in found if u.province in named]
    if len(inside) == 1:
        return inside[0]
    if not inside:
        old = _former(name, kind, "", first_page, named)
        if old is not None and old.province:
            return old
    return found[0].model_copy(update={"province": "", "code": ""})


def _former(name: str, kind: str, province: str, first_page: list[str],
            named: set[str] | None = None) -> places.Unit | None:
    """The former unit of that name: the only one, or the only one in a province the
    first page names."""
    unit = places.former(name, kind, province)
    if unit is not None or province:
        return unit
    named = _named_provinces(first_page) if named is None else named
    found = [u for p in sorted(named) if (u := places.former(name, kind, p)) is not None]
    return found[0] if len(found) == 1 else None


def _place_unit(place: str, province: str) -> places.Unit | None:
    """The unit of the place written before the date ("P. Trần Liễu", "An Hdo",
    "Thanh Hoá"). On a merged OCR line the left column's last words precede it, so the
    longest run of final words that names a unit wins; a province's name is the province
    (a body that names no unit of its own is a province's: its commune would be named)."""
    words = re.findall(r"[a-z]+", search_form(place))
    for n in range(min(4, len(words)), 1, -1):
        tail = words[-n:]
        if tail[0] in ("p", "x", "tp", "xa", "phuong", "tinh") and n > 2:
            tail = tail[1:]
        name = " ".join(tail)
        unit = places.official(name, "tỉnh", province, max_edits=0) or \
            places.official(name, "", province)
        if unit is not None:
            return unit
    return None
