"""Composing replies: the direct answer, the quoted clause and where it stands.

A reply fits one Zalo message (2000 characters); the headline is one line (≤ 300).
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from corpus import values as V
from corpus.agencies import find_agencies, same_agency
from corpus.models import Document, Segment
from corpus.normalize import fold, readable, search_form, words
from intents import extract as X
from intents.models import MAX_REPLY_CHARS, Answer, Citation, Query

if TYPE_CHECKING:
    import numpy as np

    from intents.engine import AnswerEngine
    from intents.evidence import Evidence
    from retrieval.search import Hit

HEADLINE_CHARS = 300
ROW_TASK_MIN = 0.5  # share of the question's words a row's task must hold to answer for it
ROLE_LABEL = {"chu_tri": "chủ trì", "phoi_hop": "phối hợp", "theo_doi": "theo dõi, đánh giá"}


# ---- citations -------------------------------------------------------------------------------
def quote(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def citation(doc: Document, seg: Segment, quote_chars: int = 600) -> Citation:
    section = " › ".join(readable(p) for p in seg.heading_path) or "Phần mở đầu"
    if seg.group:
        section += f" › {seg.group}"
    page = seg.page
    return Citation(document=doc.label(), section=quote(section, 200), page=page,
                    quote=quote(seg.shown, quote_chars), nguyen_van=quote(seg.text, quote_chars))


def where(doc: Document, seg: Segment) -> str:
    page = f"trang {seg.page}" + (" (ước tính)" if doc.page_estimated else "")
    section = " › ".join(readable(p) for p in seg.heading_path) or "phần mở đầu"
    return f"{doc.label()} · {quote(section, 140)} · {page}"


def place(doc: Document) -> str:
    return f"{doc.meta.locality_kind} {doc.meta.locality}".strip()


# ---- evidence -------------------------------------------------------------------------------
def extract(engine: AnswerEngine, query: Query, hit: Hit, cov: float) -> Evidence | None:
    """The direct answer in this clause for this kind of question, or None."""
    from intents.evidence import Evidence

    seg = hit.segment
    body = seg.body
    pos = X.term_positions(body, query.terms)
    if query.intent == "who":
        task = _row_task(engine, query, seg)
        if task == ():
            return None  # a row of other tasks
        if task:
            direct, detail, extra, about = task
            return Evidence(hit, cov, direct, detail, extra, about)
        found = _who(query, seg, body, pos)
        if not found:
            return None
        direct, detail = found
        ev = Evidence(hit, cov, direct, detail)
        if re.search(r"bao nhieu|\bmay\b", query.search):
            noun = re.search(r"(?:bao nhieu|may) ([a-z]+(?: [a-z]+)?)", query.search)
            q = X.quantity(body, noun.group(1).split()[0] if noun else "")
            if q:
                ev.extra.append(q)
        return ev
    if query.intent == "when":
        found = _when(query, seg, body, pos)
        return Evidence(hit, cov, found[0], found[1]) if found else None
    if query.intent == "target":
        found = _target(query, seg, body, pos)
        return Evidence(hit, cov, found[0], found[1]) if found else None
    if query.intent == "what" and query.asked:
        # "những chương trình nào": the names the clause lists after that noun
        names = X.listed(readable(seg.shown), query.asked)
        if names:
            return Evidence(hit, cov, "; ".join(f"“{n}”" for n in names))
    return Evidence(hit, cov)


def _row_task(engine: AnswerEngine, query: Query,
              seg: Segment) -> tuple[str, str, list[str], str] | tuple[()] | None:
    """Who leads a task-table row, from the task fact read off it: the checked lead (a row's
    first agency may sit in the coordinating column), the coordinating ones beside it.
    A segment can hold the lines of two rows: the task whose text has most of the
    question's words. () when the row's tasks are about something else; None when there is
    no task fact to go by."""
    if query.role in ("ky", "can_cu", "de_nghi", "theo_doi"):
        return None
    # a table row, or the first item of a task block ("a) Nhiệm vụ: … b) Đơn vị chủ trì: …")
    tasks = [f for f in engine.facts_at(seg.id) if f.kind == "task" and f.lead]
    terms = set(query.terms)
    if not tasks or not terms:
        return None
    scored = sorted(((len(terms & set(words(fold(f.text)))) / len(terms), f) for f in tasks),
                    key=lambda sf: -sf[0])
    share, f = scored[0]
    if share < ROW_TASK_MIN / 2:
        return () if seg.kind == "row" else None
    if share < ROW_TASK_MIN or (len(scored) > 1 and scored[1][0] == share):
        return None
    lead, support = ", ".join(f.lead), ", ".join(f.support)
    if query.role == "phoi_hop":
        return (support, "phối hợp", [f"chủ trì: {lead}"], f.text) if support else None
    return lead, "chủ trì", [f"phối hợp: {support}"] if support else [], f.text


def _who(query: Query, seg: Segment, body: str, pos: list[int]) -> tuple[str, str] | None:
    if query.role == "ky":
        name = _signer(seg)
        return (name, "ký kế hoạch") if name else None
    if query.role == "can_cu":
        return _issuer_of_basis(body)
    if query.role == "de_nghi":
        # "đề nghị Cục …, Ban Cơ yếu Chính phủ cấp …": the agencies the request goes to
        asked = _agencies_after_cue(body, r"\bde nghi\b")
        return (", ".join(asked), "được đề nghị") if asked else None
    if query.role == "phoi_hop":
        sup = X.agencies_after(body, X.SUPPORT_FIELD)
        if sup:
            return ", ".join(dict.fromkeys(a.name for a in sup)), "phối hợp"
    lead = X.agencies_after(body, X.LEAD_FIELD) or X.inline_lead(body)
    if lead:
        return ", ".join(dict.fromkeys(a.name for a in lead)), "chủ trì"
    found = find_agencies(body)
    if seg.kind == "row" and found:
        # task and target tables: the first agency after the task text is the lead column
        return found[0].name, "chủ trì" if query.role != "theo_doi" else "theo dõi"
    if found:
        best = X.nearest(found, pos)
        names = [best.name]
        for a in found:  # agencies listed together ("Cục …, Ban Cơ yếu Chính phủ")
            if a is not best and (0 < a.start - best.end <= 3 or 0 < best.start - a.end <= 3):
                names.append(a.name)
        return ", ".join(dict.fromkeys(names)), ""
    # duties under "Tổ chức thực hiện": the heading names the agency
    for head in reversed(seg.heading_path):
        heads = find_agencies(fold(head))
        if heads:
            return heads[0].name, ""
    return None


_DOC_KIND = {"ke hoach": "Kế hoạch", "nghi quyet": "Nghị quyết", "chi thi": "Chỉ thị",
             "quyet dinh": "Quyết định", "cong van": "Công văn", "thong bao": "Thông báo"}
_DOC_REF = re.compile(r"(ke hoach|nghi quyet|chi thi|quyet dinh|cong van|thong bao)\D{0,22}?"
                      r"(\d{1,4})\s*([-/]\s*[a-z]{1,4}(?:\s*[-/]\s*[a-z]{1,6})*)?"
                      r"(?:[^0-9]{0,12}?ngay (\d{1,2}/\d{1,2}/\d{4}))?")


def _doc_ref(text: str) -> str:
    """'ke hoach se 03 -kh/du ngay 14/7/2025' -> 'Kế hoạch số 03-KH/ĐU ngày 14/7/2025'."""
    m = _DOC_REF.search(text)
    if not m:
        return readable(text)
    code = re.sub(r"\s+", "", m.group(3) or "").upper().replace("DU", "ĐU")
    date = f" ngày {m.group(4)}" if m.group(4) else ""
    return f"{_DOC_KIND[m.group(1)]} số {m.group(2)}{code}{date}"


def _capitalise(name: str) -> str:
    name = re.sub(r"\bubnd\b", "UBND", re.sub(r"\bhdnd\b", "HĐND", name))
    return name[:1].upper() + name[1:]


def _issuer_of_basis(body: str) -> tuple[str, str] | None:
    """'Căn cứ Kế hoạch số 03-KH/ĐU ngày 14/7/2025 của Ban Thường vụ …': who issued it,
    and the document as the detail."""
    m = re.search(r"\bcan cu (?:vao )?(.{4,90}?) cua (.{3,80}?)(?= ve | thuc hien |[,;.]|$)",
                  body)
    if not m:
        return None
    ref, issuer = m.group(1).strip(), m.group(2).strip()
    named = [a for a in find_agencies(issuer) if a.start <= 2]
    who = named[0].name if named else _capitalise(readable(issuer))
    return who, f"căn cứ {_doc_ref(ref)}"


def _agencies_after_cue(body: str, cue: str) -> list[str]:
    """Agencies named right after a cue word, with those listed together after them."""
    found = find_agencies(body)
    names: list[str] = []
    for m in re.finditer(cue, body):
        end = m.end()
        for a in found:
            if 0 <= a.start - end <= 4:
                names.append(a.name)
                end = a.end
    return list(dict.fromkeys(names))


def targets_table(engine: AnswerEngine, query: Query, doc_ids: list[str],
                  year: int) -> Answer | None:
    """Every target a plan sets for one year, one line each, within one message."""
    facts = engine.targets_for_year(year, doc_ids or None)
    if not facts:
        return None
    docs = engine.index.documents
    where = place(docs[doc_ids[0]]) if len(doc_ids) == 1 else "các kế hoạch"
    head = f"Chỉ tiêu năm {year} – {where}: {len(facts)} chỉ tiêu"
    lines: list[str] = []
    shown = 0
    for f in facts:
        doc = docs.get(f.doc_id)
        who = f" ({place(doc)})" if doc and len(doc_ids) != 1 else ""
        line = f"• {quote(readable(f.text), 90)}: {f.values[str(year)]}{who} — tr. {f.page}"
        if len("\n".join([head, "", *lines, line])) > 1850:
            break
        lines.append(line)
        shown += 1
    rest = [f"• {quote(readable(f.text), 90)}: {f.values[str(year)]} — tr. {f.page}"
            for f in facts[shown:]]
    more = len(rest)
    text = "\n".join([head, "", *lines] + ([f"… và {more} chỉ tiêu nữa (gõ «tiếp»)."]
                                          if more > 0 else []))
    cits = []
    for f in facts[:5]:
        seg, doc = engine.segment(f.segment_id), docs.get(f.doc_id)
        if seg and doc:
            cits.append(citation(doc, seg, 200))
    return Answer(question=query.text, intent="target", found=True, headline=head[:300],
                  answer=fit(text), citations=cits, rest=rest)


def years_set(engine: AnswerEngine, doc_ids: list[str]) -> list[int]:
    """The years the plans set targets for (from the extracted facts)."""
    return sorted({int(y) for f in engine.facts("target") if not doc_ids or f.doc_id in doc_ids
                   for y in f.values if y.isdigit()})


def _signer(seg: Segment) -> str | None:
    """The signer's name: the last name-like line of the 'Nơi nhận' block."""
    if "Nơi nhận" not in " ".join(seg.heading_path) and "noi nh" not in fold(seg.text)[:40]:
        return None
    for line in reversed(seg.text.splitlines()):
        # the signature column is often glued after a recipient: "- Các cơ quan…; Trần Thị Tình",
        # "- Lưu Văn phòng Đảng ủy. Nguyễn Bá Việt"
        tail = re.split(r"[;:.\"’]\s*", line)[-1]
        for t in dict.fromkeys([line.strip(" -;.,"), tail.strip(" -;.,")]):
            if _name_like(t):
                return t
    return None


def _name_like(t: str) -> bool:
    ws = t.split()
    return (2 <= len(ws) <= 5 and sum(w[:1].isupper() for w in ws) >= len(ws) - 1
            and not find_agencies(fold(t)) and not re.search(r"\d|:|/|;|\(", t)
            and not t.isupper()
            # "Tỉnh ủy", "UBND tỉnh" in the recipients are bodies, not the signer
            and not re.search(r"\b(uy|ubnd|hdnd|mttq)\b", search_form(t)))


def _report_when(query: Query, body: str) -> tuple[str, str] | None:
    """'Khi nào phải báo cáo 6 tháng?': the date the clause sets for that report
    ("báo cáo định kỳ 6 tháng (trước ngày 15/6)"); a clause that only names the period
    does not answer it."""
    for r in V.report_deadlines(body, is_search_form=True):
        if r.key == query.report_period:
            return f"trước ngày {r.day_month}", f"báo cáo {r.period_shown}"
    return None


def _when(query: Query, seg: Segment, body: str, pos: list[int]) -> tuple[str, str] | None:
    if query.report_period:
        return _report_when(query, body)
    tx = V.find_timex(body)
    kind = query.when_kind
    if kind == "date":
        cands = [t for t in tx if t.kind in ("date", "before")]
    elif kind == "frequency":
        cands = [t for t in tx if t.kind == "recurring"]
    elif kind == "year":
        cands = [t for t in tx if t.kind in ("year", "range")]
        ctx_years = re.findall(r"20[2-5]\d", " ".join(seg.heading_path + [seg.group or ""]))
        if not cands and ctx_years:
            return f"năm {ctx_years[-1]}", "theo mục tiêu"
    else:
        field = re.search(r"\btho\w{0,2} (gian|han)[^:]{0,25}:\s*", body)
        if field:
            inside = [t for t in tx if t.start >= field.end()]
            if inside:
                return inside[0].display, "thời hạn"
        cands = [t for t in tx if t.kind != "range" and _is_deadline(t, seg, body)] or \
            [t for t in tx if t.kind == "range"]
    if not cands:
        return None
    best = X.nearest(cands, pos)
    if kind == "date":
        # the date of the part of the clause that names what is asked ("Quyết định số 58 ngày
        # 14/7/2025 về việc thành lập Tổ công tác …; Quyết định số 11 ngày 24/7/2025 …"), then
        # the date right after it ("Công văn số 3028 … ngày 24/9/2025")
        terms = set(query.terms)

        def score(t: V.Timex) -> tuple[int, int]:
            part = set(words(body[X.part_start(body, t.start):X.part_end(body, t.end)]))
            near = min((t.start - p for p in pos if 0 <= t.start - p <= 90), default=10**6)
            return len(terms & part), -near

        best = max(cands, key=score)
    if kind == "frequency":
        all_rec = [t.display for t in cands]
        return ", ".join(dict.fromkeys(all_rec)), "định kỳ"
    return best.display, ""


_DEADLINE_VERB = re.compile(r"(thuc hien|trien khai|thoi gian|hoan thanh|tien hanh|duy tri)\W*$")


def _is_deadline(t: V.Timex, seg: Segment, body: str) -> bool:
    """'thường xuyên' in prose is usually an adjective ("phong trào … thường xuyên, liên tục");
    it answers "when" in a table's deadline cell or after a verb of doing."""
    if t.text != "thuong xuyen" or seg.kind == "row":
        return True
    return bool(_DEADLINE_VERB.search(body[max(0, t.start - 30):t.start]))


def _share_or_money(display: str) -> bool:
    return "%" in display or "đồng" in display


def _target(query: Query, seg: Segment, body: str, pos: list[int]) -> tuple[str, str] | None:
    vals = V.find_percentages(body, table_row=seg.kind == "row")
    if not re.search(r"\bty le\b|phan tram|%", query.search):
        # "mục tiêu thu nhập bình quân": an amount ("72 triệu đồng/người/năm") may answer it
        vals = sorted(vals + V.find_amounts(body), key=lambda v: v.start)
    # "bao nhiêu ngân sách" may be answered by a share ("3% tổng chi ngân sách")
    count_asked = (re.search(r"\bbao nhieu (?!phan tram|ngan sach|kinh phi|von\b|tien\b|chi phi)"
                             r"[a-z]", query.search)
                   and not re.search(r"\bty le\b|phan tram|%", query.search))
    if count_asked and vals:
        # "bao nhiêu doanh nghiệp" asks for a count; a share or a sum of money ("1,5% GDP",
        # "72 triệu đồng") answers another question
        vals = [v for v in vals if not _share_or_money(v.display)]
        if not vals and seg.kind != "row":
            return None
    if not vals and seg.kind == "row" and _header_years(seg, 0):
        vals = V.row_numbers(body, rate=bool(re.search(r"\b[tl][yi] le\b", body)))
        if count_asked and vals and all(_share_or_money(v.display) for v in vals):
            return None
    if not vals:
        # qualitative targets ("phủ sóng 5G toàn xã") answer "như thế nào", not "bao nhiêu"
        if re.search(r"bao nhieu|%|phan tram|ty le", query.search):
            return None
        return _snippet(seg, query, 150), ""
    if seg.kind == "row":
        years = _header_years(seg, len(vals))
        asked = [y for y in query.years if y in years]
        if years and asked:
            return "; ".join(f"{vals[years.index(y)].display} ({y})" for y in asked), ""
        if years and query.years and not any(str(y) in body for y in query.years):
            return None  # the row sets no value for the year asked
        if years and len(vals) == len(years):
            shown = "; ".join(f"{y}: {v.display}" for y, v in zip(years, vals, strict=True))
            return shown, ""
        ctx = re.findall(r"20[2-5]\d", seg.group or "")
        if ctx:
            return vals[0].display, f"năm {ctx[-1]}"
        return " / ".join(v.display for v in vals[:5]), ""
    best = X.best_value(vals, body, query.terms, query.search)
    head = query.indicator_head
    if head:
        part = words(body[X.part_start(body, best.start):X.part_end(body, best.start)])
        if not any(_near_pair(part, head, i) for i in range(len(part) - 1)):
            # the value is another goal's ("bố trí 3% ngân sách" next to "doanh nghiệp …")
            return None
    year = _year_of(best.start, seg, body)
    if query.years and year and int(year) not in query.years \
            and not any(str(y) in body for y in query.years):
        return None  # the value is for 2030 (clause or heading); the year asked is another
    return best.display, f"năm {year}" if year else ""


def _near_pair(part: list[str], head: tuple[str, str], i: int) -> bool:
    a, b = part[i], part[i + 1]
    return (a == head[0] or _one_letter(a, head[0])) and (b == head[1] or _one_letter(b, head[1]))


def _one_letter(a: str, b: str) -> bool:
    return len(a) == len(b) >= 3 and sum(x != y for x, y in zip(a, b, strict=True)) == 1


_BY_YEAR = re.compile(r"\b(?:den|toi|nam|vao)\s+(?:nam\s+)?(20[2-5]\d)\b")


def _year_of(at: int, seg: Segment, body: str) -> str:
    """The year a value in a clause is for: the last "đến (năm) 2030" before it in the
    clause ("Đến 2026: 80% …; Đến 2030: 90% …"), else the innermost heading with a year
    ("A. … giai đoạn 2021-2025 › II. Mục tiêu … giai đoạn 2026-2030" is about 2030)."""
    said = _BY_YEAR.findall(body[:at])
    if said:
        return said[-1]
    ctx = [re.findall(r"20[2-5]\d", t) for t in (body[:80], *reversed(seg.heading_path))]
    return next((ys[-1] for ys in ctx if ys), "")


def _header_years(seg: Segment, n_values: int) -> list[int]:
    """Year columns of a target table, filled in where OCR lost some of the header."""
    header = seg.table_header or ""
    years = [int(y) for y in re.findall(r"\b(20[2-5]\d)\b", header)]
    years = list(dict.fromkeys(years))
    if len(years) == n_values or (years and n_values == 0):
        return years
    if len(years) >= 3 and n_values == len(years) - 1:
        # the first year's cell left empty (a target already reached, or not yet set)
        return years[1:]
    if len(years) >= 2 and n_values > len(years):
        step = (years[-1] - years[0]) / (n_values - 1)
        if step > 0 and step == int(step):
            filled = [years[0] + int(step) * i for i in range(n_values)]
            if set(years) <= set(filled):
                return filled
    return []


# ---- replies ---------------------------------------------------------------------------------
def _snippet(seg: Segment, query: Query, limit: int = 170) -> str:
    parts = X.sentences(seg.shown) or [seg.shown]
    terms = set(query.terms)
    best = max(parts, key=lambda p: len(terms & set(words(fold(readable(p))))))
    return quote(readable(best), limit)


def _headline(direct: str, detail: str, extra: list[str], snippet: str, where_: str) -> str:
    lead = direct
    if detail:
        lead += f" ({detail})"
    if extra:
        lead += "; " + ", ".join(extra)
    head = f"{lead} — {snippet} [{where_}]" if snippet else f"{lead} [{where_}]"
    if len(head) > HEADLINE_CHARS:
        room = HEADLINE_CHARS - len(lead) - len(where_) - 8
        head = f"{lead} — {quote(snippet, max(room, 20))} [{where_}]"
    return head[:HEADLINE_CHARS]


def fit(text: str) -> str:
    return text if len(text) <= MAX_REPLY_CHARS else text[: MAX_REPLY_CHARS - 1] + "…"


def single_answer(engine: AnswerEngine, query: Query, ev: Evidence) -> Answer:
    seg = ev.hit.segment
    doc = engine.index.documents[seg.doc_id]
    snippet = quote(readable(ev.about), 170) if ev.about else _snippet(seg, query)
    if ev.direct:
        head = _headline(ev.direct, ev.detail, ev.extra, snippet, place(doc))
    else:
        head = _headline(snippet, "", [], "", place(doc))
    more_segs = [h.segment for h in engine.search(query, [seg.doc_id], None, k=4)
                 if h.segment.id != seg.id][:3]
    others = _answers_elsewhere(engine, query, ev) if ev.direct else []
    also = [s for s, _ in others]
    cits = [citation(doc, seg)] + [citation(engine.index.documents[s.doc_id], s, 300)
                                   for s in (also or more_segs[:1])]
    places = [place(doc)] + [place(engine.index.documents[s.doc_id]) for s in also]
    differ = any(fold(o.direct) != fold(ev.direct) for _, o in others)
    if differ:  # "Lộc Tân: trước ngày 10/12; Trần Liễu: trước ngày 30/11"
        each = "; ".join(f"{p}: {e.direct}" for p, e in zip(places, [ev] + [o for _, o in others],
                                                              strict=True))
        head = _headline(each, ev.detail, ev.extra, snippet, ", ".join(places))
    elif also:
        head = _headline(ev.direct, ev.detail, ev.extra, snippet, ", ".join(places))
    body = [head, "", f"📄 {where(doc, seg)}", f"«{quote(seg.shown, 700)}»"]
    if also:
        body += ["", "Các kế hoạch khác:" if differ else "Các kế hoạch khác cũng nêu:"]
        body += [f"• {where(engine.index.documents[s.doc_id], s)}: «{quote(s.shown, 200)}»"
                 for s in also]
    elif more_segs:
        s = more_segs[0]
        body += ["", "Xem thêm:", f"• {where(engine.index.documents[s.doc_id], s)}: "
                 f"«{quote(s.shown, 250)}»"]
    return Answer(question=query.text, intent=query.intent, found=True, headline=head,
                  answer=fit("\n".join(body)), citations=cits,
                  more=[citation(engine.index.documents[s.doc_id], s) for s in more_segs],
                  segment_ids=[seg.id] + [s.id for s in more_segs])


def _answers_elsewhere(engine: AnswerEngine, query: Query,
                       ev: Evidence) -> list[tuple[Segment, Evidence]]:
    """For a question that names no plan: other plans whose clause gives the same answer —
    or, asked when a report is due, any dated answer (each plan sets its own date)."""
    if query.localities or query.doc_ids:
        return []
    seg = ev.hit.segment
    out: list[tuple[Segment, Evidence]] = []
    seen = {seg.doc_id}
    hits = engine.report_clauses(query.report_period, None) if query.report_period else \
        engine.search(query, None, None, k=12)
    for h in hits:
        if h.segment.doc_id in seen:
            continue
        other = extract(engine, query, h, 1.0)
        if other is not None and (query.report_period or fold(other.direct) == fold(ev.direct)):
            out.append((h.segment, other))
            seen.add(h.segment.doc_id)
    return out[:2]


def multi_answer(engine: AnswerEngine, query: Query, parts: list) -> Answer:
    heads, body, cits, found_any = [], [], [], False
    for doc_id, ev in parts:
        doc = engine.index.documents[doc_id]
        if ev is None:
            heads.append(f"{place(doc)}: kế hoạch không nêu")
            body += [f"▪ {place(doc)}: {doc.label()} không nêu nội dung này.", ""]
            continue
        found_any = True
        seg = ev.hit.segment
        direct = ev.direct or _snippet(seg, query, 120)
        heads.append(f"{place(doc)}: {direct}" + (f" ({ev.detail})" if ev.detail else ""))
        body += [f"▪ {place(doc)}: {direct}", f"📄 {where(doc, seg)}",
                 f"«{quote(seg.shown, 450)}»", ""]
        cits.append(citation(doc, seg, 450))
    head = " | ".join(heads)[:HEADLINE_CHARS]
    return Answer(question=query.text, intent=query.intent, found=found_any, headline=head,
                  answer=fit("\n".join([head, "", *body]).strip()), citations=cits)


def not_found(engine: AnswerEngine, query: Query, doc_ids: list[str],
              qvec: np.ndarray | None) -> Answer:
    docs = [engine.index.documents[d] for d in doc_ids] or list(engine.index.documents.values())
    scope = ", ".join(f"{d.label()}" for d in docs[:2]) if doc_ids else "các kế hoạch đã nạp"
    head = f"Không tìm thấy: {scope} không nêu nội dung này."
    related = engine.related(query, doc_ids or None, qvec, k=3)
    body = [head]
    if related:
        body += ["", "Các điều khoản gần nhất (không trả lời trực tiếp câu hỏi):"]
        for s in related[:3]:
            d = engine.index.documents[s.doc_id]
            body.append(f"• {where(d, s)}: «{quote(s.shown, 200)}»")
    body += ["", "Bạn có thể hỏi về: ai chủ trì, thời hạn, chỉ tiêu theo năm của từng "
             "xã/phường; gõ /kehoach để xem danh sách kế hoạch."]
    return Answer(question=query.text, intent=query.intent, found=False, headline=head,
                  answer=fit("\n".join(body)), citations=[])


def not_given(engine: AnswerEngine, query: Query, nearest: Evidence) -> Answer:
    """A value asked for a year the plan does not set: said so, with the nearest value the
    plan does give, labelled as such (found=false: the year asked is not answered)."""
    seg = nearest.hit.segment
    doc = engine.index.documents[seg.doc_id]
    asked = ", ".join(map(str, query.years))
    given = f"{nearest.direct}" + (f" ({nearest.detail})" if nearest.detail else "")
    head = (f"Không tìm thấy: {doc.label()} không nêu chỉ tiêu năm {asked}; điều khoản gần "
            f"nhất nêu: {given}.")
    body = [quote(head, HEADLINE_CHARS), "", f"📄 {where(doc, seg)}", f"«{quote(seg.shown, 600)}»"]
    return Answer(question=query.text, intent=query.intent, found=False,
                  headline=quote(head, HEADLINE_CHARS), answer=fit("\n".join(body)),
                  citations=[citation(doc, seg)])


def message(question: str, text: str) -> Answer:
    return Answer(question=question, intent="unknown", found=False, headline=text,
                  answer=text, citations=[])


def list_answer(engine: AnswerEngine, query: Query, doc_ids: list[str],
                qvec: np.ndarray | None, today: date) -> Answer:
    """'Phòng X chủ trì những việc gì?', 'việc nào hạn năm 2026?' — items with their source."""
    if query.agency:
        listed = _facts_list(engine, query, doc_ids)
        if listed is not None:
            return listed
    hits = engine.search(query, doc_ids or None, qvec, k=40)
    items: list[tuple[Segment, str]] = []
    for h in hits:
        seg = h.segment
        body = seg.body
        if query.agency:
            lead = X.agencies_after(body, X.LEAD_FIELD) or X.inline_lead(body)
            if seg.kind == "row" and not lead:
                found = find_agencies(body)
                lead = found[:1]
            if not any(same_agency(query.agency, a.name) for a in lead):
                continue
        if query.years:
            tx = V.find_timex(body)
            if not any(str(y) in t.display for t in tx for y in query.years):
                continue
        if engine.coverage(query, seg) < 0.34 and not query.agency:
            continue
        tx = V.find_timex(body)
        due = tx[-1].display if tx else ""
        items.append((seg, due))
    if not items:
        return not_found(engine, query, doc_ids, qvec)
    items.sort(key=lambda it: (it[0].doc_id, it[0].order))
    lines, cits = [], []
    for seg, due in items[:8]:
        doc = engine.index.documents[seg.doc_id]
        what = quote(readable(X.sentences(seg.shown)[0] if X.sentences(seg.shown) else seg.shown),
                      150)
        lines.append(f"• {what}" + (f" — hạn: {due}" if due else "") + f" (tr. {seg.page})")
        cits.append(citation(doc, seg, 300))
    subject = query.agency or "Các kế hoạch"
    head = f"{subject}: {len(items)} việc" + (f" ({place(engine.index.documents[doc_ids[0]])})"
                                             if doc_ids else "")
    rest = [_item_line(engine, seg, due) for seg, due in items[8:]]
    more = len(rest)
    text = "\n".join([head, "", *lines] + ([f"… và {more} việc nữa (gõ «tiếp» để xem)."]
                                          if more > 0 else []))
    return Answer(question=query.text, intent="list", found=True, headline=head[:300],
                  answer=fit(text), citations=cits[:5], rest=rest)


def _facts_list(engine: AnswerEngine, query: Query, doc_ids: list[str]) -> Answer | None:
    """The tasks and duties the plans give the agency named (lead, or coordinating when
    asked "phối hợp"), from the extracted facts: whole task texts, with their deadlines."""
    role = "support" if query.role == "phoi_hop" else "lead"
    facts = [f for f in engine.index.facts if f.kind in ("task", "duty")
             and (not doc_ids or f.doc_id in doc_ids)
             and any(same_agency(query.agency, a) for a in getattr(f, role))]
    if query.years:
        facts = [f for f in facts if any(str(y) in f.deadline_text for y in query.years)]
    if not facts:
        return None
    docs = engine.index.documents
    lines = []
    for f in facts:
        due = f" — hạn: {f.deadline_text}" if f.deadline_text else ""
        where_ = f" ({place(docs[f.doc_id])})" if len({x.doc_id for x in facts}) > 1 else ""
        lines.append(f"• {quote(readable(f.text), 160)}{due}{where_} (tr. {f.page})")
    label = "phối hợp" if role == "support" else "chủ trì"
    scope = f" ({place(docs[doc_ids[0]])})" if len(doc_ids) == 1 else ""
    head = f"{query.agency} {label} {len(facts)} việc{scope}"
    shown, rest = lines[:8], lines[8:]
    tail = [f"… và {len(rest)} việc nữa (gõ «tiếp» để xem)."] if rest else []
    cits = []
    for f in facts[:5]:
        seg = engine.segment(f.segment_id)
        if seg is not None:
            cits.append(citation(docs[f.doc_id], seg, 300))
    return Answer(question=query.text, intent="list", found=True, headline=head[:HEADLINE_CHARS],
                  answer=fit("\n".join([head, "", *shown, *tail])), citations=cits, rest=rest)


def _item_line(engine: AnswerEngine, seg: Segment, due: str) -> str:
    sents = X.sentences(seg.shown)
    what = quote(readable(sents[0] if sents else seg.shown), 150)
    return f"• {what}" + (f" — hạn: {due}" if due else "") + f" (tr. {seg.page})"
