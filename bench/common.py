"""Shared helpers: paths, the dev set, the shared scorer, percentiles, memory, the machine."""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PLANS_DIR = ROOT / "corpus" / "plans"
SHARED = Path(os.environ.get("PLAN_SHARED_DIR", ROOT.parent / "shared"))
DEV_SET = SHARED / "eval" / "dev.jsonl"
VARIANTS = ("question", "question_plain")

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def dev_items(path: Path = DEV_SET) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def scorer():
    """The shared judge (../shared/tools/score.py), imported as the evaluator does."""
    tools = str(SHARED / "tools")
    if tools not in sys.path:
        sys.path.insert(0, tools)
    import score  # noqa: PLC0415 - lives outside the project

    return score


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); NaN for no values."""
    if not values:
        return float("nan")
    xs = sorted(values)
    k = max(0, min(len(xs) - 1, int(round(p / 100 * len(xs) + 0.5)) - 1))
    return xs[k]


def latency_summary(ms: list[float]) -> dict[str, float | None]:
    if not ms:
        return {"n": 0, "p50_ms": None, "p95_ms": None, "p99_ms": None, "mean_ms": None,
                "max_ms": None}
    return {"n": len(ms), "p50_ms": round(percentile(ms, 50), 1),
            "p95_ms": round(percentile(ms, 95), 1), "p99_ms": round(percentile(ms, 99), 1),
            "mean_ms": round(statistics.fmean(ms), 1), "max_ms": round(max(ms), 1)}


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident set size so far (ru_maxrss is in KiB on Linux)."""
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)


def rss_mb() -> float:
    """Current resident set size (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            return round(int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)
    except (OSError, ValueError):
        return 0.0


def dir_size_mb(path: Path) -> float:
    return round(sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file()) / 2**20, 1)


def machine() -> dict:
    info = {"python": platform.python_version(), "platform": platform.platform(),
            "cpus": os.cpu_count(), "load_avg": [round(x, 2) for x in os.getloadavg()]}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split()
        info["mem_gb"] = round(int(mem[1]) / 2**20, 1)
    except OSError:
        pass
    try:
        import faiss
        import numpy

        info["faiss"] = faiss.__version__
        info["numpy"] = numpy.__version__
    except ImportError:
        pass
    return info


def warm_up(engine, questions: list[str]) -> float:  # noqa: ANN001 - intents.AnswerEngine
    """The process's one-time loads (word lists, reading model, agency and place names:
    `bot.settle`, what the bots do after opening), one reading of every clause, then
    `questions` asked (what the process loads at start is frozen out of the collector's
    sight, as `bot.settle` does; what questions read later is not); the CPU seconds it
    took. Timed benches call it first so a first use is not counted as a slow question."""
    import time

    from bot import settle
    from corpus import agencies

    c = time.process_time()
    settle()
    table = engine.index.segments
    for i in range(len(table)):
        seg = engine.segment(table.id(i))
        if seg is not None:
            agencies.find_agencies(seg.body)
            engine.citation(seg)
    for q in questions:
        engine.ask(q)
    return time.process_time() - c
