"""BM25 over the search form, tolerant of one wrong letter in a query word.

Terms are syllables plus syllable bigrams (Vietnamese words are mostly two syllables, so
bigrams stand in for compounds such as "chu tri", "ho so") plus, optionally, the
compounds underthesea's word segmenter finds. A query word that is not in the
vocabulary is replaced by the vocabulary words one edit away (typos such as "tran leiu").
"""

from __future__ import annotations

import copy
import functools
import json
import math
import os
import re
import shutil
import uuid
from array import array
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from corpus.lexicon import one_edit
from corpus.normalize import words
from retrieval.files import locked

STOP = frozenset(
    ["va", "cua", "cac", "cho", "la", "voi", "trong", "tren", "de", "duoc", "den", "nhung", "mot", "nay", "do", "thi", "ma", "o", "tai", "theo", "ve", "khi", "nao", "ai", "gi", "nhieu", "the", "nhu", "sao", "co", "khong", "hay", "hoac", "cung", "da", "se", "phai", "nhe", "a", "ha", "vay", "ra", "vao"]
)

_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


@functools.lru_cache(maxsize=4096)
def _segment_compounds(text: str) -> tuple[str, ...]:
    """Multi-syllable compounds from underthesea (loaded lazily, on first use)."""
    from underthesea import word_tokenize

    return tuple(w.replace(" ", "_") for w in word_tokenize(text) if " " in w)


# codes joined by "/", "&" or "-" ("3g/4g", "kh&cn", "hdnd-ubnd", "iot/ai"): short parts, one
# of them with a letter, the first not a bare number (a plan number "79/kh-ubnd", a period
# "2026-2030" or a date is not one)
_JOINED = re.compile(r"(?<![\w.,/&-])([a-z0-9]{1,6}(?:[/&-][a-z0-9]{1,6})+)(?![\w/&-])")


def joined_forms(search_text: str) -> list[str]:
    """The joined spelling of each join of codes: "kh&cn" -> "khcn", "3g/4g" -> "3g4g". Its
    parts are words of their own (`corpus.normalize.words`), so "3g 4g" and "kh cn" match
    it, and so does "khcn" typed as one word."""
    out = []
    for m in _JOINED.finditer(search_text):
        parts = re.split(r"[/&-]", m.group(1))
        if parts[0].isdigit() or not any(c.isalpha() for c in m.group(1)) or \
                words(m.group(1)) == [m.group(1)]:  # kept whole ("iv/2025"): no other form
            continue
        out.append("".join(parts))
    return out


def terms(search_text: str, bigrams: bool = True, compounds: bool = False) -> list[str]:
    ws = words(search_text)
    out = [w for w in ws if w not in STOP]
    out += joined_forms(search_text)
    if bigrams:
        out += [f"{a}_{b}" for a, b in zip(ws, ws[1:], strict=False)
                if not (a in STOP and b in STOP)]
    if compounds and search_text.strip():
        out += [c for c in _segment_compounds(search_text) if c.count("_") >= 2]
    return out


Span = tuple[int, int]  # a range of document positions: [start, end)
FORMAT = 2  # of the saved arrays and terms; a saved index of another format is rebuilt
_CHUNK_TERMS = 4_000_000  # term occurrences counted per sort while building


class BM25Index:
    def __init__(self, docs: Iterable[str] = (), k1: float = 1.2, b: float = 0.75,
                 bigrams: bool = True, compounds: bool = False) -> None:
        self.k1, self.b = k1, b
        self.bigrams, self.compounds = bigrams, compounds
        self.vocab: dict[str, int] = {}
        self.n = 0
        self._ids = np.zeros(0, dtype=np.int32)
        self._tfs = np.zeros(0, dtype=np.float32)
        self._bounds = np.zeros(1, dtype=np.int64)
        self._set_lengths(np.zeros(0, dtype=np.float32))
        self._append(docs)

    def extended(self, docs: Iterable[str]) -> BM25Index:
        """A new index with `docs` appended after the existing documents: the same index a
        build over all of them gives (term ids, postings, statistics), without re-reading
        the existing ones. Used when a plan is added."""
        new = copy.copy(self)
        new.vocab = dict(self.vocab)
        new._append(docs)
        return new

    def _append(self, docs: Iterable[str]) -> None:
        # Term ids of a few thousand documents at a time are counted by one sort, then every
        # chunk's (term, document) counts are placed by term into flat arrays: the postings
        # of 1.33M segments built in a fraction of the memory of one sort over all of them,
        # and identical to per-term lists built document by document.
        self.__dict__.pop("_corrections", None)  # new words: corrections are asked again
        add = self.vocab.setdefault
        lengths = array("i")
        flat = array("i")
        chunks: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        first = 0
        for d in docs:
            ts = terms(d, self.bigrams, self.compounds)
            lengths.append(len(ts))
            flat.extend([add(t, len(self.vocab)) for t in ts])
            if len(flat) >= _CHUNK_TERMS:
                chunks.append(_count(flat, lengths, first, self.n))
                first, flat = len(lengths), array("i")
        chunks.append(_count(flat, lengths, first, self.n))
        ids, tfs, bounds = _by_term(chunks, len(self.vocab))
        if self.n:
            ids, tfs, bounds = _merge((self._ids, self._tfs, self._bounds), (ids, tfs, bounds))
        self._ids, self._tfs, self._bounds = ids, tfs, bounds
        self.n += len(lengths)
        self._set_lengths(np.concatenate(
            [self.lengths, np.frombuffer(lengths, dtype=np.int32).astype(np.float32)]))

    def _set_lengths(self, lengths: np.ndarray) -> None:
        self.lengths = lengths
        self.df = np.diff(self._bounds).astype(np.int32)
        self.avgdl = float(lengths.mean()) if len(lengths) else 0.0
        self._norm = (self.k1 * (1 - self.b + self.b * lengths / (self.avgdl or 1.0))
                      ).astype(np.float32)

    # ---- on disk -------------------------------------------------------------------------
    def save(self, directory: Path, fingerprint: str) -> None:
        """Arrays as .npy files in `directory/bm25`, swapped in whole (a new directory renamed
        into place under the index lock), so another process never reads half of one."""
        directory.mkdir(parents=True, exist_ok=True)
        tmp = directory / f"bm25.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
        tmp.mkdir()
        try:
            for name, arr in (("ids", self._ids), ("tfs", self._tfs), ("bounds", self._bounds),
                              ("lengths", self.lengths)):
                np.save(tmp / f"{name}.npy", np.ascontiguousarray(arr))
            (tmp / "vocab.txt").write_text("\n".join(self.vocab), encoding="utf-8")
            (tmp / "meta.json").write_text(json.dumps(
                {"fingerprint": fingerprint, "n": self.n, **self._params()}), encoding="utf-8")
            with locked(directory, exclusive=True):
                old = directory / "bm25"
                gone = tmp.with_suffix(".old")
                if old.exists():
                    old.rename(gone)
                tmp.rename(old)
            shutil.rmtree(gone, ignore_errors=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def _params(self) -> dict:
        return {"k1": self.k1, "b": self.b, "bigrams": self.bigrams, "compounds": self.compounds,
                "version": FORMAT}

    @classmethod
    def load(cls, directory: Path, fingerprint: str, **params: float | bool) -> BM25Index | None:
        """The saved index if it was built from exactly these documents with these
        parameters; its postings are memory-mapped (read from disk as they are used)."""
        path = directory / "bm25"
        index = cls(**params)  # type: ignore[arg-type]
        try:
            with locked(directory, exclusive=False):
                meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
                if meta.get("fingerprint") != fingerprint or \
                        {k: meta.get(k) for k in index._params()} != index._params():
                    return None
                # plain views of the mapped files: numpy's memmap wraps every slice taken
                arrays = {name: np.load(path / f"{name}.npy", mmap_mode="r").view(np.ndarray)
                          for name in ("ids", "tfs", "bounds", "lengths")}
                vocab = (path / "vocab.txt").read_text(encoding="utf-8")
        except (OSError, ValueError):
            return None  # missing or damaged: rebuilt, never trusted
        terms_ = vocab.split("\n") if vocab else []
        if len(terms_) + 1 != len(arrays["bounds"]) or len(arrays["lengths"]) != meta["n"]:
            return None
        index.vocab = {t: i for i, t in enumerate(terms_)}
        index.n = meta["n"]
        index._ids, index._tfs, index._bounds = arrays["ids"], arrays["tfs"], arrays["bounds"]
        index._set_lengths(np.asarray(arrays["lengths"]))
        return index

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """Positions of the documents holding the term (ascending) and its counts there."""
        j = self.vocab.get(term)
        if j is None:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
        a, b = int(self._bounds[j]), int(self._bounds[j + 1])
        return self._ids[a:b], self._tfs[a:b]

    def idf(self, term: str) -> float:
        j = self.vocab.get(term)
        df = int(self.df[j]) if j is not None else 0
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def correct(self, word: str) -> list[str]:
        """Vocabulary words one edit away from an unknown query word (longest first).
        Memoised: coverage asks again for every clause (a foreign word cost 0.6 s a question)."""
        memo = self.__dict__.setdefault("_corrections", {})
        if word not in memo:
            memo[word] = self._correct(word) if len(memo) < 100_000 else None
        return list(memo[word] or self._correct(word))

    def _correct(self, word: str) -> list[str]:
        if word in self.vocab or len(word) < 4 or not word.isalpha():
            return [word]
        # syllables only: an edit never makes a "_" pair term
        cands = {w for w in one_edit(word, _ALPHABET) if w in self.vocab}
        return sorted(cands, key=lambda w: -self.df[self.vocab[w]])[:3] or [word]

    def query_terms(self, search_text: str) -> list[str]:
        ws = [c for w in words(search_text) for c in self.correct(w)[:1]]
        return terms(" ".join(ws), self.bigrams, self.compounds)

    def scores(self, search_text: str, qterms: list[str] | None = None,
               spans: list[Span] | None = None) -> np.ndarray:
        """Scores of every document, or of the documents in `spans` (concatenated in that
        order): a plan filter reads only its own slice of each posting list."""
        if spans is None:
            spans = [(0, self.n)]
        out = np.zeros(sum(b - a for a, b in spans), dtype=np.float32)
        offsets = np.cumsum([0] + [b - a for a, b in spans])
        for t in (qterms if qterms is not None else self.query_terms(search_text)):
            ids, tfs = self.postings(t)
            if not len(ids):
                continue
            idf = self.idf(t)
            # the bounds in the postings' own type: another type would make numpy convert
            # the whole posting list on every call (O(n), not O(log n))
            cut = np.searchsorted(ids, np.asarray(spans, dtype=ids.dtype).ravel())
            for (a, _), off, lo, hi in zip(spans, offsets, cut[::2], cut[1::2], strict=False):
                sl, tf = ids[lo:hi], tfs[lo:hi]
                out[sl - a + off] += idf * tf * (self.k1 + 1) / (tf + self._norm[sl])
        return out


def _count(flat: array, lengths: array, first: int, offset: int
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(term, document, count) of the documents from `first` on, sorted by term then
    document; documents are numbered from `offset`."""
    lens = np.frombuffer(lengths, dtype=np.int32)[first:].astype(np.int64)
    n_docs = max(len(lens), 1)
    keys = np.frombuffer(flat, dtype=np.int32).astype(np.int64) * n_docs + np.repeat(
        np.arange(len(lens), dtype=np.int64), lens)
    keys, counts = np.unique(keys, return_counts=True)
    term = keys // n_docs
    return term.astype(np.int32), (keys - term * n_docs + first + offset).astype(np.int32), \
        counts.astype(np.float32)


def _by_term(chunks: list[tuple[np.ndarray, np.ndarray, np.ndarray]], n_terms: int
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Postings of all chunks in one pair of flat arrays, grouped by term, documents in
    order within a term (the chunks come in document order); bounds[t] is where term t
    starts."""
    counts = [np.bincount(t, minlength=n_terms) for t, _, _ in chunks]
    df = np.zeros(n_terms, dtype=np.int64)
    for c in counts:
        df += c
    bounds = np.concatenate([[0], np.cumsum(df, dtype=np.int64)])
    ids = np.empty(int(bounds[-1]), dtype=np.int32)
    tfs = np.empty(int(bounds[-1]), dtype=np.float32)
    cursor = bounds[:-1].copy()
    while chunks:
        term, doc, tf = chunks.pop(0)  # freed as soon as placed
        cnt = counts.pop(0)
        rank = np.arange(len(term)) - (np.cumsum(cnt) - cnt)[term]
        dest = cursor[term] + rank
        ids[dest], tfs[dest] = doc, tf
        cursor += cnt
    return ids, tfs, bounds


def _merge(old: tuple[np.ndarray, np.ndarray, np.ndarray],
           new: tuple[np.ndarray, np.ndarray, np.ndarray]
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Old postings with new ones (of later documents) after them, term by term. Only the
    terms the new documents have are visited; the runs between them are copied whole."""
    (o_ids, o_tfs, o_bounds), (n_ids, n_tfs, n_bounds) = old, new
    n_terms = len(n_bounds) - 1
    o_bounds = np.concatenate([o_bounds, np.full(n_terms + 1 - len(o_bounds), o_bounds[-1])])
    ids = np.empty(len(o_ids) + len(n_ids), dtype=np.int32)
    tfs = np.empty(len(ids), dtype=np.float32)
    src = dst = 0
    for t in np.flatnonzero(np.diff(n_bounds)).tolist():
        end = int(o_bounds[t + 1])
        ids[dst:dst + end - src], tfs[dst:dst + end - src] = o_ids[src:end], o_tfs[src:end]
        dst += end - src
        a, b = int(n_bounds[t]), int(n_bounds[t + 1])
        ids[dst:dst + b - a], tfs[dst:dst + b - a] = n_ids[a:b], n_tfs[a:b]
        dst, src = dst + b - a, end
    ids[dst:], tfs[dst:] = o_ids[src:], o_tfs[src:]
    return ids, tfs, o_bounds + n_bounds
