#!/usr/bin/env python3
"""Benchmarks of the plan assistant: one command, a table on stdout, JSON in bench/out/.

    python bench/run.py                      # everything, scale at 1,000 plans (< 10 min)
    python bench/run.py --scale-10k          # also 10,000 plans (long: see RESULTS.md)
    python bench/run.py --only quality,concurrency
    python bench/run.py --skip scale,faiss

Sections: quality (dev-set accuracy and warm latency, assistant vs naive peer), concurrency
(50 users x 10 questions through the real Telegram bot and a fake Bot API), cold (process
start to first answer, peak RSS), ingest (pages/s per format), scale (synthetic corpus:
build, size, memory, query latency), faiss (index types at the scale corpus's size).
Uses its own data directory (bench/out/data, or --data-dir / $PLAN_DATA_DIR), seeded from
./data when that holds an embedding cache.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    DEV_SET,
    OUT,
    PLANS_DIR,
    ROOT,
    dev_items,
    machine,
    peak_rss_mb,
)

SECTIONS = ("quality", "concurrency", "cold", "ingest", "scale", "faiss")
# From this many plans the scale corpus is written into the store segment by segment:
# reading 10,000 plan files through the pipeline takes ~45 minutes (bench/RESULTS.md).
DIRECT_MIN = 5_000


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


def memory_cap_mb() -> float:
    """Half the memory available when the bench starts (others share this machine)."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024 * 0.5
    except OSError:
        pass
    return 8192.0


def child(args: list[str], timeout: float = 3600, cap_mb: float | None = None) -> dict:
    """Run a bench script in its own process: its RESULT line, wall time and peak RSS. A
    child whose RSS passes `cap_mb` is stopped (and reported) before it starves the machine."""
    cap_mb = cap_mb or memory_cap_mb()
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)
    peak = 0.0
    stopped = ""
    out_chunks: list[str] = []
    err_chunks: list[str] = []
    readers = [threading.Thread(target=lambda s, b: b.append(s.read()), args=(stream, buf),
                                daemon=True)
               for stream, buf in ((proc.stdout, out_chunks), (proc.stderr, err_chunks))]
    for r in readers:
        r.start()
    while proc.poll() is None:
        peak = max(peak, _rss_mb(proc.pid))
        if peak > cap_mb and not stopped:
            stopped = f"stopped: RSS {peak:,.0f} MB passed the cap of {cap_mb:,.0f} MB"
            proc.kill()
        elif time.perf_counter() - t0 > timeout and not stopped:
            stopped = f"stopped: still running after {timeout:.0f} s"
            proc.kill()
        time.sleep(0.2)
    for r in readers:
        r.join()
    out, err = "".join(out_chunks), "".join(err_chunks)
    wall = round(time.perf_counter() - t0, 1)
    for line in out.splitlines():
        if line.startswith("RESULT "):
            result = json.loads(line[len("RESULT "):])
            result["wall_s"] = wall
            result["sampled_peak_rss_mb"] = round(peak)
            return result
    return {"error": stopped or f"exit {proc.returncode}", "stderr": err[-2000:],
            "wall_s": wall, "sampled_peak_rss_mb": round(peak),
            "progress": [line for line in err.splitlines() if line.startswith("PHASE")][-5:]}


def prepare_data_dir(data_dir: Path) -> None:
    """Seed a fresh bench data directory with ./data (its embedding cache saves minutes)."""
    seed = ROOT / "data"
    if not (data_dir / "plans.db").exists() and (seed / "plans.db").exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        for f in seed.iterdir():
            if f.is_file():
                shutil.copy2(f, data_dir / f.name)


# ---- sections ------------------------------------------------------------------------------
def code_stamp() -> str:
    """What a scale build depends on: the reading pipeline and the retrieval code."""
    import hashlib

    from retrieval.index import pipeline_version

    h = hashlib.sha256(pipeline_version().encode())
    for f in sorted((ROOT / "retrieval").glob("*.py")) + [ROOT / "bench" / "synth.py",
                                                          ROOT / "bench" / "fakevec.py"]:
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def run_scale(sizes: list[int], out: Path, reuse: bool = False) -> dict:
    from bench.synth import generate

    results = {}
    stamp = code_stamp()
    for n in sizes:
        root = out / f"scale-{n}"
        direct = n >= DIRECT_MIN
        if direct:
            gen = {"plans_from": "segments of the 5 real plans (bench.synth.generate_store)"}
        else:
            log(f"scale {n}: generating the corpus")
            gen = generate(n, root / "plans")
        extra_root = out / "scale-extra"
        generate(6, extra_root, seed=999)
        extra = next(p for p in sorted(extra_root.glob("synth*.txt")))
        saved = root / "build.json"
        built = None
        if reuse and saved.exists() and (root / "data" / "plans.db").exists():
            prev = json.loads(saved.read_text(encoding="utf-8"))
            if prev.get("stamp") == stamp and "error" not in prev["build"]:
                built = prev["build"] | {"reused_from": prev["when"]}
                log(f"scale {n}: reusing the build of {prev['when']} (same code)")
        if built is None:
            shutil.rmtree(root / "data", ignore_errors=True)
            log(f"scale {n}: building the index ("
                + ("plans made from segments" if direct else "real pipeline")
                + ", BM25, FAISS; hashed vectors)")
            built = child(["bench/scale.py", "build-direct", str(root), str(n)] if direct
                          else ["bench/scale.py", "build", str(root)])
            saved.write_text(json.dumps({"stamp": stamp, "when": time.strftime("%Y-%m-%d %H:%M"),
                                         "build": built}, ensure_ascii=False), encoding="utf-8")
        if "error" in built:
            results[str(n)] = {"corpus": gen, "build": built, "query": {"error": "not built"}}
            continue
        log(f"scale {n}: querying")
        queried = child(["bench/scale.py", "query", str(root), str(extra)])
        results[str(n)] = {"corpus": gen, "build": built, "query": queried}
    return results


def run_faiss(root: Path, sizes: list[int]) -> dict:
    return child(["bench/faiss_kinds.py", str(root), *map(str, sizes)])


# ---- report --------------------------------------------------------------------------------
def _fmt(x: object, unit: str = "") -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:,.1f}{unit}"
    return f"{x}{unit}"


def table(results: dict) -> str:
    lines: list[str] = []
    add = lines.append
    m = results["machine"]
    add(f"Machine: {m.get('cpu', '?')}, {m.get('cpus')} CPUs, {m.get('mem_gb')} GB; "
        f"load {m.get('load_avg')} at start, {results.get('load_end')} at end")
    q = results.get("quality")
    if q:
        a, n = q["assistant"], q["naive"]
        add("")
        add(f"Dev set ({q['questions']} questions: accented + plain), warm, same process")
        add(f"{'':22s}{'strict':>8s}{'lenient':>9s}{'p50 ms':>9s}{'p95 ms':>9s}{'p99 ms':>9s}")
        for name, r in (("assistant", a), ("naive peer", n)):
            add(f"{name:22s}{r['accuracy']['all']['strict']:8.1f}{r['accuracy']['all']['lenient']:9.1f}"
                f"{r['latency']['p50_ms']:9.1f}{r['latency']['p95_ms']:9.1f}"
                f"{r['latency']['p99_ms']:9.1f}")
        d = q["difference"]
        add(f"{'difference':22s}{d['strict_points']:+8.1f}{d['lenient_points']:+9.1f}"
            f"{'x' + str(d['p50_latency_x']):>9s}{'x' + str(d['p95_latency_x']):>9s}")
        for var, label in (("question", "accented"), ("question_plain", "plain")):
            add(f"  {label:20s}{a['accuracy'][var]['strict']:8.1f}{a['accuracy'][var]['lenient']:9.1f}"
                f"   naive {n['accuracy'][var]['strict']:.1f} / {n['accuracy'][var]['lenient']:.1f}")
    c = results.get("concurrency")
    if c and "error" not in c:
        add("")
        add(f"Telegram, {c['users']} users x {c['per_user']} questions ({c['mode']}): "
            f"{c['throughput_qps']} answers/s, time to reply p50 "
            f"{_fmt(c['time_to_reply']['p50_ms'])} ms, p95 {_fmt(c['time_to_reply']['p95_ms'])} ms;"
            f" answered exactly once {c['answered_exactly_once']}/{c['questions']}, "
            f"extra messages {c['extra_messages']}")
    cold = results.get("cold")
    if cold:
        add("")
        add(f"Cold start (process start -> first answer, index built): median "
            f"{_fmt(cold['first_answer_s_median'])} s (min {_fmt(cold['first_answer_s_min'])} s); "
            f"peak RSS answering {cold['questions_per_run']} questions: "
            f"{_fmt(cold['peak_rss_mb_max'])} MB"
            + (f" (the bench process, engine loaded: {q['bench_process_peak_rss_mb']} MB)"
               if q and "bench_process_peak_rss_mb" in q else ""))
    ing = results.get("ingest")
    if ing:
        add("")
        add("Ingest (read: load + metadata + segments + facts)")
        for fmt in ("text", "docx", "pdf"):
            r = ing.get(fmt)
            if isinstance(r, dict):
                add(f"  {fmt:6s} {r['pages_per_s']:>8} pages/s  ({r['files']} files, {r['pages']} "
                    f"pages, {r['segments']} segments, {r['seconds']} s)"
                    + (f"  errors: {r['errors']}" if r["errors"] else ""))
            else:
                add(f"  {fmt:6s} {r}")
        e = ing.get("end_to_end")
        if e:
            add(f"  end to end into a new index, real embedder: {e['pages_per_s']} pages/s "
                f"({e['plan']}: {e['pages']} pages, {e['segments']} segments, {e['ingest_s']} s)")
    sc = results.get("scale")
    if sc:
        add("")
        add("Scale (synthetic corpus; hashed 384-d vectors, real BM25/store/FAISS/engine)")
        add(f"{'plans':>7s}{'segments':>10s}{'build s':>9s}{'+1 plan s':>10s}{'disk MB':>9s}"
            f"{'bld RSS':>8s}{'open s':>8s}{'RSS MB':>8s}{'p50 ms':>8s}{'p95 ms':>8s}{'p99 ms':>8s}"
            f"{'faiss':>8s}{'acc s/l':>12s}{'named s/l':>12s}")
        for n, r in sc.items():
            b, qq = r["build"], r["query"]
            if "error" in b or "error" in qq:
                add(f"{n:>7s}  error: {b.get('error') or qq.get('error')}")
                continue
            acc, named = qq["accuracy_dev"]["all"], qq.get("accuracy_named", {})
            add(f"{qq['plans']:>7d}{qq['segments']:>10,d}{b['build_s']:>9.1f}"
                f"{_fmt(qq.get('add_one_plan_s')):>10s}{b['disk_mb']['total']:>9.1f}"
                f"{b['peak_rss_mb']:>8.0f}{qq['open_s']:>8.1f}{qq['peak_rss_mb']:>8.0f}{qq['latency']['p50_ms']:>8.1f}"
                f"{qq['latency']['p95_ms']:>8.1f}{qq['latency']['p99_ms']:>8.1f}"
                f"{qq['dense_kind']:>8s}{acc['strict']:>7.1f}/{acc['lenient']:<4.1f}"
                f"{named.get('strict', 0):>7.1f}/{named.get('lenient', 0):.1f}")
        for n, r in sc.items():
            b = r["build"]
            if "phases_s" in b:
                top = sorted(b["phases_s"].items(), key=lambda kv: -kv[1])[:4]
                add(f"  build of {n}: " + ", ".join(f"{k} {v:.0f} s" for k, v in top))
    fk = results.get("faiss")
    if fk and "rows" in fk:
        add("")
        add("FAISS index types (hashed vectors of the scale corpus)")
        add(f"{'n':>9s}{'kind':>9s}{'build s':>9s}{'MB':>8s}{'k':>6s}{'p95 ms@k':>10s}"
            f"{'p95 ms@10':>10s}{'recall@10':>10s}")
        for r in fk["rows"]:
            add(f"{r['n']:>9,d}{r['kind']:>9s}{r['build_s']:>9.2f}{r['size_mb']:>8.1f}{r['k']:>6d}"
                f"{r['search_k']['p95_ms']:>10.2f}{r['search_10']['p95_ms']:>10.2f}"
                f"{r['recall_at_10']:>10.3f}")
    add("")
    add(f"Total bench time: {results['elapsed_s']:.0f} s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data-dir", type=Path,
                   default=Path(os.environ.get("PLAN_DATA_DIR") or OUT / "data"))
    p.add_argument("--out", type=Path, default=OUT)
    p.add_argument("--scale", default="5,1000", help="plan counts (comma-separated)")
    p.add_argument("--scale-10k", action="store_true", help="also 10,000 plans")
    p.add_argument("--only", default="", help="comma-separated sections")
    p.add_argument("--skip", default="", help="comma-separated sections")
    p.add_argument("--passes", type=int, default=3, help="latency passes over the dev set")
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--per-user", type=int, default=10)
    p.add_argument("--burst", action="store_true", help="users send all questions at once")
    p.add_argument("--reuse-scale", action="store_true",
                   help="keep a scale index built earlier by the same code (build figures "
                        "are then those of that build)")
    args = p.parse_args(argv)
    only = {s for s in args.only.split(",") if s} or set(SECTIONS)
    todo = [s for s in SECTIONS if s in only and s not in set(args.skip.split(","))]
    args.out.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.scale.split(",") if s]
    if args.scale_10k and 10_000 not in sizes:
        sizes.append(10_000)

    t_start = time.perf_counter()
    results: dict = {"machine": machine(), "started": time.strftime("%Y-%m-%d %H:%M:%S"),
                     "sections": todo, "data_dir": str(args.data_dir)}
    items = dev_items(DEV_SET)
    engine = None
    if {"quality", "concurrency", "cold"} & set(todo):
        from intents import AnswerEngine
        from retrieval import Settings

        prepare_data_dir(args.data_dir)
        log(f"opening the engine over {args.data_dir} (indexes the bundled plans if needed)")
        t0 = time.perf_counter()
        engine = AnswerEngine.open(Settings.from_env(data_dir=args.data_dir))
        results["engine_open_s"] = round(time.perf_counter() - t0, 1)
        results["embedder"] = engine.index.embedder.name
    if "quality" in todo:
        from bench import quality
        from bench.naive import NaivePeer

        log("quality: dev set through the assistant and the naive peer")
        results["quality"] = quality.run(engine, NaivePeer(PLANS_DIR), items, args.passes)
        results["quality"]["bench_process_peak_rss_mb"] = peak_rss_mb()
    if "concurrency" in todo:
        from bench import concurrency

        log(f"concurrency: {args.users} users x {args.per_user} questions through Telegram")
        qs = [it[v].replace("\n", " ") for it in items for v in ("question", "question_plain")]
        results["concurrency"] = concurrency.run(engine, args.data_dir, qs, args.users,
                                                 args.per_user, burst=args.burst)
    engine = None
    if "cold" in todo:
        from bench import coldstart

        log("cold start: run_bot.py ask in a fresh process (3 runs)")
        results["cold"] = coldstart.run(args.data_dir, items)
    if "ingest" in todo:
        from bench import ingest

        log("ingest: text, DOCX, PDF; one plan end to end with the real embedder")
        results["ingest"] = ingest.run(args.out / "ingest")
    if "scale" in todo:
        results["scale"] = run_scale(sizes, args.out, args.reuse_scale)
    if "faiss" in todo:
        big = max(sizes)
        root = args.out / f"scale-{big}"
        if (root / "data" / "plans.db").exists():
            log("faiss: index types on the scale corpus's vectors")
            fsizes = sorted({20_000, 50_000, 10**9} if big <= 1000 else
                            {50_000, 200_000, 500_000, 10**9})
            results["faiss"] = run_faiss(root, fsizes)
        else:
            results["faiss"] = {"error": "no scale corpus built (run the scale section)"}
    results["elapsed_s"] = round(time.perf_counter() - t_start, 1)
    results["load_end"] = [round(x, 2) for x in os.getloadavg()]
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for name in ("results.json", f"results-{stamp}.json"):
        (args.out / name).write_text(json.dumps(results, ensure_ascii=False, indent=1),
                                     encoding="utf-8")
    text = table(results)
    (args.out / "table.txt").write_text(text + "\n", encoding="utf-8")
    print(text)
    print(f"\nJSON: {args.out / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
