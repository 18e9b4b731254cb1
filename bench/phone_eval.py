"""Phone-typed questions: how well they are normalised and answered.

    python bench/phone_eval.py [--split tune|held|both|PART] [--data-dir DIR] [--norm-only]

`bench/phone_questions.jsonl` holds questions as officials type them on a phone
(`question_plain`: no diacritics, abbreviations, Telex left over, typos, casual words) with
the question written out in full (`question`, the normalisation gold) and the answer gold
(`must_contain`, `docs`) in the format of `../shared/eval/dev.jsonl`. About 30% (`split`:
"held") is held aside: it is not looked at while tuning; report both parts.

It prints, per part:
- normalisation word accuracy: the words of `intents.normalize.normalize(question_plain)`
  that match the gold words (aligned), with diacritics and folded;
- answer scores (strict/lenient, both forms) by `../shared/tools/evaluate.py`.

Some questions are about the five clean provincial plans in `../shared/corpus/real/`
(not bundled). They need a data directory with those plans loaded as well:
    python run_bot.py --data-dir /tmp/realidx ingest corpus/plans/ ../shared/corpus/real/
(the default `--data-dir`).
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT / "bench" / "phone_questions.jsonl"
EVALUATE = ROOT.parent / "shared" / "tools" / "evaluate.py"
sys.path.insert(0, str(ROOT))


def _words(s: str) -> list[str]:
    s = unicodedata.normalize("NFC", s).lower()
    return re.findall(r"[\w%]+(?:[.,/-][\w%]+)*", s)


def _fold(w: str) -> str:
    s = unicodedata.normalize("NFD", w)
    return "".join(c for c in s if unicodedata.category(c) != "Mn").replace("đ", "d")


def word_accuracy(pairs: list[tuple[str, str]]) -> tuple[float, float]:
    """(exact, folded) share of gold words matched in order by the normalised words."""
    got = got_f = total = 0
    for out, gold in pairs:
        o, g = _words(out), _words(gold)
        total += len(g)
        got += sum(b.size for b in difflib.SequenceMatcher(None, o, g).get_matching_blocks())
        of, gf = [_fold(w) for w in o], [_fold(w) for w in g]
        got_f += sum(b.size for b in difflib.SequenceMatcher(None, of, gf).get_matching_blocks())
    return (got / total, got_f / total) if total else (1.0, 1.0)


def normalisation(items: list[dict], restore: bool = False) -> tuple[float, float, float, float]:
    from intents.normalize import normalize

    typed = word_accuracy([(it["question_plain"], it["question"]) for it in items])
    norm = word_accuracy([(normalize(it["question_plain"], restore=restore).text, it["question"])
                          for it in items])
    return (*typed, *norm)


def answers(items: list[dict], data_dir: str) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False,
                                     encoding="utf-8") as f:
        for it in items:
            f.write(json.dumps(it, ensure_ascii=False) + "\n")
        path = f.name
    cmd = f"{sys.executable} run_bot.py --data-dir {data_dir} ask --json --file"
    out = subprocess.run([sys.executable, str(EVALUATE), path, "--by-intent", "--cmd", cmd],
                         cwd=ROOT, capture_output=True, text=True)
    Path(path).unlink()
    return out.stdout + out.stderr[-2000:]


def quick(items: list[dict], data_dir: str, show: bool,
          forms: tuple[str, ...] = ("question_plain",)) -> str:
    """Plain forms only, asked in this process (for tuning): lenient/strict and misses."""
    sys.path.insert(0, str(EVALUATE.parent))
    import score

    from intents.engine import AnswerEngine
    from retrieval.settings import Settings

    engine = AnswerEngine.open(Settings.from_env().model_copy(update={"data_dir": Path(data_dir)}),
                               sync=False)
    s = l_ = 0
    lines = []
    n = 0
    for it in items:
        for form in forms:
            ans = engine.ask(it[form]).contract()
            st, le = score.judge(it, ans)
            s, l_, n = s + st, l_ + le, n + 1
            if show and not (st and le):
                lines.append(f"  {'MISS' if not le else 'LOOSE'} {it['id']} [{it['intent']}] "
                             f"{it[form]}\n       -> found={ans['found']} {ans['headline'][:200]}"
                             f"\n       gold {it['must_contain']}")
    return "\n".join([*lines, f"{'+'.join(forms)}: strict {s / max(n, 1):.1%} "
                                f"lenient {l_ / max(n, 1):.1%} n={n}"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="both",
                    help="tune, held, both (those two), or any other split the file names "
                         "(e.g. s9w_tune, s9q_tune); a split whose name has 'held' in it never "
                         "lists items")
    ap.add_argument("--data-dir", default="/tmp/realidx")
    ap.add_argument("--norm-only", action="store_true")
    ap.add_argument("--restore", action="store_true",
                    help="normalise with diacritics restored (the reading copy's model)")
    ap.add_argument("--quick", action="store_true",
                    help="plain forms only, in this process; --show lists the misses")
    ap.add_argument("--show", action="store_true")
    ap.add_argument("--file", type=Path, default=QUESTIONS,
                    help="another question set in the same format (no split: all 'tune')")
    ap.add_argument("--both-forms", action="store_true")
    args = ap.parse_args(argv)
    items = [json.loads(line) for line in args.file.open(encoding="utf-8") if line.strip()]
    for it in items:
        it.setdefault("split", it.get("part", "tune"))
    parts = ["tune", "held"] if args.split == "both" else [args.split]
    for part in parts:
        chosen = [it for it in items if it["split"] == part]
        if not chosen:
            continue
        t, tf, n, nf = normalisation(chosen, args.restore)
        print(f"== {part} (n={len(chosen)})")
        print(f"normalisation word accuracy: typed {t:.1%} (folded {tf:.1%}) -> "
              f"normalised {n:.1%} (folded {nf:.1%})")
        if args.quick:
            forms = ("question", "question_plain") if args.both_forms else ("question_plain",)
            print(quick(chosen, args.data_dir, args.show and "held" not in part, forms))
        elif not args.norm_only:
            print(answers(chosen, args.data_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
