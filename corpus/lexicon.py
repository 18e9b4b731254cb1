"""Vietnamese syllables, read lazily from the word list that underthesea ships."""

from __future__ import annotations

import functools
import importlib.util
import re
import unicodedata
from collections import Counter
from pathlib import Path

from corpus.normalize import fold, strip_marks


@functools.cache
def _entries() -> tuple[str, ...]:
    """The entries of Viet74K (NFC, one word or compound each); empty if unavailable."""
    # only the package's folder: importing underthesea costs about a second of CPU
    spec = importlib.util.find_spec("underthesea")
    if spec is None or not spec.submodule_search_locations:
        return ()
    root = Path(next(iter(spec.submodule_search_locations)))
    for rel in ("corpus/data/Viet74K.txt", "transformer/Viet74K.txt"):
        path = root / rel
        if path.exists():
            text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))
            return tuple(text.splitlines())
    return ()


@functools.cache
def folded_entries() -> tuple[str, ...]:
    """The entries of Viet74K folded (`fold` of each), in one pass over the whole list:
    folding 74,000 entries one call at a time took a fifth of a second, once for each
    table made from them, in the first question of every process."""
    entries = _entries()
    if not entries:
        return ()
    # marks stripped and lower-cased in one C-level pass; NFC does not compose across "\n"
    text = strip_marks("\n".join(entries)).lower()
    return tuple(" ".join(line.split()) for line in text.split("\n"))


@functools.cache
def syllables() -> frozenset[str]:
    """Folded syllables of Viet74K (e.g. 'moi', 'tran', 'lieu'); empty if unavailable."""
    return frozenset(w for line in folded_entries() for w in line.split() if w.isalpha())


@functools.cache
def accented_syllables() -> frozenset[str]:
    """Syllables of Viet74K as written, lower case NFC ('việc', 'giúp'): what clean text has."""
    return frozenset(w for line in _entries() for w in line.lower().split() if w.isalpha())


def is_clean(text: str, min_share: float = 0.85) -> bool:
    """True for properly typed Vietnamese (a DOCX, a good OCR): nearly every word is a
    syllable of the word list exactly as written, diacritics included."""
    words = [w for w in re.findall(r"[^\W\d_]+", unicodedata.normalize("NFC", text).lower())
             if len(w) > 1]
    if len(words) < 3:
        return False
    known = accented_syllables()
    if not known:
        return False
    marked = sum(1 for w in words if w != fold(w))
    return marked >= len(words) * 0.2 and sum(w in known for w in words) >= min_share * len(words)


@functools.cache
def syllable_pairs() -> dict[tuple[str, str], int]:
    """Adjacent folded syllables inside Viet74K words ('van', 'hoa') and how many entries
    hold them, to tell a plausible split of run-together OCR text from an implausible one."""
    # one Counter over every pair: C-level counting, not an update per entry
    splits = (line.split() for line in folded_entries())
    return dict(Counter(p for ws in splits for p in zip(ws, ws[1:], strict=False)))


def validity(text: str) -> float:
    """Share of the words of `text` that are Vietnamese syllables (1.0 = all)."""
    words = fold(text).split()
    if not words:
        return 0.0
    known = syllables()
    return sum(w in known for w in words) / len(words)


def one_edit(word: str, alphabet: str = "abcdefghijklmnopqrstuvwxyz") -> set[str]:
    """Every string one deletion, swap of neighbours, replacement or insertion away."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    swaps = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in alphabet]
    inserts = [a + c + b for a, b in splits for c in alphabet]
    return set(deletes + swaps + replaces + inserts)
