"""FAISS over segment embeddings, with an explicit id map saved beside the index.

The index type follows the measurements in bench/RESULTS.md (`python bench/run.py`):
exact (flat) search up to `FLAT_MAX` vectors, IVF-Flat up to `IVFFLAT_MAX`, IVF-PQ
beyond; HNSW on request. The `PLAN_FAISS_INDEX` setting (flat | ivfflat | hnsw | ivfpq)
overrides the choice. Files are written under unique temporary names and swapped in with
os.replace, under a lock file that readers share, so a reader never pairs one writer's
index with another's id map and a crash mid-write leaves the previous index usable.
"""

from __future__ import annotations

import json
import logging
import math
import os
import uuid
from pathlib import Path

import faiss
import numpy as np

from retrieval.files import locked

log = logging.getLogger(__name__)

KINDS = ("flat", "ivfflat", "hnsw", "ivfpq")
# Measured on two CPUs, 384-d vectors, k=1000 as the engine asks (bench/RESULTS.md). Every
# ingest rebuilds the index, so build time counts as much as search time:
#   133k vectors (1,000 plans): flat 13 ms p95, builds in 0.1 s; IVF-Flat 1.6 ms, recall@10
#     0.92, 0.8 s; HNSW 0.4 ms but recall 0.49 and 9 s; IVF-PQ 0.7 ms, recall 0.34.
#   500k: flat 50-58 ms; IVF-Flat 5 ms, recall 0.97, builds in 5 s; HNSW builds in 39 s.
#   1.33M: flat 130 ms and 2 GB; IVF-Flat 14 ms, recall 0.99, 15 s; HNSW 171 s and 2.3 GB;
#     IVF-PQ 73 MB but recall 0.32.
# So: exact while a search stays under ~20 ms, IVF-Flat beyond; IVF-PQ only where IVF-Flat's
# memory (1.5 KB a vector, like flat) is the limit - 5M vectors is ~7.5 GB.
FLAT_MAX = 200_000
IVFFLAT_MAX = 5_000_000
IVF_MIN = 10_000  # fewer vectors train the coarse lists (and PQ's 256 centroids) badly
HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH = 32, 80, 96
IVF_TRAIN_PER_LIST = 64  # training sample: this many vectors per inverted list
IVF_NPROBE_MIN, IVF_PROBE_SHARE = 32, 0.1  # lists searched: a tenth, at least 32


def choose_kind(n: int, requested: str = "auto") -> str:
    """The FAISS index type for `n` vectors; a setting other than "auto" wins (except that
    the IVF kinds need enough vectors to train, so small collections stay exact)."""
    requested = (requested or "auto").lower()
    if requested in KINDS:
        if requested.startswith("ivf") and n < IVF_MIN:
            log.info("faiss: %d vectors are too few to train %s; exact search", n, requested)
            return "flat"
        return requested
    if requested != "auto":
        log.warning("faiss: unknown index type %r; choosing by size", requested)
    if n <= FLAT_MAX:
        return "flat"
    return "ivfflat" if n <= IVFFLAT_MAX else "ivfpq"


def _ivf_lists(n: int) -> int:
    return int(min(65_536, max(16, math.sqrt(n))))


def _training_sample(vectors: np.ndarray, nlist: int, minimum: int = 0) -> np.ndarray:
    size = min(len(vectors), max(minimum, IVF_TRAIN_PER_LIST * nlist))
    if size >= len(vectors):
        return vectors
    rows = np.random.default_rng(0).choice(len(vectors), size, replace=False)
    return vectors[np.sort(rows)]


def _pq_subquantizers(dim: int) -> int:
    for m in (48, 32, 24, 16, 12, 8, 6, 4, 3, 2):
        if dim % m == 0 and dim // m >= 4:
            return m
    return 1


class DenseIndex:
    def __init__(self, index: faiss.Index, ids: list[str], kind: str) -> None:
        self.index, self.ids, self.kind = index, ids, kind
        ivf = faiss.try_extract_index_ivf(index)
        if ivf is not None:  # rows can then be read back by number (vectors())
            ivf.make_direct_map()

    @classmethod
    def build(cls, vectors: np.ndarray, ids: list[str], kind: str = "auto") -> DenseIndex:
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        dim = vectors.shape[1] if vectors.ndim == 2 and vectors.shape[0] else 1
        kind = choose_kind(len(ids), kind)
        if kind == "hnsw":
            index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            index.hnsw.efSearch = HNSW_EF_SEARCH
        elif kind == "ivfflat":
            nlist = _ivf_lists(len(ids))
            index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist,
                                       faiss.METRIC_INNER_PRODUCT)
            index.train(_training_sample(vectors, nlist))
            index.nprobe = min(nlist, max(IVF_NPROBE_MIN, int(nlist * IVF_PROBE_SHARE)))
        elif kind == "ivfpq":
            nlist = _ivf_lists(len(ids))
            quant = faiss.IndexFlatIP(dim)
            index = faiss.IndexIVFPQ(quant, dim, nlist, _pq_subquantizers(dim), 8,
                                     faiss.METRIC_INNER_PRODUCT)
            index.train(_training_sample(vectors, nlist, minimum=256 * 39))
            index.nprobe = min(nlist, max(IVF_NPROBE_MIN, int(nlist * IVF_PROBE_SHARE)))
        else:
            kind = "flat"
            index = faiss.IndexFlatIP(dim)
        if len(ids):
            index.add(vectors)
        return cls(index, list(ids), kind)

    def add(self, vectors: np.ndarray, ids: list[str]) -> None:
        """Rows appended after the existing ones (an IVF index keeps its trained lists)."""
        if not len(ids):
            return
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if not self.ids and self.index.d != vectors.shape[1]:
            # an index built with no plans does not know the embedder's dimension yet: the
            # first plan loaded into it (an upload after starting with none) builds it
            built = DenseIndex.build(vectors, list(ids), self.kind)
            self.index, self.ids = built.index, built.ids
            return
        self.index.add(vectors)
        self.ids = self.ids + list(ids)

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Rows and inner-product scores of the k nearest segments."""
        if not self.ids:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        k = min(k, len(self.ids))
        scores, rows = self.index.search(np.asarray(query, dtype=np.float32)[None, :], k)
        keep = rows[0] >= 0
        return rows[0][keep], scores[0][keep]

    def vectors(self, rows: np.ndarray) -> np.ndarray:
        """The stored vectors of these rows (IVF-PQ's are approximations), for exact scores
        of a few rows, such as one plan's, that a top-k search over all rows may leave out."""
        if not len(rows):
            return np.zeros((0, self.index.d), dtype=np.float32)
        return self.index.reconstruct_batch(np.asarray(rows, dtype=np.int64))

    def save(self, directory: Path, fingerprint: str) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        tag = f"{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"  # two writers never share a file
        tmp_index = directory / f"dense.faiss.{tag}"
        tmp_ids = directory / f"dense.ids.json.{tag}"
        try:
            faiss.write_index(self.index, str(tmp_index))
            tmp_ids.write_text(json.dumps({"fingerprint": fingerprint, "kind": self.kind,
                                           "ids": self.ids}), encoding="utf-8")
            with locked(directory, exclusive=True):
                os.replace(tmp_index, directory / "dense.faiss")
                os.replace(tmp_ids, directory / "dense.ids.json")
        finally:
            tmp_index.unlink(missing_ok=True)
            tmp_ids.unlink(missing_ok=True)

    @classmethod
    def load(cls, directory: Path, fingerprint: str) -> DenseIndex | None:
        """The saved index, if it was built for exactly this fingerprint."""
        ids_path, index_path = directory / "dense.ids.json", directory / "dense.faiss"
        if not ids_path.exists() or not index_path.exists():
            return None
        try:
            with locked(directory, exclusive=False):
                meta = json.loads(ids_path.read_text(encoding="utf-8"))
                if meta.get("fingerprint") != fingerprint:
                    return None
                index = faiss.read_index(str(index_path))
        except (OSError, ValueError, RuntimeError):
            return None  # a damaged index is rebuilt, never trusted
        if index.ntotal != len(meta["ids"]):
            return None
        return cls(index, meta["ids"], meta.get("kind", "flat"))
