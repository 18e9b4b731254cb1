"""FAISS index types compared on the scale corpus's vectors: build time, size, search time
(k=10 and the k the engine asks for), recall@10 against exact search. The numbers behind
retrieval.dense.choose_kind.

    python bench/faiss_kinds.py DIR [N ...]    # DIR/data from bench/scale.py build
    python bench/faiss_kinds.py DIR --replicate 10 500000 1300000   # jittered copies
    python bench/faiss_kinds.py DIR --kinds flat,ivfflat 20000
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from bench.common import DEV_SET, VARIANTS, dev_items, latency_summary, peak_rss_mb  # noqa: E402

KINDS = ("flat", "ivfflat", "hnsw", "ivfpq")


def engine_k(n: int) -> int:
    """What retrieval.search.score_arrays asks the dense index for."""
    return n if n <= 20_000 else 1000


def load_vectors(data: Path, model: str, limit: int | None = None) -> np.ndarray:
    """The vectors of the built index, one per segment (duplicates included, as the engine
    has them); the embedding cache (one per distinct text) when there is no index."""
    import faiss

    if (data / "dense.faiss").exists():
        index = faiss.read_index(str(data / "dense.faiss"))
        n = index.ntotal if limit is None else min(limit, index.ntotal)
        return index.reconstruct_n(0, n)
    db = sqlite3.connect(str(data / "plans.db"))
    sql = "select vec from embeddings where model = ?" + (f" limit {int(limit)}" if limit else "")
    rows = db.execute(sql, [model]).fetchall()
    db.close()
    return np.vstack([np.frombuffer(r[0], dtype=np.float32) for r in rows])


def queries(root: Path) -> np.ndarray:
    from bench.fakevec import HashedEmbedder
    from bench.synth import localised_questions

    items = dev_items(DEV_SET)
    qs = [it[v] for it in items for v in VARIANTS] + localised_questions(items, root / "plans")
    emb = HashedEmbedder()
    return np.vstack([emb.embed_query(q) for q in qs])


def recall(got: list[np.ndarray], truth: list[float] | None) -> float | None:
    """Share of the first ten results scoring at least the exact tenth best."""
    if truth is None:
        return None
    return round(float(np.mean([min(10, int((s >= t).sum())) / 10
                                for s, t in zip(got, truth, strict=True)])), 3)


def compare(vectors: np.ndarray, qv: np.ndarray, sizes: list[int],
            kinds: tuple[str, ...] = KINDS) -> list[dict]:
    import faiss

    from retrieval.dense import DenseIndex

    rows = []
    for n in sizes:
        x = vectors[:n]
        ids = [str(i) for i in range(len(x))]
        truth = None
        for kind in kinds:
            t0 = time.perf_counter()
            di = DenseIndex.build(x, ids, kind)
            build_s = time.perf_counter() - t0
            size_mb = faiss.serialize_index(di.index).nbytes / 2**20
            k = engine_k(len(x))
            for q in qv[:5]:
                di.search(q, k)  # warm
            ms_k, ms_10, found, found_10 = [], [], [], []
            for q in qv:
                t = time.perf_counter()
                r, _ = di.search(q, k)
                ms_k.append((time.perf_counter() - t) * 1000)
                found.append(x[r[:10]] @ q)  # exact scores of the engine's first ten
                t = time.perf_counter()
                r, _ = di.search(q, 10)
                ms_10.append((time.perf_counter() - t) * 1000)
                found_10.append(x[r] @ q)
            if kind == "flat":
                # the synthetic plans are near copies: many segments tie, so a hit is any
                # result scoring at least the exact 10th best (not one particular id)
                truth = [np.sort(s)[::-1][min(9, len(s) - 1)] - 1e-4 for s in found]
            rows.append({"n": len(x), "kind": di.kind, "build_s": round(build_s, 2),
                         "size_mb": round(size_mb, 1), "k": k,
                         "search_k": latency_summary(ms_k), "search_10": latency_summary(ms_10),
                         "recall_at_10": recall(found, truth),
                         "recall_at_10_k10": recall(found_10, truth)})
            del di
    return rows


def replicate(x: np.ndarray, times: int, noise: float = 0.02, seed: int = 0) -> np.ndarray:
    """`times` jittered copies of the vectors: a stand-in for a corpus `times` larger."""
    rng = np.random.default_rng(seed)
    parts = [x]
    for _ in range(times - 1):
        y = x + rng.standard_normal(x.shape, dtype=np.float32) * noise
        parts.append(y / np.linalg.norm(y, axis=1, keepdims=True))
    return np.vstack(parts)


def main(argv: list[str]) -> int:
    from bench.fakevec import HashedEmbedder

    args = argv[1:]
    times = 1
    if "--replicate" in args:
        i = args.index("--replicate")
        times = int(args[i + 1])
        del args[i:i + 2]
    kinds = KINDS
    if "--kinds" in args:
        i = args.index("--kinds")
        kinds = tuple(args[i + 1].split(","))
        del args[i:i + 2]
    root = Path(args[0])
    sizes = [int(a) for a in args[1:]] or [20_000, 50_000]
    vectors = load_vectors(root / "data", HashedEmbedder.name,
                           None if times > 1 else max(sizes))
    if times > 1:
        vectors = replicate(vectors, times)
    sizes = sorted({min(s, len(vectors)) for s in sizes})
    rows = compare(vectors, queries(root), sizes, kinds)
    print("RESULT " + json.dumps({"rows": rows, "vectors": len(vectors), "replicated": times,
                                  "peak_rss_mb": peak_rss_mb()}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
