"""One-letter typos in a question put right before it is understood.

People type on phones: "chi teiu", "bao niheu", "pohng tho", "chyuen doi so". A word of
the question (search form) that is neither a Vietnamese syllable nor a word of the loaded
plans is replaced by a syllable one edit away, when that syllable makes a word of the
lexicon with a neighbour ("chi tieu") or is the same letters with two neighbours swapped
("pohng" -> "phong"). Otherwise the word is left as typed: an abbreviation or a foreign
word is not a typo, and a wrong guess would cost more than a missed one.
"""

from __future__ import annotations

from collections.abc import Collection

from corpus.lexicon import one_edit, syllable_pairs, syllables

_MIN_LEN = 3  # "ct", "ub" are abbreviations more often than typos
_MAX_LEN = 8  # a syllable has at most 7 letters ("nghieng"), a typo adds one


def correct(search: str, known: Collection[str] = ()) -> str:
    """The search form with typo'd words replaced (see the module docstring)."""
    ws = search.split()
    syl = syllables()
    if not syl:
        return search
    out: list[str] = []
    for i, w in enumerate(ws):
        nxt = ws[i + 1] if i + 1 < len(ws) else None
        out.append(correct_word(w, out[-1] if out else None, nxt, known) or w)
    return " ".join(out)


def correct_word(word: str, prev: str | None, nxt: str | None,
                 known: Collection[str] = ()) -> str | None:
    """The syllable a typo'd (folded) word stands for between these neighbours, or None
    when the word is no typo or no correction is clear."""
    syl = syllables()
    if (not syl or not _MIN_LEN <= len(word) <= _MAX_LEN or not word.isalpha()
            or word in syl or word in known):
        return None
    return _best(word, prev, nxt, syl)


def _best(word: str, prev: str | None, nxt: str | None, syl: frozenset[str]) -> str | None:
    pairs = syllable_pairs()
    best: tuple[tuple[int, int, int], str] | None = None
    for cand in sorted(one_edit(word)):  # sorted: the same choice on every run
        if cand not in syl or len(cand) < 2:
            continue
        hits = pairs.get((prev, cand), 0) + pairs.get((cand, nxt), 0)  # type: ignore[arg-type]
        # a swap alone is evidence only in longer words: "app" is not "pap"
        swapped = len(word) > _MIN_LEN and len(cand) == len(word) and sorted(cand) == sorted(word)
        if not hits and not swapped:
            continue
        # a lexicon word with a neighbour first, then a swap, then the commoner word
        score = (hits > 0, swapped, hits)
        if best is None or score > best[0]:
            best = (score, cand)
    return best[1] if best else None
