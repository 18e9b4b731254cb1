"""Time of hostile questions against normal ones, on the same engine in the same run.

    python bench/robustness.py [--n 10000] [--seed 57]

The engine is the real one over the bundled plans with the deterministic fake embedder
(what the property tier uses); the hostile questions come from tests/hostile_inputs.py;
the normal questions are the dev questions (both forms), asked before and after the
hostile ones. Reports exceptions, the median normal question, the median and slowest
hostile inputs and their ratio to the normal median; writes bench/out/robustness.json and
bench/ROBUSTNESS.md.

Each question is timed twice over: wall time, and the CPU time of the asking thread. On a
machine shared with other work the wall time of one question in thousands includes the
moments the process waited for a core (a question of 20 ms of CPU took 700 ms of wall at
load 6); the CPU time is the work the input made. Both ratios are reported.

Warm-up, before any timing: what a process loads once and the bots load before they serve
(`bot.settle`: word lists, the reading model, agency and place names; then `gc.freeze`, so
no question pays a full collection's walk of them), and what it reads once per clause of
the plans (a clause's agencies and the reading copy of its headings, remembered per
process): the first question to touch a clause pays for it, later ones do not, so it is a
cost of the process's first minutes, not of an input. Each of the five slowest inputs by
CPU is then asked three times more on the same engine: a cost that does not come back was
a first reading, one that does is the input's own.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import DEV_SET, OUT, dev_items, warm_up  # noqa: E402
from bot import format as fmt  # noqa: E402
from intents import AnswerEngine  # noqa: E402
from retrieval import Settings  # noqa: E402
from tests.hostile_inputs import questions  # noqa: E402


def _normal() -> list[str]:
    items = dev_items(DEV_SET) if DEV_SET.exists() else []
    qs = [it[k] for it in items for k in ("question", "question_plain") if it.get(k)]
    return qs or ["Ai chủ trì số hóa hồ sơ ở phường Trần Liễu?",
                  "chi tieu nam 2030 cua xa Phong Tho"]


class _GcClock:
    """CPU seconds the garbage collector spent, by generation: a question's time that the
    collector took was not the input's work but whatever the process had allocated."""

    def __init__(self) -> None:
        self.spent = [0.0, 0.0, 0.0]
        self._at = 0.0
        gc.callbacks.append(self)

    def __call__(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._at = time.thread_time()
        else:
            self.spent[info["generation"]] += time.thread_time() - self._at


GC = _GcClock()


def _timed(engine: AnswerEngine, q: str) -> tuple[float, str | None, float, float]:
    """(wall seconds, error, CPU seconds of this thread, of which the collector's)."""
    g = sum(GC.spent)
    t, c = time.perf_counter(), time.thread_time()
    try:
        a = engine.ask(q)
        fmt.answer_html(a)
        fmt.answer_text(a)
        json.dumps(a.contract(), ensure_ascii=False).encode("utf-8")
        err = None
    except Exception as exc:  # counted and reported
        err = f"{type(exc).__name__}: {exc}"
    return time.perf_counter() - t, err, time.thread_time() - c, sum(GC.spent) - g


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=57)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = AnswerEngine.open(Settings(data_dir=Path(tmp), embedder="fake"))
        normal = _normal()
        load_start = os.getloadavg()
        warm_cpu = warm_up(engine, normal[:10] + questions(200, args.seed + 1))
        started = time.perf_counter()
        before = [_timed(engine, q) for q in normal]
        hostile = [(q, *_timed(engine, q)) for q in questions(args.n, args.seed)]
        after = [_timed(engine, q) for q in normal]
        total = time.perf_counter() - started
        slow = sorted(hostile, key=lambda r: -r[3])[:5]
        again = [[round(_timed(engine, q)[2] * 1000, 1) for _ in range(3)]
                 for q, *_ in slow]
    result = {"n": args.n, "seed": args.seed, "normal_questions": len(normal),
              "warm_up_cpu_s": round(warm_cpu, 1), "seconds": round(total, 1),
              "load_average": [round(x, 1) for x in (*load_start, *os.getloadavg()[:1])],
              "exceptions": sum(1 for r in hostile if r[2]),
              "errors": [{"q": r[0][:80], "error": r[2]} for r in hostile if r[2]][:5]}
    for clock, at in (("wall", 0), ("cpu", 2)):
        normal_ms = [r[at] * 1000 for r in before + after]
        med = statistics.median(normal_ms)
        times = sorted(((r[at + 1] * 1000, r[0], r[4] * 1000) for r in hostile),
                       reverse=True)
        result[clock] = {
            "normal_median_ms": round(med, 1),
            "normal_p95_ms": round(sorted(normal_ms)[int(0.95 * len(normal_ms))], 1),
            "hostile_median_ms": round(statistics.median(t for t, *_ in times), 1),
            "hostile_p95_ms": round(times[int(0.05 * len(times))][0], 1),
            "hostile_max_ms": round(times[0][0], 1),
            "max_over_normal_median": round(times[0][0] / med, 2),
            "slowest": [{"ms": round(t, 1), "gc_ms": round(g, 1), "chars": len(q),
                         "head": q[:60]} for t, q, g in times[:5]],
        }
    result["cpu"]["slowest_again_ms"] = again
    result["gc_cpu_ms_by_generation"] = [round(x * 1000) for x in GC.spent]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "robustness.json").write_text(json.dumps(result, indent=1),
                                         encoding="utf-8")
    print(json.dumps(result, ensure_ascii=True, indent=1))
    _write_md(result)
    return 0 if not result["exceptions"] else 1


def _write_md(r: dict) -> None:
    import platform

    w, c = r["wall"], r["cpu"]
    lines = [
        "# Generated hostile questions", "",
        f"`python bench/robustness.py --n {r['n']} --seed {r['seed']}` — the engine over the "
        "bundled plans (fake embedder, in process); each question also rendered for Telegram "
        "and Zalo and its JSON contract encoded. Normal questions: the dev questions in both "
        "forms, asked before and after the hostile ones on the same engine. Each question is "
        "timed by the wall clock and by the CPU time of the asking thread (the work the input "
        "made, without the moments the process waited for a core on a shared machine). "
        "Warm-up before timing (see the script): the process's one-time loads as the bots do "
        "them before serving (`bot.settle`, which then freezes them out of the garbage "
        "collector's walks) and one reading of every clause of the plans "
        f"({r['warm_up_cpu_s']} s of CPU).", "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, run "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {r['seconds']} s; load "
        f"average (1, 5, 15 min) {r['load_average'][:3]} at the start, "
        f"{r['load_average'][3]} (1 min) at the end: other jobs shared the CPU.", "",
        "| figure | wall clock | CPU of the thread |", "| --- | ---: | ---: |",
        f"| hostile questions | {r['n']} | |",
        f"| exceptions | {r['exceptions']} | |",
        f"| normal questions, median / p95 ms | {w['normal_median_ms']} / {w['normal_p95_ms']} "
        f"| {c['normal_median_ms']} / {c['normal_p95_ms']} |",
        f"| hostile, median / p95 / max ms | {w['hostile_median_ms']} / {w['hostile_p95_ms']} "
        f"/ {w['hostile_max_ms']} | {c['hostile_median_ms']} / {c['hostile_p95_ms']} / "
        f"{c['hostile_max_ms']} |",
        f"| slowest hostile ÷ normal median (limit 10×) | {w['max_over_normal_median']}× | "
        f"{c['max_over_normal_median']}× |", "",
    ]
    for clock, title in (("cpu", "CPU"), ("wall", "wall clock")):
        lines += [f"Slowest inputs by {title} (length, start):", ""]
        lines += [f"- {s['ms']} ms ({s.get('gc_ms', 0)} ms of it the garbage collector's), "
                  f"{s['chars']} characters: `{ascii(s['head'])[1:-1][:80]}`"
                  for s in r[clock]["slowest"]]
        lines.append("")
        if clock == "cpu":
            lines += ["The same five asked three times more on the same engine, ms of CPU: "
                      + "; ".join(", ".join(map(str, a)) for a in c["slowest_again_ms"])
                      + " (a first reading does not come back).", ""]
    (Path(__file__).resolve().parent / "ROBUSTNESS.md").write_text("\n".join(lines),
                                                                    encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
