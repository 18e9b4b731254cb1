"""Accuracy on the five real provincial plans (../shared/corpus/real/), which are not bundled.

    python bench/real_eval.py [--reuse] [--by-intent] [--part PART|all]

It ingests the real plans into a scratch data directory (bench/out/real_data, gitignored;
`--reuse` keeps an earlier one), splits bench/real_questions.jsonl into its tuning part, its held-aside part
and its late part (each item says which: "part"; the late part, 30 questions written in
session 5 before that session's work, was held aside until session 7, which tuned on it), and the
session-6 content questions (what/list/when: "tune2", tuned on, and "held2", scored only,
both written before the engine work they measure; "late2", 26 questions the lead wrote at
the start of session 6 and scored only, on the session's first and last main), the session-7 what-questions asking one detail of a
clause ("tune3", tuned on, and "held3", scored only, both written before the engine work),
"late3" (25 questions the lead wrote at the start of session 7 and scored only, on the session's
first and last main), "tune4"/"held4" (session 8: 16 questions on qualifier contrasts, sections
named by heading, agency duties, plural who and absent indicators, split by a hash of the
question before any engine work; held4 is scored only, with /work/tools/held_agg2.py),
"late4" (24 questions the lead wrote at the start of session 8, scored only in aggregate, on
the session's first and last main), "s9q_tune"/"s9q_held" (session 9: what/list questions —
an agency's tasks, a heading's items, a task's result, funding or deadline — and some the plans
do not answer, split by a hash of the question before any engine work; s9q_held is scored only,
with /work/tools/held_agg2.py), "s9v_tune"/"s9v_held" (session 9: near misses the plans do
not answer and answers that look like them) and "s9w_tune"/"s9w_held" (session 9: questions in
users' own phone wording), both split the same way, "late5" (26 the lead wrote in session 9 before merging
the session's branches, scored only in aggregate, on e9acb32 and the final main), and runs
the shared evaluator
(../shared/tools/evaluate.py) on each part separately, so the held-aside figure is never
mixed into the one tuned on.

`--by-number` adds a diagnostic score in which an answer may name its plan by number
("Kế hoạch 308/KH-UBND") instead of by locality: it separates "the answer is right" from
"the citation names the locality", which the plan's metadata decides.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import OUT, SHARED  # noqa: E402

QUESTIONS = ROOT / "bench" / "real_questions.jsonl"
REAL_PLANS = SHARED / "corpus" / "real"
DATA = OUT / "real_data"
PARTS = ("tune", "held", "late", "tune2", "held2", "late2", "tune3", "held3", "late3", "tune4",
         "held4", "late4", "s9v_tune", "s9v_held", "late5", "s9q_tune", "s9q_held", "s9w_tune",
         "s9w_held")
TUNED = ("tune", "tune2", "tune3", "late", "tune4", "s9v_tune", "s9q_tune", "s9w_tune")  # answers of these parts are kept to be read; the others never


def ingest(data_dir: Path, reuse: bool) -> None:
    if reuse and (data_dir / "plans.db").exists():
        return
    if data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True)
    plans = sorted(str(p) for p in REAL_PLANS.iterdir() if p.is_file())
    if not plans:
        raise SystemExit(f"không có kế hoạch nào trong {REAL_PLANS}")
    subprocess.run([sys.executable, "run_bot.py", "--data-dir", str(data_dir), "ingest", *plans],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def by_number(items: list[dict]) -> list[dict]:
    """The items with the plan's number as the document a citation must name."""
    return [{**it, "docs": [it["plan"].lower()]} for it in items]


def run_part(items: list[dict], data_dir: Path, by_intent: bool, keep: Path | None,
             env: dict[str, str] | None = None) -> str:
    """The shared evaluator's report on `items` asked of `data_dir`; `env`: the
    environment of the asking process (another embedder, say)."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False,
                                     encoding="utf-8") as f:
        f.write("".join(json.dumps(it, ensure_ascii=False) + "\n" for it in items))
        path = f.name
    cmd = [sys.executable, str(SHARED / "tools" / "evaluate.py"), path,
           "--cmd", f"{sys.executable} run_bot.py --data-dir {data_dir} ask --json --file"]
    if by_intent:
        cmd.append("--by-intent")
    if keep is not None:
        cmd += ["--keep", str(keep)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    Path(path).unlink()
    return proc.stdout + proc.stderr[-2000:]


def rescore(items: list[dict], answers: Path) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False,
                                     encoding="utf-8") as f:
        f.write("".join(json.dumps(it, ensure_ascii=False) + "\n" for it in items))
        path = f.name
    proc = subprocess.run([sys.executable, str(SHARED / "tools" / "score.py"), path,
                           str(answers)], cwd=ROOT, capture_output=True, text=True)
    Path(path).unlink()
    return proc.stdout + proc.stderr[-2000:]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--reuse", action="store_true", help="keep an ingested scratch data dir")
    ap.add_argument("--by-intent", action="store_true")
    ap.add_argument("--part", choices=(*PARTS, "all"), default="all")
    ap.add_argument("--data-dir", type=Path, default=DATA)
    ap.add_argument("--by-number", action="store_true",
                    help="also score with the plan number standing for its locality")
    args = ap.parse_args(argv)
    items = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    ingest(args.data_dir, args.reuse)
    OUT.mkdir(parents=True, exist_ok=True)
    parts = PARTS if args.part == "all" else (args.part,)
    for part in parts:
        chosen = [it for it in items if it.get("part", "tune") == part]
        # the held part's answers are scored, never kept to be read
        keep = OUT / f"real_{part}_answers.jsonl" if part in TUNED else None
        print(f"== {part} ({len(chosen)} questions, both forms)")
        print(run_part(chosen, args.data_dir, args.by_intent, keep), flush=True)
        if args.by_number and keep is not None:
            print(f"== {part}, plan named by number (diagnostic)")
            print(rescore(by_number(chosen), keep), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
