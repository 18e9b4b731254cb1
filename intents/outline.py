"""The structure of a plan read back from its segments: the items a clause opens ("1.",
"a)", "-", "+" under a heading or a lead-in ending with ":"), and the clause an item stands
under. Segments keep their order, heading path and marker (corpus.segment), so a clause's
items are the segments after it that stand under it (a deeper heading path, or the same
path with a deeper marker), down to the next one of its rank or a new section.

    outline = outline_of(engine, seg)   # the clause with its items, or None
    up = opener_of(engine, seg)         # the clause an item stands under, or None
    sets = candidates(engine, seg)      # the sets a clause opens, is in, or holds
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
from intents.cite import quote

if TYPE_CHECKING:
    from intents.engine import AnswerEngine

_WINDOW = 80  # segments read after a clause for its items
_CHUNK = 12  # … a few at a time
_CACHE_SIZE = 20000  # outlines kept per segment table
MIN_ITEMS = 2

# the marker a clause opens with, by rank: "I.", "1.", "1.1.", "1.1.1.", "a)", "-", "+"
_MARKERS = (
    (1, re.compile(r"^[IVX]{1,4}\s*[.,:]\s+\S")),
    (4, re.compile(r"^\d{1,2}\.\d{1,2}\.\d{1,2}\.?\s+\S")),
    (3, re.compile(r"^\d{1,2}\.\d{1,2}\.?\s+\S")),
    (2, re.compile(r"^\d{1,2}\s*[.)]\s*[^\d\s]")),
    (5, re.compile(r"^[a-zđ]\)\s*\S")),
    # a letter marker the scan read as a symbol of its shape ("¢)" for "c)", "@)" for "a)")
    (5, re.compile(r"^[¢©@€&]\)\s*\S")),
    (6, re.compile(r"^[-–—•]\s*\S")),
    (7, re.compile(r"^[+*]\s*\S")),
)
_MARKER_TEXT = re.compile(r"^(?:[IVX]{1,4}\s*[.,:]|\d{1,2}(?:\.\d{1,2}){0,2}\.?\)?|[a-zđ]\)|"
                          r"[¢©@€&]\)|[-–—•+*])\s*")
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


# "l)" read as "1)" (or "I)", "|)") among letter markers: a letter item, not a numbered one
_ONE_FOR_L = re.compile(r"^[1lI|]\)\s*\S")


def _rank_among(seg: Segment, first: int | None) -> int:
    """The marker's rank among items of rank `first`: "1)" in a run of "a)", "b)" … is the
    scan's "l)"."""
    r = rank(seg)
    if first == 5 and r == 2 and _ONE_FOR_L.match(seg.shown.strip().lstrip("‘'\". ")):
        return 5
    return r


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
    if len(nxt.heading_path) <= n or nxt.heading_path[:n] != seg.heading_path:
        return False
    # heading paths keep the line as read (an OCR line), not the reading copy
    under = fold(nxt.heading_path[n])[:24]
    return any(under == fold(t.splitlines()[0])[:24] for t in (seg.text, seg.shown) if t)


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
        rt = _rank_among(t, first)
        if rt == 0 or (r0 and rt <= r0) or (first is not None and rt < first):
            break
        if first is None:
            if not lead_in and not r0:
                break
            first = rt
        out.append(t)
    return out


def body_of(engine: AnswerEngine, seg: Segment, limit: int = 12) -> list[Segment]:
    """What stands under a heading — its prose when it opens no items ("8. Tăng cường giám
    sát, đánh giá" and the paragraph below it) —, at most `limit` segments; [] for a clause
    that is no heading."""
    after = _after(engine, seg)
    nxt = next(after, None)
    if nxt is None or not _under_heading(seg, nxt):
        return []
    return list(takewhile(lambda t: _under_heading(seg, t), chain([nxt], after)))[:limit]


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
    first = next((rank(t) for t in inside if rank(t) > 0), None)
    ranks = {t.id: _rank_among(t, first) for t in inside}
    marked = [t for t in inside if ranks[t.id] > 0]
    if not marked:
        return None
    top = min((len(t.heading_path), ranks[t.id]) for t in marked)
    items = [t for t in marked if (len(t.heading_path), ranks[t.id]) == top]
    if len(items) < MIN_ITEMS:
        return None
    first = inside.index(items[0])
    intro = [t for t in inside[:first] if len(t.heading_path) == top[0]]
    under: dict[str, list[Segment]] = {}
    bounds = [inside.index(i) for i in items] + [len(inside)]
    for item, a, b in zip(items, bounds, bounds[1:], strict=False):
        under[item.id] = inside[a + 1:b]
    return Outline(seg, items, intro, under, words(search_form(name(seg))))


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


def candidates(engine: AnswerEngine, seg: Segment) -> list[Outline]:
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


def name(head: Segment) -> str:
    """What a clause calls the set it opens: its text up to a colon or full stop; a long
    lead-in ("Trong giai đoạn 2026 - 2030, … cụ thể như sau:") by the heading it stands
    under ("" for the plan's preamble)."""
    if rank(head) == 0 and len(head.shown) > 120:
        return _MARKER_TEXT.sub("", readable(head.heading_path[-1])) if head.heading_path else ""
    return label(head, 90)


def label(seg: Segment, limit: int = 80) -> str:
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


def strip_marker(text: str) -> str:
    """The text without the marker it opens with ("1.", "a)", "-")."""
    return _MARKER_TEXT.sub("", text, count=1)
