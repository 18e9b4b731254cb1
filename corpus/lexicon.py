"""Vietnamese syllables, read lazily from the word list that underthesea ships."""

from __future__ import annotations

import functools
from collections import Counter
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


@functools.cache
def syllable_pairs() -> dict[tuple[str, str], int]:
    """Adjacent folded syllables inside Viet74K words ('van', 'hoa') and how many entries
    hold them, to tell a plausible split of run-together OCR text from an implausible one."""
    try:
        import underthesea
    except ImportError:
        return {}
    root = Path(underthesea.__file__).parent
    for rel in ("corpus/data/Viet74K.txt", "transformer/Viet74K.txt"):
        path = root / rel
        if path.exists():
            out: Counter[tuple[str, str]] = Counter()
            for line in path.read_text(encoding="utf-8").splitlines():
                ws = fold(line).split()
                out.update(zip(ws, ws[1:], strict=False))
            return dict(out)
    return {}


def validity(text: str) -> float:
    """Share of the words of `text` that are Vietnamese syllables (1.0 = all)."""
    words = fold(text).split()
    if not words:
        return 0.0
    known = syllables()
    return sum(w in known for w in words) / len(words)
