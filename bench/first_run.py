"""The first start as a new user meets it: `run_bot.py ask` on an empty data directory, then
again on the built one. Prints wall and CPU seconds of each (the README's "Lần chạy đầu").

    python bench/first_run.py                # with the shipped vectors of the bundled plans
    python bench/first_run.py --no-seed      # every segment embedded (≈200 s CPU on 2 cores)

Measured on a 2-core machine under a load of ~17 (eight parallel sessions):
seeded 17.4 s wall / 5.8 s CPU (fresh clone); unseeded 935 s wall / 199 s CPU; the second
start 6.2 s wall / 1.9 s CPU.

Session 7, in a fresh clone (`git clone` of the branch, then `python bench/first_run.py`
there), 2026-12-01: with the shipped vectors but every bundled line decoded, 42.7 s CPU
(99.3 s wall at load 5.3); with the bundled plans' reading copies shipped too
(corpus/reading/bundled_copies.json.gz), 9.8 s CPU, 10.2 s wall (load 3.1), the same
answer; the second start 2.0–2.1 s CPU. What is left of the first start is the facts
and the segmenting of the five plans (no decode, no embedding).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "Ai chủ trì cấp chứng thư số cho cán bộ phường Trần Liễu?"
NO_SEED = ("import sys, runpy; import retrieval.embed as e; "
           "e.SEED_PATH = e.Path('/nonexistent.npz'); "
           "sys.argv = ['run_bot.py', *sys.argv[1:]]; runpy.run_path('run_bot.py', "
           "run_name='__main__')")


def _run(data_dir: Path, seed: bool) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    cmd = [sys.executable, "run_bot.py"] if seed else [sys.executable, "-c", NO_SEED]
    r = subprocess.run([*cmd, "ask", QUESTION], cwd=ROOT, capture_output=True, text=True,
                       env={**os.environ, "PLAN_DATA_DIR": str(data_dir)}, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"wall_s": round(time.perf_counter() - started, 1),
            "cpu_s": round(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime,
                           1),
            "answer": r.stdout.splitlines()[0] if r.stdout else ""}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--no-seed", action="store_true", help="embed every segment")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        first = _run(data, seed=not args.no_seed)
        second = _run(data, seed=not args.no_seed)
    out = {"seeded": not args.no_seed, "first": first, "second": second,
           "load": os.getloadavg()[0], "cpus": os.cpu_count()}
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
