"""Vietnamese syllables, read lazily from the word list that underthesea ships."""

from __future__ import annotations

import functools
from pathlib import Path

from corpus.normalize import fold


@functools.cache
def syllables() -> frozenset[str]:
    """Folded syllables of Viet74K (e.g. 'moi', 'tran', 'lieu'); empty if unavailable."""
    try:
        import underthesea
    except ImportError:
        return frozenset()
    root = Path(underthesea.__file__).parent
    for rel in ("corpus/data/Viet74K.txt", "transformer/Viet74K.txt"):
        path = root / rel
        if path.exists():
            out: set[str] = set()
            for line in path.read_text(encoding="utf-8").splitlines():
                out.update(fold(line).split())
            return frozenset(s for s in out if s.isalpha())
    return frozenset()


def validity(text: str) -> float:
    """Share of the words of `text` that are Vietnamese syllables (1.0 = all)."""
    words = fold(text).split()
    if not words:
        return 0.0
    known = syllables()
    return sum(w in known for w in words) / len(words)
