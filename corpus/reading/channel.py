"""The OCR channel: how likely an OCR token is as a reading of a true syllable.

cost(true → ocr) = −log P(ocr | true), a weighted edit distance over lower-case characters
(accented as they are): substitutions P(o | t), deletions (a true letter the OCR dropped)
and insertions (an OCR character with no true letter). The character probabilities come
from counts in `corpus/data/ocr_channel.tsv`, estimated by `corpus.reading.fit` from
aligned (true syllable, OCR token) pairs; with no counts file a prior of the same form is
used (same letter cheap, marks dropped cheaper than marks changed, everything else dear).

Candidates for an OCR token: every syllable of the language model whose folded form is
within two edits of the token's folded form (symmetric-delete lookup), scored by the
weighted distance, the best few kept.
"""

from __future__ import annotations

import functools
import math
import threading
import unicodedata
from collections import defaultdict
from pathlib import Path

from corpus.reading.lm import DATA, SyllableLM

CHANNEL_FILE = DATA / "ocr_channel.tsv"
MAX_EDITS = 2
KEEP_FOLDS = 12  # folded candidates kept per token before their accented forms are scored
SMOOTH = 4.0  # pseudo-counts given to the prior in each true character's distribution
EMPTY = ""  # the missing side of an insertion or deletion


@functools.cache
def base(ch: str) -> str:
    """The letter under a character's marks ('ế' → 'e', 'đ' → 'd'); other chars as they are."""
    if ch in "đĐ":
        return "d"
    from corpus.normalize import strip_marks

    out = strip_marks(ch).lower()
    return out if len(out) == 1 else ch


def fold_token(text: str) -> str:
    return "".join(base(c) for c in text)


def _prior(t: str, o: str) -> float:
    """Prior P(o | t) before any counts: what any OCR of Latin script tends to do."""
    if t == o:
        return 0.80
    if t == EMPTY:
        return 0.002  # an inserted character, any
    if o == EMPTY:
        return 0.01
    if base(t) == base(o):
        return 0.10 if o == base(o) else 0.02  # marks dropped / marks changed
    if o.isdigit() or not o.isalnum():
        return 0.002  # a digit or symbol read for a letter
    return 0.001


class Channel:
    """Character substitution/insertion/deletion costs and the candidate search."""

    def __init__(self, counts: dict[tuple[str, str], float] | None = None) -> None:
        self.counts = counts or {}
        totals: dict[str, float] = defaultdict(float)
        for (t, _), n in self.counts.items():
            totals[t] += n
        self.totals = dict(totals)
        self._deletes: dict[str, set[str]] | None = None
        self._lock = threading.Lock()

    @classmethod
    def load(cls, path: Path = CHANNEL_FILE) -> Channel:
        counts: dict[tuple[str, str], float] = {}
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                parts = line.split("\t")
                if len(parts) == 3 and not line.startswith("#"):
                    t, o = (unicodedata.normalize("NFC", p) for p in parts[:2])
                    counts[(t, o)] = float(parts[2])
        return cls(counts)

    @functools.lru_cache(maxsize=200_000)  # noqa: B019 - one channel lives for the process
    def cost(self, t: str, o: str) -> float:
        """−log P(o | t); t or o may be EMPTY (an OCR insertion / a dropped letter)."""
        n = self.counts.get((t, o), 0.0)
        total = self.totals.get(t, 0.0)
        return -math.log((n + SMOOTH * _prior(t, o)) / (total + SMOOTH))

    # ---- weighted edit distance ----------------------------------------------------
    def distance(self, true: str, ocr: str) -> float:
        """Cheapest alignment cost of reading `true` as `ocr` (both lower case)."""
        return self.align(true, ocr)[0]

    def align(self, true: str, ocr: str) -> tuple[float, list[tuple[str, str]]]:
        """The cheapest alignment and its character pairs (t, o), EMPTY on the missing side."""
        n, m = len(true), len(ocr)
        cost = self.cost
        d = [[0.0] * (m + 1) for _ in range(n + 1)]
        for j in range(1, m + 1):
            d[0][j] = d[0][j - 1] + cost(EMPTY, ocr[j - 1])
        for i in range(1, n + 1):
            t = true[i - 1]
            row, up = d[i], d[i - 1]
            row[0] = up[0] + cost(t, EMPTY)
            for j in range(1, m + 1):
                o = ocr[j - 1]
                row[j] = min(up[j - 1] + cost(t, o), up[j] + cost(t, EMPTY),
                             row[j - 1] + cost(EMPTY, o))
        pairs: list[tuple[str, str]] = []
        i, j = n, m
        while i or j:
            if i and j and d[i][j] == d[i - 1][j - 1] + cost(true[i - 1], ocr[j - 1]):
                pairs.append((true[i - 1], ocr[j - 1]))
                i, j = i - 1, j - 1
            elif i and d[i][j] == d[i - 1][j] + cost(true[i - 1], EMPTY):
                pairs.append((true[i - 1], EMPTY))
                i -= 1
            else:
                pairs.append((EMPTY, ocr[j - 1]))
                j -= 1
        return d[n][m], pairs[::-1]

    # ---- candidates ----------------------------------------------------------------
    def _delete_index(self, lm: SyllableLM) -> dict[str, set[str]]:
        with self._lock:
            if self._deletes is None or self._indexed != len(lm.by_fold):
                index: dict[str, set[str]] = defaultdict(set)
                for f in list(lm.by_fold):
                    if f.isalpha():
                        for d in _deletes(f, MAX_EDITS):
                            index[d].add(f)
                self._deletes, self._indexed = dict(index), len(lm.by_fold)
            return self._deletes

    def near_folds(self, lm: SyllableLM, key: str) -> set[str]:
        """Folded syllables within MAX_EDITS plain edits of `key` (a folded OCR token)."""
        index = self._delete_index(lm)
        out: set[str] = set()
        for d in _deletes(key, MAX_EDITS):
            out |= index.get(d, set())
        return {f for f in out if _levenshtein(f, key) <= MAX_EDITS}

    def candidates(self, lm: SyllableLM, ocr: str, limit: int) -> list[tuple[int, float]]:
        """(syllable id, channel cost) of the likeliest readings of a lower-case OCR token."""
        key = fold_token(ocr)
        folds = self.near_folds(lm, key)
        # cheap pass on folded forms, then the accented forms of the best folds
        ranked = sorted(folds, key=lambda f: self.distance(f, key) - 0.3 * _log1(lm, f))
        scored: list[tuple[int, float]] = []
        for f in ranked[:KEEP_FOLDS]:
            for i in lm.by_fold.get(f, ()):
                scored.append((i, self.distance(lm.words[i], ocr)))
        scored.sort(key=lambda c: c[1] - 0.3 * math.log(lm.uni[c[0]] + 1))
        return scored[:limit]


def _log1(lm: SyllableLM, fold: str) -> float:
    return math.log(1 + sum(lm.uni[i] for i in lm.by_fold.get(fold, ())))


def _deletes(word: str, k: int) -> set[str]:
    out, frontier = {word}, {word}
    for _ in range(k):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


def _levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


_CHANNEL: Channel | None = None
_CHANNEL_LOCK = threading.Lock()


def channel() -> Channel:
    global _CHANNEL
    if _CHANNEL is None:
        with _CHANNEL_LOCK:
            if _CHANNEL is None:
                _CHANNEL = Channel.load()
    return _CHANNEL
