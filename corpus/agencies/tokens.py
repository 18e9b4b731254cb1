"""Tokens of a search-form text: words and punctuation with their offsets, runs of words
across separators, and the OCR slack allowed between two words."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

_TOKEN = re.compile(r"[a-z0-9]+(?:&[a-z0-9]+)*|[^\sa-z0-9]")


@dataclass(frozen=True)
class Tok:
    w: str
    s: int
    e: int
    word: bool  # a word (not punctuation)


class _Toks(list):
    """The tokens of one text, with the runs of words from each token remembered (the
    grammar asks for them again and again)."""

    def __init__(self, items: list[Tok]) -> None:
        super().__init__(items)
        self.chains: dict[int, tuple[list[str], list[int]]] = {}


def tokenize(text: str) -> _Toks:
    return _Toks([Tok(m.group(), m.start(), m.end(), m.group()[0].isalnum())
                  for m in _TOKEN.finditer(text)])


CHAIN = 12  # words remembered from each token: more than any name has


def words_from(toks: list[Tok], i: int, n: int) -> tuple[list[str], int]:
    """Up to n words from token i, skipping the separators between them ("-", ",", "&");
    and the index after the last of them."""
    chains = getattr(toks, "chains", None)
    chain = chains.get(i) if chains is not None else None
    if chain is None:
        words: list[str] = []
        ends: list[int] = []
        j = i
        while j < len(toks) and len(words) < CHAIN:
            t = toks[j]
            if t.word:
                words.append(t.w)
                ends.append(j + 1)
            elif t.w not in "-,&|–/'’" or not words:
                break
            j += 1
        chain = (words, ends)
        if chains is not None:
            chains[i] = chain
    words, ends = chain
    if n <= 0 or not words:
        return [], i
    n = min(n, len(words))
    return words[:n], ends[n - 1]


def fuzzy_equal(a: str, b: str) -> int | None:
    """Letters apart for two words OCR may have confused, None if too far."""
    if a == b:
        return 0
    limit = 0 if min(len(a), len(b)) <= 1 else 1 if max(len(a), len(b)) <= 3 else 2
    d = Levenshtein.distance(a, b, score_cutoff=limit)
    return d if d <= limit else None


def slip_keys(word: str) -> set[str]:
    """Keys that match a word with one letter wrong: the word less one letter (two for a
    long word: "prlong" for "phong"); a two-letter word keeps its first letter ("se" for
    "so", not "co")."""
    if len(word) >= 3:
        keys = {word[:i] + word[i + 1:] for i in range(len(word))}
        if len(word) >= 5:
            keys |= {k[:i] + k[i + 1:] for k in keys for i in range(len(k))}
        return keys
    return {word[0] + "_"} if len(word) == 2 else set()
