"""Places after an agency name ("tỉnh Bắc Ninh", "xã, phường, đặc khu", "Việt Nam"): where
they start and end, read with the gazetteer (corpus.places)."""

from __future__ import annotations

import functools
import re

from corpus.agencies.lexicon import PLACE_KINDS, stop_at, syllable_set
from corpus.agencies.tokens import Tok, fuzzy_equal, words_from


def place_kind_at(toks: list[Tok], j: int) -> bool:
    """A place kind that starts a place ("xã Tân Phú", "tỉnh" at the end), not a word of
    the name ("Văn hóa - Xã hội")."""
    from corpus import places

    for k in sorted(PLACE_KINDS, key=len, reverse=True):
        ks = k.split()
        got, end = words_from(toks, j, len(ks))
        if got != ks:
            continue
        if end >= len(toks) or not toks[end].word or stop_at(toks, end, False):
            return True
        rest, _ = words_from(toks, end, 4)
        return any(places.lookup(" ".join(rest[:n]), places._MARKERS.get(k, ""))
                   for n in range(len(rest), 0, -1))
    return False


def place_end(toks: list[Tok], j: int) -> int:
    """A place after a name belongs to it: "tỉnh Bắc Ninh", "xã", "xã, phường, đặc khu",
    "Thành phố", "khu vực XII", "Trung ương"."""

    if j < len(toks) and toks[j].w == ",":
        return _kinds_list_end(toks, j)
    words, _ = words_from(toks, j, 4)
    if not words:
        return j
    if words[0] in ("cac", "cap") and len(words) > 1 and words[1] in ("xa", "phuong", "tinh"):
        return place_end(toks, words_from(toks, j, 1)[1]) if words[0] == "cac" else \
            words_from(toks, j, 2)[1]
    bare = bare_place(words)
    if bare:
        return words_from(toks, j, bare)[1]
    kind = next((k for k in sorted(PLACE_KINDS, key=len, reverse=True)
                 if _kind_words(words, k)), None)
    if kind is None:
        if words[:2] in (["trung", "uong"], ["quoc", "gia"], ["viet", "nam"]):
            return words_from(toks, j, 2)[1]
        if words[:2] == ["khu", "vuc"]:
            end = words_from(toks, j, 2)[1]
            return end + 1 if end < len(toks) and re.fullmatch(r"[ivxl]+|\d+", toks[end].w) else end
        return j
    _, end = words_from(toks, j, len(kind.split()))
    if end < len(toks) and (toks[end].w == "," or kind_next(toks, end)):
        return _kinds_list_end(toks, end)
    if stop_at(toks, end, False):
        return end  # "Hội Nông dân xã chủ trì …": the clause's verb, not "xã Thư Trì"
    n = named_place(words_from(toks, end, 4)[0], kind)[0]
    return words_from(toks, end, n)[1] if n else end


def _kind_words(words: list[str], kind: str) -> bool:
    """Whether `words` open with a place kind, OCR slips of one letter allowed in a kind
    of two words ("thanh phd")."""
    ks = kind.split()
    if words[:len(ks)] == ks:
        return True
    return len(ks) == 2 and len(words) >= 2 and words[0] == ks[0] and \
        fuzzy_equal(words[1], ks[1]) == 1 and words[1] not in syllable_set()


def bare_place(words: list[str]) -> int:
    """Words of a province or country named without a marker at the end of a name
    ("Viettel Nghệ An", "Đại học Quốc gia Hà Nội", "… Việt Nam")."""
    from corpus import places

    if words[:2] == ["viet", "nam"]:
        return 2
    for n in (3, 2):
        if len(words) >= n and any(u.is_province for u in places.lookup(" ".join(words[:n]))):
            return n
    return 0


@functools.lru_cache(maxsize=4096)
def _named_place_cached(words: tuple[str, ...], kind: str) -> tuple[int, str]:
    from corpus import places

    marker = places._MARKERS.get(kind, "")
    for edits in (0, 1):
        for n in range(min(4, len(words)), 0, -1):
            if edits and (n < 2 or len(" ".join(words[:n])) < 6):
                continue
            found = places.lookup(" ".join(words[:n]), marker, max_edits=edits)
            if found and len({u.name for u in found}) == 1:
                return n, found[0].name
    return 0, ""


def named_place(words: list[str], kind: str) -> tuple[int, str]:
    """How many of `words` name a unit of that kind, and its official name (OCR slips of
    one letter allowed in names of two words: "Dpong Nai")."""
    return _named_place_cached(tuple(words), kind)


_LIST_KINDS = ("xa", "phuong", "dac")


def kind_next(toks: list[Tok], j: int) -> bool:
    """Another commune-level kind right after one, typed without a comma on a phone
    ("ubnd phuong xa dac khu")."""
    return j < len(toks) and toks[j].w in _LIST_KINDS and \
        (toks[j].w != "dac" or words_from(toks, j, 2)[0] == ["dac", "khu"])


def _kinds_list_end(toks: list[Tok], end: int) -> int:
    """The end of ", phường, đặc khu" after "xã" (or of ", xã, phường"; commas optional)."""
    while True:
        at = end + 1 if end < len(toks) and toks[end].w == "," else end
        if not kind_next(toks, at):
            return end
        end = words_from(toks, at, 2 if toks[at].w == "dac" else 1)[1]
