"""Syllable accuracy of the reading copy on OCR lines with gold Vietnamese.

    python bench/reading.py [--file ../shared/eval/reading_dev.jsonl] [--show]

The lines are split once, by a hash of file and line number, into a tuning part and a
held-aside part (`HELD_SHARE`); only the tuning part's errors are ever printed (`--show`).
Syllable accuracy = 1 − (syllable edit distance to the gold) / (gold syllables), over
lower-case word tokens; also given: case-sensitive ("cased") and on folded letters
("letters": diacritics ignored, what the OCR letter repair alone achieves).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HELD_SHARE = 35  # percent of lines held aside
_WORD = re.compile(r"[^\W_]+")


def held_aside(row: dict) -> bool:
    if "part" in row:  # a set that names its parts (bench/data/reading_synth.jsonl)
        return row["part"] == "held"
    key = f"{row['file']}:{row['line']}".encode()
    return int(hashlib.sha256(key).hexdigest()[:8], 16) % 100 < HELD_SHARE


def syllables(text: str, lower: bool = True) -> list[str]:
    text = unicodedata.normalize("NFC", text)
    return _WORD.findall(text.lower() if lower else text)


def _distance(a: list[str], b: list[str]) -> int:
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


def score(pairs: list[tuple[str, str]], lower: bool = True, folded: bool = False) -> float:
    if folded:
        from corpus.normalize import fold

        pairs = [(fold(out), fold(gold)) for out, gold in pairs]
    errors = sum(_distance(syllables(out, lower), syllables(gold, lower)) for out, gold in pairs)
    total = sum(len(syllables(gold)) for _, gold in pairs)
    return 1 - errors / total if total else 0.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", default=str(Path(__file__).resolve().parents[2]
                                          / "shared/eval/reading_dev.jsonl"))
    ap.add_argument("--show", action="store_true", help="print the tuning part's errors")
    ap.add_argument("--learn", help="a folder of clean plans (.txt) the model learns first, as "
                    "it learns the clean plans an index holds")
    ap.add_argument("--corpus", action="store_true",
                    help="also time the reading copy of every bundled plan")
    ap.add_argument("--fresh", action="store_true",
                    help="decode every line: the shipped reading copies are not used")
    args = ap.parse_args()
    rows = [json.loads(ln) for ln in Path(args.file).read_text(encoding="utf-8").splitlines()
            if ln.strip()]
    from corpus.reading import restore_line

    if args.fresh:
        from corpus.reading import copies

        copies._shipped = {}  # read as empty: nothing is served ahead
    t0 = time.perf_counter()
    restore_line("khoi dong")  # load the model outside the timing
    load = time.perf_counter() - t0
    if args.learn:
        from corpus.reading import document_is_clean, learn

        for path in sorted(Path(args.learn).glob("*.txt")):
            lines = path.read_text(encoding="utf-8").splitlines()
            if document_is_clean(lines):
                print(f"learned {path.name}: {learn(lines)} syllables")
    t0 = time.perf_counter()
    outs = [restore_line(r["ocr"]) for r in rows]
    per_line = (time.perf_counter() - t0) / len(rows) * 1000
    print(f"{len(rows)} lines; model load {load:.1f} s; {per_line:.1f} ms a line (cold caches)")
    print(f"{'part':<12}{'lines':>6}{'syllables':>10}{'restored':>10}{'cased':>8}{'letters':>8}"
          f"{'OCR as is':>10}")
    for name, want in (("tuning", False), ("held-aside", True), ("all", None)):
        idx = [i for i, r in enumerate(rows) if want is None or held_aside(r) == want]
        pairs = [(outs[i], rows[i]["gold"]) for i in idx]
        raw = [(rows[i]["ocr"], rows[i]["gold"]) for i in idx]
        n = sum(len(syllables(rows[i]["gold"])) for i in idx)
        print(f"{name:<12}{len(idx):>6}{n:>10}{score(pairs):>10.3f}{score(pairs, False):>8.3f}"
              f"{score(pairs, folded=True):>8.3f}{score(raw):>10.3f}")
    if args.corpus:
        from corpus.reading import restore_lines

        plans = sorted((Path(__file__).resolve().parent.parent / "corpus/plans").glob("*.txt"))
        t0 = time.perf_counter()
        n = sum(len(restore_lines(p.read_text(encoding="utf-8").splitlines())) for p in plans)
        took = time.perf_counter() - t0
        print(f"bundled plans: {n} lines restored in {took:.1f} s ({took / n * 1000:.1f} ms a line)")
    if args.show:
        for r, out in zip(rows, outs, strict=True):
            if not held_aside(r) and syllables(out) != syllables(r["gold"]):
                print(f"\nOCR  {r['ocr']}\nOUT  {out}\nGOLD {r['gold']}")


if __name__ == "__main__":
    main()
