"""Known agency names (corpus/data/agency_names.tsv) found in a text with the slack OCR
needs: a few letters in a name, a word split or glued."""

from __future__ import annotations

import functools

from rapidfuzz.distance import Levenshtein

from corpus.agencies.lexicon import KnownSpelling, common_pairs, known_by_first, syllable_set
from corpus.agencies.place_spans import place_end
from corpus.agencies.tokens import CHAIN, Tok, fuzzy_equal, slip_keys, words_from


@functools.lru_cache(maxsize=8192)
def _candidates(first: str) -> tuple[KnownSpelling, ...]:
    """Known spellings whose first word is `first` or one OCR slip away, longest first."""
    table = known_by_first()
    found = set(table.get(first, ()))
    for key in slip_keys(first) | ({first + "_"} if len(first) == 1 else set()):
        found.update(table.get(key, ()))
    return tuple(sorted(found, key=lambda k: (-len(" ".join(k.words)), k.words)))


@functools.lru_cache(maxsize=8192)
def _plan_of(k: KnownSpelling) -> tuple[str, int, int]:
    want = " ".join(k.words)
    return want, (len(want) // 7 if len(k.words) > 1 else 0), len(k.words)


def match_known(toks: list[Tok], i: int) -> tuple[KnownSpelling, int, int] | None:
    """The known spelling that covers most of the text from token i, with OCR slack: the
    whole within one letter in seven of the name; the closest spelling among equals
    ("Sở Y tế" is not "Bộ Y tế")."""
    cands = _candidates(toks[i].w)
    if not cands:
        return None
    words, _ = words_from(toks, i, CHAIN)
    joined = [""]
    for w in words:
        joined.append(f"{joined[-1]} {w}" if joined[-1] else w)
    best: tuple[int, int, KnownSpelling] | None = None  # (end, -distance, known)
    first = toks[i].w
    for k in cands:
        if first != k.words[0] and len(k.words[0]) <= 2 and k.words[0] not in syllable_set():
            continue  # "vé" is not "VP"
        want, limit, nw = _plan_of(k)
        # OCR splits and glues words: try one word fewer or more than the name has
        for n in (nw, nw - 1, nw + 1):
            if n <= 0 or n >= len(joined) or (n != nw and not limit):
                continue
            got = joined[n]
            if abs(len(got) - len(want)) > limit:
                continue
            d = Levenshtein.distance(got, want, score_cutoff=limit) if got != want else 0
            if d > limit:
                continue
            last = words[n - 1]
            if d and fuzzy_equal(last, k.words[-1]) is None and not last.endswith(k.words[-1]):
                continue  # a name cut at the line end is not that name ("… cơ quan chuyên")
            if d and n == nw and (any(_other_word(a, b)
                                      for a, b in zip(words[:n], k.words, strict=True))
                                  or _other_pair(words[:n], k.words)):
                continue  # "Tỉnh ủy" is not "Đảng ủy", "thanh toán" not "Thành đoàn"
            end = words_from(toks, i, n)[1]
            if best is None or (end, -d) > best[:2]:
                best = (end, -d, k)
            break
    return (best[2], best[0], -best[1]) if best else None


def _other_word(got: str, want: str) -> bool:
    """Two real words two letters apart or more: another word, not an OCR slip."""
    return got != want and got in syllable_set() and want in syllable_set() and \
        Levenshtein.distance(got, want) >= 2


def _other_pair(got: list[str], want: tuple[str, ...]) -> bool:
    """Two words of the text that make another common word where the name differs."""
    pairs = common_pairs()
    return any((a, b) != (c, d) and (a, b) in pairs
               for a, b, c, d in zip(got, got[1:], want, want[1:], strict=False))


def inside_words(toks: list[Tok], i: int, end: int) -> bool:
    """A name whose first and last words each belong to a common word with the words
    around it: "thủ tục hành | chính phủ | hợp" is not "Chính phủ"."""
    if i == 0 or end >= len(toks) or not toks[i - 1].word or not toks[end].word:
        return False
    pairs = common_pairs()
    if not ((toks[i - 1].w, toks[i].w) in pairs and (toks[end - 1].w, toks[end].w) in pairs):
        return False
    # a place right after the name ends it there: "của sở tài chính | phú thọ" is "Sở Tài
    # chính" of Phú Thọ, not "… tài | Chính phủ | thọ"
    return place_end(toks, end) == end
