"""Warm latency of the dev questions, in process, with the real embedder.

    python bench/latency.py [--data-dir DIR] [--sets dev,dev2] [--passes 1]

The engine is opened on a built data directory (default: PLAN_DATA_DIR or ./data) and
warmed: the process's one-time loads (word lists, the reading model, gazetteers, the
embedding model) and one reading of every clause (its agencies and reading copy, which a
process remembers). Then every question of each set is asked in both forms, warmed by the
*other* set, so no timed question has been asked before, and the remembered question
vectors (retrieval.index.QueriesFirst) are forgotten before each one: every timed question
is embedded (`remembered_hits` in the output stays 0). Reported per set and overall:
wall-clock p50/p95/p99 around `engine.ask`, the same for the process CPU time
(load-independent: on a shared machine the wall time counts every other job too), the
share of the wall time spent embedding the question, how many questions were answered
without embedding (an answer read off the facts never reads the dense scores), and the
load average before and after. Writes bench/out/latency.json.

The issue's bound: warm p95 <= 100 ms on the dev questions.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import OUT, SHARED, dev_items, latency_summary, warm_up  # noqa: E402
from intents import AnswerEngine  # noqa: E402
from retrieval import Settings  # noqa: E402

BOUND_P95_MS = 100.0


def _questions(name: str) -> list[str]:
    items = dev_items(SHARED / "eval" / f"{name}.jsonl")
    return [it[k].replace("\n", " ") for it in items
            for k in ("question", "question_plain") if it.get(k)]


class _TimedEmbedder:
    """The engine's query embedder with the time of each call added up."""

    def __init__(self, inner) -> None:  # noqa: ANN001 - whatever the index holds
        self.inner, self.seconds = inner, 0.0

    def __call__(self, text: str):  # noqa: ANN204
        t = time.perf_counter()
        try:
            return self.inner(text)
        finally:
            self.seconds += time.perf_counter() - t


def measure(engine: AnswerEngine, questions: list[str], passes: int) -> dict:
    embed = engine.index.embedder
    hits = embed.remembered_hits
    timer = _TimedEmbedder(embed.embed_query)
    embed.embed_query = timer
    wall, cpu, embed_ms, skipped = [], [], [], 0
    try:
        for _ in range(passes):
            for q in questions:
                embed.forget()  # asked for the first time: embedded, not remembered
                timer.seconds = 0.0
                t, c = time.perf_counter(), time.process_time()
                engine.ask(q)
                wall.append((time.perf_counter() - t) * 1000)
                cpu.append((time.process_time() - c) * 1000)
                embed_ms.append(timer.seconds * 1000)
                skipped += timer.seconds == 0.0
    finally:
        del embed.embed_query  # the bound method again
    return {"wall": latency_summary(wall), "cpu": latency_summary(cpu),
            "embed_share": round(sum(embed_ms) / max(sum(wall), 1e-9), 2),
            "embed_p50_ms": latency_summary(embed_ms)["p50_ms"],
            "not_embedded": skipped, "remembered_hits": embed.remembered_hits - hits}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", type=Path,
                    default=Path(os.environ.get("PLAN_DATA_DIR") or Path("data")))
    ap.add_argument("--sets", default="dev,dev2")
    ap.add_argument("--passes", type=int, default=1)
    args = ap.parse_args()
    names = args.sets.split(",")
    sets = {n: _questions(n) for n in names}
    load_before = os.getloadavg()
    engine = AnswerEngine.open(Settings.from_env().model_copy(
        update={"data_dir": args.data_dir}), sync=False)
    engine.index.embedder.embed_query("khởi động")  # the model's load
    result: dict = {"data_dir": str(args.data_dir), "passes": args.passes,
                    "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", ""),
                    "omp_num_threads": os.environ.get("OMP_NUM_THREADS", ""), "sets": {}}
    every_wall: list[float] = []
    for name in names:
        others = [q for n in names if n != name for q in sets[n]] or sets[name][:10]
        result["sets"][name] = {"warm_up_cpu_s": round(warm_up(engine, others), 1),
                                "questions": len(sets[name]),
                                **measure(engine, sets[name], args.passes)}
        every_wall.append(result["sets"][name]["wall"]["p95_ms"])
    result["load_average_before"] = [round(x, 2) for x in load_before]
    result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    result["bound_p95_ms"] = BOUND_P95_MS
    result["time"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "latency.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    for name, r in result["sets"].items():
        w, c = r["wall"], r["cpu"]
        print(f"{name:5s} n={r['questions']:3d}  wall p50 {w['p50_ms']:6.1f}  p95 "
              f"{w['p95_ms']:6.1f}  p99 {w['p99_ms']:6.1f} ms | CPU p50 {c['p50_ms']:6.1f}  "
              f"p95 {c['p95_ms']:6.1f} ms | embedding {100 * r['embed_share']:.0f}% of wall, "
              f"{r['not_embedded']} not embedded")
    print(f"load average before {result['load_average_before']}, after "
          f"{result['load_average_after']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
