"""A question that names a section of a plan by its heading: "Mục tiêu chung của kế hoạch
là gì?", "Yêu cầu của Kế hoạch 987 gồm những gì?", "mục đích của kế hoạch này là gì".

Such a question asks for what the section says, not for a value or a body, whatever cue
words its name holds ("mục tiêu" is no target asked). It is read by shape: a short noun
phrase, then only the plan it belongs to (its number, kind, title words, locality), then
"là gì" / "gồm những gì" / "như thế nào". The noun phrase is matched to the headings of
the plans named; the section found is answered with its items (intents.set_answer.render)
or, when it is prose, with its lead paragraph.

    ans = section_answer(engine, query, doc_ids)   # None: no such question or no heading
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from corpus.agencies import find_agencies, same_agency
from corpus.models import Segment
from corpus.normalize import fold, readable, search_form, words
from intents.cite import HEADLINE_CHARS, citation, fit, place, quote, where
from intents.models import Answer, Query
from intents.outline import outline_of, strip_marker
from intents.set_answer import render
from retrieval.segments import KINDS

if TYPE_CHECKING:
    from intents.engine import AnswerEngine

# "… là gì", "… gồm (có) những (nội dung) gì", "… bao gồm những gì", "… như thế nào"
_ASKING = re.compile(r"\s+(?:la (?:nhung )?gi|(?:bao )?gom(?: co)?(?: nhung| cac)?"
                     r"(?: noi dung| muc| phan)? (?:gi|nao)|nhu the nao|the nao|ra sao)\s*\??\s*$")
# what may stand between the section's name and the asking words: the plan it belongs to
_PLAN_WORDS = frozenset(["cua", "trong", "theo", "tai", "o", "ve", "ke", "hoach", "quyet",
                         "dinh", "chuong", "trinh", "hanh", "dong", "so", "kh", "ubnd", "qd",
                         "ctr", "nay", "tren", "dia", "ban", "tinh", "thanh", "pho", "tp", "xa",
                         "phuong", "dac", "khu", "de", "an", "duoc", "dat", "ra"])
_SPLIT = re.compile(r"\s+(?:(?:cua|trong|theo|tai|o)\s+|(?=(?:ke hoach|quyet dinh|chuong trinh)\b))")
# words that narrow a section's name without naming another section ("mục tiêu chung",
# "mục tiêu tổng quát", "nội dung chủ yếu")
_MODIFIERS = frozenset(["chung", "tong", "quat", "cu", "the", "chinh", "chu", "yeu", "co",
                        "ban"])
_MAX_NAME = 5  # a section's name is short: "mục tiêu cụ thể", "mục đích, yêu cầu"


def asked_name(query: Query, allowed: set[str],
               places: tuple[list[str], ...] = ()) -> list[str]:
    """The noun phrase a question asks about as a section (folded words), or [] when the
    question is not of that shape. `allowed`: the words of the plans' titles and places;
    `places`: the words of their localities, which may open the question."""
    text = query.search.strip()
    m = _ASKING.search(" " + text)
    if m is None:
        return []
    text = (" " + text)[:m.start()].strip()
    if text.startswith(("theo ", "trong ")) and "," in text:
        text = text.split(",", 1)[1].strip()  # "Theo Kế hoạch 144, mục tiêu … là gì"
    parts = _SPLIT.split(text, maxsplit=1)
    name = words(parts[0])
    # "phong tho giai phap ve nhan luc la gi": the place typed first is no part of the name
    for place_name in places:
        kinds = [[], ["xa"], ["phuong"], ["tinh"], ["thanh", "pho"], ["tp"]]
        for lead in ([*k, *place_name] for k in kinds):
            if len(name) > len(lead) and name[:len(lead)] == lead:
                name = name[len(lead):]
                break
    rest = words(parts[1]) if len(parts) > 1 else []
    if not name or len(name) > _MAX_NAME or any(any(c.isdigit() for c in w) for w in name):
        return []
    if any(w not in _PLAN_WORDS and w not in allowed and not any(c.isdigit() for c in w)
           for w in rest):
        return []  # "nhiệm vụ của Sở Tài chính là gì": the rest names more than the plan
    if find_agencies(parts[0]):
        return []
    return name


def _heading_words(seg: Segment) -> list[str]:
    return words(search_form(strip_marker(readable(seg.shown))))


def _fit(name: list[str], head: list[str]) -> float:
    """How well a heading matches the asked name: 2 the same words; 1.5 the same but for
    the asked name's modifiers ("mục tiêu chung" for "Mục tiêu"); 1 the heading holds the
    name as a run ("yêu cầu" in "Mục đích, yêu cầu"); 0 no match: a heading that is only a
    part of the name ("Nhiệm vụ" of "nhiệm vụ về nguồn lực") is another section."""
    core = [w for w in name if w not in _MODIFIERS] or name
    if head == name:
        return 2.0
    if head == core:
        return 1.5

    def run_in(a: list[str], b: list[str]) -> bool:
        return any(b[i:i + len(a)] == a for i in range(len(b) - len(a) + 1))

    if len(core) >= 2 and run_in(core, head):
        return 1.0  # "yêu cầu" in "Mục đích, yêu cầu"
    return 0.0


# a run-in label: an item that names itself before a colon ("- Giải pháp về nhân lực: Tổ
# chức tập huấn …", "a) Phát triển hải quan số:")
_RUN_IN = re.compile(r"^\s*(?:[-–+•]|[a-zđ]\)|\d{1,2}(?:\.\d{1,2})*\.?)?\s*([^:;.]{3,80}):")
RUN_IN_MIN = 1.5  # a label answers only when it is the name asked (its modifiers aside)


def _run_in_words(seg: Segment) -> list[str]:
    m = _RUN_IN.match(readable(seg.shown))
    ws = words(search_form(m.group(1))) if m else []
    return ws if 2 <= len(ws) <= 8 else []


def _section(engine: AnswerEngine, name: list[str], doc_ids: list[str]) -> Segment | None:
    """The heading of the plans named that matches the asked name best (the first in the
    plan among equals); else an item labelled with that very name."""
    table = engine.index.segments
    heading = KINDS.index("heading")
    text = KINDS.index("text")
    best: tuple[float, Segment] | None = None
    labelled: tuple[float, Segment] | None = None
    for a, b in table.spans(doc_ids):
        positions = [p for p in range(a, b) if table.kinds[p] == heading]
        for seg in table.many(positions):
            score = _fit(name, _heading_words(seg))
            if score and (best is None or score > best[0]):
                best = (score, seg)
        if best is not None:
            continue
        for seg in table.many(p for p in range(a, b) if table.kinds[p] == text):
            score = _fit(name, _run_in_words(seg)) if ":" in seg.shown[:90] else 0.0
            if score >= RUN_IN_MIN and (labelled is None or score > labelled[0]):
                labelled = (score, seg)
    found = best or labelled
    return found[1] if found else None


def _place_words(engine: AnswerEngine, doc_ids: list[str]) -> tuple[list[str], ...]:
    """The plans' localities (and provinces) as folded words, each whole."""
    out = []
    for d in doc_ids:
        meta = engine.index.documents[d].meta
        out += [words(fold(t)) for t in (meta.locality, meta.province or "") if t]
    return tuple(w for w in out if w)


def _allowed(engine: AnswerEngine, doc_ids: list[str]) -> set[str]:
    out: set[str] = set()
    for d in doc_ids:
        meta = engine.index.documents[d].meta
        for text in (meta.title, meta.locality, meta.province or "", meta.number):
            out.update(words(fold(text or "")))
    return out


# a value asked for: a question that has one of these is a target question, whatever it
# calls the indicator
_MEASURE_ASK = re.compile(r"\b(?:bao nhieu|ty le|ti le|phan tram|so luong|may|muc nao|dat)\b|%")


def section_answer(engine: AnswerEngine, query: Query, doc_ids: list[str]) -> Answer | None:
    """The section a question names, with its items or lead paragraph; None when the
    question is not of that shape, names no one plan, or no heading of it matches. A
    question read as a target for the cue word its name holds ("mục tiêu tổng quát … là
    gì") that asks no value, of a plan without that section, is told which sections the
    plan has rather than given a number from some clause."""
    if len(doc_ids) != 1:
        return None
    name = asked_name(query, _allowed(engine, doc_ids), _place_words(engine, doc_ids))
    if not name:
        return None
    seg = _section(engine, name, doc_ids)
    if seg is not None:
        return _render(engine, query, seg)
    if query.intent == "target" and not _MEASURE_ASK.search(query.search):
        return _no_section(engine, query, name, doc_ids[0])
    return None


def _as_typed(text: str, name: list[str]) -> str:
    """The words of the question that read as `name` (folded), as the user typed them."""
    toks = re.findall(r"[^\W_]+", text)
    folded = [fold(t) for t in toks]
    for i in range(len(toks) - len(name) + 1):
        if folded[i:i + len(name)] == name:
            return " ".join(toks[i:i + len(name)])
    return " ".join(name)


def _no_section(engine: AnswerEngine, query: Query, name: list[str], doc_id: str) -> Answer:
    doc = engine.index.documents[doc_id]
    table = engine.index.segments
    heading = KINDS.index("heading")
    tops = [s for a, b in table.spans([doc_id])
            for s in table.many(p for p in range(a, b) if table.kinds[p] == heading)
            if not s.heading_path]
    head = f"Không tìm thấy: {doc.label()} không có mục «{_as_typed(query.text, name)}»."
    lines = [head]
    if tops:
        lines += ["", "Các mục chính của kế hoạch:"] + [
            f"• {quote(readable(s.shown), 120)}" for s in tops[:10]]
    return Answer(question=query.text, intent="what", found=False, headline=head,
                  answer=fit("\n".join(lines)), citations=[])


def agency_section(engine: AnswerEngine, query: Query, doc_ids: list[str]) -> Answer | None:
    """"Hội Nông dân tỉnh làm gì?" where the plan gives the body's duties under a heading
    that names it with others ("6. Đề nghị: Hiệp hội Doanh nghiệp tỉnh, Hội Nông dân tỉnh,
    …") and no task was read for it: that section, with its items or lead paragraph; None
    when no heading of the plans named (one plan) names the body."""
    if not query.agency or len(doc_ids) != 1:
        return None
    table = engine.index.segments
    heading = KINDS.index("heading")
    for a, b in table.spans(doc_ids):
        positions = [p for p in range(a, b) if table.kinds[p] == heading]
        for seg in table.many(positions):
            if any(_same_body(query.agency, m.name) for m in find_agencies(fold(seg.shown))):
                return _render(engine, query, seg)
    return None


# the level a body's name may end with, which a question leaves out ("Hiệp hội Doanh nghiệp"
# for "Hiệp hội Doanh nghiệp tỉnh")
_LEVEL = re.compile(r"\s+(?:tinh|thanh pho|tp|xa|phuong|dac khu|huyen|quan)$")


def _same_body(asked: str, named: str) -> bool:
    if same_agency(asked, named):
        return True
    a, b = (_LEVEL.sub("", fold(x)).strip() for x in (asked, named))
    return a == b and bool(a)


def _render(engine: AnswerEngine, query: Query, seg: Segment) -> Answer | None:
    what = query.model_copy(update={"intent": "what"})
    outline = outline_of(engine, seg)
    if outline is not None:
        return render(engine, what, outline, seg)
    # an item labelled with the name asked answers with what follows its label
    lead = _lead(engine, seg) if seg.kind == "heading" else seg
    if lead is None:
        return None
    doc = engine.index.documents[seg.doc_id]
    if lead is seg:
        title, said = (x.strip(" :.") for x in strip_marker(readable(seg.shown)).split(":", 1))
    else:
        title, said = strip_marker(readable(seg.shown)).strip(" :."), readable(lead.shown)
    head = quote(f"{title}: {said} [{place(doc)}]", HEADLINE_CHARS)
    body = [head, "", f"📄 {where(doc, lead)}", f"«{quote(lead.shown, 1200)}»"]
    return Answer(question=query.text, intent="what", found=True, headline=head,
                  answer=fit("\n".join(body)), citations=[citation(doc, lead)],
                  segment_ids=[lead.id])


def _lead(engine: AnswerEngine, seg: Segment) -> Segment | None:
    """The first clause under a heading."""
    table = engine.index.segments
    pos = table.position(seg.id)
    if pos is None or pos + 1 >= len(table):
        return None
    nxt = table[pos + 1]
    under = nxt.doc_id == seg.doc_id and nxt.heading_path[:-1] == seg.heading_path \
        and len(nxt.heading_path) == len(seg.heading_path) + 1
    return nxt if under and nxt.kind != "heading" else None
