"""BM25 over the search form, tolerant of one wrong letter in a query word.

Terms are syllables plus syllable bigrams (Vietnamese words are mostly two syllables, so
bigrams stand in for compounds such as "chu tri", "ho so") plus, optionally, the
compounds underthesea's word segmenter finds. A query word that is not in the
vocabulary is replaced by the vocabulary words one edit away (typos such as "tran leiu").
"""

from __future__ import annotations

import functools
import math
from array import array
from collections.abc import Sequence

import numpy as np

from corpus.lexicon import one_edit
from corpus.normalize import words

STOP = frozenset(
    ["va", "cua", "cac", "cho", "la", "voi", "trong", "tren", "de", "duoc", "den", "nhung", "mot", "nay", "do", "thi", "ma", "o", "tai", "theo", "ve", "khi", "nao", "ai", "gi", "nhieu", "the", "nhu", "sao", "co", "khong", "hay", "hoac", "cung", "da", "se", "phai", "nhe", "a", "ha", "vay", "ra", "vao"]
)

_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


@functools.lru_cache(maxsize=4096)
def _segment_compounds(text: str) -> tuple[str, ...]:
    """Multi-syllable compounds from underthesea (loaded lazily, on first use)."""
    from underthesea import word_tokenize

    return tuple(w.replace(" ", "_") for w in word_tokenize(text) if " " in w)


def terms(search_text: str, bigrams: bool = True, compounds: bool = False) -> list[str]:
    ws = words(search_text)
    out = [w for w in ws if w not in STOP]
    if bigrams:
        out += [f"{a}_{b}" for a, b in zip(ws, ws[1:], strict=False)
                if not (a in STOP and b in STOP)]
    if compounds and search_text.strip():
        out += [c for c in _segment_compounds(search_text) if c.count("_") >= 2]
    return out


class BM25Index:
    def __init__(self, docs: Sequence[str], k1: float = 1.2, b: float = 0.75,
                 bigrams: bool = True, compounds: bool = False) -> None:
        self.k1, self.b = k1, b
        self.bigrams, self.compounds = bigrams, compounds
        self.n = len(docs)
        # Term ids of every document into one flat array, then (term, document) counts by
        # one sort: ten times faster and far smaller than per-term lists of tuples at 10^5
        # segments (bench/RESULTS.md), with the same postings, in document order.
        vocab: dict[str, int] = {}
        add = vocab.setdefault
        flat = array("i")
        lengths = np.zeros(self.n, dtype=np.int64)
        for i, d in enumerate(docs):
            ts = terms(d, bigrams, compounds)
            lengths[i] = len(ts)
            flat.extend([add(t, len(vocab)) for t in ts])
        self.vocab = vocab
        n_docs = max(self.n, 1)
        keys = np.frombuffer(flat, dtype=np.int32).astype(np.int64) * n_docs + np.repeat(
            np.arange(self.n, dtype=np.int64), lengths)
        keys, counts = np.unique(keys, return_counts=True)  # sorted: by term, then document
        term_of = keys // n_docs
        post_ids = (keys - term_of * n_docs).astype(np.int32)
        post_tfs = counts.astype(np.float32)
        self.df = np.bincount(term_of, minlength=len(vocab)).astype(np.int32)
        bounds = np.concatenate([[0], np.cumsum(self.df, dtype=np.int64)]).tolist()
        self._post: list[tuple[np.ndarray, np.ndarray]] = [
            (post_ids[a:b], post_tfs[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]
        lengths = lengths.astype(np.float32)
        self.avgdl = float(lengths.mean()) if self.n else 0.0
        self._norm = (k1 * (1 - b + b * lengths / (self.avgdl or 1.0))).astype(np.float32)
        self.syllables = frozenset(t for t in vocab if "_" not in t)

    def idf(self, term: str) -> float:
        j = self.vocab.get(term)
        df = int(self.df[j]) if j is not None else 0
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def correct(self, word: str) -> list[str]:
        """Vocabulary words one edit away from an unknown query word (longest first)."""
        if word in self.vocab or len(word) < 4 or not word.isalpha():
            return [word]
        cands = {w for w in one_edit(word, _ALPHABET) if w in self.syllables}
        return sorted(cands, key=lambda w: -self.df[self.vocab[w]])[:3] or [word]

    def query_terms(self, search_text: str) -> list[str]:
        ws = [c for w in words(search_text) for c in self.correct(w)[:1]]
        return terms(" ".join(ws), self.bigrams, self.compounds)

    def scores(self, search_text: str, qterms: list[str] | None = None) -> np.ndarray:
        s = np.zeros(self.n, dtype=np.float32)
        for t in (qterms if qterms is not None else self.query_terms(search_text)):
            j = self.vocab.get(t)
            if j is None:
                continue
            ids, tfs = self._post[j]
            s[ids] += self.idf(t) * tfs * (self.k1 + 1) / (tfs + self._norm[ids])
        return s
