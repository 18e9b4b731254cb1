"""Extracting the direct answer a clause gives: who (leads, coordinates, signs, holds a
post), when (a deadline, a date, a report's due day, how often) or what target (a value for
the year asked), from a clause and the facts read off it at ingest.

    ev = extract(engine, query, hit, coverage)   # Evidence with the direct answer, or None
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from corpus import values as V
from corpus.agencies import find_agencies, same_agency
from corpus.facts.fields import field_roles
from corpus.models import Fact, Segment
from corpus.normalize import fold, readable, search_form, words
from intents import extract as X
from intents.cite import quote
from intents.detail import asked_detail, other_field
from intents.models import Query

if TYPE_CHECKING:
    from intents.engine import AnswerEngine
    from intents.evidence import Evidence
    from retrieval.search import Hit

# "tổng số trạm …", "số lượng doanh nghiệp …" asks a count, wherever "bao nhiêu" stands
COUNT_NOUN = re.compile(r"\b(?:tong so|so luong)\s+(?!phan tram|von\b|tien\b)[a-z]")
_MONITORS = re.compile(r"\b(?:theo doi|danh gia|tong hop|giam sat|kiem tra)\b")
ROW_TASK_MIN = 0.5  # share of the question's words a row's task must hold to answer for it


def extract(engine: AnswerEngine, query: Query, hit: Hit, cov: float) -> Evidence | None:
    """The direct answer in this clause for this kind of question, or None."""
    from intents.evidence import Evidence

    seg = hit.segment
    body = seg.body
    pos = X.term_positions(body, query.terms)
    if query.intent == "who":
        if query.role == "theo_doi" and _prose(seg) and not _MONITORS.search(
                " ".join([body, *map(fold, seg.heading_path)])):
            # "ai theo dõi …": a clause of prose that names who does the task, not who
            # follows it up ("theo dõi, đôn đốc"); a table row has its monitoring column,
            # whose header OCR may have lost
            return None
        held = holders(body, query.titles)
        if held:
            return Evidence(hit, cov, "; ".join(held))
        task = _row_task(engine, query, seg)
        if task == ():
            return None  # a row of other tasks
        if task and not _asked_body(query, task[0]):
            direct, detail, extra, about = task
            return Evidence(hit, cov, direct, detail, extra, about)
        # "Các doanh nghiệp viễn thông gửi danh sách về đâu": the body the question names
        # does the task; the answer is the other body the clause names
        found = _signed(engine, seg) if query.role == "ky" else _who(query, seg, body, pos)
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
        if query.when_kind in ("deadline", "year") and not query.report_period:
            # a task's deadline (a table's column, a "Thời gian:" field), read at ingest
            f = _task_fact(engine, query, seg, "deadline_text")
            if f:
                return Evidence(hit, cov, _deadline_shown(f.deadline_text), "thời hạn",
                                about=f.text)
        found = _when(query, seg, body, pos)
        return Evidence(hit, cov, found[0], found[1]) if found else None
    if query.intent == "target":
        found = _target(query, seg, body, pos)
        return Evidence(hit, cov, found[0], found[1]) if found else None
    if query.intent == "what" and other_field(query, body):
        return None  # "c) Thời gian thực hiện: …" tells when, not what
    if query.intent == "what" and query.asked:
        # "những chương trình nào": the names the clause lists after that noun
        names = X.listed(readable(seg.shown), query.asked)
        if names:
            return Evidence(hit, cov, "; ".join(f"“{n}”" for n in names))
        # "theo tiêu chuẩn nào": the detail the clause gives after the noun asked
        found = asked_detail(query, readable(seg.shown))
        if found:
            return Evidence(hit, cov, found)
    return Evidence(hit, cov)


_HOLDER_START = re.compile(r".*(?:[;:.()\n]|\b(?:do|gom|voi|va|trong do|theo do)\b)\s*")


def _prose(seg: Segment) -> bool:
    """A clause of running text: no table row, no cells (OCR flattens rows into text)."""
    return seg.kind != "row" and not seg.table_header and "|" not in seg.text


def holders(body: str, titles: list[str]) -> list[str]:
    """Who holds each post the question asks about, where the clause says "<X> làm <post>"
    or "<X> là <post>" ("đồng chí Bí thư Đảng ủy làm Trưởng ban; Văn phòng Đảng ủy là Cơ
    quan Thường trực"): "<post>: <X>" for each post found."""
    out = []
    for title in titles:
        ws = title.split()
        for n in range(len(ws), 1, -1):  # the whole post, then shorter down to two words
            m = re.search(rf"([^;:.\n]{{3,80}}?)\s(?:lam|la)\s{' '.join(ws[:n])}\b", body)
            if m:
                holder = _HOLDER_START.sub("", m.group(1))
                holder = re.sub(r"^(?:dong chi|ong|ba|-)\s+", "", holder.strip())
                if 1 <= len(holder.split()) <= 8:
                    out.append(f"{_capitalise(readable(title))}: {_capitalise(readable(holder))}")
                break
    return out


def _task_fact(engine: AnswerEngine, query: Query, seg: Segment,
               need: str) -> Fact | tuple[()] | None:
    """The task or duty fact read off this segment at ingest that the question is about:
    a table row's task (a segment can hold the lines of two rows: the task whose text has
    most of the question's words) or a duty under "Tổ chức thực hiện". `need` is the field
    the answer comes from ("lead", "deadline_text"). () when a row's tasks are about
    something else; None when there is no fact to go by."""
    row = seg.kind == "row"
    # a clause's own task fact ("1. Xây dựng … - Cơ quan chủ trì: … - Thời gian: …") and
    # its duty (who, by its heading) answer too; a row is read only through its facts
    kinds = ("task", "duty") if row or need == "lead" else ("task",)
    tasks = [f for f in engine.facts_at(seg.id) if f.kind in kinds and getattr(f, need)]
    if not tasks and not row:
        block = _block_task(engine, seg)
        if block is not None:
            return block if getattr(block, need) else None
    terms = set(query.terms)
    if not tasks or not terms:
        return None
    scored = sorted(((len(terms & set(words(fold(f.text)))) / len(terms), f) for f in tasks),
                    key=lambda sf: -sf[0])
    share, f = scored[0]
    if share < ROW_TASK_MIN / 2:
        return () if row else None
    if (row and share < ROW_TASK_MIN) or (len(scored) > 1 and scored[1][0] == share):
        return None
    return f


_BLOCK_BACK = 12  # items a task block's label stands above its last bullet, at most


def _block_task(engine: AnswerEngine, seg: Segment) -> Fact | None:
    """The task of the labelled block a bullet belongs to: "a) Nhiệm vụ:" over bullets, then
    "b) Cơ quan thực hiện: …", "c) Thời gian thực hiện: …" under one heading. The block's
    fact is read off its label's item, and each bullet under that label is part of its task
    (corpus.facts.fields.task_blocks): its lead and deadline answer for the bullet too."""
    if field_roles(seg):
        return None  # a labelled item answers through its own facts or text
    table = engine.index.segments
    at = table.position(seg.id)
    if at is None:
        return None
    for i in range(at - 1, max(-1, at - 1 - _BLOCK_BACK), -1):
        prev = table[i]
        if prev.doc_id != seg.doc_id or prev.heading_path != seg.heading_path:
            return None
        roles = field_roles(prev)
        if not roles:
            continue  # another bullet of the same task
        if "task" not in roles:
            return None  # the bullet follows another field, not the task's label
        tasks = [f for f in engine.facts_at(prev.id) if f.kind == "task"]
        return tasks[0] if len(tasks) == 1 else None
    return None


def _deadline_shown(text: str) -> str:
    """A deadline as the answers write it ("Hoàn thành trong tháng 12 năm 2025" -> "tháng
    12/2025"), the text itself when it reads as no one time ("sau khi …")."""
    tx = [t for t in V.find_timex(search_form(text)) if t.kind != "condition"]
    return tx[0].display if len(tx) == 1 else text


def _row_task(engine: AnswerEngine, query: Query,
              seg: Segment) -> tuple[str, str, list[str], str] | tuple[()] | None:
    """Who does a task or duty, from its fact: a table row's checked lead (a row's first
    agency may sit in the coordinating column), or the body a duty under "Tổ chức thực
    hiện" belongs to (its heading; the agencies the clause names are often those it works
    with or for: "tham mưu giúp UBND xã", "chỉ đạo Ban Chỉ đạo")."""
    if query.role in ("ky", "can_cu", "de_nghi", "theo_doi"):
        return None
    f = _task_fact(engine, query, seg, "lead")
    if not f:
        return f
    lead, support = ", ".join(f.lead), ", ".join(f.support)
    if query.role == "phoi_hop":
        return (support, "phối hợp", [f"chủ trì: {lead}"], f.text) if support else None
    if seg.kind == "row":
        return lead, "chủ trì", [f"phối hợp: {support}"] if support else [], f.text
    # a task's lead leads; a duty's body is the one responsible, "chủ trì" only where the
    # clause says so
    role = "chủ trì" if f.kind == "task" or re.search(r"\bchu tri\b", seg.body) else ""
    return lead, role, [f"phối hợp: {support}"] if support else [], ""


def _who(query: Query, seg: Segment, body: str, pos: list[int]) -> tuple[str, str] | None:
    if query.role == "can_cu":
        return _issuer_of_basis(body)
    if query.role == "de_nghi":
        # "đề nghị Cục …, Ban Cơ yếu Chính phủ cấp …": the agencies the request goes to
        # "theo đề nghị của Sở …": the body that proposed it; a duty under a heading "Đề
        # nghị: Hội …, Hiệp hội …" is asked of the bodies its heading names
        by = _agencies_after_cue(body, r"\btheo de nghi cua\b")
        if by:
            return ", ".join(by), "đề nghị"
        cue = r"\bde nghi\b"
        asked = _agencies_after_cue(body, cue) or next(
            (found for head in reversed(seg.heading_path)
             if (found := _agencies_after_cue(fold(head), cue))), [])
        return (", ".join(asked), "được đề nghị") if asked else None
    if query.role == "phoi_hop":
        sup = X.agencies_after(body, X.SUPPORT_FIELD)
        if sup:
            return ", ".join(dict.fromkeys(a.name for a in sup)), "phối hợp"
    both = "phoi_hop" in query.roles and len(query.roles) > 1  # "ai chủ trì, ai phối hợp"
    lead = X.agencies_after(body, X.LEAD_FIELD) or X.inline_lead(body)
    if lead:
        names = ", ".join(dict.fromkeys(a.name for a in lead))
        sup = X.agencies_after(body, X.SUPPORT_FIELD) if both else []
        if sup:
            return f"{names} (chủ trì); phối hợp: " + ", ".join(
                dict.fromkeys(a.name for a in sup)), ""
        return names, "chủ trì"
    found = find_agencies(body)
    if seg.kind == "row" and found:
        # task and target tables: the first agency after the task text is the lead column,
        # the others the coordinating one; a segment holding two rows: the row whose text
        # has most of the question's words
        row = _row_of_question(body, found, set(query.terms))
        rest = [a.name for a in row[1:] + found[:len(found) - len(row)]
                if a.name != row[0].name]
        found = row
        if both and rest:
            return f"{found[0].name} (chủ trì); phối hợp: " + ", ".join(dict.fromkeys(rest)), ""
        return found[0].name, "chủ trì" if query.role != "theo_doi" else "theo dõi"
    others = [a for a in found if not _asked_body(query, a.name)]
    if others and len(others) < len(found):
        found = others  # the body the question names is not its own answer
    if found:
        best = X.nearest(found, pos)
        names = [best.name]
        for a in found:  # agencies listed together ("Cục …, Ban Cơ yếu Chính phủ")
            if a is not best and (0 < a.start - best.end <= 3 or 0 < best.start - a.end <= 3):
                names.append(a.name)
        return ", ".join(dict.fromkeys(names)), ""
    # duties under "Tổ chức thực hiện": the heading names the agency
    for head in reversed(seg.heading_path):
        heads = [a for a in find_agencies(fold(head)) if not _asked_body(query, a.name)]
        if heads:
            return heads[0].name, ""
    return None


def _asked_body(query: Query, name: str) -> bool:
    """The answer names the body the question itself names as the doer ("Sở X gửi về
    đâu?"), when it asks of another one."""
    return bool(query.agency) and query.role not in ("ky", "can_cu") \
        and same_agency(query.agency, name.split(",")[0].split("(")[0].strip())


def _row_of_question(body: str, found: list, terms: set[str]) -> list:
    """The agencies from the one that follows the text with most of the question's words
    (the text between two agencies is a row's task or indicator; the agencies right after
    it are its columns)."""
    best, best_score, prev = 0, -1, 0
    for i, a in enumerate(found):
        score = len(terms & set(words(body[prev:a.start])))
        if score > best_score:
            best, best_score = i, score
        prev = a.end
    return found[best:]


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


def _signed(engine: AnswerEngine, seg: Segment) -> tuple[str, str] | None:
    """Who signed: the signer the header reader took from the plan at ingest, when the
    signature block quoted holds that name; else the name read off the block."""
    doc = engine.index.documents.get(seg.doc_id)
    known = doc.meta.signer if doc is not None else ""
    name = known if known and known in seg.text else _signer(seg)
    kind = (doc.meta.kind if doc is not None else "") or "Kế hoạch"
    return (name, f"ký {kind.lower()}") if name else None


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
    if _PERIOD_ASKED.search(query.search) and any(t.kind == "range" for t in tx):
        # "giai đoạn nào" asks a period: "giai đoạn 2026 - 2030", not "tầm nhìn đến 2045"
        cands = [t for t in tx if t.kind == "range"]
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


_PERIOD_ASKED = re.compile(r"\bgiai doan (?:nao|gi|bao lau)\b")
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
    count_asked = ((re.search(r"\bbao nhieu (?!phan tram|ngan sach|kinh phi|von\b|tien\b|chi phi)"
                              r"[a-z]", query.search) or COUNT_NOUN.search(query.search))
                   and not re.search(r"\bty le\b|phan tram|%", query.search))
    if count_asked:
        counted = _counted(query.search, body, pos, query.terms, query.agency)
        if counted:
            return counted, ""
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
    if not vals and seg.kind != "row":
        level = _level(body, pos)
        if level:
            return level, f"năm {_year_of(0, seg, body)}".strip() if _year_of(0, seg, body) \
                else ""
    if not vals:
        # qualitative targets ("phủ sóng 5G toàn xã") answer "như thế nào", not "bao nhiêu"
        if re.search(r"bao nhieu|%|phan tram|ty le", query.search):
            return None
        return best_sentence(seg, query, 150), ""
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


# a level a goal sets with a bare number: "HDI duy trì trên 0,7", "đạt ít nhất 1,5"
_LEVEL = re.compile(r"\b(?:tren|duoi|dat|it nhat|toi thieu|toi da|khoang|o muc|>|<|≥|≤)\s*"
                    r"(\d+(?:[.,]\d+)?)(?!\s*(?:/|-|nam\b|thang\b|ngay\b|\d))")


def _level(body: str, pos: list[int]) -> str:
    """The level a clause sets with a bare number, nearest the question's words; ""."""
    found = list(_LEVEL.finditer(body))
    if not found:
        return ""
    return readable(X.nearest(found, pos, key=lambda m: m.start()).group(0))


def _counted(question: str, body: str, pos: list[int], terms: list[str],
             agency: str = "") -> str:
    """"Bao nhiêu trạm …": a number the clause gives of the noun counted ("35 trạm"), the one
    nearest the question's words; "" when it gives none, or when it gives counts per body
    ("VNPT: 15 trạm, Viettel: 25 trạm") and not for the body the question names."""
    noun = re.search(r"\bbao nhieu ([a-z]+(?: [a-z0-9]+){0,3})", question) or \
        re.search(r"\b(?:tong so|so luong) ([a-z]+(?: [a-z0-9]+){0,3})", question)
    if not noun:
        return ""
    asked = noun.group(1).split()
    found: list[re.Match] = []
    for n in range(len(asked), 0, -1):  # "11 cơ sở dữ liệu", not "11 cơ"
        found = list(re.finditer(rf"\b(\d[\d.,]*) {' '.join(asked[:n])}\b", body))
        if found:
            break
    if not found:
        return ""
    terms = set(terms)
    have = set(words(body))
    bodies = [set(words(fold(a.name))) for a in find_agencies(question)]
    parts = [set(words(fold(a.name))) for a in _parts_by_body(body)]
    if parts and any(b and not b <= have for b in bodies):
        return ""  # a body asked whose share the clause does not give
    named = set().union(*[b for b in bodies if any(b <= p for p in parts)]) if parts else \
        set(words(fold(agency)))

    def score(m: re.Match) -> tuple[bool, int, int]:
        # the part the body the question names has ("trong đó: Viettel: 26 trạm"), then the
        # question's words just before the number, then nearness
        before = set(words(body[max(0, m.start() - 25):m.start()]))
        # the body's own part: its name right before the number ("MobiFone: 22 trạm"), not
        # one part earlier
        own = set(words(body[:m.start()])[-len(named) - 1:]) if named else set()
        near = min((abs(m.start() - p) for p in pos), default=0)
        return bool(named) and named <= own, len(terms & before), -near

    return readable(max(found, key=score).group(0))


def _parts_by_body(body: str) -> list:
    """The bodies a clause gives a count each ("Trong đó: VNPT: 25 trạm, Viettel: 33 trạm")."""
    return [a for a in find_agencies(body) if re.match(r"\s*[:(–-]?\s*\d", body[a.end:a.end + 8])]


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


def best_sentence(seg: Segment, query: Query, limit: int = 170) -> str:
    """The sentence of the clause with most of the question's words, quoted."""
    parts = X.sentences(seg.shown) or [seg.shown]
    # the noun a what-question asks for is the sentence's to have too ("mở thêm chuyên
    # ngành gì"); the question's word pairs count twice: "mô hình" is no "mở thêm"
    terms = set(query.terms) | {w for n in query.asked for w in n.split()}
    qw = words(query.search)
    pairs = {(a, b) for a, b in zip(qw, qw[1:], strict=False) if a in terms and b in terms}

    def score(p: str) -> int:
        ws = words(fold(readable(p)))
        return len(terms & set(ws)) + 2 * len(pairs & set(zip(ws, ws[1:], strict=False)))

    best = max(parts, key=score)
    return quote(readable(best), limit)
