"""Which loaded plan a user means: one resolver for the CLI, the bots and the engine.

    match_plans(docs, "79")               # by the number's head
    match_plans(docs, "27-KH/ĐU")         # by the whole number
    match_plans(docs, "xa loc tan")       # by locality, with or without its kind
    match_plans(docs, "16 Lộc Tân")       # both: they must agree

A reference names a plan by its document id, its number (whole, or the number before the
"/" or "-"), its locality (with or without "xã", "phường", any unit kind, any diacritics), or
a number and a locality together. Every loaded plan gets a score for what of it the
reference names; the best-scoring plans are returned, so "16" with two plans numbered 16 is
reported as ambiguous instead of removing the first one found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from corpus.models import Document
from corpus.normalize import fold

# "79", "79/kh-ubnd", "27-kh/du", "1234/qd-ubnd": digits, then optional /- parts
_NUMBER = re.compile(r"\d+(?:[/-][a-z0-9]+)*")
_WORD = re.compile(r"[a-z0-9]+")


class PlanRefError(LookupError):
    """No plan, or more than one, fits a reference; the message is Vietnamese."""


def _compact(text: str) -> str:
    return fold(text).replace(" ", "")


def _number_score(doc: Document, tokens: list[str]) -> int:
    """2 when the reference holds the whole number, 1 its head ("79" of "79/KH-UBND")."""
    number = _compact(doc.meta.number)
    head = re.match(r"\d+", number)
    best = 0
    for tok in tokens:
        if tok == number:
            return 2
        # a bare number matches the head; "79/QĐ" must not name "79/KH-UBND"
        if head and tok.isdigit() and tok == head.group():
            best = 1
    return best


def _locality_score(doc: Document, ref_words: list[str]) -> int:
    """How many words of the plan's locality stand in the reference, together and whole
    (so a unit kind such as "xã" or "phường", or any other word, may stand around it);
    0 when they do not all stand there."""
    loc = _WORD.findall(fold(doc.meta.locality))
    n = len(loc)
    if n and any(ref_words[i:i + n] == loc for i in range(len(ref_words) - n + 1)):
        return n
    return 0


def match_plans(documents: Iterable[Document], ref: str) -> list[Document]:
    """The loaded plans that fit `ref` best (empty when none does, or when the number and
    the locality it names belong to different plans)."""
    docs = list(documents)
    key = fold(ref)
    if not key:
        return []
    by_id = [d for d in docs if d.id in (ref.strip(), key)]
    if by_id:
        return by_id
    tokens = _NUMBER.findall(key.replace(" / ", "/"))
    ref_words = _WORD.findall(key)
    num = {d.id: _number_score(d, tokens) for d in docs}
    loc = {d.id: _locality_score(d, ref_words) for d in docs}
    found = docs
    # a number no plan has is not a plan number ("xã Lộc Tân 2025": a year), and a locality
    # no plan has is no constraint either; what some plan has must fit the plan chosen
    for score in (num, loc):
        best = max(score.values(), default=0)
        if best:
            found = [d for d in found if score[d.id] == best]
    if not any(num.values()) and not any(loc.values()):
        return []
    return found


def find_plan(documents: Iterable[Document], ref: str) -> Document | None:
    """The one plan `ref` names, or None (no plan, or several)."""
    found = match_plans(documents, ref)
    return found[0] if len(found) == 1 else None


def describe(doc: Document) -> str:
    """'79/KH-UBND (phường Trần Liễu)', for lists of candidates."""
    m = doc.meta
    where = " ".join(x for x in (m.locality_kind, m.locality) if x) or m.issuer
    return f"{m.number or doc.id}" + (f" ({where})" if where else "")


def resolve_plan(documents: Iterable[Document], ref: str) -> Document:
    """The one plan `ref` names; PlanRefError with a Vietnamese message otherwise."""
    docs = list(documents)
    found = match_plans(docs, ref)
    if len(found) == 1:
        return found[0]
    if not found:
        known = "; ".join(describe(d) for d in docs) or "chưa có kế hoạch nào"
        raise PlanRefError(f"không tìm thấy kế hoạch «{ref.strip()}». "
                           f"Các kế hoạch đã nạp: {known}.")
    raise PlanRefError(f"«{ref.strip()}» khớp {len(found)} kế hoạch: "
                       + "; ".join(describe(d) for d in found)
                       + ". Hãy ghi số hiệu đầy đủ hoặc kèm địa phương.")
