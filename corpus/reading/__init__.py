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
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

__all__ = ["restore_line", "restore_diacritics", "restore_lines", "learn", "is_clean_text",
           "document_is_clean", "keep_counts_in"]

CLEAN_SHARE = 0.6  # a document whose lines are mostly clean is typed text, not OCR
CLEAN_KNOWN = 0.85  # share of a clean line's words that are known syllables as written
CLEAN_MARKED = 0.4  # share of a clean line's words that carry a diacritic
_LETTERS = re.compile(r"[^\W\d_]+")


def is_clean_text(text: str) -> bool:
    """Properly typed Vietnamese: nearly every word a syllable of the language model as
    written, and many with marks (in typed text three words in four carry one; OCR that
    lost its marks keeps well under half). One or two words: all known, one marked."""
    return _is_clean(unicodedata.normalize("NFC", text), _version())


# Answers read the same clauses' text again and again (`corpus.normalize.readable` of a
# quote or a heading): the check is made once per text and model state. Plan text only:
# questions (`restore_diacritics`) are checked afresh, so a stream of new questions never
# pushes a clause's check out of the cache and makes a later answer pay it again.
@functools.lru_cache(maxsize=20_000)
def _is_clean(text: str, version: int) -> bool:
    from corpus.reading.channel import fold_token
    from corpus.reading.lm import model

    words = [w for w in _LETTERS.findall(text.lower()) if len(w) > 1]
    if not words:
        return False
    ids = model().ids
    known = sum(w in ids for w in words)
    marked = sum(w != fold_token(w) for w in words)
    if len(words) < 3:
        return known == len(words) and marked > 0
    return known >= CLEAN_KNOWN * len(words) and marked >= CLEAN_MARKED * len(words)


# Two caches of readings, one for plan text (`restore_line`: clauses, headings, facts)
# and one for questions and names (`restore_diacritics`): every new question adds an
# entry, and in one shared cache 10,000 of them pushed the headings' reading copies out,
# so a later answer decoded a heading again (bench/ROBUSTNESS.md).
@functools.lru_cache(maxsize=20_000)
def _restore(text: str, edits: bool, version: int, after: str = "") -> str:
    return _read(text, edits, after)


@functools.lru_cache(maxsize=4096)
def _restore_typed(text: str, version: int) -> str:
    return _read(text, False, "")


def _read(text: str, edits: bool, after: str) -> str:
    from corpus.reading import copies
    from corpus.reading.decode import decode_line

    out = copies.shipped(text, edits, after)  # the bundled plans' lines, read ahead
    if out is None:
        lines = text.split("\n")  # the right context `after` follows the last line
        out = "\n".join(decode_line(line, edits=edits,
                                    after=after if i == len(lines) - 1 else "")
                        for i, line in enumerate(lines))
    copies.remember(text, edits, after, out)
    return out


def _version() -> int:
    from corpus.reading.lm import model

    return model().version


def restore_line(text: str, assume_ocr: bool = False, after: str = "") -> str:
    """An OCR line as proper Vietnamese (its reading copy); clean text comes back as is
    (unless `assume_ocr`: a snippet of a plan known to be OCR, where a few words that
    happen to be syllables do not make the text clean). `after`, the start of the next
    line when the sentence runs on there, is read as right context, not returned."""
    text = unicodedata.normalize("NFC", text or "")
    if not text.strip() or (not assume_ocr and is_clean_text(text)):
        return text
    return _restore(text, True, _version(), unicodedata.normalize("NFC", after))


def restore_diacritics(text: str) -> str:
    """Plain unaccented Vietnamese with its marks restored; no OCR letter edits. Marks the
    writer typed stay, and clean text comes back as is."""
    text = unicodedata.normalize("NFC", text or "")
    if not text.strip() or _is_clean.__wrapped__(text, _version()):
        return text
    return _restore_typed(text, _version())


def document_is_clean(lines: list[str]) -> bool:
    """True when most lines of three words or more are clean text (a DOCX, a typed PDF):
    such a document is its own reading copy, and teaches the language model its words."""
    texts = [ln for ln in lines if len(ln.split()) >= 3]
    return bool(texts) and sum(map(is_clean_text, texts)) >= CLEAN_SHARE * len(texts)


def restore_lines(lines: list[str]) -> list[str]:
    """The reading copy of a document's lines: untouched when the document is mostly
    clean text, else each line restored, a line whose sentence runs on into the next one
    read with that line's first words as its right context."""
    if document_is_clean(lines):
        return list(lines)
    return [restore_line(ln, after=_runs_on(ln, lines[i + 1] if i + 1 < len(lines) else ""))
            for i, ln in enumerate(lines)]


CONTEXT_WORDS = 2  # words of the next line read as a line's right context


def _runs_on(line: str, nxt: str) -> str:
    """The first words of `nxt` when `line`'s sentence goes on there: the line does not end
    a sentence or a clause, and the next one starts in lower case (a wrapped line, not a
    heading, a list item or a new page)."""
    if not line.strip() or line.rstrip()[-1:] in ".:;!?" or not nxt[:1].islower():
        return ""
    return " ".join(nxt.split()[:CONTEXT_WORDS])


def learn(lines: Iterable[str], key: str | None = None) -> int:
    """Add the syllable counts of clean plan text to the language model; returns how many
    syllables were counted. With a `key` (the plan's content hash) a plan counts once, and
    its counts go to the `keep_counts_in` file too, for later processes."""
    from corpus.reading.lm import learn_plan, model

    if key is not None:
        return learn_plan(list(lines), key)
    return model().learn(lines)


def keep_counts_in(path: Path | None) -> None:
    """Where the counts of the clean plans read are kept (a file beside the index)."""
    from corpus.reading.lm import keep_counts_in as keep

    keep(path)
