"""What each OCR repair group buys: `python bench/ocr_ablation.py [--only NAME ...]`.

The plans are read and the dev questions asked with every repair group, with none, and
with all groups but one (corpus/normalize.py, ALL_GROUPS). Prints the table and writes
bench/out/ocr_ablation.json; see bench/ablation.py for what is measured.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ablation import Variant, run  # noqa: E402
from corpus.normalize import ALL_GROUPS  # noqa: E402

_WHAT = {
    "so": '"s6", "sb" … read as "số"',
    "xa": '"x3", "x4", "x&" … read as "xã"',
    "dang": '"Pang", "DPang" … read as "Đảng"',
    "cua": '"ctia", "cia" … read as "của"',
    "la": '"1a" read as "là"',
    "letters": '"1y", "4n" …: l read as 1, a as 4 at a word start',
    "vowels": 'whole-word vowel confusions ("mei" = "mới", "vin" = "văn")',
    "digits": 'digits inside words turned back into letters ("d6i" = "đổi")',
    "ud": '"ud" inside a word read as "uo" ("ngudi" = "người")',
    "context": '"Pang ty" = "Đảng ủy", "chung thu se" = "chứng thư số" (word pairs)',
    "split": 'run-together syllables split ("ngudidancoso" = "người dân cơ sở")',
    "capital_p": 'a capital Đ read as P at a word start ("Pao tao" = "Đào tạo")',
}


def variants() -> list[Variant]:
    everything = frozenset(ALL_GROUPS)
    out = [Variant("all repairs", "every repair group (the product)"),
           Variant("no repairs", "folding only: lower case, no marks, đ→d", frozenset())]
    out += [Variant(f"- {g}", f"all but {g}: {_WHAT.get(g, g)}", everything - {g})
            for g in ALL_GROUPS]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", help="variant names (e.g. 'no repairs' '- split')")
    args = ap.parse_args(argv)
    run(variants(), "OCR repair groups (dev set, both forms)", "ocr_ablation.json", args.only)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
