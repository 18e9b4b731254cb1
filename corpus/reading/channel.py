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
SHAPES_FILE = DATA / "ocr_shapes.tsv"
OUT_OF_SHAPE = 0.1  # a symbol read for a letter outside its shape: at most this share of its rate
MAX_EDITS = 2
LONG_TOKEN = 5  # a token this long is searched one edit further ("thire": thức)
KEEP_FOLDS = 20  # folded candidates kept per token before their accented forms are scored
SMOOTH = 4.0  # pseudo-counts given to the prior in each true character's distribution
# Pseudo-counts a true character's distribution takes from its family's: the characters
# with the same letter and hat/horn/breve ("ầ" from â, ấ, ẩ, …), then the same letter
# (a, ă, â and their tones). A rare character's own counts are few (and hard EM teaches
# it its own first mistakes): its family says what the OCR does to such a vowel.
FAMILY_SMOOTH = 20.0
LETTER_SMOOTH = 20.0
_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
EMPTY = ""  # the missing side of an insertion or deletion


@functools.cache
def base(ch: str) -> str:
    """The letter under a character's marks ('ế' → 'e', 'đ' → 'd'); other chars as they are."""
    if ch in "đĐ":
        return "d"
    from corpus.normalize import strip_marks

    out = strip_marks(ch).lower()
    return out if len(out) == 1 else ch


@functools.cache
def toneless(ch: str) -> str:
    """The character without its tone mark, hat/horn/breve kept ('ầ' → 'â', 'ự' → 'ư')."""
    nfd = unicodedata.normalize("NFD", ch)
    return unicodedata.normalize("NFC", "".join(c for c in nfd if c not in _TONE_MARKS))


def fold_token(text: str) -> str:
    return "".join(base(c) for c in text)


# the true characters each plain letter stands for ("d": d, đ; "o": o, ò, …, ợ)
_VARIANTS: dict[str, tuple[str, ...]] = {c: tuple(t for t in "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợ"
                      "uùúủũụưừứửữựyỳýỷỹỵdđ" if base(t) == c) for c in "aeiouyd"}


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


_SHAPE_LETTERS = ("aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợ"
                  "uùúủũụưừứửữựyỳýỷỹỵdđ")


def load_shapes(path: Path | None = None) -> dict[str, frozenset[str]]:
    """The shape classes of `ocr_shapes.tsv`: symbol → the true characters it may stand for."""
    path = path or SHAPES_FILE
    out: dict[str, frozenset[str]] = {}
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        symbol, _, spec = unicodedata.normalize("NFC", line).partition("\t")
        members: set[str] = set()
        for item in spec.split():
            letter, kind = item[0], item[1:]
            if kind in ("+", "*"):
                members |= {t for t in _SHAPE_LETTERS
                            if base(t) == letter and (kind == "+" or t != letter)}
            else:
                members.add(item)
        out[symbol] = frozenset(members)
    return out


class Channel:
    """Character substitution/insertion/deletion costs and the candidate search."""

    def __init__(self, counts: dict[tuple[str, str], float] | None = None,
                 shapes: dict[str, frozenset[str]] | None = None) -> None:
        self.counts = counts or {}
        totals: dict[str, float] = defaultdict(float)
        upper: dict[str, float] = defaultdict(float)
        for (t, o), n in self.counts.items():
            if o != o.lower():
                upper[t] += n  # counted apart: capitals have their own distribution
            else:
                totals[t] += n
        # an insertion can happen at any character: its chance is per character read
        totals[EMPTY] = sum(n for (_, o), n in self.counts.items() if o == o.lower())
        upper[EMPTY] = sum(n for (_, o), n in self.counts.items() if o != o.lower())
        self.totals, self.upper_totals = dict(totals), dict(upper)
        # the families' pooled counts: how often a member was read as itself, and as o
        self._pool: dict[tuple[int, str], tuple[float, float, dict[str, float]]] = {}
        for level, key in ((1, toneless), (2, base)):
            same: dict[str, float] = defaultdict(float)
            tot: dict[str, float] = defaultdict(float)
            err: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
            for (t, o), n in self.counts.items():
                if t == EMPTY or o != o.lower():
                    continue
                fam = key(t)
                tot[fam] += n
                if o == t:
                    same[fam] += n
                else:
                    err[fam][o] += n
            for fam in tot:
                self._pool[(level, fam)] = (tot[fam], same[fam], dict(err[fam]))
        self.shapes = shapes if shapes is not None else load_shapes()
        self.shape_rate = self._shape_rates()
        self._folds: list[str] | None = None
        self._lock = threading.Lock()

    def _shape_rates(self) -> dict[str, float]:
        """How often the letters of a symbol's shape class were read as the symbol, pooled
        over the class: "&" for any vowel under marks, "0" for any o."""
        rates = {}
        for o, members in self.shapes.items():
            total = sum(self.totals.get(t, 0.0) for t in members)
            hits = sum(self.counts.get((t, o), 0.0) for t in members)
            rates[o] = (hits + 1.0) / (total + 100.0)
        return rates

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
        """−log P(o | t); t or o may be EMPTY (an OCR insertion / a dropped letter).

        The OCR side keeps its case, since the OCR errs differently on capitals (a capital
        Đ comes out as "P", a small đ never does): a capital's distribution is estimated
        from the pairs with capitals, backed off to the small letter's."""
        return -math.log(self._p(t, o))

    @functools.lru_cache(maxsize=50_000)  # noqa: B019 - one channel lives for the process
    def plain_cost(self, letter: str, o: str) -> float:
        """The cost of `o` for the likeliest true character written with this letter
        ('d' stands for d and đ): ranks folded candidates before their marks are known."""
        return min(self.cost(t, o) for t in _VARIANTS.get(letter, (letter,)))

    def _p(self, t: str, o: str) -> float:
        n = self.counts.get((t, o), 0.0)
        if o != o.lower():
            upper = self.upper_totals.get(t, 0.0)
            return (n + SMOOTH * self._p(t, o.lower())) / (upper + SMOOTH)
        total = self.totals.get(t, 0.0)
        if t == EMPTY:
            return (n + SMOOTH * _prior(t, o)) / (total + SMOOTH)
        p = (n + FAMILY_SMOOTH * self._family_p(1, t, o)) / (total + FAMILY_SMOOTH)
        if t in self.shapes.get(o, ()):
            # a letter of the symbol's shape: read as it at least as often as its class.
            # Decoded counts cannot show it otherwise: a pair the channel forbade (ế for
            # "&") was never decoded, so never counted.
            return max(p, self.shape_rate[o])
        if o in self.shapes:
            # another letter: the decoded counts of such pairs are hard EM's own mistakes
            # ("s0" read "sẽ" taught ẽ → 0); a tenth of the class's rate at most
            return min(p, OUT_OF_SHAPE * self.shape_rate[o])
        return p

    def _family_p(self, level: int, t: str, o: str) -> float:
        """P(o | t) as t's family reads its members: itself as often as they read
        themselves, another character as often as they were read as it."""
        below = self._family_p(2, t, o) if level == 1 else _prior(t, o)
        smooth = FAMILY_SMOOTH if level == 1 else LETTER_SMOOTH
        key = toneless(t) if level == 1 else base(t)
        total, same, err = self._pool.get((level, key), (0.0, 0.0, {}))
        n = same if o == t else err.get(o, 0.0)
        return (n + smooth * below) / (total + smooth)

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
    def _fold_list(self, lm: SyllableLM) -> list[str]:
        with self._lock:
            if self._folds is None or len(self._folds) != len(lm.by_fold):
                self._folds = [f for f in lm.by_fold if f.isalpha()]
            return self._folds

    def candidates(self, lm: SyllableLM, ocr: str, limit: int) -> list[tuple[int, float]]:
        """(syllable id, channel cost) of the likeliest readings of an OCR token (its case
        kept):
        the syllables whose folded form is within MAX_EDITS plain edits of the token's
        (one edit for tokens of one or two characters), each costed along that alignment."""
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        key = fold_token(ocr.lower())
        reach = 1 if len(key) <= 2 else MAX_EDITS + (len(key) >= LONG_TOKEN)
        near = process.extract(key, self._fold_list(lm), scorer=Levenshtein.distance,
                               score_cutoff=reach, limit=None)
        cost = self.cost
        # the folds ranked on their plain letters first; the accented forms of the best
        ranked = []
        for f, _, _ in near:
            pairs = _pairs(Levenshtein.editops(f, key), len(f), len(key))
            plain = sum(self.plain_cost(f[a] if a is not None else EMPTY,
                                        ocr[b] if b is not None else EMPTY)
                        for a, b in pairs)
            ranked.append((plain - 0.3 * math.log(1 + lm.fold_count(f)), f, pairs))
        ranked.sort(key=lambda r: r[0])
        scored: list[tuple[int, float]] = []
        for _, f, pairs in ranked[:KEEP_FOLDS]:
            for i in lm.by_fold[f]:
                word = lm.words[i]
                scored.append((i, sum(cost(word[a] if a is not None else EMPTY,
                                           ocr[b] if b is not None else EMPTY)
                                      for a, b in pairs)))
        scored.sort(key=lambda c: c[1] - 0.3 * math.log(lm.uni[c[0]] + 1))
        return scored[:limit]


def _pairs(ops, n: int, m: int) -> list[tuple[int | None, int | None]]:
    """An edit script as aligned positions (true index, OCR index), None where missing."""
    out: list[tuple[int | None, int | None]] = []
    i = j = 0
    for op in ops:
        while i < op.src_pos and j < op.dest_pos:
            out.append((i, j))
            i, j = i + 1, j + 1
        if op.tag == "replace":
            out.append((i, j))
            i, j = i + 1, j + 1
        elif op.tag == "delete":
            out.append((i, None))
            i += 1
        else:
            out.append((None, j))
            j += 1
    while i < n and j < m:
        out.append((i, j))
        i, j = i + 1, j + 1
    return out


_CHANNEL: Channel | None = None
_CHANNEL_LOCK = threading.Lock()


def channel() -> Channel:
    global _CHANNEL
    if _CHANNEL is None:
        with _CHANNEL_LOCK:
            if _CHANNEL is None:
                _CHANNEL = Channel.load()
    return _CHANNEL
