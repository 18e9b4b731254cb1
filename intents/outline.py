"""Answering a content question with a clause and its structure: "Kinh phí gồm những nguồn
nào?", "Nhiệm vụ về nguồn lực gồm những nội dung gì?", "triển khai những nền tảng nào?".

A plan states such answers as an opening clause (a heading, "a) Phát triển hải quan số:",
"Lộ trình chung …:") followed by its items ("1.", "a)", "-", "+"), each a segment of its own.
The segments keep their order and heading path (corpus.segment), so the items of a clause
are read back from the structure: the segments after it that stand under it (a deeper
heading path, or the same path with a deeper marker), down to the next one of its rank.

    outline = outline_of(engine, seg)              # the clause with its items, or None
    ans = set_around(engine, query, ev)            # the set the gate's clause opens or is in
    ans = set_answer(engine, query, doc_ids, qvec)  # … or, no clause passing, the closest sets
    ans = render(engine, query, outline)            # the reply: items named in the headline
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain, takewhile
from typing import TYPE_CHECKING

from corpus.models import Segment
from corpus.normalize import fold, readable, search_form, words
from intents.cite import HEADLINE_CHARS, citation, fit, place, quote, where
from intents.models import Answer, Query
from retrieval.lexical import STOP

if TYPE_CHECKING:
    import numpy as np

    from intents.engine import AnswerEngine
    from intents.evidence import Evidence

COVERAGE_MIN = 0.6  # the evidence gate's bar (intents.evidence), for the clause with its items
_WINDOW = 80  # segments read after a clause for its items
_CHUNK = 12  # … a few at a time
_CACHE_SIZE = 20000  # outlines kept per segment table
_HITS = 30  # hits read for a clause that opens the set asked
MIN_ITEMS = 2

# the marker a clause opens with, by rank: "I.", "1.", "1.1.", "1.1.1.", "a)", "-", "+"
_MARKERS = (
    (1, re.compile(r"^[IVX]{1,4}\s*[.,:]\s+\S")),
    (4, re.compile(r"^\d{1,2}\.\d{1,2}\.\d{1,2}\.?\s+\S")),
    (3, re.compile(r"^\d{1,2}\.\d{1,2}\.?\s+\S")),
    (2, re.compile(r"^\d{1,2}\s*[.)]\s*[^\d\s]")),
    (5, re.compile(r"^[a-zđ]\)\s*\S")),
    (6, re.compile(r"^[-–—•]\s*\S")),
    (7, re.compile(r"^[+*]\s*\S")),
)
_MARKER_TEXT = re.compile(r"^(?:[IVX]{1,4}\s*[.,:]|\d{1,2}(?:\.\d{1,2}){0,2}\.?\)?|[a-zđ]\)|"
                          r"[-–—•+*])\s*")
# words that ask for a set rather than name its content: "gồm những nội dung gì",
# "các nhóm nhiệm vụ nào", "những bước nào"
_SET_CUE = re.compile(r"\b(?:gom|bao gom|nhung|cac [a-z ]{1,30}nao|nhung gi|liet ke|ke ten|"
                     r"(?:\d{1,2}|hai|ba|bon|nam|sau|bay|tam|chin|muoi|may) [a-z ]{1,30}(?:nao|gi))\b")
_SET_WORDS = frozenset(["gom", "nhom", "noi", "dung", "loai", "phan", "buoc", "cach", "muc",
                        "hang"])
_SET_LEADS = frozenset(["nhung", "cac", "may", "gom"])
_FIELD_LABEL = re.compile(r"^(?:nhiem vu|co quan|don vi|thoi gian|thoi han|san pham|ket qua|"
                          r"nguon kinh phi|trong tam|trong do|vi du)\b")


_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # table -> {seg id: outline}


@dataclass
class Outline:
    """A clause that opens an enumeration, the items under it, and what stands under each."""

    head: Segment
    items: list[Segment]
    intro: list[Segment] = field(default_factory=list)  # prose before the first item
    under: dict[str, list[Segment]] = field(default_factory=dict)  # item id -> its own items
    name_words: list[str] = field(default_factory=list)  # what the clause calls the set


def rank(seg: Segment) -> int:
    """The rank of the marker a clause opens with (1 "I." … 7 "+"); 0 for prose."""
    text = seg.shown.strip().lstrip("‘'\". ")
    for r, pattern in _MARKERS:
        if pattern.match(text):
            return r
    return 0


def _after(engine: AnswerEngine, seg: Segment) -> Iterator[Segment]:
    """The segments that follow a clause in its plan, in order, read a few at a time (a
    clause's items end long before the window does)."""
    table = engine.index.segments
    pos = table.position(seg.id)
    if pos is None:
        return
    end = min(len(table), pos + 1 + _WINDOW)
    for start in range(pos + 1, end, _CHUNK):
        for s in table.many(range(start, min(end, start + _CHUNK))):
            if s.doc_id != seg.doc_id or s.order <= seg.order:
                return
            yield s


def _under_heading(seg: Segment, nxt: Segment) -> bool:
    """`nxt` stands under the heading `seg` opens: its heading path is seg's path plus seg."""
    n = len(seg.heading_path)
    return (len(nxt.heading_path) > n and nxt.heading_path[:n] == seg.heading_path
            and fold(nxt.heading_path[n])[:24] == fold(seg.shown.splitlines()[0])[:24])


def _inside(seg: Segment, after: Iterator[Segment]) -> list[Segment]:
    """The segments that stand under `seg`: under its heading, or — a lead-in ("…:") or an
    item with deeper-marked items after it — the same heading path with deeper markers (and
    what stands under those), down to the next clause of its rank or a new section."""
    nxt = next(after, None)
    if nxt is None:
        return []
    following = chain([nxt], after)
    path, n, r0 = seg.heading_path, len(seg.heading_path), rank(seg)
    if _under_heading(seg, nxt):
        return list(takewhile(lambda t: _under_heading(seg, t), following))
    lead_in = seg.shown.rstrip().endswith(":")
    first: int | None = None
    out = []
    for t in following:
        if len(t.heading_path) > n and t.heading_path[:n] == path:
            if first is None:
                break  # a new section, not an item of this clause
            out.append(t)  # what stands under an item that is a heading
            continue
        if t.heading_path != path:
            break
        rt = rank(t)
        if rt == 0 or (r0 and rt <= r0) or (first is not None and rt < first):
            break
        if first is None:
            if not lead_in and not r0:
                break
            first = rt
        out.append(t)
    return out


def outline_of(engine: AnswerEngine, seg: Segment) -> Outline | None:
    """The clause with the items that stand directly under it; None when it has fewer than
    two (a clause that is not a heading or a lead-in has none). Read once per index: the
    structure of an indexed plan does not change (a new index is a new segment table)."""
    cache = _CACHE.setdefault(engine.index.segments, {})
    if seg.id not in cache:
        if len(cache) > _CACHE_SIZE:
            cache.clear()
        cache[seg.id] = _read_outline(engine, seg)
    return cache[seg.id]


def _read_outline(engine: AnswerEngine, seg: Segment) -> Outline | None:
    inside = _inside(seg, _after(engine, seg))
    marked = [t for t in inside if rank(t) > 0]
    if not marked:
        return None
    top = min((len(t.heading_path), rank(t)) for t in marked)
    items = [t for t in marked if (len(t.heading_path), rank(t)) == top]
    if len(items) < MIN_ITEMS:
        return None
    first = inside.index(items[0])
    intro = [t for t in inside[:first] if len(t.heading_path) == top[0]]
    under: dict[str, list[Segment]] = {}
    bounds = [inside.index(i) for i in items] + [len(inside)]
    for item, a, b in zip(items, bounds, bounds[1:], strict=False):
        under[item.id] = inside[a + 1:b]
    return Outline(seg, items, intro, under, words(search_form(_name(seg))))


def opener_of(engine: AnswerEngine, seg: Segment) -> Segment | None:
    """The clause an item stands under: the nearest earlier clause of its heading path with
    a lower-ranked marker (or a lead-in ending with ":"), else the heading it stands under;
    checked by reading that clause's items back. Read once per index, like outlines."""
    cache = _CACHE.setdefault(engine.index.segments, {})
    key = ("up", seg.id)
    if key not in cache:
        cache[key] = _read_opener(engine, seg)
    return cache[key]


def _before(engine: AnswerEngine, seg: Segment) -> Iterator[Segment]:
    """The segments before a clause in its plan, nearest first, a few at a time."""
    table = engine.index.segments
    pos = table.position(seg.id)
    if pos is None:
        return
    stop = max(0, pos - _WINDOW)
    for end in range(pos, stop, -_CHUNK):
        for s in reversed(table.many(range(max(stop, end - _CHUNK), end))):
            if s.doc_id != seg.doc_id:
                return
            yield s


def _read_opener(engine: AnswerEngine, seg: Segment) -> Segment | None:
    r = rank(seg)
    if r == 0:
        return None
    found = None
    for cand in _before(engine, seg):
        if cand.heading_path == seg.heading_path:
            rc = rank(cand)
            if (rc and rc < r) or (rc == 0 and cand.shown.rstrip().endswith(":")):
                found = cand
                break
            if rc == 0:
                return None
        elif len(cand.heading_path) < len(seg.heading_path):
            found = cand  # the heading the item stands under
            break
    if found is None:
        return None
    outline = outline_of(engine, found)
    return found if outline is not None and any(i.id == seg.id for i in outline.items) else None


def asks_set(query: Query) -> bool:
    """The question asks for the items of something ("gồm những …", "các … nào")."""
    return query.intent == "list" or bool(_SET_CUE.search(query.search))


def _self_listing(seg: Segment) -> bool:
    """A clause that lists the items itself ("năm yếu tố: thể chế …; nhân lực …; …")."""
    body = readable(seg.shown)
    colon = body.find(":")
    tail = body[colon + 1:] if colon >= 0 else ""
    return tail.count(";") >= 2 or (colon >= 0 and tail.count(",") >= 3 and len(tail) < 400)


def content_query(query: Query) -> Query:
    """The question without the words that ask for a set: "gồm", and a container noun
    right after "những"/"các" or right before "nào"/"gì" ("gồm những nội dung gì", "các
    nhóm nhiệm vụ nào"); the same noun naming the thing asked about stays ("Nội dung thực
    hiện … gồm những phần nào")."""
    qw = words(query.search)
    asking = {"gom"}
    for i, w in enumerate(qw):
        if w in _SET_WORDS and (
                any(x in _SET_LEADS for x in qw[max(0, i - 2):i])
                or any(x in ("nao", "gi") for x in qw[i + 1:i + 3])):
            asking.add(w)
    terms = [t for t in query.terms if t not in asking]
    if not terms:
        # "gồm những nhóm nhiệm vụ nào": the noun asked for is all the content there is
        terms = [w for noun in query.asked for w in noun.split()]
    return query.model_copy(update={"terms": terms or query.terms})


def _name(head: Segment) -> str:
    """What a clause calls the set it opens: its text up to a colon or full stop; a long
    lead-in ("Trong giai đoạn 2026 - 2030, … cụ thể như sau:") by the heading it stands
    under ("" for the plan's preamble)."""
    if rank(head) == 0 and len(head.shown) > 120:
        return _MARKER_TEXT.sub("", readable(head.heading_path[-1])) if head.heading_path else ""
    return _label(head, 90)


def _pairs(ws: list[str]) -> set[tuple[str, ...]]:
    """The syllable pairs of a text (its syllable, when it has one), stop pairs aside."""
    if len(ws) == 1:
        return {(ws[0],)}
    return {(a, b) for a, b in zip(ws, ws[1:], strict=False)
            if not (a in STOP and b in STOP)}


def _named(asked: set[tuple[str, ...]], outline: Outline) -> float:
    """How well the clause's name matches the question: (syllable pairs shared)² / its
    pairs — "Về nguồn lực" for "nhiệm vụ về nguồn lực gồm những gì", not its item "Nguồn
    nhân lực"; the set's name beats its items', which share other words. Pairs, not
    syllables: "nội dung" is not "xây dựng"."""
    own = _pairs(outline.name_words)
    if not own:
        return 0.0
    shared = len(own & asked)
    return shared * shared / len(own)


def _covers(engine: AnswerEngine, query: Query, outline: Outline, floor: float) -> bool:
    """The clause with its items covers the question's words as the evidence gate asks,
    and at least as well as `floor` (the clause the gate found, when there is one)."""
    whole = " ".join([outline.head.search] + [i.body for i in outline.items])
    probe = outline.head.model_copy(update={"search": whole})
    return engine.coverage(query, probe) >= max(COVERAGE_MIN, floor)


def _own_coverage(engine: AnswerEngine, query: Query, outline: Outline) -> float:
    """The IDF-weighted share of the question's words the clause's own name has (without
    the headings above it, which an item inherits, and a long lead-in's body)."""
    bm = engine.index.bm25
    have = set(outline.name_words)
    terms = list(dict.fromkeys(query.terms))
    weight = {t: bm.idf(t) if bm is not None else 1.0 for t in terms}
    total = sum(weight.values())
    got = sum(w for t, w in weight.items() if t in have or have & set(query.alts.get(t, [])))
    return got / total if total else 0.0


def _candidates(engine: AnswerEngine, seg: Segment) -> list[Outline]:
    """The sets a close clause may belong to: the one it opens, else the one it is an item
    of; the set above that and the sets its items open (the question may ask for the larger
    set, or for one of its parts: "Yêu cầu … gồm những gì" found at "I. Mục đích, yêu
    cầu")."""
    first = outline_of(engine, seg)
    if first is None:
        up = opener_of(engine, seg)
        first = outline_of(engine, up) if up is not None else None
    if first is None:
        return []
    above = opener_of(engine, first.head)
    second = outline_of(engine, above) if above is not None else None
    below = [o for o in (outline_of(engine, i) for i in first.items) if o is not None]
    return [first] + ([second] if second is not None else []) + below


def set_answer(engine: AnswerEngine, query: Query, doc_ids: list[str] | None,
               qvec: np.ndarray | None, floor: float = 0.0) -> Answer | None:
    """For a question asking for a set that no clause the gate found opens or belongs to:
    the set among those the closest clauses open or belong to (see `_best_set`), with its
    items, when it covers the question at least as well as `floor` (the gate's clause);
    None when a close clause lists the set itself or no set fits."""
    if not asks_set(query):
        return None
    q = content_query(query)
    found: list[tuple[int, Outline]] = []
    for n, hit in enumerate(engine.search(q, doc_ids or None, qvec, k=_HITS)):
        seg = hit.segment
        if not found and _self_listing(seg) and engine.coverage(q, seg) >= COVERAGE_MIN:
            return None  # a close clause lists the set itself ("bao gồm: …, …, …")
        found += [(n, o) for o in _candidates(engine, seg)]
    best = _best_set(engine, query, q, found, floor)
    return render(engine, query, best) if best is not None else None


def set_around(engine: AnswerEngine, query: Query, ev: Evidence) -> Answer | None:
    """For a question asking for a set, answered by the evidence gate with a clause: the set
    that clause opens or belongs to, when one fits the question (see `_best_set`); None
    when the clause gives the answer itself (names it lists, "bao gồm: …, …, …") or
    stands alone."""
    seg = ev.hit.segment
    if not asks_set(query) or ev.direct or _self_listing(seg):
        return None
    q = content_query(query)
    best = _best_set(engine, query, q, [(0, o) for o in _candidates(engine, seg)])
    return render(engine, query, best, seg) if best is not None else None


def expand(engine: AnswerEngine, query: Query, ev: Evidence) -> Answer | None:
    """A heading or lead-in the gate found for a question that does not ask for a set
    ("Yêu cầu … là gì" found at "I. Mục đích, yêu cầu"): it says nothing alone, so the
    set it opens, or one of its items opens that fits the question better, with its items;
    None for a clause that is no heading or lead-in."""
    first = outline_of(engine, ev.hit.segment)
    if ev.direct or first is None:
        return None
    below = [o for o in (outline_of(engine, i) for i in first.items) if o is not None]
    best = _best_set(engine, query, content_query(query), [(0, o) for o in [first, *below]])
    return render(engine, query, best or first, ev.hit.segment)


def _best_set(engine: AnswerEngine, query: Query, q: Query,
              found: list[tuple[int, Outline]], floor: float = 0.0) -> Outline | None:
    """Of the sets found (with the rank of the hit that led to each), the one whose name
    matches the question best, then whose own words cover it best, then the higher in the
    outline, then the closer hit — among those that, with their items, cover the question
    as the evidence gate asks. A set whose name shares nothing with the question is not
    the one asked ("triển khai tại những chợ nào" is not answered by "Tổ chức thực hiện")."""
    qwords = words(query.search)
    asked = _pairs(qwords) | {(w,) for w in qwords}
    ranked: dict[str, tuple[tuple[float, float, int, int], Outline]] = {}
    for n, outline in found:
        if outline.head.id not in ranked:
            key = (round(_named(asked, outline), 2),
                   round(_own_coverage(engine, q, outline), 2),
                   -len(outline.head.heading_path), -n)
            ranked[outline.head.id] = (key, outline)
    # the best first; the costlier check of the items' words only as far as needed
    for key, outline in sorted(ranked.values(), key=lambda r: r[0], reverse=True):
        if key[0] == 0 and key[1] == 0:
            break
        if _covers(engine, q, outline, floor):
            return outline
    return None


def _label(seg: Segment, limit: int = 80) -> str:
    """An item named compactly: its text without the marker, up to a colon that closes a
    name ("Ngân sách địa phương: chi cho …"), else up to the first full stop."""
    text = " ".join(readable(seg.shown).split())
    text = _MARKER_TEXT.sub("", text, count=1)
    colon = text.find(":")
    if 0 < colon <= limit and len(text[:colon].split()) >= 2 \
            and not _FIELD_LABEL.match(fold(text[:colon])) and colon < len(text) - 3:
        return text[:colon].strip()
    if colon == len(text) - 1:
        text = text[:-1]
    stop = re.search(r"[.;](?:\s|$)", text)
    if stop:
        text = text[:stop.start()]
    return quote(text.strip(" .;,"), limit)


def inline_items(seg: Segment, terms: list[str] | None = None) -> tuple[str, list[str]] | None:
    """A clause that lists a set itself, after a colon ("… bao gồm: quản trị dữ liệu, biên
    mục số, …"): what comes before the colon, and the items (split at ";" where it has
    them, else at ","), up to the sentence's end; of several such lists, the one whose
    sentence has most of the question's words (`terms`); None for a clause that lists
    nothing."""
    text = " ".join(readable(seg.shown).split())
    best: tuple[int, str, list[str]] | None = None
    for m in re.finditer(":", text):
        start = max(text.rfind(". ", 0, m.start()) + 2, 0) if ". " in text[:m.start()] else 0
        tail = re.split(r"\.(?:\s|$)", text[m.end():], maxsplit=1)[0]
        parts = [p.strip(" ,;.") for p in re.split(";" if tail.count(";") >= 2 else ",", tail)]
        parts = [p for p in parts if p]
        if len(parts) < 3 or any(len(p) > 120 for p in parts):
            continue
        lead = _MARKER_TEXT.sub("", text[start:m.start()]).strip()
        # "…, bao gồm:", "… như:": the set's name without the word that opens the list
        lead = re.sub(r"[,\s]*\b(?:bao gồm|gồm có|gồm|như sau|như|sau đây)$", "", lead,
                      flags=re.I)
        said = set(words(search_form(lead + " " + tail)))
        score = sum(t in said for t in terms or [])
        if best is None or score > best[0]:
            best = (score, lead, parts)
    return (best[1], best[2]) if best is not None else None


def inline_headline(query: Query, seg: Segment, where_: str) -> str | None:
    """"<what the clause lists>: gồm N mục: a; b; c [where]" for a question asking for a set
    that a clause lists itself; None otherwise."""
    found = inline_items(seg, content_query(query).terms) if asks_set(query) else None
    if found is None:
        return None
    lead, parts = found
    head = f"{quote(lead, 90)}: gồm {len(parts)} mục: "
    room = HEADLINE_CHARS - len(head) - len(where_) - 8
    body = quote("; ".join(parts), max(room, 40))
    return f"{head}{body} [{where_}]"[:HEADLINE_CHARS]


def _asked_noun(query: Query, outline: Outline) -> str:
    """The noun the question asks for as the user wrote it, right after "những"/"các"
    ("những nền tảng nào" -> "nền tảng"), when the set's own name says it too (the set
    found may hold other things than the noun asked: duties, not "lĩnh vực"); else "mục"."""
    toks = re.findall(r"\w+", query.text)
    folded = [fold(t) for t in toks]
    named = " ".join(words(search_form(readable(outline.head.shown))))
    for noun in (n.split() for n in query.asked):
        for i in range(1, len(toks) - len(noun) + 1):
            if folded[i:i + len(noun)] == noun and folded[i - 1] in _SET_LEADS:
                shown = " ".join(toks[i:i + len(noun)]).lower()
                if fold(shown) != shown and f" {' '.join(noun)} " in f" {named} ":
                    return shown
    return "mục"


def _headline(query: Query, outline: Outline, where_: str) -> str:
    """"<the set>: gồm N <noun>: item; item; …": every item named when the room allows,
    each cut shorter the more there are (never below 40 characters; the rest "…")."""
    title = quote(_name(outline.head) or "Kế hoạch", 90)
    n = len(outline.items)
    lead = f"{title}: gồm {n} {_asked_noun(query, outline)}: "
    room = HEADLINE_CHARS - len(lead) - len(where_) - 8
    each = max(40, min(80, room // n - 2))
    labels = [_label(i, each) for i in outline.items]
    shown: list[str] = []
    for lab in labels:
        if len("; ".join([*shown, lab])) > room:
            break
        shown.append(lab)
    if not shown:
        shown = [quote(labels[0], max(room, 20))]
    tail = "; …" if len(shown) < len(labels) else ""
    return f"{lead}{'; '.join(shown)}{tail} [{where_}]"[:HEADLINE_CHARS]


FOCUS_CHARS = 600  # the clause the evidence gate found is quoted whole, as far as this
_MIN_ITEM = 110  # an item is never cut shorter than this (the rest is kept for «tiếp»)


def _shares(lengths: list[int], budget: int) -> list[int]:
    """Characters for each item: short items whole, what is left shared evenly among the
    long ones (an item of 90 characters does not leave 150 unused that a long one needs)."""
    shares = [0] * len(lengths)
    left, todo = budget, sorted(range(len(lengths)), key=lambda i: lengths[i])
    for k, i in enumerate(todo):
        even = left // (len(todo) - k) - 4
        shares[i] = max(_MIN_ITEM, min(lengths[i], even))
        left -= shares[i] + 4
    return shares


def render(engine: AnswerEngine, query: Query, outline: Outline,
           focus: Segment | None = None) -> Answer:
    """The reply: the items named in the headline; below, the opening clause and each item
    as far as one message allows, with the items under it named. `focus`, the clause the
    evidence gate found (the opening clause, an item, or one under an item), is quoted
    whole: the detail asked may stand in it."""
    head_seg = outline.head
    doc = engine.index.documents[head_seg.doc_id]
    head = _headline(query, outline, place(doc))
    fid = focus.id if focus is not None else ""
    top = [head, "", f"📄 {where(doc, head_seg)}",
           f"«{quote(head_seg.shown, FOCUS_CHARS if fid == head_seg.id else 200)}»"]
    top += [quote(readable(s.shown), 200) for s in outline.intro[:1]]
    inner = next((i for i in outline.items
                  if any(s.id == fid for s in outline.under.get(i.id, []))), None)
    budget = 1900 - len("\n".join(top))
    if inner is not None or any(i.id == fid for i in outline.items):
        budget -= min(len(readable(focus.shown)), FOCUS_CHARS) + 8 if focus else 0
    lengths = [0 if i.id == fid else len(readable(i.shown)) + 2 for i in outline.items]
    shares = _shares(lengths, budget)
    lines: list[str] = []
    rest: list[str] = []
    for item, share in zip(outline.items, shares, strict=True):
        line = f"• {quote(readable(item.shown), FOCUS_CHARS if item.id == fid else share)}"
        sub = [_label(s, 60) for s in outline.under.get(item.id, []) if rank(s) > 0]
        room = max(share, _MIN_ITEM) - len(line)
        if item is inner and focus is not None:
            line += f"\n   ▸ {quote(readable(focus.shown), FOCUS_CHARS)}"
        elif sub and room > 40:
            line += "\n   – " + quote("; ".join(sub), room)
        if len("\n".join(top + lines + [line])) > 1900:
            rest.append(line)
        else:
            lines.append(line)
    tail = [f"… và {len(rest)} mục nữa (gõ «tiếp» để xem)."] if rest else []
    cits = [citation(doc, head_seg, 300)] + [citation(doc, i, 300) for i in outline.items[:3]]
    return Answer(question=query.text, intent=query.intent, found=True, headline=head,
                  answer=fit("\n".join(top + lines + tail)), citations=cits, rest=rest,
                  segment_ids=[head_seg.id] + [i.id for i in outline.items])
