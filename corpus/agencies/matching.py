"""Agency names compared: the canonical name of an agency written any way, whether a
question's agency is a plan's, and the names that stand for everyone else."""

from __future__ import annotations

import functools
import re

from corpus.agencies.lexicon import known_spellings
from corpus.agencies.naming import with_kind
from corpus.agencies.recognize import find_agencies
from corpus.normalize import fold, search_form

# Names that usually stand for "everyone else": in a table they sit in the coordinating
# column, and a row whose only agency is one of them has no identifiable lead.
COLLECTIVE = frozenset({
    "Các phòng, cơ quan chuyên môn thuộc UBND", "Các phòng, ban, ngành, đơn vị",
    "Các phòng, cơ quan chuyên môn thuộc UBND xã", "Các phòng, cơ quan chuyên môn thuộc UBND phường",
    "Các phòng, ban, ngành, đơn vị thuộc xã", "Các phòng, ban, ngành, đơn vị thuộc phường",
    "Các đơn vị liên quan", "Các trường học trên địa bàn", "Các cơ quan, đơn vị",
    "Các sở, ban, ngành", "Các phòng chuyên môn", "Các doanh nghiệp viễn thông",
})


@functools.lru_cache(maxsize=4096)
def canonical_agency(text: str, locality_kind: str | None = None) -> str | None:
    """The canonical name of an agency written any way ("phong vhxh" -> Phòng Văn hóa - Xã hội)."""
    found = find_agencies(search_form(text), locality_kind)
    return found[0].name if found else None


def agency_names() -> list[str]:
    """Every known canonical name (names that depend on the locality kind in both forms)."""
    out: set[str] = set()
    for k in known_spellings():
        if "{kind" in k.name:
            out.update(with_kind(k.name, kind) for kind in ("xã", "phường"))
        else:
            out.add(k.name)
    return sorted(out)


def same_agency(query: str, name: str) -> bool:
    """Whether an agency as a user writes it ("vhxh", "Công an", "van phong dang uy")
    is the canonical `name`: through the recognizer first, else by folded words."""
    canon = canonical_agency(query)
    if canon is not None:
        if canon == name or fold(canon) == fold(name) or _kinds_sorted(canon) == _kinds_sorted(name):
            return True
        # "Văn phòng Đảng ủy xã Bình Tân" in a question is the plan's "Văn phòng Đảng ủy"
        if _placeless(canon) == name or canon == _placeless(name):
            return True
        # "Công an" in a question has no kind: "Công an xã" matches "Công an phường" too
        return _kindless(canon) == _kindless(name) and not re.search(r"\b(xa|phuong)\b",
                                                                      fold(query))
    key = fold(query)
    return bool(key) and key in fold(name)


_COMMUNE_PLACE = re.compile(r"\s(?:xã|phường|đặc khu)(?:\s[A-ZÀ-ỸĐ][^\s,]*)+$")


_PLACE_KIND = re.compile(r"\s(?:tỉnh|thành phố|tp\.?)$", re.IGNORECASE)


def _placeless(name: str) -> str:
    """A name without the place it names at its end ("… xã Bình Tân", "Sở Y tế Bắc Ninh",
    "Sở Y tế tỉnh Bắc Ninh"): a commune with its kind word, or any official unit of the
    gazetteer (`corpus.places`) after a complete name (two words at least)."""
    out = _COMMUNE_PLACE.sub("", name)
    words = out.split()
    run = 0  # capitalised words at the end
    while run < min(3, len(words) - 2) and words[-1 - run][:1].isupper():
        run += 1
    for k in range(run, 0, -1):
        from corpus.places import lookup  # the gazetteer loads on first use

        if lookup(" ".join(words[-k:])):
            return _PLACE_KIND.sub("", " ".join(words[:-k]))
    return out


_KINDS_LIST = re.compile(r"((?:xã|phường|đặc khu)(?:,? (?:xã|phường|đặc khu))+)$")


def _kinds_sorted(name: str) -> str:
    """A name ending in a list of commune kinds, the kinds in one order: "UBND phường, xã,
    đặc khu" is "UBND xã, phường, đặc khu"."""
    m = _KINDS_LIST.search(name)
    if not m:
        return name
    kinds = sorted(re.findall(r"đặc khu|xã|phường", m.group(1)))
    return name[:m.start()] + ", ".join(kinds)


def _kindless(name: str) -> str:
    return re.sub(r"\s*\b(xã|phường)\b", "", name).strip()
