"""Questions answered while a plan is uploaded: 8 askers and one uploader sharing one engine,
each call run off the event loop by `bot.common.EngineRunner` as the bots run them.

The plan uploaded is a 20-page scanned PDF made here: the text of a bundled plan drawn as
page images (tests/plan_fixtures.render_page, degraded like a scan), read back by OCR. The
index starts with the other bundled plans (a copy of a built data directory with that plan
removed, or built from scratch). Checks: no error (no "database is locked"), every answer
the same as before the upload or as after it (never one from half a plan), and the time to
answer while the upload runs, against the same askers with no upload.

    python bench/upload_readers.py [--data-dir data] [--askers 8] [--serial]

`--serial` runs the same with one lock around every engine call, as the bots did before
(bot.common.EngineRunner held a lock per bot), for comparison.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "tests"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from bench.common import OUT, PLANS_DIR, latency_summary  # noqa: E402

UPLOADED = "xa-phong-tho_80-KH-UBND"
PAGES = 20
# Questions of the kinds officials ask, about the plans loaded and the one uploaded; written
# for this bench (not from the dev sets).
QUESTIONS = [
    "Ai chủ trì chuyển đổi số ở phường Trần Liễu?",
    "Xã Lộc Tân giao ai làm đầu mối về dữ liệu?",
    "Chỉ tiêu năm 2030 về kinh tế số là bao nhiêu?",
    "Báo cáo định kỳ gửi về đâu?",
    "Đảng ủy xã An Hảo có nhiệm vụ gì?",
    "Bình Tân cần hoàn thành việc gì trong năm 2026?",
    "Xã Phong Thổ giao ai chủ trì?",
    "Phong Tho co chi tieu gi nam 2030?",
    "kinh phí thực hiện kế hoạch lấy từ đâu",
]


def scanned_pdf(dest: Path, pages: int = PAGES, dpi: int = 300) -> Path:
    """The text of the bundled plan drawn on `pages` A4 pages and saved as one image PDF."""
    import plan_fixtures as F

    lines = (PLANS_DIR / f"{UPLOADED}.txt").read_text(encoding="utf-8").splitlines()
    per = -(-len(lines) // pages)
    images = [F.degrade(F.render_page(lines[i * per:(i + 1) * per], dpi), seed=i)
              for i in range(pages)]
    path = dest / f"{UPLOADED}.pdf"
    images[0].save(str(path), save_all=True, append_images=images[1:], resolution=dpi)
    return path


def prepare(data_dir: Path | None, work: Path):
    """An engine over the bundled plans but the one to upload."""
    from intents import AnswerEngine
    from retrieval import Settings

    data = work / "data"
    if data_dir is not None and (data_dir / "plans.db").exists():
        shutil.copytree(data_dir, data)
    plans = work / "plans"
    plans.mkdir()
    for f in PLANS_DIR.iterdir():
        if not f.name.startswith(UPLOADED):
            shutil.copy(f, plans / f.name)
    settings = Settings(data_dir=data, plans=[plans])
    engine = AnswerEngine.open(settings)
    for d in list(engine.index.documents.values()):
        if Path(d.path).stem == UPLOADED:
            engine.index.remove(d.id)
    return engine


class SerialRunner:
    """The bots' runner before: one lock around every engine call."""

    def __init__(self, engine) -> None:  # noqa: ANN001
        self.engine, self._lock = engine, threading.Lock()

    def call_sync(self, fn, *args, **kwargs):  # noqa: ANN001, ANN201
        with self._lock:
            return fn(*args, **kwargs)

    async def call(self, fn, *args, **kwargs):  # noqa: ANN001, ANN201
        return await asyncio.to_thread(self.call_sync, fn, *args, **kwargs)


async def _askers(runner, questions: list[str], askers: int, until: asyncio.Event,  # noqa: ANN001
                  log: list[dict]) -> None:
    async def one(i: int) -> None:
        n = 0
        while not until.is_set():
            q = questions[(i + n) % len(questions)]
            t0 = time.monotonic()
            try:
                a = await runner.call(runner.engine.ask, q)
                log.append({"q": q, "answer": a.answer, "t0": t0, "t1": time.monotonic()})
            except Exception as exc:  # noqa: BLE001 - counted as a failure below
                log.append({"q": q, "error": f"{type(exc).__name__}: {exc}", "t0": t0,
                            "t1": time.monotonic()})
            n += 1

    await asyncio.gather(*(one(i) for i in range(askers)))


async def scenario(engine, pdf: Path, askers: int, serial: bool, warm_s: float) -> dict:  # noqa: ANN001
    from bot.common import EngineRunner

    runner = SerialRunner(engine) if serial else EngineRunner(engine)
    before = {q: engine.ask(q).answer for q in QUESTIONS}
    phases: list[tuple[str, float]] = []  # when the ingest entered each stage

    def progress(it, total, desc):  # noqa: ANN001, ANN202 - Index's progress hook
        phases.append((f"{desc} ({total})", time.monotonic()))
        yield from it
        phases.append((f"{desc}: xong", time.monotonic()))

    engine.index.progress = progress
    log: list[dict] = []
    stop = asyncio.Event()
    task = asyncio.create_task(_askers(runner, QUESTIONS, askers, stop, log))
    await asyncio.sleep(warm_s)  # the same askers with no upload: the reference
    up0 = time.monotonic()
    [report] = await runner.call(engine.ingest, [pdf])
    up1 = time.monotonic()
    await asyncio.sleep(2.0)
    stop.set()
    await task
    after = {q: engine.ask(q).answer for q in QUESTIONS}
    during = [r for r in log if up0 <= r["t0"] < up1]
    idle = [r for r in log if r["t1"] < up0]
    errors = [r["error"] for r in log if "error" in r]
    torn = [r["q"] for r in log if "answer" in r and r["answer"] not in
            (before[r["q"]], after[r["q"]])]
    changed = [q for q in QUESTIONS if before[q] != after[q]]
    slowest = sorted(during, key=lambda r: r["t0"] - r["t1"])[:8]
    return {
        "mode": "one lock per call (before)" if serial else "many readers, one writer",
        "askers": askers, "upload": {"file": pdf.name, "pages": report.pages,
                                     "status": report.status, "segments": report.segments,
                                     "seconds": round(up1 - up0, 1),
                                     "message": report.message},
        "questions_during_upload": len(during),
        "answer_ms_during_upload": latency_summary([(r["t1"] - r["t0"]) * 1000
                                                    for r in during]),
        "answer_ms_without_upload": latency_summary([(r["t1"] - r["t0"]) * 1000
                                                     for r in idle]),
        "ingest_stages_at_s": [(d, round(t - up0, 1)) for d, t in phases],
        "slowest_during_upload": [{"asked_at_s": round(r["t0"] - up0, 1),
                                   "seconds": round(r["t1"] - r["t0"], 1), "q": r["q"]}
                                  for r in slowest],
        "errors": len(errors), "database_locked": sum("locked" in e for e in errors),
        "error_samples": errors[:3],
        "answers_neither_before_nor_after": len(torn), "torn_samples": torn[:3],
        "questions_changed_by_the_upload": changed,
        "ok": not errors and not torn and report.status == "added",
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data-dir", type=Path, default=ROOT / "data",
                    help="a built data directory to start from (copied; default ./data)")
    ap.add_argument("--askers", type=int, default=8)
    ap.add_argument("--pages", type=int, default=PAGES)
    ap.add_argument("--warm", type=float, default=20.0, help="seconds of askers alone first")
    ap.add_argument("--serial", action="store_true", help="one lock per call, as before")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="upload-bench-") as tmp:
        work = Path(tmp)
        t0 = time.monotonic()
        pdf = scanned_pdf(work, args.pages)
        made = time.monotonic() - t0
        engine = prepare(args.data_dir, work)
        result = asyncio.run(scenario(engine, pdf, args.askers, args.serial, args.warm))
        result["pdf_made_s"] = round(made, 1)
    OUT.mkdir(parents=True, exist_ok=True)
    name = "upload_readers_serial.json" if args.serial else "upload_readers.json"
    (OUT / name).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
