"""What each retrieval choice buys: `python bench/retrieval_ablation.py [--only NAME ...]`.

Fusion (weighted scores at several lexical shares, reciprocal rank fusion), each side
alone, and the lexical index's parts (syllable pairs, underthesea compounds, one-edit typo
tolerance), each measured on the dev questions in both forms plus a typo form. Prints the
table and writes bench/out/retrieval_ablation.json; see bench/ablation.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ablation import Variant, run  # noqa: E402
from intents.engine import AnswerEngine  # noqa: E402
from retrieval.lexical import BM25Index  # noqa: E402


class _ExactBM25(BM25Index):
    """BM25 without the one-edit correction of unknown query words."""

    def correct(self, word: str) -> list[str]:
        return [word]


def _rebuild(cls: type[BM25Index] = BM25Index, **opts: bool):  # noqa: ANN202
    def adjust(engine: AnswerEngine) -> None:
        engine.index.bm25 = cls([s.search for s in engine.index.segments], **opts)
    return adjust


def _no_dense(engine: AnswerEngine) -> None:
    engine.index.dense = None


def variants() -> list[Variant]:
    return [
        Variant("hybrid w=0.7", "weighted fusion, lexical share 0.7 (the product)"),
        Variant("weighted w=0.3", "weighted fusion, lexical share 0.3",
                settings={"lexical_weight": 0.3}),
        Variant("weighted w=0.55", "weighted fusion, lexical share 0.55 (the product before)",
                settings={"lexical_weight": 0.55}),
        Variant("weighted w=0.85", "weighted fusion, lexical share 0.85",
                settings={"lexical_weight": 0.85}),
        Variant("rrf k=60", "reciprocal rank fusion (k = 60) instead of weighted scores",
                settings={"fusion": "rrf"}),
        Variant("lexical only", "BM25 alone (no FAISS side)", adjust=_no_dense),
        Variant("dense only", "multilingual-e5-small through FAISS alone (lexical share 0)",
                settings={"lexical_weight": 0.0}),
        Variant("no syllable pairs", "BM25 over single syllables, no bigram terms",
                adjust=_rebuild(bigrams=False)),
        Variant("+ underthesea", "BM25 terms add underthesea's multi-syllable compounds",
                adjust=_rebuild(compounds=True)),
        Variant("no BM25 typo edits", "BM25 does not map an unknown query word to a plan word "
                "one edit away", adjust=_rebuild(_ExactBM25)),
        Variant("no typo correction", "questions not spell-corrected (intents/spelling.py) "
                "before they are understood",
                patch=lambda: mock.patch("intents.detect.correct", lambda s, known=(): s)),
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", help="variant names (e.g. 'rrf k=60')")
    args = ap.parse_args(argv)
    run(variants(), "Retrieval choices (dev set: accented, plain, plain with one typo)",
        "retrieval_ablation.json", args.only)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
