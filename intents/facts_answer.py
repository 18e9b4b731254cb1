"""Target questions answered from the extracted target facts (corpus/facts/).

A plan's target table and "Mục tiêu cụ thể" list are read at ingest into facts: the
indicator's text and its value per year. A question about one indicator is matched
against those texts — OCR-aware (a garbled word one letter off counts, so does an
abbreviation the clause uses for the question's words) and weighted by how rare each word
is — and answered with the value for the year asked. A year the fact does not give is
answered as not given, with the years it does give.

"Sở Y tế được giao những chỉ tiêu nào?" is answered from the same facts: the targets whose
lead or monitoring column ("cơ quan theo dõi, đánh giá") names the agency asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from corpus.agencies import find_agencies, same_agency
from corpus.lexicon import syllables
from corpus.models import Fact
from corpus.normalize import readable, search_form, words
from intents.clause_answer import COUNT_NOUN
from intents.contrast import contradicts
from intents.evidence import Evidence, substituted
from intents.models import Answer, Query
from intents.normalize import abbreviation_index, spelt_out
from retrieval.lexical import STOP
from retrieval.search import Hit

if TYPE_CHECKING:
    from intents.engine import AnswerEngine

MATCH_MIN = 0.75  # share of the question's (IDF-weighted) words the indicator must hold
MARGIN = 0.1  # … and more than the next indicator
FACT_MARGIN = 0.2  # a fact answers over a clause with a value when it matches this much better
SECTION_WEIGHT = 0.5  # a question word found only in the fact's section heading


@dataclass
class FactMatch:
    fact: Fact
    score: float
    year: int | None  # the year answered
    value: str  # "" when the year asked is not given
    given: list[str]  # the years the fact gives
    # why the indicator asked about does not answer: "body" (the plan splits it by bodies,
    # not the one asked), "qualifier" (the question's qualifier is contradicted); "" answers
    refused: str = ""


def _one_off(a: str, b: str) -> bool:
    return len(a) == len(b) and len(a) >= 3 and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _like(word: str, term: str) -> bool:
    return word == term or _one_off(word, term)


def _present(term: str, have: set[str], alts: list[str], odd: list[str]) -> bool:
    if term in have or any(a in have for a in alts):
        return True
    # an OCR garble of the term ("khdng" for "khong"): a non-syllable (`odd`) one letter off
    return any(_one_off(term, w) for w in odd)


# the ways a plan and a question write a comparison (search form)
_CMP_WORDS = {"≥": {"it", "nhat", "toi", "thieu", "tro", "len"}, ">": {"tren", "hon"},
              "≤": {"toi", "da", "khong", "qua"}, "<": {"duoi"}}
_COUNT_ASK = re.compile(r"\bbao nhieu (?!phan tram|%|lan\b|phan\b)[a-z]")
_SHARE_ASK = re.compile(r"\b(?:ty le|ti le|phan tram|bao nhieu %)")
# after "bao nhiêu", words that are no thing counted: a time, a quantifier ("mỗi năm")
_TIME_NOUNS = frozenset(["nam", "thang", "ngay", "quy", "giai", "doan", "moi", "tung"])
_HEADS = re.compile(r"\b(?:ty le|ti le|so luong|chi so|muc|quy mo|ty trong)\b")


def _value_kind(query: Query) -> str:
    """"share" for "tỷ lệ … bao nhiêu", "count" for "bao nhiêu doanh nghiệp", else ""."""
    if _SHARE_ASK.search(query.search):
        return "share"
    # "bao nhiêu doanh nghiệp" counts; "bao nhiêu vào năm 2030" asks a value of any kind
    return "count" if _counted_noun(query) else ""


def _counted_noun(query: Query) -> str:
    """The noun a count question counts ("bao nhiêu khu công nghiệp" -> "khu"), or ""."""
    m = _COUNT_ASK.search(query.search) or COUNT_NOUN.search(query.search)
    noun = words(query.search[m.end() - 1:])[:1] if m else []
    return noun[0] if noun and noun[0] not in STOP and noun[0] not in _TIME_NOUNS else ""


def _has_head(seq: list[str]) -> bool:
    return _HEADS.search(" ".join(seq)) is not None


def _pairs(seq: list[str] | tuple[str, ...]) -> set[tuple[str, str]]:
    return set(zip(seq, seq[1:], strict=False))


def _by_phrase(engine: AnswerEngine, query: Query, cands: list[Fact]) -> list[Fact]:
    """Of indicators that match about equally, those that hold most of the question's word
    pairs as written ("đầu tư mới" is not "chuyển đổi từ")."""
    asked = _pairs(words(search_form(query.search)))
    counts = [len(asked & _pairs(engine.index.fact_words(f).text)) for f in cands]
    return [f for f, n in zip(cands, counts, strict=True) if n == max(counts)]


def _most_general(engine: AnswerEngine, best: Fact, close: list[Fact]) -> Fact | None:
    """Of indicators that match equally, the total whose parts the others are ("Đầu tư mới
    trạm 5G" before "Đầu tư mới trạm 5G (Viettel)"): its words are in every other one.
    None when they are different indicators."""
    cands = [best, *close]
    for f in sorted(cands, key=lambda g: len(g.text)):
        mine = set(engine.index.fact_words(f).text)
        if all(mine <= set(engine.index.fact_words(g).text) for g in cands if g is not f):
            return f
    return None


def match_target(engine: AnswerEngine, query: Query, doc_ids: list[str]) -> FactMatch | None:
    """The target fact the question asks about, if one clearly matches."""
    bm = engine.index.bm25
    terms = list(dict.fromkeys(query.terms))
    if not terms or bm is None:
        return None
    scored: list[tuple[float, Fact]] = []
    wants = _value_kind(query)
    counted = _counted_noun(query)
    qwords = words(query.search)
    # a body asked of, not the noun counted ("Trạm …" read out of "bao nhiêu trạm hiện có")
    bodies = [a.name for a in find_agencies(query.search)
              if words(search_form(a.name))[:1] != [counted]]
    parts_of = _parts_by_text(engine) if bodies else {}
    refused: list[tuple[float, Fact, str]] = []
    for f in engine.index.facts:
        if f.kind != "target" or (doc_ids and f.doc_id not in doc_ids) or not f.values:
            continue
        share = f.unit.startswith("%") or any(v.endswith("%") for v in f.values.values())
        if (wants == "count" and share) or (wants == "share" and f.unit and not share):
            continue  # "bao nhiêu doanh nghiệp" is not answered by a "tỷ lệ", nor the reverse
        if wants == "count" and f.unit and counted not in words(search_form(f.unit)):
            continue  # "bao nhiêu khu công nghiệp" is not answered by "87 trạm"
        # its words in search form, read at ingest (retrieval/fact_words.py)
        fw = engine.index.fact_words(f)
        seq = fw.text
        head = query.indicator_head
        full = spelt_out(seq) if head else seq  # "DNNVV" holds "doanh nghiệp"
        if head and not any(_like(a, head[0]) and _like(b, head[1])
                            for a, b in zip(full, full[1:], strict=False)) and \
                not (share and head == ("ty", "le") and not _has_head(seq)):
            # an indicator with another head noun is another indicator; a share
            # written without its head ("≥ 60% DNNVV … ứng dụng công nghệ số") is a "tỷ lệ"
            continue
        # "3G/4G" is "3g 4g" typed on a phone
        have = set(seq) | fw.slash
        # the value's comparison and unit are the fact's words too: "ít nhất bao nhiêu lần"
        # asks for "≥ 1 lần/năm", whose "tối thiểu" was read out of the indicator
        have |= fw.values
        for v in f.values.values():
            have |= _CMP_WORDS.get(v.split(" ")[0], set())
        for phrase, abbrs in abbreviation_index().items():
            if abbrs & have:
                have.update(phrase)
        # the section heading and the plan's title are context ("… giai đoạn 2026 - 2030 ›
        # Xây dựng trạm 5G", "… 5G trong các khu công nghiệp"): a word found only there
        # counts half
        around = fw.context - have
        odd = [w for w in have if w not in syllables()]
        total = got = 0.0
        for t in terms:
            w = bm.idf(t)
            total += w
            if _present(t, have, query.alts.get(t, []), odd):
                got += w
            elif t in around:
                got += w * SECTION_WEIGHT
        if not total:
            continue
        if bodies and _parts_without(f, bodies, parts_of):
            # "… của VNPT" asked; the total's parts name MobiFone and Viettel only
            refused.append((got / total, f, "body"))
            continue
        seen = have | around
        if (substituted(qwords, set(terms), lambda t, seen=seen, odd=odd: _present(
                t, seen, query.alts.get(t, []), odd), list(seq))
                or contradicts(qwords, [*seq, *sorted(fw.slash)], engine.contrasts())) \
                and _read_as_written(engine, f):
            # "tài khoản thanh toán …" asked, "tài khoản định danh …" stated; "… một phần"
            # asked, "… toàn trình" stated
            refused.append((got / total, f, "qualifier"))
            continue
        scored.append((got / total, f))
    top_refused = max(refused, key=lambda r: r[0], default=None)
    if top_refused is not None and top_refused[0] >= MATCH_MIN and \
            top_refused[0] >= max((sc for sc, _ in scored), default=0.0):
        # the indicator asked about is there, for another body or qualifier: the plan
        # does not give the value asked, and no sibling indicator stands in for it
        sc, g, why = top_refused
        return FactMatch(g, sc, None, "", sorted(g.values), refused=why)
    if not scored:
        return None
    if query.years:
        # "… giai đoạn 2026 - 2030, bao nhiêu …": an indicator that gives an asked year
        # before one that gives none
        dated = [(sc, g) for sc, g in scored if any(str(y) in g.values for y in query.years)]
        if dated and max(sc for sc, _ in dated) >= MATCH_MIN:
            scored = dated
    scored.sort(key=lambda sf: -sf[0])
    best, f = scored[0]
    close = [g for sc, g in scored[1:] if best - sc < MARGIN and g.text != f.text]
    if close:
        top = _by_phrase(engine, query, [f, *close])
        f = top[0] if len(top) == 1 else _most_general(engine, top[0], top[1:])
    if best < MATCH_MIN or f is None:
        return None
    f = _with_split_years(engine, f)
    given = sorted(f.values)
    asked = [str(y) for y in query.years if str(y) in f.values]
    if query.years:
        if not asked:
            return FactMatch(f, best, query.years[0], "", given)
        if len(query.years) > 1:
            # "2030 và 2045": one value per year asked, a year the fact does not give said so
            return FactMatch(f, best, None, per_year(f, query.years), given)
        return FactMatch(f, best, int(asked[0]), f.values[asked[0]], given)
    if len(given) == 1:
        return FactMatch(f, best, int(given[0]) if given[0].isdigit() else None,
                         f.values[given[0]], given)
    return FactMatch(f, best, None, "; ".join(f"{y}: {f.values[y]}" for y in given), given)


def _read_as_written(engine: AnswerEngine, f: Fact) -> bool:
    """The fact's clause needed no reading copy (clean text, not OCR, whose other word at a
    place may be a garble of the question's)."""
    seg = engine.segment(f.segment_id)
    return seg is not None and not seg.reading


def _parts_by_text(engine: AnswerEngine) -> dict[tuple[str, str], list[str]]:
    """(plan, indicator) -> what its parts add ("Đầu tư mới trạm 5G (MobiFone)" is a part of
    "Đầu tư mới trạm 5G"): one pass over the targets."""
    out: dict[tuple[str, str], list[str]] = {}
    for g in engine.index.facts:
        if g.kind == "target" and g.text.endswith(")") and " (" in g.text:
            cut = g.text.rindex(" (")
            out.setdefault((g.doc_id, g.text[:cut]), []).append(search_form(g.text[cut:]))
    return out


def splits_by_body(engine: AnswerEngine, doc_id: str) -> bool:
    """The plan gives some indicator split by bodies ("… (Trong đó: MobiFone: 09 trạm,
    Viettel: 26 trạm)"): a figure asked of one body is that body's part, not a total."""
    return any(d == doc_id for d, _ in _parts_by_text(engine))


def _parts_without(f: Fact, bodies: list[str],
                   parts_of: dict[tuple[str, str], list[str]]) -> bool:
    """The indicator is a total whose parts the plan gives by body ("Đầu tư mới trạm 5G" and
    "Đầu tư mới trạm 5G (MobiFone)", "… (Viettel)"), and the question names a body that
    neither it nor a part names: the plan does not give that body's share."""
    parts = parts_of.get((f.doc_id, f.text), [])
    if not parts:
        return False
    own = search_form(" ".join([f.text, *f.lead, *f.support]))
    return any(search_form(b) not in own and not any(search_form(b) in p for p in parts)
               for b in bodies)


def _with_split_years(engine: AnswerEngine, f: Fact) -> Fact:
    """The indicator with the years its table gives on other rows of the same text (a row
    the page broke: the first years on one page, the last ones on the next)."""
    values = dict(f.values)
    for g in engine.index.facts:
        if g.kind == "target" and g.doc_id == f.doc_id and g.text == f.text and g is not f:
            for y, v in g.values.items():
                values.setdefault(y, v)
    return f if values == f.values else f.model_copy(update={"values": values})


def per_year(f: Fact, years: list[int]) -> str:
    """The fact's value for each year asked, in the order asked: "60% (2030); 80% (2035)"."""
    return "; ".join(f"{f.values[str(y)]} ({y})" if str(y) in f.values else
                     f"năm {y}: không nêu" for y in dict.fromkeys(years))


_ASKS_TARGETS = re.compile(r"\b(?:nhung|cac) chi tieu\b|\bchi tieu (?:nao|gi)\b")


def asks_agency_targets(query: Query) -> bool:
    """"Sở Y tế được giao những chỉ tiêu nào?": the targets of an agency, as a list."""
    return bool(query.agency) and _ASKS_TARGETS.search(query.search) is not None


def agency_targets(engine: AnswerEngine, query: Query, doc_ids: list[str]) -> Answer | None:
    """The targets a plan gives the agency asked about (its lead or monitoring agency), one
    line each with their values; None when no target names it."""
    from intents import compose  # the answer's layout is shared with the other answers

    if not query.agency:
        return None
    mine = [f for f in engine.index.facts if f.kind == "target" and f.values
            and (not doc_ids or f.doc_id in doc_ids)]
    facts = [f for f in mine if any(same_agency(query.agency, a) for a in f.lead)] or \
        [f for f in mine if any(same_agency(query.agency, a) for a in f.support)]
    if not facts:
        return None
    docs = engine.index.documents
    lines = []
    for f in facts:
        vals = "; ".join(f"{y}: {v}" if y else v for y, v in sorted(f.values.items()))
        where_ = f" ({compose.place(docs[f.doc_id])})" if len({x.doc_id for x in facts}) > 1 \
            else ""
        lines.append(f"• {compose.quote(readable(f.text), 140)} — {vals}{where_} (tr. {f.page})")
    scope = f" ({compose.place(docs[doc_ids[0]])})" if len(doc_ids) == 1 else ""
    named = next((a for a in facts[0].lead + facts[0].support if same_agency(query.agency, a)),
                 query.agency)  # the plan's own spelling of the agency
    head = f"{named} được giao {len(facts)} chỉ tiêu{scope}"
    return compose.fact_list_reply(engine, query, facts, head, lines, "chỉ tiêu", "target")


_TARGET_NOUN = re.compile(r"\b(?:chi tieu|muc tieu)\b")
# words that ask for a set of targets or leave it unnarrowed
_SET_WORDS = frozenset(["chi", "tieu", "muc", "gom", "bao", "nhung", "cac", "chu", "yeu", "cu", "the",
                        "tat", "ca", "chinh", "quan", "trong", "liet", "ke", "dat", "ra", "co",
                        "nao", "gi", "noi", "dung", "de"])
SECTION_MATCH = 0.8  # IDF-weighted share of the question's own words a target's section holds


def asks_target_set(query: Query) -> bool:
    """"Bắc Ninh có những chỉ tiêu xã hội số nào?", "Mục tiêu cụ thể của Kế hoạch 617 gồm
    những gì?": a set of targets, narrowed (or not) by the part of the plan that sets them."""
    from intents.set_answer import asks_set

    return (not query.agency and not query.all_targets and asks_set(query)
            and bool(_TARGET_NOUN.search(query.search)))


def target_set(engine: AnswerEngine, query: Query, doc_ids: list[str]) -> Answer | None:
    """The targets of one plan whose section (the heading or the table's group row they
    stand under) holds the question's own words, one line each with their values — the same
    indicator stated twice (in the goals and again in the appendix) once; None when fewer
    than two fit or the question names no single plan."""
    from intents import compose

    if len(doc_ids) != 1:
        return None
    bm = engine.index.bm25
    own = [t for t in dict.fromkeys(query.terms) if t not in _SET_WORDS]
    if not own and query.years:
        return None  # every target of a year: its table (compose.targets_table)
    weight = {t: bm.idf(t) if bm is not None else 1.0 for t in own}
    total = sum(weight.values())
    facts: list[Fact] = []
    seen: list[tuple[str, set[str]]] = []
    for f in engine.index.facts:
        if f.kind != "target" or f.doc_id != doc_ids[0] or not f.values:
            continue
        if query.years and not any(str(y) in f.values for y in query.years):
            continue
        if total:
            have = set(words(search_form(f.section)))
            if sum(w for t, w in weight.items() if t in have) / total < SECTION_MATCH:
                continue
        # the same indicator stated again (in the appendix, with its value in the text):
        # the same values, mostly the same words
        vals = str(sorted(f.values.items()))
        ws = {w for w in words(search_form(f.text)) if not w[:1].isdigit()}
        if not any(v == vals and len(ws & o) >= 0.6 * min(len(ws), len(o)) for v, o in seen):
            seen.append((vals, ws))
            facts.append(f)
    if len(facts) < 2:
        return None
    lines = []
    for f in facts:
        vals = "; ".join(f"{y}: {v}" if y else v for y, v in sorted(f.values.items()))
        lines.append(f"• {compose.quote(readable(f.text), 140)} — {vals} (tr. {f.page})")
    doc = engine.index.documents[doc_ids[0]]
    part = f" ({compose.quote(facts[0].section.split(' › ')[-1], 80)})" if total else ""
    head = f"{compose.place(doc)}: {len(facts)} chỉ tiêu{part}"
    return compose.fact_list_reply(engine, query, facts, head, lines, "chỉ tiêu", "target")


def evidence(engine: AnswerEngine, fm: FactMatch) -> Evidence | None:
    """The matched indicator as the evidence of an answer: its value(s), the year answered,
    the indicator's text, and the clause it was read from."""
    seg = engine.segment(fm.fact.segment_id)
    if seg is None:
        return None
    direct = fm.value or "; ".join(f"{y}: {fm.fact.values[y]}" for y in fm.given)
    return Evidence(Hit(seg, 1.0, 0.0, 0.0), fm.score, direct,
                    f"năm {fm.year}" if fm.year and fm.value else "", about=fm.fact.text)


def _qualified(clause_value: str, fact_value: str, terms: list[str]) -> bool:
    """The clause's value names a word of the question its count is of ("28 trạm 5G")
    that the indicator's value ("87 trạm", of the same noun) does not."""
    cw, fw = words(search_form(clause_value)), words(search_form(fact_value))
    if not fact_value or len(cw) < 2 or len(fw) < 2 or cw[1] != fw[1]:
        return False
    return bool((set(cw[2:]) - set(fw)) & set(terms))


def prefer_fact(fm: FactMatch, clause: Evidence | None, years: list[int],
                terms: list[str] = ()) -> bool:
    """The indicator read at ingest answers rather than the clause the gate passed: when no
    clause gives a value, when the fact matches the question better than the clause covers
    it (by a clear margin: the clause may hold what the table reader missed), when the
    fact gives the year asked and the clause's value names none, or when the fact gives
    more of the years asked."""
    if clause is None or not re.search(r"\d", clause.direct):
        return True
    if _qualified(clause.direct, fm.value, terms):
        # "bao nhiêu trạm 5G": the clause counts "28 trạm 5G", the indicator "87 trạm" —
        # the total the asked part is of
        return False
    if fm.score >= clause.coverage + FACT_MARGIN:
        return True
    if years and fm.value and not any(str(y) in f"{clause.direct} {clause.detail}"
                                      for y in years):
        return True  # the fact's value is the year asked; the clause's is of no year it says
    return fm.year is None and bool(fm.value) and clause.direct.count("(") < fm.value.count("(")
