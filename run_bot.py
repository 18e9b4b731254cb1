#!/usr/bin/env python3
"""The one entry point: the terminal chat, `ask`, `ingest`, `facts`, and the chat bots.

    python run_bot.py                      # chat in the terminal (or the bots, if tokens are set)
    python run_bot.py ask --json "câu hỏi"
    python run_bot.py ask --json --file Q.txt
    python run_bot.py ingest PATH...
    python run_bot.py telegram | zalo

Each command wraps one library call and turns the library's narrow exceptions into a
clear Vietnamese message (exit code 2), never a traceback.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Iterable
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing is ever downloaded at run time
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _progress(it: Iterable, total: int, desc: str) -> Iterable:
    """A progress bar on stderr while indexing (stdout stays clean for --json)."""
    if total <= 1 or not sys.stderr.isatty() and os.environ.get("PLAN_PROGRESS") != "1":
        return it
    from tqdm import tqdm

    return tqdm(it, total=total, desc=desc, file=sys.stderr, leave=False)


def _engine(args: argparse.Namespace, sync: bool = True):
    from intents import AnswerEngine
    from retrieval import Settings

    overrides = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = Path(args.data_dir)
    settings = Settings.from_env(**overrides)
    if not sync and not (Path(settings.data_dir) / "plans.db").exists():
        sync = True
    return AnswerEngine.open(settings, progress=_progress, sync=sync)


def _fail(msg: str) -> int:
    print(f"Lỗi: {msg}", file=sys.stderr)
    return 2


def cmd_ask(args: argparse.Namespace) -> int:
    if args.file:
        try:
            questions = Path(args.file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            return _fail(f"không đọc được tệp câu hỏi «{args.file}»: {exc}")
    else:
        questions = [" ".join(args.question)]
    engine = _engine(args)
    for q in questions:
        if args.file and not q.strip():
            continue
        ans = engine.ask(q)
        if args.json:
            print(json.dumps(ans.contract(), ensure_ascii=False), flush=True)
        else:
            print(ans.answer + "\n", flush=True)
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from retrieval.index import plan_files

    engine = _engine(args, sync=False)
    files = plan_files([Path(p) for p in args.paths])
    if not files:
        return _fail("không có tệp kế hoạch nào ở đường dẫn đã cho.")
    reports = engine.ingest(files, force=args.force)
    bad = 0
    for r in reports:
        if args.json:
            print(json.dumps({"path": r.path, "status": r.status, "format": r.format,
                              "pages": r.pages, "page_estimated": bool(
                                  r.document and r.document.page_estimated),
                              "segments": r.segments, "facts": r.facts,
                              "warnings": r.warnings, "seconds": round(r.seconds, 2),
                              "message": r.message,
                              "plan": r.document.meta.number if r.document else None,
                              "locality": r.document.meta.locality if r.document else None},
                             ensure_ascii=False))
        elif r.status == "error":
            print(f"✗ {r.message}")
        else:
            d = r.document
            print(f"✓ {Path(r.path).name}: {d.label() if d else ''} — {r.status}, {r.format}, "
                  f"{r.pages} trang, {r.segments} đoạn, {r.facts} dữ kiện")
            if r.message and r.status != "unchanged":
                print(f"  {r.message}")
            for w in r.warnings:
                print(f"  ! {w}")
        bad += r.status == "error"
    return 1 if bad else 0


def cmd_chat(args: argparse.Namespace) -> int:
    engine = _engine(args)
    docs = engine.documents()
    print("Trợ lý kế hoạch NQ 57 — đã nạp:", ", ".join(d.label() for d in docs))
    print("Gõ câu hỏi (có dấu hoặc không dấu); «thoát» để kết thúc.\n")
    while True:
        try:
            q = input("❓ ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if q.lower() in {"thoat", "thoát", "exit", "quit", "q"}:
            return 0
        if not q:
            continue
        print("\n" + engine.ask(q).answer + "\n")


def cmd_bots(args: argparse.Namespace, which: str) -> int:
    try:
        from bot import run_bots
    except ImportError as exc:
        return _fail(f"chưa có mô-đun bot: {exc}")
    return run_bots(which, data_dir=getattr(args, "data_dir", None))


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "WARNING"),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    p = argparse.ArgumentParser(prog="run_bot.py", description=__doc__.split("\n")[0])
    p.add_argument("--data-dir", help="thư mục dữ liệu (mặc định ./data hoặc $PLAN_DATA_DIR)")
    sub = p.add_subparsers(dest="cmd")
    a = sub.add_parser("ask", help="hỏi một câu (hoặc mỗi dòng của một tệp)")
    a.add_argument("question", nargs="*")
    a.add_argument("--json", action="store_true")
    a.add_argument("--file")
    i = sub.add_parser("ingest", help="nạp hoặc cập nhật kế hoạch")
    i.add_argument("paths", nargs="+")
    i.add_argument("--force", action="store_true", help="nạp cả tệp không giống kế hoạch")
    i.add_argument("--json", action="store_true")
    sub.add_parser("chat", help="trò chuyện trong terminal")
    sub.add_parser("telegram", help="chạy bot Telegram")
    sub.add_parser("zalo", help="chạy bot Zalo")
    try:
        from corpus.facts_cli import add_parser as add_facts
    except ImportError:
        add_facts = None
    if add_facts:
        add_facts(sub)
    args = p.parse_args(argv)
    from corpus.loaders import LoadError
    from retrieval.embed import EmbedderError
    from retrieval.store import StoreError

    try:
        if args.cmd == "ask":
            if not args.file and not args.question:
                return _fail("hãy nhập câu hỏi, ví dụ: python run_bot.py ask \"Ai chủ trì …?\"")
            return cmd_ask(args)
        if args.cmd == "ingest":
            return cmd_ingest(args)
        if args.cmd == "chat":
            return cmd_chat(args)
        if args.cmd in ("telegram", "zalo"):
            return cmd_bots(args, args.cmd)
        if args.cmd == "facts":
            return args.func(args)
        if os.environ.get("TELEGRAM_BOT_TOKEN") or os.environ.get("ZALO_BOT_TOKEN"):
            return cmd_bots(args, "auto")
        return cmd_chat(args)
    except (LoadError, StoreError, EmbedderError) as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
