"""Cold start and the memory of a real assistant process.

`run_bot.py ask --json --file Q` is started as a child process over a data directory whose
index is already built; the clock runs from just before the process is spawned to the
moment its first JSON answer arrives on stdout. The child then answers every other dev
question; its peak RSS comes from os.wait4 (the kernel's ru_maxrss of that process).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, VARIANTS


def one_run(data_dir: Path, questions: list[str], env: dict[str, str] | None = None) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write("\n".join(questions) + "\n")
        qfile = f.name
    cmd = [sys.executable, str(ROOT / "run_bot.py"), "--data-dir", str(data_dir), "ask",
           "--json", "--file", qfile]
    child_env = {**os.environ, **(env or {})}
    child_env.pop("TELEGRAM_BOT_TOKEN", None)
    child_env.pop("ZALO_BOT_TOKEN", None)
    try:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, encoding="utf-8", cwd=ROOT, env=child_env)
        first = None
        lines = 0
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("{"):
                lines += 1
                if first is None:
                    first = time.perf_counter() - t0
        total = time.perf_counter() - t0
        err = proc.stderr.read() if proc.stderr else ""
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        os.unlink(qfile)
    return {"first_answer_s": round(first, 2) if first is not None else None,
            "total_s": round(total, 2), "answers": lines, "exit": proc.returncode,
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            # the work of the whole process (the wall time on a shared machine counts the
            # other jobs' too)
            "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "stderr_tail": err[-500:] if proc.returncode else ""}


def run(data_dir: Path, items: list[dict], runs: int = 3) -> dict:
    questions = [it[v].replace("\n", " ") for it in items for v in VARIANTS]
    # the first run answers the whole dev set (peak RSS of a working process); the others
    # only time the start
    results = [one_run(data_dir, questions if i == 0 else questions[:2]) for i in range(runs)]
    firsts = [r["first_answer_s"] for r in results if r["first_answer_s"] is not None]
    return {"runs": results,
            "first_answer_s_median": round(statistics.median(firsts), 2) if firsts else None,
            "first_answer_s_min": min(firsts) if firsts else None,
            "peak_rss_mb_max": max(r["peak_rss_mb"] for r in results),
            "answers_first_run": results[0]["answers"],
            "questions_per_run": len(questions)}
