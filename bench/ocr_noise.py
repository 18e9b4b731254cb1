"""A synthetic OCR measuring set for the reading copy: clean Vietnamese corrupted by an OCR
noise model estimated from the bundled OCR plans.

    python bench/ocr_noise.py [--per-part 300] [--seed 57]   # writes bench/data/reading_synth.jsonl
    python bench/reading.py --file bench/data/reading_synth.jsonl

**The noise model** is estimated, not written by hand:
- from the five bundled OCR plans against their reading copies (`restore_lines`): each OCR
  word token paired with the syllable it was read as (lines of `reading_dev.jsonl` and
  `bench/data/reading_other.jsonl` left out, so no measured line shapes the noise);
- and, weighted ten times as in `corpus.reading.fit`, the gold pairs of the tuning part of
  `reading_dev.jsonl`: OCR errors no decoder chose, so the noise also holds confusions the
  channel had not learned ("&" for "ề", a lone "6" for "số");
- each pair aligned character by character (the channel's alignment); every true character
  gets the OCR string it came out as ("ủ" → "ti", "ư" → "w", "Đ" → "P", "ố" → "6", a
  dropped letter → ""), counted apart for syllables whose letters the OCR kept (only marks
  lost or changed) and for syllables with letter errors beyond marks;
- how many syllables of a line have letter errors: the empirical per-line shares (lines of
  six tokens or more), so clean and very noisy lines both occur;
- syllables run together / split in two: rates from the tuning part of `reading_dev.jsonl`
  (gold against OCR, aligned token to token).
Capitals have their own distributions where the plans give enough of them (a capital "Đ"
comes out as "P"), backed off to the small letter's.

**The clean text**: the five clean provincial plans in `../shared/corpus/real/` (typed, not
OCR; the language model of the reading copy never counted them: it counts only the clean
plans an index holds, and `bench/reading.py` loads no index), cut into OCR-sized lines of 8
to 16 words, tables and cut-off lines left out, tone placement made canonical ("hoá" →
"hóa", the spelling the model writes). A hash of file and source line puts each line in
`tune` or `held`, so the two parts share no paragraph; the tuning part also gets the gold
sides of the tuning part of `reading_dev.jsonl`, corrupted afresh. Numbers, codes and
abbreviations pass uncorrupted: the reading copy must keep them.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import json
import random
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.reading import held_aside  # noqa: E402

SHARED = ROOT.parent / "shared"
OUT = ROOT / "bench/data/reading_synth.jsonl"
GOLD_WEIGHT = 10.0  # a gold pair counts as ten decoded ones (as in corpus.reading.fit)
CAPITAL_BACKOFF = 30.0  # pseudo-counts a capital's distribution takes from its small letter's
_CUT_OFF = "\ufffd"  # the clean plans' text extraction cut some long lines here
# a letter outside Vietnamese and plain Latin (a mistyped "cǜng"): not a gold to measure on
_FOREIGN = re.compile("[^\\W\\d_a-zA-ZđĐ" + "".join(
    unicodedata.normalize("NFC", v + m) + unicodedata.normalize("NFC", v + m).upper()
    for v in "aăâeêioôơuưy" for m in ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"))
    + "]")


def _fold(text: str) -> str:
    from corpus.reading.channel import fold_token

    return fold_token(text.lower())


# ---- estimating ----------------------------------------------------------------------------
def _measured_lines() -> set[tuple[str, int]]:
    keep_out = set()
    for path in (SHARED / "eval/reading_dev.jsonl", ROOT / "bench/data/reading_other.jsonl"):
        for ln in path.read_text(encoding="utf-8").splitlines():
            if ln.strip():
                r = json.loads(ln)
                keep_out.add((r["file"], r["line"]))
    return keep_out


def plan_pairs() -> tuple[list[tuple[str, str]], list[float]]:
    """(true syllable, OCR token) pairs of the bundled plans against their reading copies,
    and the share of syllables with letter errors of each line of six tokens or more."""
    from corpus.reading import restore_lines
    from corpus.reading.decode import _tokens

    skip = _measured_lines()
    pairs: list[tuple[str, str]] = []
    shares: list[float] = []
    for path in sorted((ROOT / "corpus/plans").glob("*.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        copies = restore_lines(lines)
        for n, (ocr, copy) in enumerate(zip(lines, copies, strict=True), 1):
            if (path.name, n) in skip or "|" in ocr:
                continue
            a = [t.text for t in _tokens(ocr) if not t.fixed]
            b = [t.text for t in _tokens(copy) if not t.fixed]
            if len(a) != len(b) or not a:
                continue
            pairs += list(zip(b, a, strict=True))
            if len(a) >= 6:
                shares.append(sum(_fold(x) != _fold(y) for x, y in zip(a, b, strict=True))
                              / len(a))
    return pairs, shares


def gold_pairs() -> list[tuple[str, str]]:
    """(true syllable, OCR token) of the tuning part of reading_dev, where the tokens of a
    line and its gold line up one to one: OCR errors no decoder chose, so the noise holds
    what the channel was never taught (the held-aside part stays out)."""
    from rapidfuzz.distance import Levenshtein

    from corpus.reading.decode import _tokens

    rows = [json.loads(ln) for ln in (SHARED / "eval/reading_dev.jsonl").read_text(
        encoding="utf-8").splitlines() if ln.strip()]
    out = []
    for r in rows:
        if held_aside(r):
            continue
        ocr = [t.text for t in _tokens(r["ocr"]) if not t.fixed]
        gold = [t.text for t in _tokens(r["gold"]) if not t.fixed]  # case kept: "Đ" → "P"
        if len(ocr) == len(gold):
            out += [(g, o) for g, o in zip(gold, ocr, strict=True)
                    if Levenshtein.distance(_fold(g), _fold(o)) <= 2]
    return out


def char_units(true: str, ocr: str) -> list[tuple[str, str]]:
    """Each true character with the OCR string it came out as (insertions go with the
    character before them; leading ones with the first)."""
    from corpus.reading.channel import channel

    _, pairs = channel().align(true.lower(), ocr.lower())
    units: list[list[str]] = []
    lead, i, j = "", 0, 0
    for t, o in pairs:
        got = ocr[j] if o else ""
        j += bool(o)
        if not t:
            if units:
                units[-1][1] += got
            else:
                lead += got
            continue
        units.append([true[i], got])
        i += 1
    if units and lead:
        units[0][1] = lead + units[0][1]
    return [(t, o) for t, o in units]


def split_join_rates() -> tuple[float, float]:
    """Per syllable: how often the OCR ran a syllable into the next one, and split one in
    two, from the tuning part of reading_dev (gold against OCR, tokens aligned)."""
    rows = [json.loads(ln) for ln in (SHARED / "eval/reading_dev.jsonl").read_text(
        encoding="utf-8").splitlines() if ln.strip()]
    from corpus.reading.decode import _WORD as word  # "thu’orng", "s¢" are one token

    joins = splits = total = 0
    for r in rows:
        if held_aside(r):
            continue
        o = [_fold(w) for w in word.findall(r["ocr"])]
        g = [_fold(w) for w in word.findall(r["gold"])]
        total += len(g)
        j, s = _align_counts(o, g)
        joins, splits = joins + j, splits + s
    return joins / total, splits / total


def _align_counts(o: list[str], g: list[str]) -> tuple[int, int]:
    """Joins (one OCR token for two gold syllables) and splits (two for one) on the
    cheapest token alignment."""
    from rapidfuzz.distance import Levenshtein

    def d(a: str, b: str) -> float:
        return Levenshtein.normalized_distance(a, b)

    inf = float("inf")
    n, m = len(o), len(g)
    best = [[(inf, 0, 0)] * (m + 1) for _ in range(n + 1)]
    best[0][0] = (0.0, 0, 0)
    for i in range(n + 1):
        for j in range(m + 1):
            c, jn, sp = best[i][j]
            if c == inf:
                continue
            steps = []
            if i < n and j < m:
                steps.append((i + 1, j + 1, d(o[i], g[j]), 0, 0))
            if i < n:
                steps.append((i + 1, j, 1.0, 0, 0))
            if j < m:
                steps.append((i, j + 1, 1.0, 0, 0))
            if i < n and j + 1 < m:
                steps.append((i + 1, j + 2, d(o[i], g[j] + g[j + 1]) + 0.2, 1, 0))
            if i + 1 < n and j < m:
                steps.append((i + 2, j + 1, d(o[i] + o[i + 1], g[j]) + 0.2, 0, 1))
            for a, b, cost, dj, ds in steps:
                if c + cost < best[a][b][0]:
                    best[a][b] = (c + cost, jn + dj, sp + ds)
    _, jn, sp = best[n][m]
    return jn, sp


class NoiseModel:
    """Per true character, the OCR strings it comes out as, apart for syllables the OCR kept
    the letters of (`clean`) and those with letter errors (`err`)."""

    def __init__(self, pairs: list[tuple[str, str]], shares: list[float],
                 join: float, split: float, gold: list[tuple[str, str]] = ()) -> None:
        self.dist: dict[str, dict[str, Counter]] = {"clean": defaultdict(Counter),
                                                    "err": defaultdict(Counter)}
        for weight, some in ((1.0, pairs), (GOLD_WEIGHT, gold)):
            for true, ocr in some:
                state = "clean" if _fold(true) == _fold(ocr) else "err"
                for t, o in char_units(true, ocr):
                    self.dist[state][t][o] += weight
        self.shares = sorted(shares)
        self.join, self.split = join, split
        self._tables: dict[tuple[str, str], tuple[list[str], list[float]]] = {}

    def summary(self) -> dict:
        err = sum(s > 0 for s in self.shares)
        return {"lines": len(self.shares),
                "mean letter-error share": round(sum(self.shares) / len(self.shares), 3),
                "lines with some letter error": round(err / len(self.shares), 3),
                "join rate": round(self.join, 4), "split rate": round(self.split, 4)}

    def _table(self, state: str, t: str) -> tuple[list[str], list[float]]:
        key = (state, t)
        if key not in self._tables:
            own = Counter(self.dist[state].get(t, {}))
            low = t.lower()
            if t != low:  # a capital: its own counts and its small letter's, capitalised
                n = sum(own.values())
                small = self.dist[state].get(low, Counter({low: 1}))
                total = sum(small.values())
                for o, k in small.items():
                    own[o[:1].upper() + o[1:]] += CAPITAL_BACKOFF * k / total
                if not n and not small:
                    own[t] += 1
            if not own:
                own[t] = 1.0
            outs = list(own)
            cum, acc = [], 0.0
            for o in outs:
                acc += own[o]
                cum.append(acc)
            self._tables[key] = (outs, cum)
        return self._tables[key]

    def _draw(self, rng: random.Random, state: str, t: str) -> str:
        outs, cum = self._table(state, t)
        return outs[bisect.bisect_right(cum, rng.random() * cum[-1])]

    def syllable(self, rng: random.Random, word: str, error: bool) -> str:
        """One OCR reading of a word; with `error` its letters differ (tried a few times)."""
        state = "err" if error else "clean"
        out = word
        for _ in range(20):
            out = "".join(self._draw(rng, state, c) for c in word)
            if not error or _fold(out) != _fold(word):
                break
        return out

    def line(self, rng: random.Random, text: str) -> str:
        """The text as the OCR might give it: word tokens corrupted, numbers, codes and
        abbreviations kept; some syllables run together or split."""
        from corpus.reading.decode import _tokens

        share = self.shares[rng.randrange(len(self.shares))]
        toks = _tokens(text)
        out, at = [], 0
        for k, tok in enumerate(toks):
            gap = text[at:tok.start]
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            word = tok.text
            if not tok.fixed:
                word = self.syllable(rng, word, rng.random() < share)
                if len(word) >= 3 and rng.random() < self.split:
                    cut = rng.randrange(1, len(word) - 1)
                    word = word[:cut] + " " + word[cut:]
            if out and out[-1] == "" and gap == " ":
                gap = ""  # run into the word before
            out += [gap, word]
            at = tok.end
            if (nxt is not None and not tok.fixed and not nxt.fixed
                    and text[tok.end:nxt.start] == " " and rng.random() < self.join):
                out.append("")
        out.append(text[at:])
        return "".join(out)


# ---- the clean text ------------------------------------------------------------------------
def canonical_text(text: str) -> str:
    from corpus.reading.lm import canonical

    text = unicodedata.normalize("NFC", text)
    return re.sub(r"[^\W\d_]+", lambda m: _canonical_cased(m.group(0), canonical), text)


def _canonical_cased(word: str, canonical) -> str:
    low = canonical(word.lower())
    if word.isupper():
        return low.upper()
    return low[:1].upper() + low[1:] if word[:1].isupper() else low


def _part(file: str, line: int) -> str:
    h = int(hashlib.sha256(f"{file}:{line}".encode()).hexdigest()[:8], 16)
    return "held" if h % 2 else "tune"


def clean_lines(rng: random.Random) -> list[dict]:
    """OCR-sized pieces (8 to 16 words) of the clean plans, each with its part."""
    out = []
    for path in sorted((SHARED / "corpus/real").glob("*.txt")):
        for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "|" in raw or _CUT_OFF in raw or not raw.strip() or _FOREIGN.search(raw):
                continue
            words = raw.split()
            at = 0
            while at < len(words):
                size = rng.randint(8, 16)
                piece = " ".join(words[at:at + size])
                at += size
                letters = [w for w in re.findall(r"[^\W\d_]+", piece)]
                if len(letters) >= 6:
                    out.append({"file": path.name, "line": n, "gold": canonical_text(piece),
                                "part": _part(path.name, n)})
    return out


def build(per_part: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    pairs, shares = plan_pairs()
    join, split = split_join_rates()
    noise = NoiseModel(pairs, shares, join, split, gold_pairs())
    print(json.dumps(noise.summary(), ensure_ascii=False))
    pool = clean_lines(rng)
    rows = []
    for part in ("tune", "held"):
        mine = [r for r in pool if r["part"] == part]
        rng.shuffle(mine)
        rows += mine[:per_part]
    dev = [json.loads(ln) for ln in (SHARED / "eval/reading_dev.jsonl").read_text(
        encoding="utf-8").splitlines() if ln.strip()]
    rows += [{"file": "reading_dev:" + r["file"], "line": r["line"], "gold": r["gold"].strip(),
              "part": "tune"} for r in dev if not held_aside(r)]
    for r in rows:
        r["ocr"] = noise.line(rng, r["gold"])
    return [{k: r[k] for k in ("file", "line", "part", "ocr", "gold")} for r in rows]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--per-part", type=int, default=300)
    ap.add_argument("--seed", type=int, default=57)
    ap.add_argument("--out", default=str(OUT))
    args = ap.parse_args()
    rows = build(args.per_part, args.seed)
    Path(args.out).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                              encoding="utf-8")
    print(f"{len(rows)} lines -> {args.out}")


if __name__ == "__main__":
    main()
