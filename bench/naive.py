"""The naive peer: what a first attempt would do, to measure the assistant against.

Fixed 600-character chunks of the raw plan text, BM25 over lower-cased words (no accent
folding, no OCR repair, no structure), the top 3 chunks joined as the reply and the first
one as the headline. It always claims to have found something. Citations name the plan a
chunk came from (number and issuer from the plan's .meta.json sidecar), so it is judged on
its words, not penalised for not knowing where its text came from.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections import Counter
from pathlib import Path

CHUNK_CHARS = 600
TOP = 3
_WORD = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


class NaivePeer:
    def __init__(self, plans_dir: Path, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.chunks: list[tuple[str, str]] = []  # (plan label, chunk text)
        for path in sorted(Path(plans_dir).glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            side = path.with_suffix(".meta.json")
            meta = json.loads(side.read_text(encoding="utf-8")) if side.exists() else {}
            label = " – ".join(x for x in (f"Kế hoạch {meta.get('number', '')}".strip(),
                                           meta.get("issuer", path.stem)) if x)
            for i in range(0, len(text), CHUNK_CHARS):
                self.chunks.append((label, text[i:i + CHUNK_CHARS]))
        self.tf = [Counter(tokens(c)) for _, c in self.chunks]
        self.len = [sum(t.values()) for t in self.tf]
        self.avgdl = sum(self.len) / max(1, len(self.len))
        df: Counter = Counter()
        for t in self.tf:
            df.update(t.keys())
        n = len(self.chunks)
        self.idf = {w: math.log(1 + (n - d + 0.5) / (d + 0.5)) for w, d in df.items()}

    def search(self, question: str, k: int = TOP) -> list[int]:
        q = set(tokens(question))
        scores = []
        for i, tf in enumerate(self.tf):
            s = 0.0
            norm = self.k1 * (1 - self.b + self.b * self.len[i] / self.avgdl)
            for w in q:
                c = tf.get(w)
                if c:
                    s += self.idf[w] * c * (self.k1 + 1) / (c + norm)
            scores.append(s)
        return sorted(range(len(scores)), key=lambda i: -scores[i])[:k]

    def ask(self, question: str) -> dict:
        """A reply in the evaluation contract's shape."""
        t0 = time.perf_counter()
        top = self.search(question)
        texts = [" ".join(self.chunks[i][1].split()) for i in top]
        return {"question": question, "intent": "unknown", "found": True,
                "headline": texts[0] if texts else "",
                "answer": "\n\n".join(texts),
                "citations": [{"document": self.chunks[i][0], "section": "", "page": 0,
                               "quote": self.chunks[i][1][:200]} for i in top],
                "elapsed_ms": (time.perf_counter() - t0) * 1000}
