"""`run_bot.py facts`: tasks, duties and targets of the loaded plans, filtered and exported.

    python run_bot.py facts --agency "phong vhxh" --due-within 30
    python run_bot.py facts --plan 79 --kind task --csv > tran-lieu.csv
    python run_bot.py facts --year 2030 --kind target --json
    python run_bot.py facts --due-within 60 --ics han.ics

One library call (`select_facts`) over the engine's facts, the plan named the way the bots
and `remove` name it (corpus.plan_ref); narrow errors become a Vietnamese message and exit
code 2. The CSV and the calendar are written by bot.exports.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Callable
from datetime import date
from pathlib import Path

from bot.exports import to_csv, to_ics
from corpus.fact_query import KIND_LABEL, KINDS, FactQueryError, FactRow, select_facts
from corpus.plan_ref import PlanRefError, resolve_plan

_NO_DATE = {"ongoing": "thường xuyên", "condition": "có điều kiện", "recurring": "định kỳ"}


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "facts", help="liệt kê nhiệm vụ, trách nhiệm, chỉ tiêu (lọc theo kế hoạch, cơ quan, hạn)",
        description="Nhiệm vụ, trách nhiệm và chỉ tiêu trong các kế hoạch đã nạp.")
    p.add_argument("--plan", metavar="KẾ_HOẠCH", help="số kế hoạch hoặc địa phương, ví dụ 79 hoặc «Trần Liễu»")
    p.add_argument("--agency", metavar="CƠ_QUAN", help="cơ quan (chủ trì hoặc phối hợp), có dấu hoặc không dấu, "
                                    "viết tắt được: «Phòng VHXH», «cong an xa»")
    p.add_argument("--kind", choices=KINDS, help="task (nhiệm vụ), duty (trách nhiệm), "
                                                 "target (chỉ tiêu)")
    p.add_argument("--due-within", type=int, metavar="N",
                   help="đến hạn trong N ngày tới (kể cả việc đã quá hạn)")
    p.add_argument("--today", metavar="NGÀY", help="tính hạn từ ngày này (YYYY-MM-DD) thay vì hôm nay")
    p.add_argument("--year", type=int, metavar="NĂM", help="chỉ tiêu của năm này (và việc có hạn trong năm)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="in JSON")
    out.add_argument("--csv", action="store_true",
                     help="in CSV cho Excel (UTF-8 có BOM, tên cột tiếng Việt)")
    p.add_argument("--ics", metavar="TỆP", help="ghi các hạn có ngày cụ thể ra tệp lịch .ics")
    return p


def _fail(msg: str) -> int:
    print(f"Lỗi: {msg}", file=sys.stderr)
    return 2


def _today(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise FactQueryError(f"ngày «{text}» không hợp lệ; hãy viết theo dạng YYYY-MM-DD, "
                             "ví dụ --today 2025-11-20.") from exc


def run(args: argparse.Namespace, open_engine: Callable[[], object]) -> int:
    """`open_engine()` gives the intents.AnswerEngine (opened only once the filters parse)."""
    try:
        today = _today(args.today)
        engine = open_engine()
        docs = engine.documents()
        plan = resolve_plan(docs, args.plan).id if args.plan else None
        rows = select_facts(engine.index.facts, docs, plan=plan,
                            agency=args.agency, kind=args.kind, due_within=args.due_within,
                            today=today, year=args.year, segment=engine.segment)
    except (FactQueryError, PlanRefError) as exc:
        return _fail(str(exc))
    if args.ics:
        try:
            Path(args.ics).write_bytes(to_ics(rows))
        except OSError as exc:
            return _fail(f"không ghi được tệp lịch «{args.ics}»: {exc.strerror or exc}")
        dated = sum(1 for r in rows if r.due)
        print(f"Đã ghi {dated} hạn vào {args.ics}.", file=sys.stderr)
    if args.json:
        print(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=1))
    elif args.csv:
        sys.stdout.flush()
        sys.stdout.buffer.write(to_csv(rows))
        sys.stdout.buffer.flush()
    elif not args.ics:
        print(_table(rows, args, today))
    return 0


def _cell(text: str, width: int) -> str:
    text = textwrap.shorten(" ".join(text.split()), width, placeholder="…") if text else ""
    return text.ljust(width)


def _table(rows: list[FactRow], args: argparse.Namespace, today: date) -> str:
    if not rows:
        return "Không có nhiệm vụ, trách nhiệm hay chỉ tiêu nào khớp với bộ lọc."
    lines = []
    if args.due_within is not None:
        lines.append(f"Đến hạn trong {args.due_within} ngày tính từ {today:%d/%m/%Y} "
                     "(⚠ = đã quá hạn):")
    targets = all(r.fact.kind == "target" for r in rows)
    if targets:
        lines.append(f"{'Chỉ tiêu':<58} {'Giá trị':<34} {'Chủ trì':<26} Kế hoạch")
        for r in rows:
            f = r.fact
            vals = {str(args.year): f.values.get(str(args.year), "")} if args.year else f.values
            shown = ", ".join(f"{y}: {v}" for y, v in vals.items())
            lines.append(f"{_cell(f.text, 58)} {_cell(shown, 34)} {_cell(', '.join(f.lead), 26)} "
                         f"{r.plan} {r.locality}, tr. {f.page}")
    else:
        lines.append(f"{'Hạn':<13} {'Loại':<11} {'Nội dung':<56} {'Chủ trì':<30} Kế hoạch")
        for r in rows:
            f = r.fact
            due = (f"⚠ {r.due:%d/%m/%Y}" if r.overdue else f"{r.due:%d/%m/%Y}") if r.due else \
                _NO_DATE.get(f.deadline_kind, "—")
            lines.append(f"{_cell(due, 13)} {_cell(KIND_LABEL[f.kind], 11)} {_cell(f.text, 56)} "
                         f"{_cell(', '.join(f.lead), 30)} {r.plan} {r.locality}, tr. {f.page}")
            if r.report:
                lines.append(f"{'':13} {'':11} ↳ báo cáo {r.report}")
            elif f.deadline_text and (r.due or f.deadline_kind not in ("ongoing", "")):
                lines.append(f"{'':13} {'':11} ↳ {f.deadline_text}")
    lines.append(f"({len(rows)} dòng)")
    return "\n".join(lines)
