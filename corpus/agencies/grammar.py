"""The grammar of an agency name: a head noun ("Sở", "UBND", "Trung tâm" …), the words of
its name up to where the clause takes over, and the body it belongs to."""

from __future__ import annotations

import functools
import re

from rapidfuzz.distance import Levenshtein

from corpus.agencies.known_names import match_known
from corpus.agencies.lexicon import (
    BODY_HEADS,
    HEAD_INDEX,
    MAX_NAME,
    STOP_PHRASES,
    abbreviations,
    all_name_pairs,
    common_pairs,
    fuzzy_heads,
    known_spellings,
    name_starts,
    name_words,
    stop_at,
    syllable_set,
)
from corpus.agencies.place_spans import place_end, place_kind_at
from corpus.agencies.tokens import Tok, words_from


def head_at(toks: list[Tok], i: int) -> tuple[str, str, int] | None:
    """A head noun at token i: (display, class, index after it). A head of two words or
    more may have an OCR slip ("Trung tim", "Uy ban nhindan")."""
    exact = None
    for words, display, cls in HEAD_INDEX.get(toks[i].w, ()):
        got, end = words_from(toks, i, len(words))
        if got == words and all(t.word for t in toks[i:end]):
            exact = _after_dot(toks, display, cls, end)
            break
    for words, display, cls in fuzzy_heads():
        if words[0][:1] != toks[i].w[:1]:
            continue  # the test below needs the same first letter: skip the word chains
        want = " ".join(words)
        limit = len(want) // 7
        for n in (len(words), len(words) - 1):
            got, end = words_from(toks, i, n)
            # only where OCR left a word that is no syllable ("nhindan", "tdm"): "hội viên"
            # is not "Học viện", "và phòng" not "Văn phòng"
            if len(got) == n and got[0][:1] == want[:1] and (exact is None or end > exact[2]) \
                    and any(w not in syllable_set() for w in got) \
                    and Levenshtein.distance(" ".join(got), want, score_cutoff=limit) <= limit:
                return display, cls, end
    return exact


def _after_dot(toks: list[Tok], display: str, cls: str, end: int) -> tuple[str, str, int]:
    """"TT. HĐND xã", "VP. UBND": the dot of an abbreviated head is part of it."""
    if end < len(toks) and toks[end].w == "." and len(toks[end - 1].w) <= 3 and \
            end + 1 < len(toks) and toks[end + 1].word:
        end += 1
    return display, cls, end


def _is_head_here(toks: list[Tok], i: int) -> bool:
    h = head_at(toks, i)
    return h is not None and (h[1] not in ("weak", "soft") or weak_ok(toks, i, h[2], h[1]))


def weak_ok(toks: list[Tok], i: int, after: int, cls: str = "weak") -> bool:
    """A head that is also an ordinary word is a head only before the start of a name."""
    if after >= len(toks) or not toks[after].word or stop_at(toks, after, True):
        return False
    head, nxt = toks[after - 1].w, toks[after].w
    prev = toks[i - 1].w if i > 0 and toks[i - 1].word else ""
    before = (toks[i - 2].w, prev) if i > 1 else ()
    if prev and (prev, toks[i].w) in common_pairs() and before not in STOP_PHRASES:
        return False  # "cán bộ", "hồ sơ", "tích cực"; not "đề nghị | Viện …"
    after2 = tuple(words_from(toks, after, 2)[0])
    if cls == "weak" and len(after2) == 2 and after2 in common_pairs() and \
            (head, nxt) not in name_starts() and after2 not in all_name_pairs():
        return False  # "bộ dữ liệu", "số cộng đồng": the words after it are another word
    if cls == "weak" and before in common_pairs() and before not in STOP_PHRASES:
        return False  # after a noun it qualifies: "xã hội số", "công nghệ số"
    if place_kind_at(toks, after):
        return False  # "địa | bàn phường": no name starts with a place
    if (head, nxt) in name_starts() or \
            _parallel_start(head, tuple(words_from(toks, after, 8)[0])):
        return True
    if (head, nxt) in common_pairs():  # "số liệu", "tổ chức", "hội nghị", "ban hành"
        return False
    if len(after2) == 2 and len(after2[1]) > 1 and after2[1] not in syllable_set() and \
            after2[1] not in name_words() and after2[1] not in abbreviations():
        return False  # "bộ quy tic", "trương quyết ligt": OCR debris after the first word
    if cls == "soft":
        if prev.isdigit() or before == ("bao", "nhieu") or prev == "may":
            return False  # "35 trạm", "bao nhiêu trường": things counted, not a body
        return nxt in syllable_set() or nxt in name_words()
    return nxt in name_words() or nxt in abbreviations()


# a ministry and the province's department of its sector share a name ("Bộ Thông tin và
# Truyền thông" / "Sở Thông tin và Truyền thông"): a name known under one head starts a
# name under the other
_PARALLEL = {"bo": "so", "so": "bo"}


def _parallel_start(head: str, after: tuple[str, ...]) -> bool:
    """The words after a Bộ/Sở are a whole known name of the parallel head ("bộ | thông
    tin và truyền thông"; not "bộ | thông tin dữ liệu")."""
    other = _PARALLEL.get(head)
    if other is None or len(after) < 2 or (other, after[0]) not in name_starts():
        return False
    return any(after[:len(tail)] == tail for tail in _name_tails(other))


@functools.cache
def _name_tails(head: str) -> tuple[tuple[str, ...], ...]:
    """The words after the head of each known name of two words or more after it."""
    return tuple(k.words[1:] for k in known_spellings() if k.words[0] == head and len(k.words) > 2)


def _stops(toks: list[Tok], j: int, first: bool) -> bool:
    """A clause word ends the name at token j, unless it is a syllable of a name's word."""
    return stop_at(toks, j, first) and not (
        not first and _one_word_stop(toks, j) and _inside_name_word(toks, j))


def _one_word_stop(toks: list[Tok], j: int) -> bool:
    """The stop at token j is one word long ("tư", not "phối hợp")."""
    nxt = toks[j + 1].w if j + 1 < len(toks) and toks[j + 1].word else ""
    return (toks[j].w,) in STOP_PHRASES and (toks[j].w, nxt) not in STOP_PHRASES


def _inside_name_word(toks: list[Tok], j: int) -> bool:
    """A one-syllable function word that is here a syllable of a word of known names:
    "đầu | tư", "tài | nguyên", "môi | trường" (folded, "tư"/"tài"/"môi" are "từ"/"tại"/
    "mọi")."""
    prev = toks[j - 1].w if j > 0 and toks[j - 1].word else ""
    nxt = toks[j + 1].w if j + 1 < len(toks) and toks[j + 1].word else ""
    here = toks[j].w
    return any(p in all_name_pairs() and p in common_pairs()
               for p in ((prev, here), (here, nxt)) if all(p))


def name_end(toks: list[Tok], start: int) -> int:
    """Where a name that starts at token `start` ends (exclusive)."""
    j, words = start, 0
    while j < len(toks) and words < MAX_NAME:
        t = toks[j]
        if t.word:
            if _stops(toks, j, words == 0) or place_kind_at(toks, j):
                break
            if words and t.w != "va" and _is_head_here(toks, j) and t.w not in name_words():
                break
            if t.w == "va" and (words == 0 or not _joins(toks, start, j)):
                break
            if t.w.isdigit() and words:
                break
            if _garbled(t.w):  # OCR debris ends a name: "… HĐND-UBND monahuag"
                break
            words += 1
            j += 1
            continue
        if t.w in "-–&" and words and j + 1 < len(toks) and toks[j + 1].word and \
                not stop_at(toks, j + 1, False) and (
                    not _is_head_here(toks, j + 1) or toks[j + 1].w in ("ubnd", "hdnd")):
            j += 1
            continue
        if t.w == "," and words and _enumeration_closes(toks, j):
            j += 1
            continue
        break
    return j


def _garbled(word: str) -> bool:
    """A word that is no syllable, abbreviation or name word: OCR debris."""
    return len(word) >= 4 and word.isalpha() and word not in syllable_set() and \
        word not in name_words() and word not in abbreviations() and \
        not re.fullmatch(r"[bcdfghjklmnpqrstvwxz]{2,6}", word)


def _joins(toks: list[Tok], start: int, j: int) -> bool:
    """"… và Du lịch" joins a name; "… và Sở Y tế", "… và các đơn vị" do not, except an
    office shared by two bodies ("Văn phòng Đoàn ĐBQH và HĐND tỉnh")."""
    if j + 1 >= len(toks) or not toks[j + 1].word or _stops(toks, j + 1, False):
        return False
    if _is_head_here(toks, j + 1):
        shared = {"ubnd", "hdnd", "dbqh", "dang", "uy"}
        return toks[j + 1].w in shared and any(t.w in shared for t in toks[start:j])
    return True


def _enumeration_closes(toks: list[Tok], comma: int) -> bool:
    """"Văn hóa, Thể thao và Du lịch": a comma inside a name is followed, within four
    words and no other punctuation, by "và" and a name word."""
    for seen, at in enumerate(range(comma + 1, min(comma + 7, len(toks)))):
        t = toks[at]
        if not t.word or _stops(toks, at, False) or _is_head_here(toks, at):
            return False
        if t.w == "va":
            return seen > 0
    return False


def body_at(toks: list[Tok], j: int) -> int:
    """The end of a body named at token j ("Tỉnh ủy", "HĐND tỉnh", "UBND xã"), else 0."""
    for b in BODY_HEADS:
        got, end = words_from(toks, j, len(b.split()))
        if got == b.split():
            end = place_end(toks, end)
            return body_at(toks, end) or end  # "Đảng ủy UBND tỉnh"
    known = match_known(toks, j) if j < len(toks) and toks[j].word else None
    if known is not None and known[0].words[0] in ("dang", "ubnd", "uy", "hdnd"):
        return known[1]
    return 0


def trim(toks: list[Tok], i: int, end: int) -> int:
    while end > i + 1 and not toks[end - 1].word:
        end -= 1
    return end
