"""Estimate the OCR channel (`corpus/data/ocr_channel.tsv`) from aligned pairs.

    python -m corpus.reading.fit --plans corpus/plans \
        --gold ../shared/eval/reading_dev.jsonl --exclude-held \
        --skip bench/data/reading_other.jsonl

Two sources of (true syllable, OCR token) pairs:
- gold lines: OCR lines with their gold Vietnamese (only the tuning part of
  `reading_dev.jsonl`: `--exclude-held` keeps the held-aside part, and every line of the
  gold file, out of everything); the tokens of a line are paired in order;
- the OCR plans themselves, by hard EM: each line is decoded with the current channel and
  every token read as a syllable gives the pair (syllable, token). The first channel is
  estimated from the gold pairs alone, so that EM starts from the OCR's real confusions.
Each pair is aligned character by character with the current channel and the character
pairs are counted; the counts become the next channel. A few rounds settle it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import Counter
from pathlib import Path

from corpus.reading import channel as channel_mod
from corpus.reading import decode
from corpus.reading.channel import CHANNEL_FILE, Channel, fold_token
from corpus.reading.lm import model

GOLD_WEIGHT = 10.0  # a hand-checked pair counts as much as ten decoded ones
HELD_SHARE = 35  # the same split as bench/reading.py


def held_aside(file: str, line: int) -> bool:
    key = f"{file}:{line}".encode()
    return int(hashlib.sha256(key).hexdigest()[:8], 16) % 100 < HELD_SHARE


def gold_pairs(rows: list[dict]) -> list[tuple[str, str]]:
    """(true syllable, OCR token) from OCR lines and their gold, where the word tokens of
    both line up one to one with no more than two plain edits between each pair."""
    from rapidfuzz.distance import Levenshtein

    out = []
    for r in rows:
        ocr = [t.text for t in decode._tokens(r["ocr"]) if not t.fixed]
        gold = [t.text.lower() for t in decode._tokens(r["gold"]) if not t.fixed]
        if len(ocr) != len(gold):
            continue
        for g, o in zip(gold, ocr, strict=True):
            if Levenshtein.distance(fold_token(g), fold_token(o.lower())) <= 2:
                out.append((g, o))
    return out


def decoded_pairs(lines: list[str]) -> list[tuple[str, str]]:
    """(syllable chosen, OCR token) for every token the decoder read as a syllable."""
    out = []
    for line in lines:
        toks = [t for t in decode._tokens(line) if not t.fixed]
        restored = decode.decode_line(line)
        again = [t for t in decode._tokens(restored) if not t.fixed]
        if len(again) != len(toks):
            continue
        lm = model()
        for t, r in zip(toks, again, strict=True):
            low = r.text.lower()
            if low in lm.ids:
                out.append((low, t.text))
    return out


def count(pairs: list[tuple[str, str]], ch: Channel, weight: float) -> Counter:
    counts: Counter = Counter()
    for true, ocr in pairs:
        _, chars = ch.align(true, ocr)
        for t, o in chars:
            counts[(t, o)] += weight
    return counts


def _install(ch: Channel) -> None:
    channel_mod._CHANNEL = ch
    decode._candidates.cache_clear()


def fit(plan_lines: list[str], gold_rows: list[dict], rounds: int = 3) -> Channel:
    gold = gold_pairs(gold_rows)
    # the gold pairs alone first: decoding with the bare prior would teach the channel its
    # own first mistakes (a capital Đ read as P deleted, "Pang" -> "áng")
    ch = Channel(dict(count(gold, Channel(), GOLD_WEIGHT))) if gold else Channel()
    for k in range(rounds):
        _install(ch)
        pairs = decoded_pairs(plan_lines)
        counts = count(pairs, ch, 1.0) + count(gold, ch, GOLD_WEIGHT)
        print(f"round {k + 1}: {len(pairs)} decoded pairs, {len(gold)} gold pairs", flush=True)
        ch = Channel(dict(counts))
    return ch


def save(ch: Channel, path: Path = CHANNEL_FILE) -> None:
    rows = sorted(ch.counts.items(), key=lambda kv: (-kv[1], kv[0]))
    lines = ["# true_char\tocr_char\tcount (empty = inserted / dropped); corpus.reading.fit"]
    lines += [f"{t}\t{o}\t{n:g}" for (t, o), n in rows if n >= 1]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--plans", default="corpus/plans")
    ap.add_argument("--gold")
    ap.add_argument("--exclude-held", action="store_true")
    ap.add_argument("--skip", action="append", default=[],
                    help="a JSONL of lines (file, line) kept out of the decoded pool too")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", default=str(CHANNEL_FILE))
    args = ap.parse_args()
    rows = []
    if args.gold:
        rows = [json.loads(ln) for ln in Path(args.gold).read_text(encoding="utf-8").splitlines()
                if ln.strip()]
    skip = {(r["file"], r["line"]) for r in rows}  # no gold line is also decoded
    for extra in args.skip:
        skip |= {(r["file"], r["line"]) for r in map(json.loads, Path(extra).read_text(
            encoding="utf-8").splitlines()) if r}
    if args.exclude_held:
        rows = [r for r in rows if not held_aside(r["file"], r["line"])]
    lines = []
    for path in sorted(Path(args.plans).glob("*.txt")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if (path.name, n) not in skip and line.strip():
                lines.append(line)
    ch = fit(lines, rows, args.rounds)
    save(ch, Path(args.out))
    print(f"{len(ch.counts)} character pairs -> {args.out}")


if __name__ == "__main__":
    main()
