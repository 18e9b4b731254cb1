"""The reading copy: OCR text and unaccented text restored to proper Vietnamese.

A noisy-channel corrector. Each word token of a line gets candidate syllables (the same
letters with diacritics restored, plus readings one or two OCR edits away, each with a
cost from the OCR channel, `channel.py`); a syllable bigram language model (`lm.py`)
scores the sequences and Viterbi picks the best (`decode.py`). Numbers, codes,
punctuation, spacing and capitalisation stay as they were; clean text passes untouched.

Nothing is read at import: the counts load on the first call (about a second).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable

__all__ = ["restore_line", "restore_diacritics", "restore_lines", "learn", "is_clean_text"]

CLEAN_SHARE = 0.6  # a document whose lines are mostly clean is typed text, not OCR


def is_clean_text(text: str) -> bool:
    """Properly typed Vietnamese (every word a syllable as written, marks present)."""
    from corpus.lexicon import is_clean

    return is_clean(text)


@functools.lru_cache(maxsize=20_000)
def _restore(text: str, edits: bool, version: int) -> str:
    from corpus.reading.decode import decode_line

    return "\n".join(decode_line(line, edits=edits) for line in text.split("\n"))


def _version() -> int:
    from corpus.reading.lm import model

    return model().version


def restore_line(text: str) -> str:
    """An OCR line as proper Vietnamese (its reading copy); clean text comes back as is."""
    text = unicodedata.normalize("NFC", text or "")
    if not text.strip() or is_clean_text(text):
        return text
    return _restore(text, True, _version())


def restore_diacritics(text: str) -> str:
    """Plain unaccented Vietnamese with its marks restored; no OCR letter edits."""
    text = unicodedata.normalize("NFC", text or "")
    if not text.strip():
        return text
    return _restore(text, False, _version())


def restore_lines(lines: list[str]) -> list[str]:
    """The reading copy of a document's lines: untouched when the document is mostly
    clean text (a DOCX, a typed PDF), else each line restored."""
    texts = [ln for ln in lines if len(ln.split()) >= 3]
    if texts and sum(map(is_clean_text, texts)) >= CLEAN_SHARE * len(texts):
        return list(lines)
    return [restore_line(ln) for ln in lines]


def learn(lines: Iterable[str]) -> int:
    """Add the syllable counts of clean plan text to the language model (in this
    process); returns how many syllables were counted."""
    from corpus.reading.lm import model

    return model().learn(lines)
