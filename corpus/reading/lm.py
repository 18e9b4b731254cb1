"""A syllable bigram language model: the shipped news counts plus counts from clean plans.

The counts in `corpus/data/` (unigrams and bigrams of accented, lower-case syllables; see
`corpus/data/README.md`) are read on first use, never at import. Clean plan text read by the
pipeline adds its own counts (`learn`), so agency and domain words ("hđnd", "chuyển đổi
số") are known; they weigh `DOMAIN_WEIGHT` times a news count because plans are what the
reading copy is made of.

P(b | a) = 0.8 · c(a, b) / c(a, ·) + 0.2 · P(b),  P(b) = (c(b) + 1) / (N + V)
(interpolated with an add-one unigram, as published for these counts).
"""

from __future__ import annotations

import gzip
import math
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
NUM = "<num>"
BIGRAM_SHARE = 0.8
DOMAIN_WEIGHT = 20  # one syllable pair of a clean plan counts as much as 20 of the news
_SHIFT = 1 << 22
_SYLLABLE = re.compile(r"[^\W\d_]+|\d+")
_BREAK = re.compile(r"[^\w\s]")  # bigrams do not cross punctuation


def _fold(text: str) -> str:
    from corpus.normalize import fold

    return fold(text)


class SyllableLM:
    """Unigram and bigram counts over syllable ids; log-probabilities in nats."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.words: list[str] = []
        self.uni: list[float] = []
        self.left: list[float] = []  # c(a, ·): how often a stands before another syllable
        self.big: dict[int, float] = {}
        self.total = 0.0
        self.by_fold: dict[str, list[int]] = {}
        self._lock = threading.Lock()
        self.version = 0  # grows with every `learn`, so callers can drop cached decodes

    # ---- building ------------------------------------------------------------------
    def _id(self, word: str) -> int:
        i = self.ids.get(word)
        if i is None:
            i = self.ids[word] = len(self.words)
            self.words.append(word)
            self.uni.append(0.0)
            self.left.append(0.0)
            if word != NUM:
                self.by_fold.setdefault(_fold(word), []).append(i)
        return i

    def add_unigram(self, word: str, count: float) -> None:
        self.uni[self._id(word)] += count
        self.total += count

    def add_bigram(self, a: str, b: str, count: float) -> None:
        ia, ib = self._id(a), self._id(b)
        self.big[ia * _SHIFT + ib] = self.big.get(ia * _SHIFT + ib, 0.0) + count
        self.left[ia] += count

    @classmethod
    def from_files(cls, directory: Path = DATA) -> SyllableLM:
        lm = cls()
        with gzip.open(directory / "unigrams.tsv.gz", "rt", encoding="utf-8") as fh:
            for line in fh:
                word, _, n = line.rstrip("\n").partition("\t")
                if n:
                    lm.add_unigram(unicodedata.normalize("NFC", word), float(n))
        with gzip.open(directory / "bigrams.tsv.gz", "rt", encoding="utf-8") as fh:
            for line in fh:
                parts = line.rstrip("\n").split("\t")
                if len(parts) == 3:
                    a, b = (unicodedata.normalize("NFC", p) for p in parts[:2])
                    lm.add_bigram(a, b, float(parts[2]))
        return lm

    def learn(self, lines: Iterable[str], weight: float = DOMAIN_WEIGHT) -> int:
        """Add the syllable counts of clean text (one string per line); returns how many
        syllables were counted."""
        uni, big = count_syllables(lines)
        with self._lock:
            for w, n in uni.items():
                self.add_unigram(w, n * weight)
            for (a, b), n in big.items():
                self.add_bigram(a, b, n * weight)
            self.version += 1
        return sum(uni.values())

    # ---- scoring -------------------------------------------------------------------
    def logp(self, prev: int | None, word: int | None) -> float:
        """log P(word | prev); `None` for a word outside the vocabulary or no context."""
        v = len(self.words)
        pu = ((self.uni[word] if word is not None else 0.0) + 1.0) / (self.total + v)
        if prev is None or word is None or not self.left[prev]:
            return math.log(pu)
        pb = self.big.get(prev * _SHIFT + word, 0.0) / self.left[prev]
        return math.log(BIGRAM_SHARE * pb + (1 - BIGRAM_SHARE) * pu)

    def count(self, word: str) -> float:
        i = self.ids.get(word)
        return self.uni[i] if i is not None else 0.0


def count_syllables(lines: Iterable[str]) -> tuple[Counter[str], Counter[tuple[str, str]]]:
    """Unigram and bigram counts of lower-case syllables, numbers as `<num>`, bigrams
    within runs of text that no punctuation interrupts."""
    uni: Counter[str] = Counter()
    big: Counter[tuple[str, str]] = Counter()
    for line in lines:
        for run in _BREAK.split(unicodedata.normalize("NFC", line).lower()):
            toks = [NUM if t.isdigit() else t for t in _SYLLABLE.findall(run)]
            uni.update(toks)
            big.update(zip(toks, toks[1:], strict=False))
    return uni, big


_MODEL: SyllableLM | None = None
_MODEL_LOCK = threading.Lock()


def model() -> SyllableLM:
    """The shared model, read from `corpus/data/` on first use."""
    global _MODEL
    if _MODEL is None:
        with _MODEL_LOCK:
            if _MODEL is None:
                _MODEL = SyllableLM.from_files()
    return _MODEL
