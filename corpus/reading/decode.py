"""Viterbi over a line: each word token gets candidate syllables (channel cost), the
bigram language model scores each path, the cheapest path is the reading copy.

Only word tokens change: numbers, codes ("79/KH-UBND", "57-NQ/TW"), punctuation, spacing
and the capitalisation pattern of each token stay as they were. A token for which no
syllable is likely enough keeps its own spelling ("keep" candidate at `KEEP_COST`).
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass

from corpus.reading.channel import Channel, channel, fold_token
from corpus.reading.lm import _SHIFT, NUM, SyllableLM, model

CHANNEL_WEIGHT = 1.0  # nats of channel cost per nat of language-model log-probability
KEEP_COST = 9.0  # keeping an unknown token as written, over and above its LM cost
CANDIDATES = 24  # per token, after the channel ranks them
TYPED_MARKS_COST = 4.0  # restoring diacritics: changing marks a writer typed
# A word as the OCR writes it: letters, digits, and the symbols OCR reads for marked vowels.
_WORD = re.compile(r"[^\W_]+(?:[’'&€¢£¥§][^\W_]*)*|&[^\W_]+")
# Codes that stay as written: anything with a slash, a number with a hyphen before letters
# ("57-NQ"), a word mixing capitals and digits ("QH15", "TW57"), a number with one or two
# capital consonants after it ("4G", "3D": a digit OCR reads for a letter stands in a
# word, and no syllable is a vowel's digit before a capital consonant alone).
_CODE = re.compile(r"\S*/\S*|\d+-[^\W\d_]\S*|(?<!\S)[A-ZĐ]{2,}\d+\w*"
                   r"|(?<![^\W_])\d+[BCDFGHJKLMNPQRSTVWXZ]{1,2}(?![^\W_])")
# The shape of a Vietnamese syllable (folded): onset, one to three vowels, coda.
_SYLLABLE_SHAPE = re.compile(r"(ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdghklmnpqrstvx])?"
                             r"[aeiouy]{1,3}(ng|nh|ch|[cmnpt])?")
_ROMAN = re.compile(r"[IVXLC]+")
_VOWEL = re.compile(r"[aeiouy]")
RUN_MIN = 8  # no syllable has this many letters: a longer word may be several run together
CAMEL_RUN_MIN = 5  # a capitalised piece of a run ("Vanhoa") may hold two syllables from here


@dataclass
class _Token:
    start: int
    end: int
    text: str
    fixed: bool  # numbers, codes, list markers: not decoded
    brk: bool  # punctuation stands between this token and the one before
    number: bool = False  # a number or a code that starts with one ("57-NQ/TW"): <num>
    apart: bool = False  # a syllable split off the one before it: a space goes between


def _tokens(line: str) -> list[_Token]:
    codes = [m.span() for m in _CODE.finditer(line)]
    spans = sorted([(a, b, True) for a, b in codes]
                   + [(*m.span(), False) for m in _WORD.finditer(line)
                      if not any(ca <= m.start() < cb for ca, cb in codes)])
    out: list[_Token] = []
    last_end = 0
    for a, b, code in spans:
        text = line[a:b]
        gap = line[last_end:a]
        brk = not out or bool(gap.strip())
        nxt = line[b:b + 1]
        marker = (not out or not line[:a].strip(" -+•*")) and nxt in ").:" and (
            len(text) == 1 or _ROMAN.fullmatch(text) is not None or text.isdigit())
        fixed = (code or marker or not any(c.isalpha() for c in text) or _glued_number(text)
                 or _abbreviation(text))
        number = fixed and not marker and text[:1].isdigit() and (code or text.isdigit())
        pieces = None if fixed else _run_together(text)
        if fixed and not code and not marker:
            pieces = _camel_run(text)
        if pieces:
            at = a
            for k, piece in enumerate(pieces):
                out.append(_Token(at, at + len(piece), piece, False, brk and not k, False,
                                  apart=k > 0))
                at += len(piece)
        else:
            out.append(_Token(a, b, text, fixed, brk or marker, number))
        last_end = b
    return out


def _run_together(text: str, min_len: int = RUN_MIN) -> list[str] | None:
    """Syllables the OCR ran together ("nguoidancoso"), as slices of the token; None for
    a token that is not such a run. Fewest syllables first, then the likeliest (dynamic
    programming over the folded vocabulary); kept only if every piece has the shape of a
    syllable and most neighbouring pieces are pairs the model has seen ("internet" stays)."""
    key = fold_token(text.lower())
    lm = model()
    if len(key) < min_len or not key.isalpha() or key in lm.by_fold:
        return None
    best: list[tuple[int, float, int] | None] = [None] * (len(key) + 1)
    best[0] = (0, 0.0, 0)
    for j in range(1, len(key) + 1):
        for i in range(max(0, j - 7), j):
            piece, prev = key[i:j], best[i]
            if prev is None or piece not in lm.by_fold or not _SYLLABLE_SHAPE.fullmatch(piece):
                continue
            score = (prev[0] + 1, prev[1] - math.log(lm.fold_count(piece) + 1), i)
            if best[j] is None or score[:2] < best[j][:2]:  # type: ignore[index]
                best[j] = score
    if best[-1] is None:
        return None
    cuts, j = [], len(key)
    while j:
        i = best[j][2]  # type: ignore[index]
        cuts.append((i, j))
        j = i
    pieces = [key[i:j] for i, j in reversed(cuts)]
    seen = sum(_seen_pair(lm, a, b) for a, b in zip(pieces, pieces[1:], strict=False))
    if seen * 2 < len(pieces) - 1:
        return None
    return [text[i:j] for i, j in reversed(cuts)]


_CAMEL = re.compile(r"[A-ZĐ]?[^\W\d_A-ZĐ]+(?:[A-ZĐ][^\W\d_A-ZĐ]+)+")


def _camel_run(text: str) -> list[str] | None:
    """Words the OCR ran together that keep their capitals ("PhongVanhoa", "BanThuong"):
    cut before each capital, a piece that is itself a run cut again; None unless every
    piece reads as syllables (names such as "TikTok", "ZaloPay" stay whole)."""
    if not _CAMEL.fullmatch(text):
        return None
    starts = [0] + [i for i, c in enumerate(text) if i and c.isupper()]
    out: list[str] = []
    for a, b in zip(starts, [*starts[1:], len(text)], strict=True):
        piece = text[a:b]
        if len(piece) > 1 and fold_token(piece.lower()) in model().by_fold:
            out.append(piece)
            continue
        runs = _run_together(piece, min_len=CAMEL_RUN_MIN)
        if not runs:
            return None
        out += runs
    return out


def _seen_pair(lm: SyllableLM, a: str, b: str) -> bool:
    """Some accented forms of the folded syllables a, b stand together in the counts."""
    return any(lm.big.get(i * _SHIFT + k) for i in lm.by_fold[a] for k in lm.by_fold[b])


def _abbreviation(text: str) -> bool:
    """Capitals that cannot be a syllable ("UBND", "KH", "OCOP") or a capital inside a
    lower-case word ("VNeID", "eKYC"): names and abbreviations, left as written."""
    letters = "".join(c for c in text if c.isalpha())
    if len(letters) > 1 and letters.isupper():
        return _SYLLABLE_SHAPE.fullmatch(fold_token(letters.lower())) is None
    if not any(a.islower() and b.isupper() for a, b in zip(text, text[1:], strict=False)):
        return False
    # one capital vowel inside a small-letter word that spells a syllable ("vOi", "tAm",
    # "sO"): the OCR read a hatted or horned vowel as a capital; not a name ("VNeID", "IoT")
    inner = [c for c in letters[1:] if c.isupper()]
    return (len(inner) != 1 or not _VOWEL.match(fold_token(inner[0].lower()))
            or fold_token(letters.lower()) not in model().by_fold)


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
def _candidates(text: str, edits: bool, version: int) -> tuple[tuple[int | None, float], ...]:
    """(syllable id or None for 'keep as written', channel cost) for a token."""
    lm, ch = model(), channel()
    low = text.lower()
    exact = lm.ids.get(low)
    if not edits:
        same = lm.by_fold.get(fold_token(low), [])
        if not same:
            return ((exact, 0.0),) if exact is not None else ((None, 0.0),)
        # marks the writer typed are kept unless the model finds them very unlikely
        typed = low != fold_token(low)
        return tuple((i, TYPED_MARKS_COST if typed and i != exact else 0.0) for i in same)
    found = ch.candidates(lm, text, CANDIDATES)
    out = [(i, c * CHANNEL_WEIGHT) for i, c in found]
    if exact is None:
        out.append((None, KEEP_COST))
    return tuple(out)


def decode_line(line: str, edits: bool = True, lm: SyllableLM | None = None,
                ch: Channel | None = None, after: str = "") -> str:
    """The line with each word token replaced by its likeliest syllable. `after` is the
    start of the next line when the sentence runs on: it is read as the line's right
    context ("nông nghiệp số vùng" / "cao") but not returned."""
    lm = lm or model()
    _ = ch or channel()
    own = len(_tokens(line))
    text = f"{line} {after}" if after.strip() and own else line
    toks = _tokens(text)
    if not toks:
        return line
    num = lm.ids.get(NUM)
    prev_states: list[tuple[float, int | None]] = [(0.0, None)]  # (score, id)
    back: list[list[int]] = []
    cands_all: list[tuple[tuple[int | None, float], ...]] = []
    for tok in toks:
        if tok.fixed:
            # a number is <num> to the model; an abbreviation it knows ("ubnd") is itself
            known = num if tok.number else lm.ids.get(tok.text.lower())
            cands: tuple[tuple[int | None, float], ...] = ((known, 0.0),)
        else:
            cands = _candidates(tok.text, edits, lm.version)
        cands_all.append(cands)
        if tok.brk:
            # the clause before the punctuation ends with the previous syllable
            ends = [s + lm.logp_end(p) for s, p in prev_states]
            best = max(range(len(prev_states)), key=lambda k: ends[k])
            base_score = ends[best]
            states = [(base_score + lm.logp_start(i) - c, i) for i, c in cands]
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
        prev_states = states
    trailing = text[toks[-1].end:].strip()
    final = [s + (lm.logp_end(p) if trailing else 0.0) for s, p in prev_states]
    k = max(range(len(prev_states)), key=lambda j: final[j])
    picks = [0] * len(toks)
    for t in range(len(toks) - 1, -1, -1):
        picks[t] = k
        k = back[t][k]
    out, at = [], 0
    for tok, cands, pick in zip(toks[:own], cands_all, picks, strict=False):
        i = cands[pick][0]
        word = tok.text if tok.fixed or i is None else _cased(lm.words[i], tok.text)
        out += [line[at:tok.start], " " if tok.apart else "", word]
        at = tok.end
    chosen = [*out, line[at:]]
    return unicodedata.normalize("NFC", "".join(chosen))
