"""Places from the official gazetteer: the 2025 provinces, communes and wards.

The units come from the data that `vietnamadminunits` (MIT) ships: 34 provinces and 3,321
communes, wards and special zones, accented as officially written. Its address parser is
not used: given a whole sentence it finds a place in any pair of syllables. We read its
table directly and match names ourselves, on the folded form, so that a question typed
without marks ("ke hoach cua xa tan phu") and an OCR header ("XA LOC TAN") both find the
official unit ("xã Tân Phú", "xã Lộc Tấn").

A name with a marker before it ("xã", "phường", "tỉnh", "thành phố", "TP.") is always
read. A bare name ("Tân Phú") is read when it is not also an ordinary Vietnamese word
("Hòa Bình", "Thống Nhất" are names of communes and words too), or when the text writes
it with capitals.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import sqlite3
from pathlib import Path

from pydantic import BaseModel, Field

from corpus.normalize import edit_distance, fold, nfc

# folded marker -> kind of unit it introduces
_MARKERS = {
    "xa": "xã", "phuong": "phường", "dac khu": "đặc khu", "tinh": "tỉnh",
    "thanh pho": "thành phố", "tp": "thành phố",
}
_MARKER_RX = re.compile(r"\b(dac khu|thanh pho|tp|phuong|tinh|xa)\b\.?\s*")
_WORD = re.compile(r"[a-z0-9]+")
_MAX_WORDS = 5  # "Văn Miếu - Quốc Tử Giám" folds to five syllables


class Unit(BaseModel):
    """One official unit: a province, or a commune/ward/special zone in its province."""

    name: str  # "Tân Phú", "Hồ Chí Minh"
    kind: str  # "xã" | "phường" | "đặc khu" | "tỉnh" | "thành phố"
    province: str  # short name of the province ("Đồng Nai"); itself for a province
    code: str = ""
    former: bool = False  # a unit before the 2025 reorganisation (its own province then)

    @property
    def full(self) -> str:
        """'xã Tân Phú', 'tỉnh Bắc Ninh', 'thành phố Hồ Chí Minh'."""
        return f"{self.kind} {self.name}"

    @property
    def is_province(self) -> bool:
        return self.kind in ("tỉnh", "thành phố")

    def label(self) -> str:
        """'xã Tân Phú, tỉnh Đồng Nai'; a province is its own label."""
        if self.is_province:
            return self.full
        return f"{self.full}, {province_unit(self.province).full}"


class Place(BaseModel):
    """A place named in a text: the units it may be, and where it stands."""

    name: str  # official spelling when one unit (or one spelling) fits, else as folded
    kind: str  # as the text marks it, else the kind of the units found ("" if they differ)
    province: str = ""  # the province when it is known (one candidate, or named nearby)
    start: int = 0  # offsets in fold(text)
    end: int = 0
    marked: bool = False  # the text put "xã"/"phường"/"tỉnh"… before the name
    units: list[Unit] = Field(default_factory=list)  # every official unit that fits

    @property
    def full(self) -> str:
        return f"{self.kind} {self.name}".strip()


def _db_path() -> Path | None:
    # located, not imported: importing the package loads its parser and pandas (seconds)
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "dataset.db"
    return path if path.exists() else None


def _read(sql: str, legacy: bool = False) -> list[tuple]:
    """Rows of the package's data set (none when the package is missing); `legacy`: a table
    an older package may lack, read as empty then."""
    path = _db_path()
    if path is None:
        return []
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchall()
    except sqlite3.Error:
        if legacy:
            return []
        raise
    finally:
        con.close()


def _province(province: str, short: str, former: bool = False) -> Unit:
    """A province's own unit: "thành phố" when its full name says so, else "tỉnh"."""
    kind = "thành phố" if fold(province).startswith("thanh pho") else "tỉnh"
    return Unit(name=nfc(short), kind=kind, province=nfc(short), former=former)


@functools.cache
def units() -> tuple[Unit, ...]:
    """Every province and commune-level unit (empty when the package is missing)."""
    rows = _read("SELECT province, provinceShort, ward, wardShort, wardType, wardCode "
                 "FROM admin_units")
    out: dict[str, Unit] = {}
    for province, p_short, _ward, w_short, w_type, code in rows:
        out.setdefault("p:" + p_short, _province(province, p_short))
        out[f"w:{code}"] = Unit(name=nfc(w_short), kind=nfc(w_type).lower(),
                                province=nfc(p_short), code=code)
    return tuple(out.values())


def _name_table(all_units: tuple[Unit, ...]) -> dict[str, list[Unit]]:
    """Folded name -> the units of that name."""
    table: dict[str, list[Unit]] = {}
    for u in all_units:
        table.setdefault(_key(u.name), []).append(u)
    return table


@functools.cache
def _by_key() -> dict[str, tuple[Unit, ...]]:
    """Folded name -> units of that name ("tan phu" -> xã Tân Phú of six provinces)."""
    table = _name_table(units())
    for alias, short in (("tp hcm", "Hồ Chí Minh"), ("tphcm", "Hồ Chí Minh"),
                         ("hcm", "Hồ Chí Minh"), ("sai gon", "Hồ Chí Minh")):
        table.setdefault(alias, []).append(province_unit(short))
    return {k: tuple(v) for k, v in table.items()}


def _key(name: str) -> str:
    return " ".join(_WORD.findall(fold(name)))


@functools.cache
def province_unit(short: str) -> Unit:
    for u in units():
        if u.is_province and u.name == short:
            return u
    return Unit(name=short, kind="tỉnh", province=short)


def provinces() -> list[Unit]:
    return [u for u in units() if u.is_province]


def lookup(name: str, kind: str | None = None, province: str | None = None,
           max_edits: int = 0) -> list[Unit]:
    """Official units named `name` (any marks, OCR slips within `max_edits` letters),
    of the given kind and province when these are given; exact spellings first."""
    key = _key(name)
    if not key:
        return []
    want_kind = _MARKERS.get(fold(kind or ""), kind)
    want_prov = _key(province or "")

    def fits(u: Unit) -> bool:
        if want_kind and not _kind_fits(want_kind, u):
            return False
        return not want_prov or _key(u.province) == want_prov

    exact = [u for u in _by_key().get(key, ()) if fits(u)]
    # the marks decide between two official names that fold alike ("Cẩm Giang"/"Cẩm Giàng")
    marked = [u for u in exact if nfc(u.name).lower() == nfc(name).strip().lower()]
    if marked or exact or max_edits <= 0:
        return marked + [u for u in exact if u not in marked]
    near: list[tuple[int, Unit]] = []
    for k, us in _by_key().items():
        if abs(len(k) - len(key)) <= max_edits and k.count(" ") == key.count(" "):
            d = edit_distance(k, key)
            if d <= max_edits:
                near += [(d, u) for u in us if fits(u)]
    return [u for _, u in sorted(near, key=lambda p: p[0])]


def _kind_fits(kind: str, u: Unit) -> bool:
    if kind == "thành phố":  # since 2025 only provinces are cities
        return u.kind == "thành phố"
    if kind == "tỉnh":
        return u.is_province
    return u.kind == kind


@functools.cache
def _common_words() -> frozenset[str]:
    """Folded multi-syllable entries of the general word list ("hoa binh", "thong nhat"):
    a place of that name needs a marker or capitals before we read it in free text."""
    from corpus.lexicon import _entries

    # lower-case entries only: the list also holds proper names ("Tân Phú", "Bắc Ninh")
    return frozenset(f for e in _entries() if e == e.lower() and " " in (f := _key(e)))


def find_places(text: str) -> list[Place]:
    """Places named in a text (question or plan), left to right, without overlaps.

    "Kế hoạch của xã Tân Phú" gives xã Tân Phú with the six provinces that have one (the
    province stays open unless the text names it: "xã Tân Phú, tỉnh Đồng Nai");
    "ubnd tinh bac ninh" gives tỉnh Bắc Ninh.
    """
    folded = fold(text)
    if not folded or not units():
        return []
    words = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(folded)]
    caps = _capitalised(text, folded)
    found: list[Place] = []
    i = 0
    while i < len(words):
        place, used = _place_at(words, i, caps)
        if place is None:
            i += 1
            continue
        found.append(place)
        i += used
    return _settle_provinces(found)


def _place_at(words: list[tuple[str, int, int]], i: int,
              caps: set[int]) -> tuple[Place | None, int]:
    """The longest place name starting at word i (after a marker, if there is one)."""
    kind, skip = "", 0
    for marker, k in sorted(_MARKERS.items(), key=lambda kv: -len(kv[0])):
        n = marker.count(" ") + 1
        if " ".join(w for w, _, _ in words[i:i + n]) == marker:
            kind, skip = k, n
            break
    start = i + skip
    for n in range(min(_MAX_WORDS, len(words) - start), 0, -1):
        name = " ".join(w for w, _, _ in words[start:start + n])
        us = [u for u in _by_key().get(name, ()) if not kind or _kind_fits(kind, u)]
        if not us:
            continue
        bare = not kind
        if bare and (n < 2 or (name in _common_words() and words[start][1] not in caps)):
            continue
        if kind in ("tỉnh", "thành phố") or (bare and any(u.is_province for u in us)):
            us = [u for u in us if u.is_province] or us
        kinds = {u.kind for u in us}
        names = {u.name for u in us}
        return Place(
            name=next(iter(names)) if len(names) == 1 else name.title(),
            kind=kind or (next(iter(kinds)) if len(kinds) == 1 else ""),
            province=us[0].province if len({u.province for u in us}) == 1 else "",
            start=words[i][1], end=words[start + n - 1][2], marked=bool(kind), units=us,
        ), skip + n
    return None, 1


def _capitalised(text: str, folded: str) -> set[int]:
    """Offsets in the folded text of words the original writes with a capital letter."""
    if len(nfc(text)) != len(folded):  # folding changed the length: no reliable mapping
        return set()
    src = nfc(text)
    return {m.start() for m in _WORD.finditer(folded) if src[m.start()].isupper()}


def _settle_provinces(found: list[Place]) -> list[Place]:
    """A province named in the text decides among the units of a commune's name."""
    named = {p.name for p in found if p.units and all(u.is_province for u in p.units)}
    out = []
    for p in found:
        if not p.province and named:
            inside = [u for u in p.units if u.province in named]
            if inside:
                p = p.model_copy(update={"units": inside, "province": inside[0].province,
                                         "name": inside[0].name})
        out.append(p)
    return out


@functools.cache
def former_units() -> tuple[Unit, ...]:
    """The units before the 2025 reorganisation: 63 provinces, their districts, and their
    communes, wards and townships, each with the province it was in then. A plan issued
    before July 2025 names these ("UBND TỈNH TIỀN GIANG", "XÃ DÂN LỰC")."""
    rows = _read("SELECT province, provinceShort, districtShort, districtType, districtCode, "
                 "wardShort, wardType, wardCode FROM admin_units_legacy", legacy=True)
    out: dict[str, Unit] = {}
    for province, p_short, d_short, d_type, d_code, w_short, w_type, w_code in rows:
        p = nfc(p_short)
        out.setdefault("p:" + p, _province(province, p_short, former=True))
        if d_short:
            out.setdefault(f"d:{d_code}", Unit(name=nfc(d_short), kind=nfc(d_type).lower(),
                                               province=p, code=f"d{d_code}", former=True))
        if w_short:
            out[f"w:{w_code}"] = Unit(name=nfc(w_short), kind=nfc(w_type).lower(), province=p,
                                      code=w_code, former=True)
    return tuple(out.values())


@functools.cache
def _former_by_key() -> dict[str, tuple[Unit, ...]]:
    return {k: tuple(v) for k, v in _name_table(former_units()).items()}


def former(name: str, kind: str = "", province: str = "") -> Unit | None:
    """The one former unit of that exact name (any marks), kind and province; None when
    none or several fit. Kinds: "xã", "phường", "thị trấn", "huyện", "quận", "thị xã",
    "thành phố" (a province-level or a district-level city), "tỉnh" (a province)."""
    want_kind = _MARKERS.get(fold(kind or ""), kind)
    want_prov = _key(province or "")
    found = [u for u in _former_by_key().get(_key(name), ())
             if (not want_kind or u.kind == want_kind
                 or (want_kind == "tỉnh" and u.name == u.province and u.kind != "thành phố"))
             and (not want_prov or _key(u.province) == want_prov)]
    if want_kind == "tỉnh" or not want_kind:  # a province's own entry, not its namesake city
        provinces_only = [u for u in found if u.name == u.province and u.code == ""]
        found = provinces_only if want_kind == "tỉnh" else found
    marked = [u for u in found if nfc(u.name).lower() == nfc(name).strip().lower()]
    found = marked or found
    return found[0] if len({(u.name, u.kind, u.province) for u in found}) == 1 else None


def official(name: str, kind: str = "", province: str = "", max_edits: int = 2) -> Unit | None:
    """The official unit of a plan's locality as read from its header (OCR allowed:
    "Loc Tan" in Đồng Nai is xã Lộc Tấn); None when no unit, or several, fit."""
    # a short name has near neighbours everywhere ("An Hòa", "An Lão"): one edit at most
    max_edits = min(max_edits, 1 if len(_key(name)) <= 7 else max_edits)
    for edits in range(max_edits + 1):
        found = lookup(name, kind, province, max_edits=edits)
        if found:
            return found[0] if len({(u.name, u.province) for u in found}) == 1 else None
    return None
