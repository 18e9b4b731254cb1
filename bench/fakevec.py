"""Deterministic vectors at the real model's dimension (384), fast enough for 10^5–10^6
segments: the FakeEmbedder idea (similar text, similar vector) with hashed words and word
pairs instead of hashed character trigrams, projected through a fixed random matrix.

Used only for the scale benchmark, where embedding 10^5 segments with the real model on two
CPUs would take hours; BM25, the store and the engine path are the real ones.
"""

from __future__ import annotations

import zlib

import numpy as np

from corpus.normalize import search_form, words

BUCKETS = 8192


class HashedEmbedder:
    name = "bench-hashed-words-384"

    def __init__(self, dim: int = 384, seed: int = 384) -> None:
        self._dim = dim
        rng = np.random.default_rng(seed)
        self._proj = rng.standard_normal((BUCKETS, dim)).astype(np.float32)

    @property
    def dim(self) -> int:
        return self._dim

    def _embed(self, texts: list[str]) -> np.ndarray:
        v = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            ws = words(text)
            feats = ws + [f"{a} {b}" for a, b in zip(ws, ws[1:], strict=False)]
            if feats:
                ids = np.fromiter((zlib.crc32(f.encode()) % BUCKETS for f in feats),
                                  dtype=np.int64, count=len(feats))
                v[row] = self._proj[ids].sum(axis=0)
        norms = np.linalg.norm(v, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return v / norms

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        out = [self._embed(texts[i:i + 512]) for i in range(0, len(texts), 512)]
        return np.vstack(out)

    def embed_query(self, text: str) -> np.ndarray:
        return self._embed([search_form(text)])[0]
