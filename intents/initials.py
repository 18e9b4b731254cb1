"""An abbreviation no table lists, read as the initials of a term the loaded plans use.

    spell_initials("cq", known) -> "cơ quan"
    spell_initials("hssk", known) -> "hồ sơ sức khỏe"

People type the first letters of a multi-word term ("cq" for cơ quan, "cks" for chữ ký số,
"vhttdl" for Văn hóa, Thể thao và Du lịch). A token of consonants only is no Vietnamese
syllable, so it is read as initials: the candidate terms are chains of words in which each
pair of neighbours is a syllable bigram of the loaded plans (the search index's "a_b"
terms), one word per letter, a "và" between two of them allowed ("Văn hóa, Thể thao và Du
lịch" is written VHTTDL). Candidates are ranked by how common their word pairs are in the
syllable bigram model of the reading copy (news counts plus the clean plans' own counts),
the commonest first (people shorten the terms they write most). When two readings score alike the
token is left as typed: a wrong expansion costs more than none.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Collection

from corpus.lexicon import accented_syllables, syllables
from corpus.normalize import fold

MIN_LEN, MAX_LEN = 2, 6
BEAM = 40  # partial readings kept per letter
MARGIN = 1.5  # nats the best reading must lead the next one by
AND_COST = 1.0  # a "và" the initials do not write, in nats
_CONSONANTS = re.compile(r"[bcdđghklmnpqrstvx]+")
_AND = "va"


def is_initials(token: str) -> bool:
    """A token of consonants only, 2-6 letters: no syllable, so maybe initials."""
    low = token.lower()
    return MIN_LEN <= len(low) <= MAX_LEN and _CONSONANTS.fullmatch(low) is not None


def spell_initials(token: str, known: Collection[str]) -> str | None:
    """The term of the loaded plans whose initials the token is, written with its
    diacritics, or None (see the module docstring); `known` the search index's terms
    (syllables and "a_b" bigrams)."""
    if not is_initials(token) or not known:
        return None
    letters = fold(token.lower())
    graph = _graph(known)
    if not graph:
        return None
    scored = _readings(letters, graph)
    if not scored:
        return None
    scored.sort(key=lambda r: -r[0])
    best = scored[0]
    if len(scored) > 1 and scored[1][0] > best[0] - MARGIN + 1e-9:
        return None
    return " ".join(_accented(best[1]))


def _readings(letters: str, graph: dict[str, dict[str, set[str]]]
              ) -> list[tuple[float, tuple[str, ...]]]:
    # a beam over the letters: each reading grows by a word the plans write after its last
    # word that starts with the next letter, directly or after "và" (the bridge counts as
    # its weaker pair, less a cost: every reading of n letters scores n - 1 pairs)
    beam = [(0.0, (w,)) for w in graph.get("", {}).get(letters[0], set())]
    for ch in letters[1:]:
        grown: list[tuple[float, tuple[str, ...]]] = []
        for score, ws in beam:
            last = ws[-1]
            for w in graph.get(last, {}).get(ch, ()):
                grown.append((score + _pair(last, w), (*ws, w)))
            if _AND in graph.get(last, {}).get("v", ()):
                for w in graph.get(_AND, {}).get(ch, ()):
                    bridge = min(_pair(last, _AND), _pair(_AND, w)) - AND_COST
                    grown.append((score + bridge, (*ws, _AND, w)))
        beam = sorted(grown, key=lambda r: -r[0])[:BEAM]
    out = []
    for score, ws in beam:
        content = [w for w in ws if w != _AND]
        if len(set(content)) == len(content):  # "công cộng cộng": a word repeated is no term
            out.append((score, ws))
    return out


_LAST: list = [None, None]  # (the terms object, its graph): one index view at a time


def _graph(known: Collection[str]) -> dict[str, dict[str, set[str]]]:
    """word -> first letter -> the words the plans write after it; "" -> first letter ->
    every word that opens a pair. Built once per view of the index (its term table)."""
    if _LAST[0] is known:
        return _LAST[1]
    syl = syllables()
    graph: dict[str, dict[str, set[str]]] = {"": {}}
    for t in known:
        a, sep, b = t.partition("_")
        if sep and a in syl and b in syl and a != b:
            graph.setdefault(a, {}).setdefault(b[0], set()).add(b)
            graph[""].setdefault(a[0], set()).add(a)
    _LAST[0], _LAST[1] = known, graph
    return graph


@functools.lru_cache(maxsize=65_536)
def _pair(a: str, b: str) -> float:
    """log(1 + how often the folded syllables a, b stand together, any marks) in the
    bigram model: people shorten the terms they write most."""
    from corpus.reading.lm import _SHIFT, model

    lm = model()
    n = 0.0
    for i in lm.by_fold.get(a, ()):
        for j in lm.by_fold.get(b, ()):
            n += lm.big.get(i * _SHIFT + j, 0.0)
    return math.log1p(n)


def _accented(ws: tuple[str, ...]) -> list[str]:
    """Each folded word as its commonest written form in the bigram model, read with its
    neighbours: "co quan" -> "cơ quan"."""
    from corpus.reading.lm import _SHIFT, model

    lm = model()
    out: list[str] = []
    prev_id: int | None = None
    acc = accented_syllables()
    for k, w in enumerate(ws):
        nxt = lm.by_fold.get(ws[k + 1], ()) if k + 1 < len(ws) else ()
        best, best_n, best_id = w, -1.0, None
        for i in lm.by_fold.get(w, ()):
            form = lm.words[i]
            if form not in acc:
                continue
            n = lm.uni[i] * 1e-6
            if prev_id is not None:
                n += lm.big.get(prev_id * _SHIFT + i, 0.0)
            n += sum(lm.big.get(i * _SHIFT + j, 0.0) for j in nxt)
            if n > best_n:
                best, best_n, best_id = form, n, i
        out.append(best)
        prev_id = best_id
    return out
