"""FAISS over segment embeddings, with an explicit id map saved beside the index.

Flat (exact) search for small collections; HNSW beyond `HNSW_FROM` vectors, chosen
automatically unless a setting names the type. Files are written beside the old ones
and swapped in with os.replace, so a crash mid-write leaves the previous index usable.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import faiss
import numpy as np

HNSW_FROM = 200_000


def choose_kind(n: int, requested: str = "auto") -> str:
    if requested and requested != "auto":
        return requested
    return "hnsw" if n >= HNSW_FROM else "flat"


class DenseIndex:
    def __init__(self, index: faiss.Index, ids: list[str], kind: str) -> None:
        self.index, self.ids, self.kind = index, ids, kind
        self.row = {sid: i for i, sid in enumerate(ids)}

    @classmethod
    def build(cls, vectors: np.ndarray, ids: list[str], kind: str = "auto") -> DenseIndex:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        dim = vectors.shape[1] if vectors.ndim == 2 and vectors.shape[0] else 1
        kind = choose_kind(len(ids), kind)
        if kind == "hnsw":
            index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = 80
            index.hnsw.efSearch = 96
        elif kind == "ivfpq":
            nlist = max(16, int(np.sqrt(len(ids))))
            quant = faiss.IndexFlatIP(dim)
            index = faiss.IndexIVFPQ(quant, dim, nlist, 48 if dim % 48 == 0 else 16, 8,
                                     faiss.METRIC_INNER_PRODUCT)
            index.train(vectors)
            index.nprobe = 16
        else:
            kind = "flat"
            index = faiss.IndexFlatIP(dim)
        if len(ids):
            index.add(vectors)
        return cls(index, list(ids), kind)

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows and inner-product scores of the k nearest segments."""
        if not self.ids:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        k = min(k, len(self.ids))
        scores, rows = self.index.search(np.asarray(query, dtype=np.float32)[None, :], k)
        keep = rows[0] >= 0
        return rows[0][keep], scores[0][keep]

    def save(self, directory: Path, fingerprint: str) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        tmp_index = directory / "dense.faiss.tmp"
        tmp_ids = directory / "dense.ids.json.tmp"
        faiss.write_index(self.index, str(tmp_index))
        tmp_ids.write_text(json.dumps({"fingerprint": fingerprint, "kind": self.kind,
                                       "ids": self.ids}), encoding="utf-8")
        os.replace(tmp_index, directory / "dense.faiss")
        os.replace(tmp_ids, directory / "dense.ids.json")

    @classmethod
    def load(cls, directory: Path, fingerprint: str) -> DenseIndex | None:
        """The saved index, if it was built for exactly this fingerprint."""
        ids_path, index_path = directory / "dense.ids.json", directory / "dense.faiss"
        if not ids_path.exists() or not index_path.exists():
            return None
        try:
            meta = json.loads(ids_path.read_text(encoding="utf-8"))
            if meta.get("fingerprint") != fingerprint:
                return None
            index = faiss.read_index(str(index_path))
        except (OSError, ValueError, RuntimeError):
            return None  # a damaged index is rebuilt, never trusted
        if index.ntotal != len(meta["ids"]):
            return None
        return cls(index, meta["ids"], meta.get("kind", "flat"))
