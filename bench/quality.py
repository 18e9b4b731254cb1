"""Accuracy and warm latency over the dev questions: the assistant and the naive peer, same
process, same run, judged by the shared scorer (../shared/tools/score.py)."""

from __future__ import annotations

import time
from collections.abc import Callable

from bench.common import VARIANTS, latency_summary, scorer


def accuracy(items: list[dict], replies: dict[tuple[str, str], dict]) -> dict:
    judge = scorer().judge
    out: dict[str, dict[str, float]] = {}
    for scope in (*VARIANTS, "all"):
        strict = lenient = n = 0
        for it in items:
            for var in VARIANTS:
                if scope not in ("all", var):
                    continue
                s, len_ok = judge(it, replies.get((it["id"], var)))
                strict += s
                lenient += len_ok
                n += 1
        out[scope] = {"strict": round(100 * strict / n, 1), "lenient": round(100 * lenient / n, 1),
                      "n": n}
    by_intent: dict[str, list[int]] = {}
    for it in items:
        for var in VARIANTS:
            s, lenient = judge(it, replies.get((it["id"], var)))
            row = by_intent.setdefault(it["intent"], [0, 0, 0])
            row[0] += s
            row[1] += lenient
            row[2] += 1
    out["by_intent"] = {k: {"strict": round(100 * v[0] / v[2], 1),
                            "lenient": round(100 * v[1] / v[2], 1), "n": v[2]}
                        for k, v in sorted(by_intent.items())}
    return out


def measure(ask: Callable[[str], dict], items: list[dict], passes: int = 3,
            warmup: int = 5) -> tuple[dict, dict[tuple[str, str], dict]]:
    """Warm latency (wall time around `ask`, every question `passes` times) and the replies
    of the first pass."""
    questions = [(it["id"], var, it[var].replace("\n", " ")) for it in items for var in VARIANTS]
    for _, _, q in questions[:warmup]:
        ask(q)
    replies: dict[tuple[str, str], dict] = {}
    ms: list[float] = []
    for p in range(passes):
        for iid, var, q in questions:
            t0 = time.perf_counter()
            reply = ask(q)
            ms.append((time.perf_counter() - t0) * 1000)
            if p == 0:
                replies[(iid, var)] = reply
    return latency_summary(ms), replies


def run(engine, naive, items: list[dict], passes: int = 3) -> dict:  # noqa: ANN001
    lat_a, rep_a = measure(lambda q: engine.ask(q).contract(), items, passes)
    lat_n, rep_n = measure(naive.ask, items, passes)
    acc_a, acc_n = accuracy(items, rep_a), accuracy(items, rep_n)
    ratio = {
        "strict_points": round(acc_a["all"]["strict"] - acc_n["all"]["strict"], 1),
        "lenient_points": round(acc_a["all"]["lenient"] - acc_n["all"]["lenient"], 1),
        "p50_latency_x": round(lat_a["p50_ms"] / max(lat_n["p50_ms"], 1e-3), 1),
        "p95_latency_x": round(lat_a["p95_ms"] / max(lat_n["p95_ms"], 1e-3), 1),
    }
    missed = sorted(f"{iid}:{'plain' if var == 'question_plain' else 'accented'}"
                    for (iid, var), reply in rep_a.items()
                    if not scorer().judge(next(i for i in items if i["id"] == iid), reply)[1])
    return {"assistant": {"accuracy": acc_a, "latency": lat_a, "missed_lenient": missed},
            "naive": {"accuracy": acc_n, "latency": lat_n,
                      "chunks": len(naive.chunks)},
            "difference": ratio, "passes": passes, "questions": 2 * len(items)}
