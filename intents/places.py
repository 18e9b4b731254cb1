"""The plans a question names: by locality (with or without diacritics, one wrong letter
tolerated) or by plan number ("kế hoạch 79", "27-KH/ĐU").

    places = Places(docs); find_localities("ai chu tri o tran lieu", places)
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from corpus.lexicon import syllables
from corpus.models import Document
from corpus.normalize import fold, words

PLAN_NO = re.compile(
    r"\b(?:ke hoach|kh|kế hoạch)\s*(?:so\s*)?(\d{1,4})\b|\b(\d{1,4})\s*[/-]\s*kh\b")
# a document of another kind named by its number: "quyết định 2820", "QĐ 2820",
# "2820/QĐ-UBND", "nghị quyết 03", "chương trình hành động 10", "đề án 06" (folded text).
# It names a loaded plan only when one has that number and kind; otherwise it is a
# document the question quotes ("triển khai Quyết định 06/QĐ-TTg"), whose number stays a
# word of the question
DOC_NO = re.compile(
    r"\b(quyet dinh|nghi quyet|chuong trinh(?: hanh dong)?|de an|qd|nq|ctr)\s*(?:so\s*)?"
    r"(\d{1,5})\b|\b(\d{1,5})\s*[/-]\s*(qd|nq|ctr|da)\b")
_KIND_CODE = {"quyet dinh": "qd", "nghi quyet": "nq", "chuong trinh": "ctr",
              "chuong trinh hanh dong": "ctr", "de an": "da", "ke hoach": "kh"}


def _kind_codes(doc: Document) -> set[str]:
    """The kind codes a plan answers to: its number's ("2820/QĐ-UBND": qd) and its
    kind's, and "kh" for the plan a Quyết định issues."""
    number = fold(doc.meta.number or "").lower()
    codes = set(re.findall(r"[/-]\s*([a-z]+)", number)[:1])
    codes.add(_KIND_CODE.get(fold(doc.meta.kind or "").lower(), ""))
    if fold(doc.meta.issues or "").lower() == "ke hoach":
        codes.add("kh")
    return codes - {""}

def _edits_ok(a: str, b: str) -> bool:
    """Equal, or one edit apart (a typo in a place name)."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1 or min(len(a), len(b)) < 5:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return a[i + 1:] == b[i + 1:] or a[i + 1:] == b[i:] or a[i:] == b[i + 1:]


# words that introduce a place ("xã Bình Tân"): a window starting or ending with one is the
# cue plus part of a name, never a misspelt name ("xa binh" is one letter from "ha binh")
_PLACE_CUES = frozenset(["xa", "phuong", "uy", "ubnd", "huyen", "tinh"])
# a word right before a name that says a place follows ("ở Bình Tân", "của xã …")
_BEFORE_PLACE = _PLACE_CUES | {"o", "tai", "cua"}
# words that join two places named together ("Lộc Tân và Phong Thổ")
_JOINS = frozenset(["va", "voi", "hoac", "cung"])
_FUZZY_MIN = 6  # shorter names are one letter from too many others to guess at
_CONSONANTS = re.compile(r"[bcdghklmnpqrstvx]{2,4}")


def _deletions(s: str) -> set[str]:
    return {s[:i] + s[i + 1:] for i in range(len(s))}


def _same_initials(a: str, b: str) -> bool:
    """Each syllable starts with the same letter: "binh tam" may be Bình Tân, but "hop
    nhung" (tích hợp những) is not Hợp Hưng."""
    return [w[:1] for w in a.split()] == [w[:1] for w in b.split()]


def _cued(toks: list[str], i: int) -> bool:
    return i > 0 and toks[i - 1] in _BEFORE_PLACE


def _cued_only(found: list[PlaceMatch], toks: list[str]) -> list[PlaceMatch]:
    """When the question marks a place ("xã Lộc Tân"), other names it holds without such a
    mark are words that happen to spell a commune ("hoàn thành Trung tâm" holds Thành
    Trung), unless joined to a marked one ("ở Lộc Tân và Phong Thổ")."""
    if not any(_cued(toks, m.start) for m in found):
        return found
    kept: list[PlaceMatch] = []
    for m in found:
        joined = bool(kept) and all(t in _JOINS for t in toks[kept[-1].end:m.start])
        if _cued(toks, m.start) or joined:
            kept.append(m)
    return kept


@dataclass
class PlaceMatch:
    doc_ids: list[str]
    start: int  # first token of the name in words(question)
    end: int  # one past its last token


class Places:
    """The plans' localities and numbers, folded and indexed once per set of plans, so that
    a question is matched by dictionary look-ups rather than against every plan in turn."""

    def __init__(self, docs: Iterable[Document]) -> None:
        self.docs = list(docs)
        self.by_name: dict[str, list[str]] = {}
        self.by_number: dict[int, list[str]] = {}
        for d in self.docs:
            key = fold(d.meta.locality)
            if key:
                self.by_name.setdefault(key, []).append(d.id)
            m = re.match(r"(\d+)", d.meta.number or "")
            if m:
                self.by_number.setdefault(int(m.group(1)), []).append(d.id)
        self.lengths = sorted({len(k.split()) for k in self.by_name}, reverse=True)
        # localities of two syllables or more by their initials ("hn" for Hà Nội)
        self.initials: dict[str, set[str]] = {}
        for key in self.by_name:
            if len(key.split()) >= 2:
                self.initials.setdefault("".join(w[0] for w in key.split()), set()).add(key)
        # symmetric deletions: a window one edit from a name shares a deletion with it
        self.near: dict[str, set[str]] = {}
        for key in self.by_name:
            if len(key) >= _FUZZY_MIN:
                for v in _deletions(key) | {key}:
                    self.near.setdefault(v, set()).add(key)

    def exact(self, toks: list[str]) -> list[PlaceMatch]:
        """Names written out in full (folded), longest first, not overlapping."""
        taken: set[int] = set()
        out: list[PlaceMatch] = []
        for n in self.lengths:
            for i in range(len(toks) - n + 1):
                ids = self.by_name.get(" ".join(toks[i:i + n]))
                if ids and not taken & set(range(i, i + n)):
                    out.append(PlaceMatch(ids, i, i + n))
                    taken.update(range(i, i + n))
        return sorted(out, key=lambda m: m.start)

    def one_off(self, toks: list[str]) -> list[PlaceMatch]:
        """A name with one letter wrong, missing or extra, when only one name fits."""
        found: dict[str, PlaceMatch] = {}
        for n in self.lengths:
            for i in range(len(toks) - n + 1):
                if toks[i] in _PLACE_CUES or toks[i + n - 1] in _PLACE_CUES:
                    continue
                window = " ".join(toks[i:i + n])
                if not _cued(toks, i) and all(w in syllables() for w in toks[i:i + n]):
                    continue  # real words, not a misspelt name: "den nam" is not Điền Nam
                cands = {k for v in _deletions(window) | {window} for k in self.near.get(v, ())}
                for key in cands:
                    if _edits_ok(window, key) and _same_initials(window, key) \
                            and key not in found:
                        found[key] = PlaceMatch(self.by_name[key], i, i + n)
        return list(found.values()) if len(found) == 1 else []

    @functools.cached_property
    def kinds(self) -> dict[str, set[str]]:
        """The kind codes each plan answers to ("Quyết định 2820" names 2820/QĐ-UBND), read
        the first time a question names a plan by kind."""
        return {d.id: _kind_codes(d) for d in self.docs}

    def by_initials(self, toks: list[str]) -> list[PlaceMatch]:
        """A place typed as its initials ("hn" for Hà Nội): a token of consonants only, at
        either end of the question or after a word that says a place follows, that spells
        the initials of exactly one loaded locality of two syllables or more."""
        for i, t in enumerate(toks):
            keys = self.initials.get(t, set())
            at_edge = i in (0, len(toks) - 1) or _cued(toks, i)
            if len(keys) == 1 and at_edge and _CONSONANTS.fullmatch(t):
                return [PlaceMatch(self.by_name[next(iter(keys))], i, i + 1)]
        return []

    def find(self, q: str) -> list[PlaceMatch]:
        toks = words(q)
        return _cued_only(self.exact(toks), toks) or self.one_off(toks) or self.by_initials(toks)


def find_localities(q: str, docs: Iterable[Document] | Places) -> list[str]:
    """Ids of the plans whose locality the question names, in the order named."""
    places = docs if isinstance(docs, Places) else Places(docs)
    return [d for m in places.find(q) for d in m.doc_ids]


def find_plan_numbers(q: str, docs: Iterable[Document] | Places) -> list[str]:
    """Ids of the plans the question names by number: "kế hoạch 79", "27-KH/ĐU" (any
    loaded plan with that number), "Quyết định 2820", "NQ 03" (one of that kind too)."""
    nums = {int(a or b) for a, b in PLAN_NO.findall(q)}
    if not nums and not DOC_NO.search(q):
        return []
    places = docs if isinstance(docs, Places) else Places(docs)
    wanted = {d for n in nums for d in places.by_number.get(n, [])}
    wanted |= {doc_id for _, doc_id in _named_by_kind(q, places)}
    return [d.id for d in places.docs if d.id in wanted]


def _named_by_kind(q: str, places: Places) -> list[tuple[re.Match, str]]:
    """Each reference by kind and number ("Quyết định 2820") with the id of the loaded plan
    it names: one of that number and that kind."""
    out = []
    for m in DOC_NO.finditer(q):
        kind, n, n2, code = m.groups()
        wanted = _KIND_CODE.get(kind, kind) if kind else code
        out += [(m, i) for i in places.by_number.get(int(n or n2), [])
                if wanted in places.kinds[i]]
    return out


def plan_number_words(q: str, docs: Iterable[Document] | Places) -> set[str]:
    """The words of the question that name a plan, not what the clause is about: the
    number of every "kế hoạch N", and the kind and number of "Quyết định N" and the like
    when a loaded plan is that document."""
    nums = {a or b for a, b in PLAN_NO.findall(q)}
    if not DOC_NO.search(q):
        return nums
    places = docs if isinstance(docs, Places) else Places(docs)
    number = {d.id: d.meta.number for d in places.docs}
    for m, doc_id in _named_by_kind(q, places):  # "Quyết định 2820/QĐ-UBND": all of it
        nums |= set(words(m.group(0))) | set(words(fold(number[doc_id]).lower()))
    return nums
