"""Answering a content question with a clause and its structure: "Kinh phí gồm những nguồn
nào?", "Nhiệm vụ về nguồn lực gồm những nội dung gì?", "triển khai những nền tảng nào?".

A plan states such answers as a clause that opens a set (a heading, "a) Phát triển hải quan
số:", "Lộ trình chung …:") and its items (intents.outline reads them back). The set asked
is the one the gate's clause opens or belongs to, or, no clause passing the gate, the best
among the sets the closest clauses open or belong to; the reply names the items in the
headline and quotes them below within one message.

    ans = set_around(engine, query, ev)            # the set the gate's clause opens or is in
    ans = set_answer(engine, query, doc_ids, qvec)  # … or, no clause passing, the closest sets
    ans = expand(engine, query, ev)                 # a heading found for a non-set question
    head = inline_headline(query, seg, where)       # a clause that lists the set itself
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from corpus.models import Segment
from corpus.normalize import fold, readable, search_form, words
from intents.cite import HEADLINE_CHARS, citation, fit, place, quote, where
from intents.models import Answer, Query
from intents.outline import (
    Outline,
    body_of,
    candidates,
    label,
    name,
    outline_of,
    rank,
    strip_marker,
)
from retrieval.lexical import STOP

if TYPE_CHECKING:
    import numpy as np

    from intents.engine import AnswerEngine
    from intents.evidence import Evidence

NAME_MIN = 0.15  # a set whose name has no pair of the question holds at least this share of it
COVERAGE_MIN = 0.6  # the evidence gate's bar (intents.evidence), for the clause with its items
_HITS = 30  # hits read for a clause that opens the set asked
# words that ask for a set rather than name its content: "gồm những nội dung gì",
# "các nhóm nhiệm vụ nào", "những bước nào"; "những"/"các" or a count asks a set only of the
# noun it leads to the question word ("những nền tảng nào", "5 yếu tố nền móng là gì"), not
# across a preposition ("các đơn vị ở … làm gì" asks what they do)
_NOUN_RUN = r"(?:(?!(?:theo|o|cua|la|lam)\b)[a-z]+,? ){1,8}"
_SET_CUE = re.compile(rf"\b(?:gom|bao gom|nhung gi|liet ke|ke ten)\b|"
                      rf"\b(?:nhung|cac) {_NOUN_RUN}(?:nao|gi)\b|"
                      # a numeral of a name ("Đề án 06", "Kế hoạch số 12") counts nothing
                      rf"(?<!\ban )(?<!\bso )\b(?:\d{{1,2}}|hai|ba|bon|nam|sau|bay|tam|chin|"
                      rf"muoi|may) {_NOUN_RUN}(?:la )?(?:nao|gi)\b")
_SET_WORDS = frozenset(["gom", "nhom", "noi", "dung", "loai", "phan", "buoc", "cach", "muc",
                        "hang"])
_SET_LEADS = frozenset(["nhung", "cac", "may", "gom"])


def asks_set(query: Query) -> bool:
    """The question asks for the items of something ("gồm những …", "các … nào")."""
    return query.intent == "list" or bool(_SET_CUE.search(query.search))


_TARGET_WORD = re.compile(r"\b(?:chi tieu|muc tieu)\b")
# words that leave a set of targets unnarrowed ("các mục tiêu chủ yếu … gồm những gì")
_BROAD = frozenset(["gom", "bao", "nhung", "cac", "chu", "yeu", "cu", "the", "tat", "ca", "chinh",
                    "quan", "trong", "liet", "ke", "noi", "dung", "dat", "ra"])


def asks_year_targets(query: Query) -> bool:
    """"Mục tiêu đến năm 2030 của xã X gồm những gì?": the set of a year's targets, no
    indicator named (answered from the target facts, one line each)."""
    return (bool(query.years) and asks_set(query) and bool(_TARGET_WORD.search(query.search))
            and all(t in _BROAD for t in query.terms))


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
    whole = " ".join([outline.head.search] + [i.body for i in outline.items]
                     # an OCR plan's search form is of the line as read ("Ting cuwong dau
                     # tw"): its reading copy's words count too
                     + [search_form(s.reading) for s in (outline.head, *outline.items)
                        if s.reading])
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
        found += [(n, o) for o in candidates(engine, seg)]
    best = _best_set(engine, query, q, found, floor)
    if best is None:
        return None
    return _prose_item(engine, query, best) or render(engine, query, best)


def set_around(engine: AnswerEngine, query: Query, ev: Evidence) -> Answer | None:
    """For a question asking for a set, answered by the evidence gate with a clause: the set
    that clause opens or belongs to, when one fits the question (see `_best_set`); None
    when the clause gives the answer itself (names it lists, "bao gồm: …, …, …") or
    stands alone."""
    seg = ev.hit.segment
    if not asks_set(query) or ev.direct or _self_listing(seg):
        return None
    q = content_query(query)
    best = _best_set(engine, query, q, [(0, o) for o in candidates(engine, seg)])
    prose = _prose_section(engine, query, seg)
    if prose is not None and (best is None or _name_score(query, seg) > _name_score(
            query, best.head)):
        # "8. Tăng cường giám sát, đánh giá" found, which opens a paragraph, not items: its
        # paragraph, not a sibling set that shares a word of its name
        return prose
    if best is None:
        return None
    return _prose_item(engine, query, best) or render(engine, query, best, seg)


def _prose_item(engine: AnswerEngine, query: Query, best: Outline) -> Answer | None:
    """The set found has an item named as asked that opens prose ("7.2. Chiến lược 5 năm
    triển khai các nền tảng số" under "7. Xây dựng chiến lược …"): that item with its
    prose, not the set that names it among others."""
    own = _name_score(query, best.head)
    named = [(_name_score(query, i), i) for i in best.items]
    score, item = max(named, key=lambda x: x[0], default=(0.0, None))
    if item is None or score <= own or sum(sc == score for sc, _ in named) > 1 \
            or outline_of(engine, item) is not None:
        return None
    if item.kind == "heading":
        return _prose_section(engine, query, item)
    # an item whose first line is its name and the rest its prose, with what stands under it
    body = [item, *(s for s in best.under.get(item.id, []) if s.kind != "row")]
    return _prose_reply(engine, query, item, body)


def _name_score(query: Query, head: Segment) -> float:
    qwords = words(query.search)
    asked = _pairs(qwords) | {(w,) for w in qwords}
    return _named(asked, Outline(head, [], name_words=words(search_form(name(head)))))


def _prose_section(engine: AnswerEngine, query: Query, seg: Segment) -> Answer | None:
    """A heading the gate found that opens prose, not items: the heading with its prose
    (the heading alone says nothing); None for a clause that is no such heading."""
    if seg.kind != "heading" or outline_of(engine, seg) is not None:
        return None
    body = [s for s in body_of(engine, seg) if s.kind != "row"]
    if not body:
        return None
    return _prose_reply(engine, query, seg, body)


def _prose_reply(engine: AnswerEngine, query: Query, seg: Segment,
                 body: list[Segment]) -> Answer:
    """A heading (or an item named by its first words) with the prose under it: the prose's
    start in the headline, as much of it below as one message holds."""
    doc = engine.index.documents[seg.doc_id]
    where_ = place(doc)
    lines_of = [readable(ln).strip() for ln in seg.shown.splitlines() if ln.strip()]
    own_line = len(lines_of) >= 2 and len(lines_of[0]) <= 90 and lines_of[1][:1].isupper()
    title = strip_marker(lines_of[0]).strip(" :.") if own_line else \
        quote(name(seg) or readable(seg.shown), 90)
    first = readable(body[0].shown)
    if body[0] is seg:  # "7.2. Chiến lược …" over "Phối hợp với …": the prose after the name
        first = " ".join(lines_of[1:]) if own_line else strip_marker(first)
    lead = f"{title}: "
    head = f"{lead}{quote(first, HEADLINE_CHARS - len(lead) - len(where_) - 4)} [{where_}]"
    top = [head, "", f"📄 {where(doc, seg)}"] + ([] if body[0] is seg else [
        f"«{quote(seg.shown, 200)}»"])
    room = 1900 - len("\n".join(top))
    lines: list[str] = []
    for s in body:
        left = room - len("\n".join(lines)) - 4
        if left < 80:
            break
        lines.append(quote(readable(s.shown), min(left, 1400)))
    cits = [citation(doc, seg, 300)] + [citation(doc, s, 300) for s in body[:3]]
    return Answer(question=query.text, intent=query.intent, found=True, headline=head,
                  answer=fit("\n".join(top + lines)), citations=cits,
                  segment_ids=[seg.id] + [s.id for s in body])


def expand(engine: AnswerEngine, query: Query, ev: Evidence) -> Answer | None:
    """A heading or lead-in the gate found for a question that does not ask for a set
    ("Yêu cầu … là gì" found at "I. Mục đích, yêu cầu"): it says nothing alone, so the
    set it opens, or one of its items opens that fits the question better, with its items;
    None for a clause that is no heading or lead-in."""
    first = outline_of(engine, ev.hit.segment)
    if ev.direct:
        return None
    if first is None:
        return _prose_section(engine, query, ev.hit.segment)
    below = [o for o in (outline_of(engine, i) for i in first.items) if o is not None]
    best = _best_set(engine, query, content_query(query), [(0, o) for o in [first, *below]])
    return render(engine, query, best or first, ev.hit.segment)


def _best_set(engine: AnswerEngine, query: Query, q: Query,
              found: list[tuple[int, Outline]], floor: float = 0.0) -> Outline | None:
    """Of the sets found (with the rank of the hit that led to each), the one whose name
    matches the question best, then whose own words cover it best, then the higher in the
    outline, then the closer hit — among those that, with their items, cover the question
    as the evidence gate asks. A set whose name shares nothing with the question, or only a
    common word, is not the one asked ("triển khai tại những chợ nào" is not answered by
    "Tổ chức thực hiện", nor "Mô hình … thanh toán số …" by "Thúc đẩy … chuyển đổi số")."""
    qwords = words(query.search)
    asked = _pairs(qwords) | {(w,) for w in qwords}
    # the pairs that hold a word of what is asked about: "nhiệm vụ" of "nhiệm vụ đầu tư hạ
    # tầng gồm gì" names the kind of set, which "III. Nhiệm vụ cụ thể" shares with each of
    # its parts; "đầu tư", "hạ tầng" name the one asked
    # ("những nhóm nhiệm vụ nào": the noun asked for, after "những", is what is asked)
    content = set(q.terms) | {w for noun in query.asked for w in noun.split()} | {
        str(y) for y in query.years}
    own = {p for p in asked if content & set(p)}
    asked = own or asked
    ranked: dict[str, tuple[tuple[float, float, int, int], Outline]] = {}
    for n, outline in found:
        if outline.head.id not in ranked:
            key = (round(_named(asked, outline), 2),
                   round(_own_coverage(engine, q, outline), 2),
                   -len(outline.head.heading_path), -n)
            ranked[outline.head.id] = (key, outline)
    # the best first; the costlier check of the items' words only as far as needed
    for key, outline in sorted(ranked.values(), key=lambda r: r[0], reverse=True):
        if key[0] == 0 and key[1] < NAME_MIN:
            break
        if _covers(engine, q, outline, floor):
            return outline
    return None


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
        lead = strip_marker(text[start:m.start()]).strip()
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
    title = quote(name(outline.head) or "Kế hoạch", 90)
    n = len(outline.items)
    lead = f"{title}: gồm {n} {_asked_noun(query, outline)}: "
    room = HEADLINE_CHARS - len(lead) - len(where_) - 8
    each = max(40, min(80, room // n - 2))
    labels = [label(i, each) for i in outline.items]
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
    lines = [f"• {quote(readable(i.shown), FOCUS_CHARS if i.id == fid else n)}"
             for i, n in zip(outline.items, shares, strict=True)]
    if inner is not None and focus is not None:
        k = outline.items.index(inner)
        lines[k] += f"\n   ▸ {quote(readable(focus.shown), FOCUS_CHARS)}"
    # what the items hold themselves, named in the room the items leave
    subs = {k: [label(s, 60) for s in outline.under.get(i.id, []) if rank(s) > 0]
            for k, i in enumerate(outline.items) if i is not inner}
    subs = {k: v for k, v in subs.items() if v}
    if subs:
        room = (1900 - len("\n".join(top + lines))) // len(subs) - 8
        for k, names in subs.items():
            if room > 40:
                lines[k] += "\n   – " + quote("; ".join(names), room)
    shown: list[str] = []
    rest: list[str] = []
    for line in lines:
        (rest if rest or len("\n".join(top + shown + [line])) > 1900 else shown).append(line)
    lines = shown
    tail = [f"… và {len(rest)} mục nữa (gõ «tiếp» để xem)."] if rest else []
    cits = [citation(doc, head_seg, 300)] + [citation(doc, i, 300) for i in outline.items[:3]]
    return Answer(question=query.text, intent=query.intent, found=True, headline=head,
                  answer=fit("\n".join(top + lines + tail)), citations=cits, rest=rest,
                  segment_ids=[head_seg.id] + [i.id for i in outline.items])
