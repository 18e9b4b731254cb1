"""A syllable bigram language model: the shipped news counts plus counts from clean plans.

The counts in `corpus/data/` (unigrams and bigrams of accented, lower-case syllables; see
`corpus/data/README.md`) are read on first use, never at import. Clean plan text read by the
pipeline adds its own counts (`learn`), so agency and domain words ("hđnd", "chuyển đổi
số") are known; they weigh `DOMAIN_WEIGHT` times a news count because plans are what the
reading copy is made of.

P(b | a) = 0.7 · c(a, b) / c(a, ·) + 0.3 · P(b),  P(b) = (c(b) + 1) / (N + V)
(interpolated with an add-one unigram, as published for these counts).
"""

from __future__ import annotations

import functools
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
BIGRAM_SHARE = 0.7
START_SHARE = 0.3  # weight of the clause-start term (0 = the unigram alone)
END_FLOOR = 0.01  # the least chance a syllable ends a clause
DOMAIN_WEIGHT = 20  # one syllable pair of a clean plan counts as much as 20 of the news
# The shipped administrative text (domain_text.txt, agency names, the gazetteer's units):
# written for this project, so it may ship; its weight was chosen on the tuning part of
# reading_dev only (bench/READING.md).
SHIPPED_WEIGHT = 40
PLACE_WEIGHT = 1  # the 3,355 official unit names: known words, no preference among them
_SHIFT = 1 << 22
_SYLLABLE = re.compile(r"[^\W\d_]+|\d+")
_BREAK = re.compile(r"[^\w\s]")  # bigrams do not cross punctuation


_TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng
_OLD_STYLE = re.compile(r"^(?!qu|gi)(.*?)([oOuU])([aAeEyY])([\u0300\u0301\u0303\u0309\u0323])$")


@functools.lru_cache(maxsize=65_536)  # 460,000 calls for 13,500 syllables at load
def canonical(word: str) -> str:
    """One spelling for the two tone placements of an open "oa", "oe", "uy": the tone on
    the first vowel ("hóa", "khỏe", "thủy", not "hoá", "khoẻ", "thuỷ"), as the plans write
    them; "quý", "giá" and closed syllables ("hoàn") keep theirs."""
    nfd = unicodedata.normalize("NFD", word)
    m = _OLD_STYLE.match(nfd)
    if m is None:
        return word
    head, first, second, tone = m.groups()
    return unicodedata.normalize("NFC", head + first + tone + second)


def _fold(text: str) -> str:
    from corpus.reading.channel import fold_token

    return fold_token(text)


class SyllableLM:
    """Unigram and bigram counts over syllable ids; log-probabilities in nats."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.words: list[str] = []
        self.uni: list[float] = []
        self.left: list[float] = []  # c(a, ·): how often a stands before another syllable
        self.into: list[float] = []  # c(·, b): how often b stands after another syllable
        self.big: dict[int, float] = {}
        self.total = 0.0
        self.by_fold: dict[str, list[int]] = {}
        self._lock = threading.Lock()
        self.version = 0  # grows with every `learn`, so callers can drop cached decodes
        self.learned: set[str] = set()  # keys of the clean plans already counted
        self._fold_counts: tuple[int, dict[str, float]] | None = None

    # ---- building ------------------------------------------------------------------
    def _id(self, word: str) -> int:
        i = self.ids.get(word)
        if i is None:
            i = self.ids[word] = len(self.words)
            self.words.append(word)
            self.uni.append(0.0)
            self.left.append(0.0)
            self.into.append(0.0)
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
        self.into[ib] += count

    @classmethod
    def from_files(cls, directory: Path = DATA) -> SyllableLM:
        lm = cls()
        for line in _read(directory / "unigrams.tsv.gz"):
            word, _, n = line.partition("\t")
            if n:
                lm.add_unigram(canonical(word), float(n))
        ids, big, left, into = lm.ids, lm.big, lm.left, lm.into
        for line in _read(directory / "bigrams.tsv.gz"):
            a, b, n = line.split("\t")
            a, b = canonical(a), canonical(b)
            ia, ib = ids.get(a), ids.get(b)
            if ia is None or ib is None:  # pruned apart from its syllables: rare
                ia, ib = lm._id(a), lm._id(b)
            big[ia * _SHIFT + ib] = big.get(ia * _SHIFT + ib, 0.0) + float(n)
            left[ia] += float(n)
            into[ib] += float(n)
        return lm

    def learn(self, lines: Iterable[str], weight: float = DOMAIN_WEIGHT) -> int:
        """Add the syllable counts of clean text (one string per line); returns how many
        syllables were counted."""
        uni, big = count_syllables(lines)
        self.add_counts(uni, big, weight)
        return sum(uni.values())

    def add_counts(self, uni: Counter[str], big: Counter[tuple[str, str]],
                   weight: float = DOMAIN_WEIGHT) -> None:
        with self._lock:
            for w, n in uni.items():
                self.add_unigram(w, n * weight)
            for (a, b), n in big.items():
                self.add_bigram(a, b, n * weight)
            self.version += 1

    # ---- scoring -------------------------------------------------------------------
    def logp(self, prev: int | None, word: int | None) -> float:
        """log P(word | prev); `None` for a word outside the vocabulary or no context."""
        v = len(self.words)
        pu = ((self.uni[word] if word is not None else 0.0) + 1.0) / (self.total + v)
        if prev is None or word is None or not self.left[prev]:
            return math.log(pu)
        pb = self.big.get(prev * _SHIFT + word, 0.0) / self.left[prev]
        return math.log(BIGRAM_SHARE * pb + (1 - BIGRAM_SHARE) * pu)

    def logp_start(self, word: int | None) -> float:
        """log P(word | a run of text starts): the unigram chance times the share of the
        word's occurrences that no syllable precedes (after punctuation, at a line's
        start), so "Ban" (which heads "Ban Chỉ đạo") starts a clause more than "bạn" does."""
        base = self.logp(None, word)
        if word is None or not self.uni[word] or not START_SHARE:
            return base
        share = max(1.0 - self.into[word] / self.uni[word], END_FLOOR)
        return base + START_SHARE * math.log(share)

    def logp_end(self, prev: int | None) -> float:
        """log P(a run of text ends after `prev`): the share of its occurrences that no
        syllable follows before punctuation (the counts stop bigrams at punctuation), so
        "sẽ", which a verb always follows, rarely ends a clause and "số" often does."""
        if prev is None or not self.uni[prev]:
            return 0.0
        return math.log(max(1.0 - self.left[prev] / self.uni[prev], END_FLOOR))

    def fold_count(self, fold: str) -> float:
        """Count of every syllable written with these letters ('so': số, sở, so, …)."""
        cache = self._fold_counts
        if cache is None or cache[0] != self.version:
            cache = self._fold_counts = (self.version, {})
        n = cache[1].get(fold)
        if n is None:
            n = cache[1][fold] = sum(self.uni[i] for i in self.by_fold.get(fold, ()))
        return n

    def count(self, word: str) -> float:
        i = self.ids.get(word)
        return self.uni[i] if i is not None else 0.0


def _read(path: Path) -> list[str]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return unicodedata.normalize("NFC", fh.read()).splitlines()


def count_syllables(lines: Iterable[str]) -> tuple[Counter[str], Counter[tuple[str, str]]]:
    """Unigram and bigram counts of lower-case syllables, numbers as `<num>`, bigrams
    within runs of text that no punctuation interrupts."""
    uni: Counter[str] = Counter()
    big: Counter[tuple[str, str]] = Counter()
    for line in lines:
        for run in _BREAK.split(unicodedata.normalize("NFC", line).lower()):
            toks = [NUM if t.isdigit() else canonical(t) for t in _SYLLABLE.findall(run)]
            uni.update(toks)
            big.update(zip(toks, toks[1:], strict=False))
    return uni, big


_MODEL: SyllableLM | None = None
_MODEL_LOCK = threading.Lock()
_KEPT: Path | None = None  # where the counts of learned clean text are kept


def model() -> SyllableLM:
    """The shared model, read from `corpus/data/` on first use, with the counts of the
    clean plans kept in the `keep_counts_in` file."""
    global _MODEL
    if _MODEL is None:
        with _MODEL_LOCK:
            if _MODEL is None:
                lm = _shipped_model()
                if _KEPT is not None:
                    _load_kept(lm, _KEPT)
                _MODEL = lm
    return _MODEL


def _build_shipped() -> SyllableLM:
    lm = SyllableLM.from_files()
    lm.learn(shipped_lines(), SHIPPED_WEIGHT)
    lm.learn(place_lines(), PLACE_WEIGHT)
    return lm


# ---- the shipped model, built once per data directory -------------------------------------
# Building it reads 1.2 MB of gzipped counts, the domain text and 3,355 unit names through
# `canonical` and the folding of every syllable: 0.9 s of CPU that every new process paid
# on its first question (bench/coldstart.py). Its arrays are kept beside the index
# (`marshal`: plain lists and dicts, read back in a few ms, no code run), keyed by every
# input, so a changed count file, weight, gazetteer or Python builds it afresh.
CACHE_NAME = "reading_model.marshal"


def _inputs_key() -> str:
    import hashlib
    import importlib.metadata
    import sys

    from corpus.reading import channel

    h = hashlib.sha256(f"{sys.version_info[:2]}".encode())
    try:
        h.update(importlib.metadata.version("vietnamadminunits").encode())
    except importlib.metadata.PackageNotFoundError:
        h.update(b"no gazetteer")
    for f in (Path(__file__), Path(channel.__file__), DATA.parent / "places.py",
              DATA / "unigrams.tsv.gz",
              DATA / "bigrams.tsv.gz", DATA / "domain_text.txt", DATA / "agency_names.tsv"):
        h.update(f.read_bytes() if f.exists() else b"-")
    return h.hexdigest()


def _shipped_model() -> SyllableLM:
    """The shipped counts (news, domain text, unit names), from the cache file beside the
    index when it holds them for these inputs, else built and written there."""
    if _KEPT is None:
        return _build_shipped()
    import marshal
    import os

    path = _KEPT.parent / CACHE_NAME
    key = _inputs_key()
    try:
        data = marshal.loads(path.read_bytes())
        if isinstance(data, dict) and data.get("key") == key:
            return _from_arrays(data)
    except (OSError, EOFError, ValueError, TypeError, KeyError):
        pass  # missing, damaged or of another Python: built again below
    lm = _build_shipped()
    tmp = path.with_name(f".{CACHE_NAME}.{os.getpid()}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(marshal.dumps(_to_arrays(lm, key)))
        os.replace(tmp, path)  # whole or not at all: another process may read it
    except OSError:
        tmp.unlink(missing_ok=True)  # a read-only data directory: built each time
    return lm


def _to_arrays(lm: SyllableLM, key: str) -> dict:
    from array import array

    # numbers as packed arrays: read back as bytes, not 680,000 objects one by one
    return {"key": key, "words": lm.words, "uni": array("d", lm.uni).tobytes(),
            "left": array("d", lm.left).tobytes(), "into": array("d", lm.into).tobytes(),
            "big_keys": array("q", lm.big.keys()).tobytes(),
            "big_counts": array("d", lm.big.values()).tobytes(), "total": lm.total,
            "by_fold": lm.by_fold, "version": lm.version}


def _from_arrays(data: dict) -> SyllableLM:
    from array import array

    def floats(name: str) -> list[float]:
        return array("d", data[name]).tolist()

    lm = SyllableLM()
    lm.words = list(data["words"])
    lm.ids = {w: i for i, w in enumerate(lm.words)}
    lm.uni, lm.left, lm.into = floats("uni"), floats("left"), floats("into")
    lm.big = dict(zip(array("q", data["big_keys"]).tolist(), floats("big_counts"),
                      strict=True))
    lm.total = float(data["total"])
    lm.by_fold = {k: list(v) for k, v in data["by_fold"].items()}
    lm.version = int(data["version"])
    if not (len(lm.uni) == len(lm.left) == len(lm.into) == len(lm.words)):
        raise ValueError("damaged reading model cache")
    return lm


_KIND = re.compile(r"\{kind\??\}")


def shipped_lines(directory: Path = DATA) -> list[str]:
    """Administrative Vietnamese that ships with the model: the project's own domain text
    and the display names of the agency list ("{kind}" read as "xã"), so that the words
    plans are made of ("chuyển đổi số", "Ban Chỉ đạo", "hạ tầng") outweigh the news."""
    out: list[str] = []
    text = directory / "domain_text.txt"
    if text.exists():
        out += [ln for ln in text.read_text(encoding="utf-8").splitlines()
                if ln.strip() and not ln.startswith("#")]
    names = directory / "agency_names.tsv"
    if names.exists():
        for ln in names.read_text(encoding="utf-8").splitlines():
            if ln.strip() and not ln.startswith("#"):
                out.append(_KIND.sub("xã", ln.split("\t")[0]))
    return [unicodedata.normalize("NFC", ln) for ln in out]


def place_lines() -> list[str]:
    """The official names of provinces, communes and wards ("xã Tân Phú")."""
    from corpus.places import units  # the gazetteer's table; empty without the package

    return [u.full for u in units()]


def keep_counts_in(path: Path | None) -> None:
    """Keep the counts of clean text learned from now on in `path` (beside the index), and
    learn what it holds: a later process knows the words of plans read earlier. Reads
    nothing until the model is needed."""
    global _KEPT
    with _MODEL_LOCK:
        _KEPT = Path(path) if path is not None else None
        if _MODEL is not None and _KEPT is not None:
            _load_kept(_MODEL, _KEPT)


def learn_plan(lines: list[str], key: str) -> int:
    """Learn a clean plan's text once per `key` (its content hash), also into the kept file."""
    lm = model()
    with _MODEL_LOCK:
        if key in lm.learned:
            return 0
        lm.learned.add(key)
        uni, big = count_syllables(lines)
        if _KEPT is not None:
            _append_kept(_KEPT, key, uni, big)
    lm.add_counts(uni, big)
    return sum(uni.values())


def _append_kept(path: Path, key: str, uni: Counter[str], big: Counter[tuple[str, str]]) -> None:
    rows = [f"#\t{key}"] + [f"{w}\t\t{n}" for w, n in uni.items()]
    rows += [f"{a}\t{b}\t{n}" for (a, b), n in big.items()]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write("\n".join(rows) + "\n")
    except OSError:
        pass  # a read-only data directory: the counts stay in this process only


def _load_kept(lm: SyllableLM, path: Path) -> None:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return
    uni: Counter[str] = Counter()
    big: Counter[tuple[str, str]] = Counter()
    skip = False
    for line in lines:
        a, _, rest = line.partition("\t")
        if a == "#":
            skip = rest in lm.learned
            lm.learned.add(rest)
            continue
        b, _, n = rest.partition("\t")
        if skip or not n.isdigit():
            continue
        if b:
            big[(a, b)] += int(n)
        else:
            uni[a] += int(n)
    if uni:
        lm.add_counts(uni, big)
