"""The display spelling of a name read by the grammar: accents from the data files, the
gazetteer, the word list and (where present) the reading model; capitals as names have them."""

from __future__ import annotations

import functools
import re

from corpus.agencies.grammar import head_at
from corpus.agencies.lexicon import KINDS, abbreviations, capitals, compounds, word_spellings
from corpus.agencies.place_spans import bare_place, named_place
from corpus.agencies.tokens import Tok
from corpus.normalize import fold


def kind_word(locality_kind: str | None) -> str:
    k = fold(locality_kind or "")
    return KINDS.get(k, "")


def with_kind(name: str, kind: str) -> str:
    if "{kind" not in name:
        return name
    if kind:
        return re.sub(r"\{kind\??\}", kind, name)
    # kind unknown: "Văn phòng UBND", "Các cơ quan chuyên môn, đơn vị" rather than a guess
    return re.sub(r"(?: thuộc)? \{kind\??\}", "", name)


def display_name(toks: list[Tok], i: int, end: int, head: str, locality_kind: str | None) -> str:
    """The proper spelling of a name read by the grammar."""
    after = head_at(toks, i)[2]
    text = f"{head} {spell_words(list(toks[after:end]))}".strip()
    text = re.sub(r"\s+([,.])", r"\1", text)
    text = re.sub(r"\s{2,}", " ", text)
    if end == after and head in ("Công an", "UBND", "HĐND", "Đảng ủy", "Ban Chỉ huy Quân sự"):
        kind = fold(locality_kind or "")
        spelt = {"xa": "xã", "phuong": "phường", "tinh": "tỉnh", "thanh pho": "thành phố",
                 "dac khu": "đặc khu"}.get(kind, "")
        text = f"{text} {spelt}".strip()
    return _restore(text)


def spell_words(words: list[Tok]) -> str:
    """Name words spelt: places from the gazetteer, bodies and abbreviations as they are
    written in names, other words from the names and the word list; a capital opens the
    name and each part of a joined name."""
    parts: list[str] = []
    j = 0
    cap_next = True
    while j < len(words):
        t = words[j]
        if not t.word:
            if t.w == "," or t.w in "-–":
                parts.append("," if t.w == "," else " -")
                cap_next = True
            j += 1
            continue
        body = head_at(words, j)
        if body and body[1] in ("alone", "owned") and words[j].w not in ("ban", "doan"):
            parts.append(body[0])
            j = body[2]
            cap_next = False
            continue
        place = _place_words(words, j)
        if place:
            parts.append(place[1])
            j += place[0]
            cap_next = False
            continue
        if t.w in ("cac", "cap"):
            parts.append("các" if t.w == "cac" else "cấp")
            j += 1
            continue
        if t.w in abbreviations() and (t.w in ("ubnd", "hdnd") or "&" in t.w or j == 0):
            parts.append(abbreviations()[t.w])
            j += 1
            cap_next = False
            continue
        if t.w == "va":
            parts.append("và")
            cap_next = True
            j += 1
            continue
        n, spelt = _compound(words, j)
        if re.fullmatch(r"[ivxl]+", t.w) and j > 0:
            spelt = t.w.upper()  # "khu vực XII"
        if cap_next or capitals().get(" ".join(w.w for w in words[j:j + n]), 0) > 0:
            spelt = spelt[:1].upper() + spelt[1:]
        parts.append(spelt)
        j += n
        cap_next = False
    return " ".join(parts)


def _compound(words: list[Tok], j: int) -> tuple[int, str]:
    """The longest run of words at j the word list spells one way ("tiếng nói", "hàn lâm"),
    else one word as the names spell it."""
    run = []
    for t in words[j:j + 3]:
        if not t.word:
            break
        run.append(t.w)
    for n in range(len(run), 1, -1):
        spelt = compounds().get(" ".join(run[:n]))
        if spelt:
            return n, spelt
    return 1, _spell(words[j].w)


def _place_words(words: list[Tok], j: int, bare: bool = True) -> tuple[int, str] | None:
    """A place kind and its name at word j, officially spelt ("tinh bac ninh" -> "tỉnh
    Bắc Ninh", "xa" -> "xã")."""
    from corpus import places

    kinds = {"xa": "xã", "phuong": "phường", "tinh": "tỉnh", "thanh pho": "thành phố",
             "tp": "thành phố", "dac khu": "đặc khu", "huyen": "huyện", "quan": "quận"}
    for k, spelt in kinds.items():
        ks = k.split()
        if [t.w for t in words[j:j + len(ks)]] == ks:
            rest = [t.w for t in words[j + len(ks):j + len(ks) + 4] if t.word]
            n, name = named_place(rest, k)
            if n:
                return len(ks) + n, f"{spelt} {name}"
            return len(ks), spelt  # "Sở Y tế tỉnh", "Công an xã"
    rest = [t.w for t in words[j:j + 3] if t.word]
    n = bare_place(rest) if j > 0 or bare else 0
    if n:
        found = places.lookup(" ".join(rest[:n]))
        return n, found[0].name if found else "Việt Nam"
    return None


def _spell(word: str) -> str:
    return word_spellings().get(word, word)


@functools.lru_cache(maxsize=4096)
def _restore(text: str) -> str:
    """Marks for words the data files do not spell, from the reading model if present."""
    plain = [w for w in re.findall(r"[^\W\d_]+", text) if w == fold(w) and w.lower() not in (
        "va", "ubnd", "hdnd", "mttq")]
    if not plain:
        return text
    try:
        from corpus.reading import restore_diacritics  # the reading copy's syllable model
    except ImportError:
        return text
    try:
        restored = restore_diacritics(text)
    except Exception:  # noqa: BLE001 - a display nicety never stops recognition
        return text
    return restored if fold(restored) == fold(text) else text
