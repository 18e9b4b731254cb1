"""Time of hostile questions against normal ones, on the same engine in the same run.

    python bench/robustness.py [--n 10000] [--seed 57]

The engine is the real one over the bundled plans with the deterministic fake embedder
(what the property tier uses); the hostile questions come from tests/hostile_inputs.py;
the normal questions are the dev questions (both forms), asked before and after the
hostile ones. Reports exceptions, the median normal question, the median and slowest
hostile inputs and their ratio to the normal median; writes bench/out/robustness.json and
bench/ROBUSTNESS.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import DEV_SET, OUT, dev_items  # noqa: E402
from bot import format as fmt  # noqa: E402
from intents import AnswerEngine  # noqa: E402
from retrieval import Settings  # noqa: E402
from tests.hostile_inputs import questions  # noqa: E402


def _normal() -> list[str]:
    items = dev_items(DEV_SET) if DEV_SET.exists() else []
    qs = [it[k] for it in items for k in ("question", "question_plain") if it.get(k)]
    return qs or ["Ai chủ trì số hóa hồ sơ ở phường Trần Liễu?",
                  "chi tieu nam 2030 cua xa Phong Tho"]


def _timed(engine: AnswerEngine, q: str) -> tuple[float, str | None]:
    t = time.perf_counter()
    try:
        a = engine.ask(q)
        fmt.answer_html(a)
        fmt.answer_text(a)
        json.dumps(a.contract(), ensure_ascii=False).encode("utf-8")
        err = None
    except Exception as exc:  # counted and reported
        err = f"{type(exc).__name__}: {exc}"
    return time.perf_counter() - t, err


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=57)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = AnswerEngine.open(Settings(data_dir=Path(tmp), embedder="fake"))
        normal = _normal()
        # warm: lexicons, gazetteers and caches load on first use, some only on the paths
        # odd input takes (a one-time cost of the process, 2-7 s, not of any question)
        from corpus import lexicon

        lexicon.syllables(), lexicon.syllable_pairs(), lexicon.accented_syllables()
        for q in normal[:10] + questions(200, args.seed + 1):
            engine.ask(q)
        started = time.perf_counter()
        before = [_timed(engine, q)[0] for q in normal]
        hostile = [(q, *_timed(engine, q)) for q in questions(args.n, args.seed)]
        after = [_timed(engine, q)[0] for q in normal]
        total = time.perf_counter() - started
    normal_ms = [t * 1000 for t in before + after]
    med = statistics.median(normal_ms)
    times = sorted(((t * 1000, q) for q, t, _ in hostile), reverse=True)
    errors = [(q, e) for q, _, e in hostile if e]
    result = {
        "n": args.n, "seed": args.seed, "normal_questions": len(normal),
        "normal_median_ms": round(med, 1),
        "normal_p95_ms": round(sorted(normal_ms)[int(0.95 * len(normal_ms))], 1),
        "hostile_median_ms": round(statistics.median(t for t, _ in times), 1),
        "hostile_p95_ms": round(times[int(0.05 * len(times))][0], 1),
        "hostile_max_ms": round(times[0][0], 1),
        "max_over_normal_median": round(times[0][0] / med, 2),
        "exceptions": len(errors),
        "slowest": [{"ms": round(t, 1), "chars": len(q), "head": q[:60]} for t, q in times[:5]],
        "errors": [{"q": q[:80], "error": e} for q, e in errors[:5]],
        "seconds": round(total, 1),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "robustness.json").write_text(json.dumps(result, indent=1),
                                         encoding="utf-8")
    print(json.dumps(result, ensure_ascii=True, indent=1))
    _write_md(result)
    return 0 if not errors else 1


def _write_md(r: dict) -> None:
    import os
    import platform

    lines = [
        "# Generated hostile questions", "",
        f"`python bench/robustness.py --n {r['n']} --seed {r['seed']}` — the engine over the "
        "bundled plans (fake embedder, in process); each question also rendered for Telegram "
        "and Zalo and its JSON contract encoded. Normal questions: the dev questions in both "
        "forms, asked before and after the hostile ones on the same engine.", "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, run "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} while other jobs shared the "
        f"CPU ({r['seconds']} s).", "",
        "| figure | value |", "| --- | ---: |",
        f"| hostile questions | {r['n']} |",
        f"| exceptions | {r['exceptions']} |",
        f"| normal questions (median / p95 ms) | {r['normal_median_ms']} / {r['normal_p95_ms']} |",
        f"| hostile (median / p95 / max ms) | {r['hostile_median_ms']} / {r['hostile_p95_ms']} / "
        f"{r['hostile_max_ms']} |",
        f"| slowest hostile ÷ normal median | {r['max_over_normal_median']}× (limit 10×) |", "",
        "Slowest inputs (length, start):", "",
    ]
    lines += [f"- {s['ms']} ms, {s['chars']} characters: `{ascii(s['head'])[1:-1][:80]}`"
              for s in r["slowest"]]
    (Path(__file__).resolve().parent / "ROBUSTNESS.md").write_text("\n".join(lines) + "\n",
                                                                    encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
