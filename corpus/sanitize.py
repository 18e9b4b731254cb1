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
"""

from __future__ import annotations

import re
import unicodedata

MAX_MARKS = 2
MAX_CHARS = 20_000

_SURROGATE = re.compile("[\ud800-\udfff]")
_BREAKS = re.compile(r"\r\n?|[\n\v\f\u0085\u2028\u2029]")
_TABS = re.compile(r"\t")
_SPACES = re.compile(r"[ \u00a0\u2000-\u200a\u202f\u205f\u3000]{2,}")
# format characters kept: ZWJ/ZWNJ (emoji sequences, some scripts), soft hyphen is dropped
_KEEP_FORMAT = frozenset("\u200c\u200d")


def _drop(ch: str) -> bool:
    cat = unicodedata.category(ch)
    if cat == "Cc":
        return True
    return cat == "Cf" and ch not in _KEEP_FORMAT


def cap_marks(text: str, limit: int = MAX_MARKS) -> str:
    """At most `limit` combining marks after any base character."""
    out: list[str] = []
    run = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me"):
            run += 1
            if run > limit:
                continue
        else:
            run = 0
        out.append(ch)
    return "".join(out)


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
    text = "".join(ch for ch in text if ch == "\n" or not _drop(ch))
    text = unicodedata.normalize("NFC", text)
    text = _SPACES.sub(" ", text)
    return text.strip()[:max_chars]
