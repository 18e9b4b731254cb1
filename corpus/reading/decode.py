"""Viterbi over a line: each word token gets candidate syllables (channel cost), the
bigram language model scores each path, the cheapest path is the reading copy.

Only word tokens change: numbers, codes ("79/KH-UBND", "57-NQ/TW"), punctuation, spacing
and the capitalisation pattern of each token stay as they were. A token for which no
syllable is likely enough keeps its own spelling ("keep" candidate at `KEEP_COST`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from corpus.reading.channel import Channel, channel, fold_token
from corpus.reading.lm import NUM, SyllableLM, model

CHANNEL_WEIGHT = 1.0  # nats of channel cost per nat of language-model log-probability
KEEP_COST = 9.0  # keeping an unknown token as written, over and above its LM cost
CANDIDATES = 10  # per token, after the channel ranks them
# A word as the OCR writes it: letters, digits, and the symbols OCR reads for marked vowels.
_WORD = re.compile(r"[^\W_]+(?:[’'&€¢£¥§][^\W_]*)*|&[^\W_]+")
# Codes that stay as written: anything with a slash, a number with a hyphen before letters
# ("57-NQ"), a word mixing capitals and digits ("QH15", "TW57").
_CODE = re.compile(r"\S*/\S*|\d+-[^\W\d_]\S*|(?<!\S)[A-ZĐ]+\d+\w*")
_ROMAN = re.compile(r"[IVXLC]+")


@dataclass
class _Token:
    start: int
    end: int
    text: str
    fixed: bool  # numbers, codes, list markers: not decoded
    brk: bool  # punctuation (or a fixed token) stands between this token and the one before


def _tokens(line: str) -> list[_Token]:
    codes = [m.span() for m in _CODE.finditer(line)]
    out: list[_Token] = []
    last_end = 0
    for m in _WORD.finditer(line):
        a, b = m.span()
        if any(ca <= a < cb for ca, cb in codes):
            continue
        text = m.group()
        gap = line[last_end:a]
        brk = not out or bool(gap.strip()) or any(last_end <= ca < a for ca, _ in codes)
        nxt = line[b:b + 1]
        marker = (not out or not line[:a].strip(" -+•*")) and nxt in ").:" and (
            len(text) == 1 or _ROMAN.fullmatch(text) is not None or text.isdigit())
        fixed = marker or not any(c.isalpha() for c in text) or _glued_number(text)
        out.append(_Token(a, b, text, fixed, brk))
        last_end = b
    return out


def _glued_number(text: str) -> bool:
    """A word with a real number in it ("nam2030", "ISO9001"): left as written."""
    return re.search(r"\d{3,}|[257]", text) is not None


def _cased(word: str, like: str) -> str:
    letters = [c for c in like if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return word.upper()
    if like[:1].isupper() or (like[:1].isdigit() and len(like) > 1 and like[1:2].isupper()):
        return word[:1].upper() + word[1:]
    return word


@functools.lru_cache(maxsize=100_000)
def _candidates(low: str, edits: bool, version: int) -> tuple[tuple[int | None, float], ...]:
    """(syllable id or None for 'keep as written', channel cost) for a lower-case token."""
    lm, ch = model(), channel()
    exact = lm.ids.get(low)
    if not edits:
        same = lm.by_fold.get(fold_token(low), [])
        if not same:
            return ((exact, 0.0),) if exact is not None else ((None, 0.0),)
        return tuple((i, 0.0) for i in same)
    found = ch.candidates(lm, low, CANDIDATES)
    out = [(i, c * CHANNEL_WEIGHT) for i, c in found]
    if exact is None:
        out.append((None, KEEP_COST))
    return tuple(out)


def decode_line(line: str, edits: bool = True, lm: SyllableLM | None = None,
                ch: Channel | None = None) -> str:
    """The line with each word token replaced by its likeliest syllable."""
    lm = lm or model()
    _ = ch or channel()
    toks = _tokens(line)
    if not toks:
        return line
    num = lm.ids.get(NUM)
    # states: list of (score, back-pointer index, syllable id) per token
    chosen: list[str] = []
    prev_states: list[tuple[float, int | None]] = [(0.0, None)]  # (score, id)
    back: list[list[int]] = []
    cands_all: list[tuple[tuple[int | None, float], ...]] = []
    for tok in toks:
        if tok.fixed:
            cands: tuple[tuple[int | None, float], ...] = (
                (num if tok.text.isdigit() else None, 0.0),)
        else:
            cands = _candidates(tok.text.lower(), edits, lm.version)
        cands_all.append(cands)
        if tok.brk or tok.fixed:
            best = max(range(len(prev_states)), key=lambda k: prev_states[k][0])
            base_score = prev_states[best][0]
            states = [(base_score + lm.logp(None, i) - c, i) for i, c in cands]
            back.append([best] * len(cands))
        else:
            states, bp = [], []
            for i, c in cands:
                k_best, s_best = 0, -1e18
                for k, (s, p) in enumerate(prev_states):
                    v = s + lm.logp(p, i)
                    if v > s_best:
                        k_best, s_best = k, v
                states.append((s_best - c, i))
                bp.append(k_best)
            back.append(bp)
        if tok.fixed and not tok.text.isdigit():
            states = [(s, None) for s, _ in states]  # a code is no context for the next word
        prev_states = states
    k = max(range(len(prev_states)), key=lambda j: prev_states[j][0])
    picks = [0] * len(toks)
    for t in range(len(toks) - 1, -1, -1):
        picks[t] = k
        k = back[t][k]
    out, at = [], 0
    for tok, cands, pick in zip(toks, cands_all, picks, strict=True):
        i = cands[pick][0]
        word = tok.text if tok.fixed or i is None else _cased(lm.words[i], tok.text)
        out += [line[at:tok.start], word]
        at = tok.end
    chosen = [*out, line[at:]]
    return unicodedata.normalize("NFC", "".join(chosen))
