"""Scale: build and query the real index over a synthetic corpus, each in its own process
(so that peak RSS is that of one job). Dense vectors come from bench.fakevec (384-d,
deterministic); BM25, the SQLite store, the FAISS index and the answer engine are the
real ones.

    python bench/scale.py build DIR          # DIR/plans -> DIR/data, prints JSON
    python bench/scale.py build-direct DIR N # N plans made from segments -> DIR/data
    python bench/scale.py query DIR [PLAN]   # opens DIR/data, asks, then adds PLAN; JSON
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    DEV_SET,
    VARIANTS,
    dev_items,
    dir_size_mb,
    latency_summary,
    peak_rss_mb,
    rss_mb,
)

PHASES: dict[str, float] = defaultdict(float)
CALLS: dict[str, int] = defaultdict(int)
_LAST = [""]


@contextmanager
def phase(name: str):
    """Time a stage; progress on stderr, so that a run stopped for memory says where."""
    CALLS[name] += 1
    if name != _LAST[0] or CALLS[name] % 500 == 0:
        print(f"PHASE {name} #{CALLS[name]} rss={rss_mb():.0f}MB", file=sys.stderr, flush=True)
        _LAST[0] = name
    t0 = time.perf_counter()
    try:
        yield
    finally:
        PHASES[name] += time.perf_counter() - t0


def _timed(owner, attr: str, name: str) -> None:  # noqa: ANN001
    fn = getattr(owner, attr)

    def wrapper(*args, **kwargs):
        with phase(name):
            return fn(*args, **kwargs)

    setattr(owner, attr, wrapper)


def instrument() -> None:
    """Time the stages of Index.ingest/reload without touching their code."""
    import retrieval.index as ix
    from retrieval.dense import DenseIndex
    from retrieval.lexical import BM25Index
    from retrieval.store import Store

    _timed(ix, "read_plan", "read plans (load, segment, facts)")
    _timed(Store, "replace_document", "store writes")
    _timed(ix.Index, "reload", "reload (all of it)")
    _timed(ix.Index, "_append", "add to the loaded index (all of it)")
    _timed(BM25Index, "load", "BM25 load")
    _timed(BM25Index, "_append", "BM25 postings (build, or append)")
    _timed(BM25Index, "save", "BM25 save")
    _timed(ix.Index, "_vectors", "vectors (embed new + cache read)")
    _timed(DenseIndex, "build", "FAISS build")
    _timed(DenseIndex, "add", "FAISS add")
    _timed(DenseIndex, "save", "FAISS save")
    _timed(DenseIndex, "load", "FAISS load")


def settings_for(root: Path):  # noqa: ANN201
    from retrieval import Settings

    return Settings(data_dir=root / "data", plans=[root / "plans"],
                    faiss_index=os.environ.get("PLAN_FAISS_INDEX", "auto"))


def sizes(data: Path) -> dict[str, float]:
    out = {f.name: round(f.stat().st_size / 2**20, 1) for f in sorted(data.iterdir())
           if f.is_file() and f.suffix in (".db", ".faiss", ".json", ".db-wal")}
    out["bm25"] = dir_size_mb(data / "bm25") if (data / "bm25").exists() else 0.0
    out["total"] = dir_size_mb(data)
    return out


def build(root: Path) -> dict:
    """Index the plan files of root/plans as a user would (`Index.open`)."""
    from bench.fakevec import HashedEmbedder
    from retrieval import Index

    instrument()
    t0 = time.perf_counter()
    index = Index.open(settings_for(root), HashedEmbedder(), sync=True)
    return _built(index, root, time.perf_counter() - t0)


def build_direct(root: Path, count: int) -> dict:
    """Write `count` plans made segment by segment (bench.synth.generate_store) into the
    store, then load the index as `Index.open` does: everything but reading plan files."""
    from bench.fakevec import HashedEmbedder
    from bench.synth import generate_store
    from retrieval import Index
    from retrieval.index import pipeline_version

    instrument()
    t0 = time.perf_counter()
    index = Index(settings_for(root), HashedEmbedder())
    with phase("make plans from segments and write them (no plan files read)"):
        generate_store(count, index.store, root / "plans", progress=_every(500))
    index.store.set_state("pipeline", pipeline_version())  # as an ingest leaves it
    index.reload()
    return _built(index, root, time.perf_counter() - t0) | {"plans_from": "segments"}


def _every(n: int):  # noqa: ANN202
    def report(i: int) -> None:
        if (i + 1) % n == 0:
            print(f"PHASE plans written {i + 1} rss={rss_mb():.0f}MB", file=sys.stderr,
                  flush=True)
    return report


def _built(index, root: Path, seconds: float) -> dict:  # noqa: ANN001
    counts = index.store.counts()  # not index.facts: that would load every fact
    out = {"plans": counts["documents"], "segments": len(index.segments),
           "facts": counts["facts"], "build_s": round(seconds, 1),
           "phases_s": {k: round(v, 1) for k, v in PHASES.items()},
           "dense_kind": index.dense.kind if index.dense else None,
           "bm25_terms": len(index.bm25.vocab) if index.bm25 else 0,
           "rss_after_build_mb": rss_mb(), "peak_rss_build_mb": peak_rss_mb()}
    out["disk_mb"] = sizes(Path(index.settings.data_dir))
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def query(root: Path, extra: Path | None = None, passes: int = 1) -> dict:
    from bench.fakevec import HashedEmbedder
    from bench.quality import accuracy
    from bench.synth import localised_questions
    from intents import AnswerEngine

    items = dev_items(DEV_SET)
    instrument()
    t0 = time.perf_counter()
    engine = AnswerEngine.open(settings_for(root), HashedEmbedder(), sync=False)
    open_s = time.perf_counter() - t0
    open_phases = {k: round(v, 1) for k, v in PHASES.items()}
    rss_open = rss_mb()
    dev = [(it["id"], var, it[var].replace("\n", " ")) for it in items for var in VARIANTS]
    moved = localised_questions(items, root / "plans")
    for _, _, q in dev[:5]:
        engine.ask(q)
    replies = {}
    ms: list[float] = []
    ms_dev: list[float] = []
    ms_moved: list[float] = []
    moved_found = 0
    errors: list[str] = []
    for p in range(passes):
        for iid, var, q in dev:
            t = time.perf_counter()
            try:
                a = engine.ask(q)
            except Exception as exc:  # noqa: BLE001 - a crash is a finding, not the end
                errors.append(f"{type(exc).__name__}: {exc}"[:200])
                continue
            dt = (time.perf_counter() - t) * 1000
            ms.append(dt)
            ms_dev.append(dt)
            if p == 0:
                replies[(iid, var)] = a.contract()
        for q in moved:
            t = time.perf_counter()
            try:
                a = engine.ask(q)
            except Exception as exc:  # noqa: BLE001
                errors.append(f"{type(exc).__name__}: {exc}"[:200])
                continue
            dt = (time.perf_counter() - t) * 1000
            ms.append(dt)
            ms_moved.append(dt)
            moved_found += p == 0 and a.found
    acc = accuracy(items, replies)
    # Questions that name no plan are answered from any of the ~200 near-copies of the real
    # plan that holds the answer; the judge wants the real one cited. Those that name one
    # measure what the scale changes.
    named = [it for it in items if _names_a_plan(engine, it["question"])]
    acc_named = accuracy(named, replies)
    peak_queries = peak_rss_mb()
    plans, segments = len(engine.index.documents), len(engine.index.segments)
    added: dict = {}
    if extra is not None:  # then one more plan uploaded into the big index
        PHASES.clear()
        t0 = time.perf_counter()
        [report] = engine.ingest([extra])
        added = {"add_one_plan_s": round(time.perf_counter() - t0, 1),
                 "add_one_phases_s": {k: round(v, 1) for k, v in PHASES.items()},
                 "add_one_status": report.status}
    return {"plans": plans, "segments": segments, **added,
            "dense_kind": engine.index.dense.kind if engine.index.dense else None,
            "open_s": round(open_s, 1), "open_phases_s": open_phases,
            "rss_after_open_mb": rss_open,
            "latency": latency_summary(ms), "latency_dev": latency_summary(ms_dev),
            "latency_moved": latency_summary(ms_moved),
            "moved_questions": len(moved), "moved_found": moved_found,
            "accuracy_dev": {k: acc[k] for k in ("all", *VARIANTS)},
            "accuracy_named": acc_named["all"], "named_items": len(named),
            "errors": sorted(set(errors)), "peak_rss_mb": peak_queries,
            "peak_rss_with_add_mb": peak_rss_mb()}


def _names_a_plan(engine, question: str) -> bool:  # noqa: ANN001
    from intents.detect import understand

    q = understand(question, engine.places())
    return bool(q.localities or q.doc_ids)


def main(argv: list[str]) -> int:
    cmd, root = argv[1], Path(argv[2])
    extra = Path(argv[3]) if len(argv) > 3 and cmd == "query" else None
    if cmd == "build":
        result = build(root)
    elif cmd == "build-direct":
        result = build_direct(root, int(argv[3]))
    elif cmd == "query":
        result = query(root, extra)
    else:
        raise SystemExit(f"unknown command {cmd}")
    print("RESULT " + json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
