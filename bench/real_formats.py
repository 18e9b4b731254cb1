"""The five real plans as an official would upload them, DOCX and PDF, against their text.

    python bench/real_formats.py [--formats text,docx,pdf] [--parts tuned,held] [--reuse]

Officials load their plans as DOCX or PDF, not as the `cell | cell` text of
../shared/corpus/real/. This bench writes each real plan both ways as a word processor
would: paragraphs as paragraphs (wrapped by the page in the PDF), every run of `cell | cell`
lines as one ruled table whose first row is its header, cells wrapped over several lines
inside their column. Then, per format:

- what the reader takes from it: metadata (number, issuer, locality, date), segments, and
  facts by kind (task, duty, target), and how many of the text's facts come out the same
  (same kind, same folded text, same lead agencies, same deadline, same values);
- the real-plan questions of bench/real_questions.jsonl, asked of an index of that format
  alone, scored by ../shared/tools/evaluate.py: the tuned parts together and the held-aside
  parts together (aggregate only), and how many answers are the same as the text's.

The index uses the deterministic fake embedder (PLAN_EMBEDDER=fake) for every format, text
included: the comparison is between formats, not a figure of the real model (that is
bench/real_eval.py). Scratch data in bench/out/real_formats/ (gitignored).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import OUT  # noqa: E402
from bench.real_eval import QUESTIONS, REAL_PLANS, TUNED, run_part  # noqa: E402

WORK = OUT / "real_formats"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
_NUMBERED = re.compile(r"^([0-9]{1,3}|[IVXLC]{1,6}|[A-Za-z])\.?$")
_ROW = re.compile(r"\s\|\s|^\|\s|\s\|$")


def runs(text: str) -> list[tuple[str, list]]:
    """The plan as ("para", [line]) and ("table", rows) runs, in order. A table is a run of
    `cell | cell` lines; a line without cells between two of them is a group row ("I. HẠ
    TẦNG SỐ"), kept as a row of one string that spans the table. Rows are padded to the
    widest."""
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln]
    is_row = [("|" in ln and bool(_ROW.search(f" {ln} "))) for ln in lines]
    out: list[tuple[str, list]] = []
    for i, s in enumerate(lines):
        in_table = bool(out) and out[-1][0] == "table"
        if is_row[i]:
            cells = [c.strip() for c in s.split("|")]
            if cells and not cells[-1]:
                cells.pop()
            if in_table:
                out[-1][1].append(cells)
            else:
                out.append(("table", [cells]))
        elif in_table and i + 1 < len(lines) and is_row[i + 1]:
            out[-1][1].append(s)  # a group row inside the table
        else:
            out.append(("para", [s]))
    for kind, rows in out:
        if kind == "table":
            width = max(len(r) for r in rows if isinstance(r, list))
            for r in rows[1:]:
                # a short row that opens with text, not a number: its number cell was
                # merged with the row above ("1 | task | …" / "task | …" in the text)
                if isinstance(r, list) and len(r) < width and not _NUMBERED.match(r[0]):
                    r.insert(0, "")
            for r in rows:
                if isinstance(r, list):
                    r.extend([""] * (width - len(r)))
    return out


def make_docx(src: Path, dest: Path) -> None:
    import docx

    d = docx.Document()
    for kind, body in runs(src.read_text(encoding="utf-8")):
        if kind == "para":
            d.add_paragraph(body[0])
            continue
        width = len(body[0])
        table = d.add_table(rows=len(body), cols=width)
        table.style = "Table Grid"
        for r, cells in enumerate(body):
            if isinstance(cells, str):  # a group row: one cell merged across the table
                merged = table.cell(r, 0).merge(table.cell(r, width - 1))
                merged.text = cells
                continue
            for c, text in enumerate(cells):
                table.cell(r, c).text = text
                if r == 0:
                    for run in table.cell(r, c).paragraphs[0].runs:
                        run.bold = True
    d.save(str(dest))


def make_pdf(src: Path, dest: Path) -> None:
    """A4, wrapped paragraphs, ruled tables with wrapped cells (fpdf2's table): what a
    word processor's 'save as PDF' gives, pages broken where the text fills them."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font("DejaVu", "", str(FONT))
    pdf.add_font("DejaVu", "B", str(FONT_BOLD))
    pdf.set_font("DejaVu", size=10)
    pdf.add_page()
    for kind, body in runs(src.read_text(encoding="utf-8")):
        if kind == "para":
            pdf.multi_cell(0, 5, body[0], new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
            continue
        width = len(body[0])
        rows = [r for r in body if isinstance(r, list)]
        # the widest column gets the most room, as a writer sizes a task table
        longest = [max(len(r[c]) for r in rows) + 4 for c in range(width)]
        widths = [max(8, min(60, n)) for n in longest]
        pdf.set_font("DejaVu", size=8)
        from fpdf.fonts import FontFace

        with pdf.table(col_widths=widths, line_height=4, first_row_as_headings=True,
                       headings_style=FontFace(emphasis="BOLD")) as table:
            for cells in body:
                row = table.row()
                if isinstance(cells, str):
                    row.cell(cells, colspan=width)
                    continue
                for text in cells:
                    row.cell(text)
        pdf.set_font("DejaVu", size=10)
        pdf.ln(2)
    pdf.output(str(dest))


def write_formats(formats: list[str]) -> dict[str, list[Path]]:
    made: dict[str, list[Path]] = {}
    for fmt in formats:
        folder = WORK / "files" / fmt
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        for src in sorted(REAL_PLANS.glob("*.txt")):
            dest = folder / f"{src.stem}.{fmt if fmt != 'text' else 'txt'}"
            if fmt == "text":
                shutil.copy(src, dest)
            elif fmt == "docx":
                make_docx(src, dest)
            else:
                make_pdf(src, dest)
            made.setdefault(fmt, []).append(dest)
    return made


def _fact_key(f) -> tuple:  # noqa: ANN001 - corpus.models.Fact
    from corpus.normalize import fold

    return (f.kind, " ".join(fold(f.text).lower().split()), tuple(sorted(f.lead)),
            " ".join(fold(f.deadline_text).lower().split()), tuple(sorted(f.values.items())))


def read_all(made: dict[str, list[Path]]) -> dict[str, dict]:
    """Per format and plan: metadata, segment count, facts by kind, and the facts as keys."""
    from corpus import read_plan

    out: dict[str, dict] = {}
    for fmt, paths in made.items():
        for p in paths:
            plan = read_plan(p)
            m = plan.document.meta
            out.setdefault(fmt, {})[p.stem] = {
                "meta": [m.number, m.issuer, m.locality, m.province, m.date],
                "segments": len(plan.segments),
                "facts": dict(Counter(f.kind for f in plan.facts)),
                "keys": [_fact_key(f) for f in plan.facts],
            }
    return out


def _ask(items: list[dict], data_dir: Path, keep: Path) -> str:
    """The SCORE line of the shared evaluator, the fake embedder answering."""
    out = run_part(items, data_dir, False, keep, {**os.environ, "PLAN_EMBEDDER": "fake"})
    score = [ln for ln in out.splitlines() if ln.startswith("SCORE")]
    return score[-1] if score else out[-500:]


def ask_all(made: dict[str, list[Path]], parts: list[str], reuse: bool) -> dict[str, dict]:
    items = [json.loads(ln) for ln in QUESTIONS.read_text(encoding="utf-8").splitlines()
             if ln.strip()]
    groups = {"tuned": [it for it in items if it["part"] in TUNED],
              "held": [it for it in items if it["part"] not in TUNED]}
    out: dict[str, dict] = {}
    for fmt, paths in made.items():
        data = WORK / f"data_{fmt}"
        if not (reuse and (data / "plans.db").exists()):
            if data.exists():
                shutil.rmtree(data)
            data.mkdir(parents=True)
            subprocess.run([sys.executable, "run_bot.py", "--data-dir", str(data), "ingest",
                            *map(str, paths)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                           env={**os.environ, "PLAN_EMBEDDER": "fake"})
        for group in parts:
            keep = WORK / f"answers_{fmt}_{group}.jsonl"
            out.setdefault(fmt, {})[group] = {"score": _ask(groups[group], data, keep),
                                              "n": len(groups[group])}
    return out


def _same_answers(fmt: str, group: str) -> tuple[int, int]:
    def load(f: str) -> list[tuple]:
        path = WORK / f"answers_{f}_{group}.jsonl"
        return [(r.get("found"), r.get("headline")) for r in
                map(json.loads, path.read_text(encoding="utf-8").splitlines())]
    a, b = load("text"), load(fmt)
    return sum(x == y for x, y in zip(a, b, strict=False)), len(a)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--formats", default="text,docx,pdf")
    ap.add_argument("--parts", default="tuned,held")
    ap.add_argument("--reuse", action="store_true", help="keep the ingested indexes")
    ap.add_argument("--no-ask", action="store_true", help="only read the files")
    args = ap.parse_args(argv)
    formats = args.formats.split(",")
    if "text" not in formats:
        formats.insert(0, "text")
    made = write_formats(formats)
    read = read_all(made)
    base = read["text"]
    print("format  plan                          segs  task  duty  target  same facts  meta same")
    for fmt in formats:
        for stem, r in read[fmt].items():
            t = base[stem]
            same = sum((Counter(r["keys"]) & Counter(t["keys"])).values())
            print(f"{fmt:6s}  {stem:28s}  {r['segments']:4d}  {r['facts'].get('task', 0):4d}  "
                  f"{r['facts'].get('duty', 0):4d}  {r['facts'].get('target', 0):6d}  "
                  f"{same:4d}/{len(t['keys']):<4d}  {r['meta'] == t['meta']}")
    result = {"read": {f: {s: {k: v for k, v in r.items() if k != "keys"}
                           for s, r in read[f].items()} for f in read}}
    if not args.no_ask:
        asked = ask_all(made, args.parts.split(","), args.reuse)
        for fmt in formats:
            for group in args.parts.split(","):
                same = _same_answers(fmt, group) if fmt != "text" else None
                extra = f"  same answer as text {same[0]}/{same[1]}" if same else ""
                print(f"{fmt:6s} {group:6s} {asked[fmt][group]['score']}{extra}")
        result["asked"] = asked
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "result.json").write_text(json.dumps(result, ensure_ascii=False, indent=1),
                                      encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
