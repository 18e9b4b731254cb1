"""Hybrid search: BM25 and dense scores fused, with filters by plan.

Weighted fusion (min-max normalised scores, `weight` for the lexical side) is the
default; reciprocal rank fusion is kept for comparison (see bench/retrieval_ablation.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from corpus.models import Segment
from retrieval.index import Index

RRF_K = 60


@dataclass
class Hit:
    segment: Segment
    score: float
    lexical: float
    dense: float


def _minmax(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    out = np.zeros_like(x)
    if not mask.any():
        return out
    lo, hi = float(x[mask].min()), float(x[mask].max())
    if hi - lo < 1e-9:
        out[mask] = 1.0 if hi > 0 else 0.0
        return out
    out[mask] = (x[mask] - lo) / (hi - lo)
    return out


def _ranks(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    r = np.full(len(x), np.inf)
    idx = np.flatnonzero(mask)
    order = idx[np.argsort(-x[idx], kind="stable")]
    r[order] = np.arange(1, len(order) + 1)
    return r


def score_arrays(index: Index, query: str, qvec: np.ndarray | None,
                 qterms: list[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Lexical and dense scores of every segment (dense exact for small collections)."""
    n = len(index.segments)
    lex = index.bm25.scores(query, qterms) if index.bm25 else np.zeros(n, dtype=np.float32)
    dense = np.zeros(n, dtype=np.float32)
    if qvec is not None and index.dense is not None and n:
        k = n if n <= 20_000 else 1000
        rows, scores = index.dense.search(qvec, k)
        # rows are FAISS rows; map through the explicit id map to segment positions
        pos = index.position
        for r, s in zip(rows, scores, strict=True):
            p = pos.get(index.dense.ids[int(r)])
            if p is not None:
                dense[p] = s
    return lex, dense


def fuse(lex: np.ndarray, dense: np.ndarray, mask: np.ndarray, weight: float,
         fusion: str) -> np.ndarray:
    if fusion == "rrf":
        fused = 1.0 / (RRF_K + _ranks(lex, mask & (lex > 0))) + 1.0 / (
            RRF_K + _ranks(dense, mask))
    else:
        dmask = mask & (dense != 0)
        fused = weight * _minmax(lex, mask) + (1 - weight) * _minmax(dense, dmask)
    fused = np.where(mask, fused, -np.inf)
    return fused


def hybrid_search(index: Index, query: str, qvec: np.ndarray | None = None,
                  doc_ids: list[str] | None = None, k: int = 8, weight: float = 0.55,
                  fusion: str = "weighted", qterms: list[str] | None = None,
                  boost: np.ndarray | None = None) -> list[Hit]:
    n = len(index.segments)
    if n == 0:
        return []
    lex, dense = score_arrays(index, query, qvec, qterms)
    mask = np.ones(n, dtype=bool)
    if doc_ids:
        allowed = set(doc_ids)
        mask = np.fromiter((s.doc_id in allowed for s in index.segments), dtype=bool, count=n)
    fused = fuse(lex, dense, mask, weight, fusion)
    if boost is not None:
        fused = fused + boost
    top = np.argsort(-fused, kind="stable")[:k]
    return [Hit(index.segments[i], float(fused[i]), float(lex[i]), float(dense[i]))
            for i in top if np.isfinite(fused[i])]
