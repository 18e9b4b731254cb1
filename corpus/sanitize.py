"""One boundary for text from outside (questions from the CLI, the bots, JSON): make it safe
to compose, search, store and print.

- Lone surrogates (what a JSON escape like "\\ud800" decodes to) become U+FFFD: UTF-8 cannot
  encode them, so SQLite, `print` and `json.dumps(..., ensure_ascii=False)` would fail.
- NFC, so "ế" typed as e + two combining marks matches the plans.
- A run of combining marks longer than `MAX_MARKS` is cut: Vietnamese needs at most two on
  one letter (ệ = e + circumflex + dot below in NFD); a "zalgo" flood of hundreds made every
  per-character step of the engine slow.
- Control characters are dropped (tab, line and paragraph separators become a space), and
  so are the invisible format characters that carry no letters: bidi embeddings, overrides
  and isolates (they can reverse how a reply is displayed), zero-width spaces, the BOM.
  The zero-width joiner and variation selectors stay, inside emoji sequences they belong to.
- Runs of spaces collapse, and the text is cut at `max_chars` (the engine and the bots say
  when a question is too long; the cut bounds what any later step reads).

A question (`clean_question`) is cut further, at `QUESTION_CHARS`: what the engine works on
is never longer than a long real question, so a 20,000-character message costs what such a
question costs (the per-question work grows with its words: candidate spellings, clauses,
facts compared). The longest of 1,024 real and phone-typed questions measured (the dev
sets, bench/real_questions.jsonl, bench/phone_questions.jsonl) has 206 characters.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

MAX_MARKS = 2
MAX_CHARS = 20_000
QUESTION_CHARS = 300  # what the engine reads of a question: 1.5 x the longest real one

_SURROGATE = re.compile("[\ud800-\udfff]")
_BREAKS = re.compile(r"\r\n?|[\n\v\f\u0085\u2028\u2029]")
_TABS = re.compile(r"\t")
_SPACES = re.compile(r"[ \u00a0\u2000-\u200a\u202f\u205f\u3000]{2,}")
# format characters kept: ZWJ/ZWNJ (emoji sequences, some scripts), soft hyphen is dropped
_KEEP_FORMAT = frozenset("\u200c\u200d")


def _kind(ch: str) -> str:
    """"m" for a combining mark, "d" for a character that is dropped, "x" for the rest."""
    cat = unicodedata.category(ch)
    if cat in ("Mn", "Me") or unicodedata.combining(ch):
        return "m"
    if (cat == "Cc" and ch != "\n") or (cat == "Cf" and ch not in _KEEP_FORMAT):
        return "d"
    return "x"


class _KindTable(dict):
    """str.translate table code point -> kind letter, filled on first sight of each
    character (bounded): the text's kinds in one C-level pass, then regexes over them,
    instead of a Python loop over every character (16 ms for 20,000 characters)."""

    def __missing__(self, code: int) -> str:
        out = _kind(chr(code))
        if len(self) < 65_536:
            self[code] = out
        return out


_KINDS = _KindTable()
_DROPPED = re.compile("d+")


@functools.cache
def _run_of(n: int) -> re.Pattern:
    return re.compile(f"m{{{n},}}")


def _cut(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """The text without the characters in the (ascending, disjoint) spans."""
    pieces, at = [], 0
    for a, b in spans:
        pieces.append(text[at:a])
        at = b
    pieces.append(text[at:])
    return "".join(pieces)


def cap_marks(text: str, limit: int = MAX_MARKS) -> str:
    """At most `limit` combining marks after any base character."""
    kinds = text.translate(_KINDS)
    if "m" * (limit + 1) not in kinds:
        return text
    return _cut(text, ((m.start() + limit, m.end())
                       for m in _run_of(limit + 1).finditer(kinds)))


def _drop_controls(text: str) -> str:
    """Control and format characters removed ("\n", ZWJ and ZWNJ kept)."""
    kinds = text.translate(_KINDS)
    if "d" not in kinds:
        return text
    return _cut(text, (m.span() for m in _DROPPED.finditer(kinds)))


def clean_text(text: str | None, max_chars: int = MAX_CHARS, lines: bool = False) -> str:
    """Text from outside, safe for every later step. `lines` keeps line breaks (a file of
    questions, a message with several lines); otherwise they become spaces."""
    if not text:
        return ""
    text = str(text)
    # bound the work before anything per-character: a flood of marks shrinks a lot below,
    # so a generous multiple of the limit is read
    text = text[: max_chars * 8]
    text = _SURROGATE.sub("\ufffd", text)
    text = _BREAKS.sub("\n" if lines else " ", _TABS.sub(" ", text))
    # decompose, cap the marks, compose: NFC alone keeps a flood on its letter
    text = cap_marks(unicodedata.normalize("NFD", text))
    text = _drop_controls(text)
    text = unicodedata.normalize("NFC", text)
    text = _SPACES.sub(" ", text)
    return text.strip()[:max_chars]


class Question(NamedTuple):
    """A message made safe and cut to what the engine reads."""

    text: str  # at most QUESTION_CHARS, cut at a word boundary when it can be
    length: int  # the cleaned message's length, counted up to `limit` + 1

    @property
    def cut(self) -> bool:
        return len(self.text) < self.length


def clean_question(text: str | None, limit: int = 1000,
                   keep: int = QUESTION_CHARS) -> Question:
    """`clean_text` of a question, cut at `keep` characters. Only `limit` + 1 characters are
    cleaned (and 8 times that read): enough to tell a message over `limit` (which the
    engine refuses) from one it answers in part."""
    full = clean_text(text, max_chars=limit + 1)
    if len(full) > limit:  # refused: say how long the message was as it came
        return Question(full[:keep], max(len(str(text)), limit + 1))
    if len(full) <= keep:
        return Question(full, len(full))
    head = full[:keep]
    # a word is not cut in two: the last space, unless it is far back (one long "word")
    space = head.rfind(" ")
    if space >= keep * 3 // 4:
        head = head[:space]
    return Question(head.rstrip(), len(full))
