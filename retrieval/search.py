"""Hybrid search: BM25 and dense scores fused, with filters by plan.

Weighted fusion (min-max normalised scores, `weight` for the lexical side) is the
default; reciprocal rank fusion is kept for comparison (see bench/retrieval_ablation.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from corpus.models import Segment
from retrieval.index import Index
from retrieval.lexical import Span

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


EXACT_MAX = 20_000  # up to this many segments, the dense search scores every one


def score_arrays(index: Index, query: str, qvec: np.ndarray | None,
                 qterms: list[str] | None = None, spans: list[Span] | None = None
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions of the segments in `spans` (all by default) with their lexical and dense
    scores. Dense scores are exact for small collections and for a plan filter (its rows'
    stored vectors against the question); otherwise FAISS's top 1,000, the rest 0."""
    n = len(index.segments)
    spans = [(0, n)] if spans is None else spans
    pos = np.concatenate([np.arange(a, b) for a, b in spans]) if spans \
        else np.zeros(0, dtype=np.int64)
    lex = index.bm25.scores(query, qterms, spans) if index.bm25 \
        else np.zeros(len(pos), dtype=np.float32)
    dense = np.zeros(len(pos), dtype=np.float32)
    if qvec is None or index.dense is None or not len(pos):
        return pos, lex, dense
    q = np.asarray(qvec, dtype=np.float32)
    if n > EXACT_MAX and len(pos) <= EXACT_MAX:
        # a filtered question: a global top 1,000 would usually hold none of its plan's rows
        return pos, lex, index.dense.vectors(pos) @ q
    rows, scores = index.dense.search(q, n if n <= EXACT_MAX else 1000)
    at = np.searchsorted(pos, rows)  # FAISS row = segment position (same fingerprint)
    ok = at < len(pos)
    ok[ok] = pos[at[ok]] == rows[ok]
    dense[at[ok]] = scores[ok]
    return pos, lex, dense


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


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest scores, ties in index order: what a stable argsort of all
    gives, without sorting a million scores for ten."""
    if k >= len(scores) or len(scores) <= 4 * EXACT_MAX:
        return np.argsort(-scores, kind="stable")[:k]
    kth = np.partition(-scores, k - 1)[k - 1]
    cand = np.flatnonzero(-scores <= kth)
    return cand[np.argsort(-scores[cand], kind="stable")][:k]


Boost = Callable[[np.ndarray], np.ndarray]


def hybrid_search(index: Index, query: str, qvec: np.ndarray | None = None,
                  doc_ids: list[str] | None = None, k: int = 8, weight: float = 0.7,
                  fusion: str = "weighted", qterms: list[str] | None = None,
                  boost: Boost | None = None) -> list[Hit]:
    """The k best segments (of the given plans only, when doc_ids are given). `boost` maps
    segment positions to amounts added to their fused scores."""
    if len(index.segments) == 0:
        return []
    spans = index.segments.spans(doc_ids) if doc_ids else None
    pos, lex, dense = score_arrays(index, query, qvec, qterms, spans)
    fused = fuse(lex, dense, np.ones(len(pos), dtype=bool), weight, fusion)
    if boost is not None and len(pos):
        fused = fused + boost(pos)
    top = [int(i) for i in top_k(fused, k) if np.isfinite(fused[i])]
    by_pos = index.segments.at(pos[top])  # one deleted since the load is skipped
    return [Hit(by_pos[int(pos[i])], float(fused[i]), float(lex[i]), float(dense[i]))
            for i in top if int(pos[i]) in by_pos]
