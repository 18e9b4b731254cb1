"""What the loaded plans themselves say about the words of a question: how they spell the
bodies they name, and which qualifiers they contrast. Read once per view of the index.

    plans_spelling(engine, "Sở Tài chính thành phố", [doc]) -> "Sở Tài chính"
    contrasts(engine) -> the listed contrasts and those sibling indicators teach
"""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING

from corpus.agencies import same_agency
from corpus.normalize import search_form
from intents import contrast

if TYPE_CHECKING:
    from intents.engine import AnswerEngine

# the level a body's name may end with once the place after it was set aside
_LEVEL_TAIL = re.compile(r"\s+(?:tỉnh|thành phố|TP\.?|tp\.?|huyện|quận|thị xã)$", re.IGNORECASE)
_LOCK = threading.Lock()
# facts list -> what was read of it; keyed by identity: a new index view is a new list
_READ: dict[str, tuple[object, object]] = {}


def plans_spelling(engine: AnswerEngine, agency: str, doc_ids: list[str]) -> str:
    """The agency as the plans asked of name it: "Sở Tài chính thành phố" (the city's name
    set aside as the plan's locality) is the plan's "Sở Tài chính" when none of its tasks
    or duties names a "Sở Tài chính thành phố" and some name the shorter one; "Công an
    tỉnh", which the plans name so, stays."""
    m = _LEVEL_TAIL.search(agency)
    if agency and m is None:
        return _with_level(engine, agency, doc_ids)
    if not agency or m is None or len(agency[:m.start()].split()) < 2:
        return agency
    short = agency[:m.start()]
    # the plans asked of first; naming neither form, how any loaded plan spells it
    for names in (_agency_names(engine, doc_ids), _agency_names(engine, [])):
        if any(same_agency(agency, n) for n in names):
            return agency
        if any(same_agency(short, n) for n in names):
            return short
    # named by no task or duty: how the plans' text writes it ("Phối hợp với Sở Tư pháp")
    text = _plans_text(engine, doc_ids)
    if text and not _says(text, agency) and _says(text, short):
        return short
    return agency


def _with_level(engine: AnswerEngine, agency: str, doc_ids: list[str]) -> str:
    """A body asked with its place and no level ("Công an Hà Nội", the place set aside:
    "Công an") as the plans asked of name it with their level, "Công an Thành phố" or
    "Công an tỉnh", when they name it only so."""
    if not doc_ids:
        return agency
    names = _agency_names(engine, doc_ids)
    if not names or any(same_agency(agency, n) for n in names):
        return agency
    longer = {n for n in names for level in ("tỉnh", "Thành phố")
              if same_agency(f"{agency} {level}", n)}
    return next(iter(longer)) if len(longer) == 1 else agency


def names(engine: AnswerEngine, doc_id: str, name: str) -> bool:
    """The plan's text names it ("MobiFone" in "Trong đó: MobiFone: 09 trạm")."""
    return _says(_plans_text(engine, [doc_id]), name)


def _says(text: str, name: str) -> bool:
    return re.search(rf"\b{re.escape(search_form(name))}\b", text) is not None


def _plans_text(engine: AnswerEngine, doc_ids: list[str]) -> str:
    """The search form of the clauses of these plans, joined (one plan named at most: a
    question naming none is not read against every plan's text)."""
    if len(doc_ids) != 1:
        return ""

    def read() -> dict[str, str]:
        return {}

    texts = _cached("texts", engine, read)
    doc = doc_ids[0]
    if doc not in texts:
        table = engine.index.segments
        texts[doc] = " " + " ".join(table[p].body for a, b in table.spans([doc])
                                    for p in range(a, b)) + " "
    return texts[doc]


def _agency_names(engine: AnswerEngine, doc_ids: list[str]) -> set[str]:
    """The bodies the tasks and duties of these plans (all, none named) name."""
    def read() -> dict[str, set[str]]:
        by_doc: dict[str, set[str]] = {}
        for f in engine.index.facts:
            by_doc.setdefault(f.doc_id, set()).update((*f.lead, *f.support))
        return by_doc

    by_doc = _cached("names", engine, read)
    return set().union(*(v for d, v in by_doc.items() if not doc_ids or d in doc_ids))


def contrasts(engine: AnswerEngine) -> tuple[contrast.Contrast, ...]:
    """The listed contrasts and those each plan's sibling indicators show."""
    def read() -> tuple[contrast.Contrast, ...]:
        by_doc: dict[str, list[list[str]]] = {}
        for f in engine.index.facts:
            if f.kind == "target":
                by_doc.setdefault(f.doc_id, []).append(list(engine.index.fact_words(f).text))
        learned = (c for texts in by_doc.values() for c in contrast.learned(texts))
        return tuple(dict.fromkeys([*contrast.listed(), *learned]))

    return _cached("contrasts", engine, read)


def _cached(kind: str, engine: AnswerEngine, read):  # noqa: ANN001, ANN202 - one reader each
    facts = engine.index.facts
    key = f"{kind}:{id(engine)}"
    with _LOCK:
        got = _READ.get(key)
        if got is not None and got[0] is facts:
            return got[1]
    value = read()
    with _LOCK:
        _READ[key] = (facts, value)
    return value
