"""Understanding a question: intent and slots, the second stage of answering.

    query = understand("Ai chủ trì … ở phường Trần Liễu?", places)

What the question asks comes from `intents.asking` (intent, role, when-kind), the plans it
names from `intents.places`; here the slots are read: years, the agency named, the content
words the evidence must hold, the indicator's head, a deadline window.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection
from pathlib import Path

from corpus.agencies import find_agencies
from corpus.lexicon import syllable_pairs
from corpus.models import Document
from corpus.normalize import WORD, fold, words
from corpus.values import find_timex
from intents.asking import (
    QUESTION_WORDS,
    REPORT_PERIOD,
    REPORT_WORDS,
    asked_role,
    asked_roles,
    asked_titles,
    cue_form,
    detect_intents,
    report_period,
    when_kind,
)
from intents.detail import count_heads, named_heads
from intents.models import Query
from intents.normalize import normalize
from intents.places import Places, find_plan_numbers, plan_number_words
from retrieval.lexical import STOP

__all__ = ["Places", "understand"]

_YEAR = re.compile(r"\b(20[2-5]\d)\b")
_PLAN_DATE = re.compile(r"\b(?:ke hoach|kh|quyet dinh|nghi quyet)\b[^,;?]{0,30}?\bngay "
                        r"(\d{1,2}/\d{1,2}/20\d\d)\b")

# Abbreviations are spelt out by intents.normalize from data/abbreviations.tsv; what is
# left here is a written form its word-by-word reading cannot join: "KH-CN" (a code's
# parts are kept as typed there).
_EXPAND = [(re.compile(r"(?<![/-])\bkh-cn\b(?![/-])"), "khoa hoc cong nghe")]
@functools.cache
def _synonyms() -> list[tuple[str, str]]:
    """Pairs of words the plans and the askers use for the same thing
    (`data/synonyms.tsv`), folded."""
    path = Path(__file__).with_name("data") / "synonyms.tsv"
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            a, b = line.split("\t")
            out.append((fold(a.strip()), fold(b.strip())))
    return out


def alternatives(q: str) -> dict[str, list[str]]:
    """Question word -> the words a clause may write for it instead (either side of a pair
    of `data/synonyms.tsv`)."""
    alts: dict[str, list[str]] = {}
    for a, b in _synonyms():
        for x, y in ((a, b), (b, a)):
            if re.search(rf"\b{x}\b", q):
                for w in x.split():
                    alts.setdefault(w, []).extend(y.split())
    return alts


def expand(q: str) -> str:
    """The question with abbreviations spelled out and casual words mapped."""
    out = q
    for rx, rep in _EXPAND:
        out = rx.sub(rep, out)
    return out


_MONTH_TYPED = re.compile(r"\b(?:thang|t)\s?(\d{1,2})(?:\s|\s?-\s?|\.)(?:nam )?(20[2-5]\d)\b")


def month_form(q: str) -> str:
    """A month typed without its slash ("tháng 12 2025", "t12 2025", "thang 9 nam 2025")
    as the plans write it: "thang 12/2025"."""
    return _MONTH_TYPED.sub(lambda m: f"thang {m.group(1)}/{m.group(2)}"
                            if 1 <= int(m.group(1)) <= 12 else m.group(0), q)


_QUOTED = re.compile(r"[\"'“”‘’«»]([^\"'“”‘’«»]{3,80})[\"'“”‘’«»]")


def quoted(q: str) -> list[str]:
    """Names the user put in quotes ("Bảng điều hành số"), two words or more."""
    return [" ".join(words(m)) for m in _QUOTED.findall(q) if len(words(m)) >= 2]


# "X là gì" asks X itself, not a noun "… là": the copula ends no noun asked
_ASKED = re.compile(r"(?:nhung|cac|mot|la)?\s*\b([a-z]+(?: [a-z]+)?)(?<!\bla) (?:nao|gi)\b")


_COUNT_UNIT = re.compile(r"\b(?:bao nhieu|may) (nguoi|thanh vien|ca nhan|hoc vien|lan|don vi)\b")


def _asked_type(q: str, nouns: list[str]) -> set[str]:
    """The noun a question asks for ("những lĩnh vực nào" -> lĩnh vực, "mấy người" ->
    người): the plan gives the answer without that word, so it is no missing evidence."""
    out = {w for noun in nouns for w in noun.split()}
    return out | {w for m in _COUNT_UNIT.finditer(q) for w in m.group(1).split()}


# the noun right after "những"/"các" when words come between it and "nào"
_ASKED_HEAD = re.compile(r"\b(?:nhung|cac) ([a-z]+ [a-z]+)\b(?= [a-z ]{1,40}? (?:nao|gi)\b)")
_PREPOSITIONS = frozenset(["qua", "tu", "bang", "thong", "giua", "duoi", "sau", "truoc"])


def asked_nouns(q: str) -> list[str]:
    """The nouns before "nào"/"gì", as words of the lexicon: "những lĩnh vực nào" ->
    "linh vuc", "xếp nhóm nào" -> "nhom" (not "xep nhom")."""
    out = []
    heads = [m.group(1) for m in _ASKED_HEAD.finditer(q)]  # "những chương trình … nào"
    for ws in [h.split() for h in heads] + [m.group(1).split() for m in _ASKED.finditer(q)]:
        pair = (len(ws) == 2 and tuple(ws) in syllable_pairs()
                and ws[0] not in STOP and ws[0] not in _PREPOSITIONS)  # "qua tổ nào": tổ
        out.append(" ".join(ws) if pair else ws[-1])
    return list(dict.fromkeys(out))


# two-syllable words that say what kind of question it is; any other word of the lexicon
# made of question syllables carries content ("chữ ký số", "xã hội", "số hóa")
_QUESTION_PAIRS = frozenset(tuple(p.split()) for p in (
    "chu tri", "phoi hop", "phu trach", "theo doi", "thoi gian", "thoi han", "thoi diem",
    "muc tieu", "chi tieu", "ty le", "ke hoach", "co quan", "don vi", "nhiem vu", "cong viec",
    "bao nhieu", "khi nao", "the nao", "ra sao", "hoan thanh", "trien khai", "thuc hien",
    "nghi quyet", "dang uy", "bao gio", "dinh ky", "phan tram", "bao lau", "quy dinh",
    "dat ra", "de ra", "so sanh", "khac nhau", "nhu the", "giao cho", "vui long", "cam on",
    "xin hoi", "cho biet", "duoc giao", "can phai", "la gi", "ngay thang", "phai lam",
    "xa phuong", "hay cho", "muc nao", "lam gi", "nhung gi", "o dau", "dat duoc", "mot lan",
    "may lan", "ky nao", "lan nao", "so may", "lan luot", "han chot", "han cuoi"))
# question pairs with a word that is content elsewhere ("lần lượt", not "lượt truy cập")
_ASKING_PHRASES = re.compile(r"\b(?:" + "|".join(
    " ".join(p) for p in sorted(_QUESTION_PAIRS) if not set(p) <= QUESTION_WORDS) + r")\b")
# nouns of a measure a target question names: content, though made of question and stop
# words ("tỷ trọng kinh tế số")
_MEASURE_PAIRS = frozenset([("ty", "trong"), ("ty", "le"), ("chi", "so")])


# phrases that ask (an interrogative, a courtesy): their last word asks only after the first
_PHRASE_END = {b: a for a, b in (p.split() for p in (
    "bao gio", "bao lau", "phan tram", "xin hoi", "vui long", "cam on", "cho biet", "so sanh",
    "khac nhau")) if b not in STOP}

# second words that make no content pair: a question word ("đạt mấy", "gửi về đâu") or a
# time ("báo cáo quý"); first, "quy", "dau", "khi" start "quy hoạch", "đầu tư", "khí hậu"
_INTERROGATIVES = frozenset(["may", "nao", "gi", "sao", "dau", "quy", "khi"])
# words that ask or date: no content pair on either side
_TIME_WORDS = frozenset(["nam", "thang", "ngay", "ai", "nao", "gi"])


def _content_words(q: str) -> set[str]:
    common = syllable_pairs()
    ws = words(q)
    asking = set()  # positions taken by a question pair ("chủ trì", "năm 2030" …)
    for i, (a, b) in enumerate(zip(ws, ws[1:], strict=False)):
        if (a, b) in _QUESTION_PAIRS:
            asking.update((i, i + 1))
    out: set[str] = set()
    for i, (a, b) in enumerate(zip(ws, ws[1:], strict=False)):
        if (a, b) in _MEASURE_PAIRS and (a, b) != ("ty", "le"):
            out.update((a, b))
            continue
        if (i in asking or i + 1 in asking or a in _TIME_WORDS or b in _TIME_WORDS
                or a in STOP or b in STOP or b in _INTERROGATIVES):
            continue  # "đạt mấy", "xếp loại nào": a verb and its question word
        if (a in QUESTION_WORDS or b in QUESTION_WORDS) and (a, b) in common:
            out.update((a, b))
    # a word that asks only as the end of its phrase is content anywhere else: "trạm biến
    # áp" (not "phần trăm"), "hội nông dân" (not "xin hỏi")
    out.update(w for i, w in enumerate(ws) if w in _PHRASE_END
               and (i == 0 or ws[i - 1] != _PHRASE_END[w]))
    return out


def _indicator_head(query: Query) -> tuple[str, str] | None:
    """The head noun of the indicator a target question names: the compound right after
    "tỷ lệ"/"số lượng" ("tỷ lệ hộ gia đình có …" -> hộ gia đình), if it is a word."""
    if query.intent != "target":
        return None
    m = re.search(r"\b(?:ty le|ty trong|so luong) ([a-z]+) ([a-z]+)", query.search)
    if not m:
        return None
    a, b = m.groups()
    if a in query.terms and b in query.terms and (a, b) in syllable_pairs():
        return a, b
    return None


# a question about what falls due: "đến hạn", "hạn tháng 12/2025", "phải xong trong …"
_DUE_CUE = re.compile(
    r"\b(?:den|toi|qua|tre|het|co) han\b|\bhan (?:chot|hoan thanh|nop|cuoi)\b|"
    r"\bhan (?=thang|quy|nam|ngay|trong|truoc|\d)|\bphai (?:xong|hoan thanh)\b|"
    r"\b(?:xong|hoan thanh) (?:trong|truoc)\b|\btu nay den\b|\b(?:can|phai|se) xong\b")
_DUE_DAYS = re.compile(r"\b(\d{1,3}) ngay\b")
_DUE_RELATIVE = {"tuan": 7, "thang": 30, "quy": 90}
_SPAN_KINDS = ("date", "month", "half", "quarter", "year", "range")


def due_window(q: str, listing: bool = False) -> tuple[int | None, tuple[str, str] | None]:
    """(next N days, or (first day, last day) ISO) a deadline question asks about, or
    (None, None) when it asks about no deadline window. A list of tasks asked for a month,
    quarter or half-year ("việc nào tháng 9/2025") asks what falls due then."""
    if not _DUE_CUE.search(q):
        if listing:
            for t in find_timex(q):
                if t.kind in ("month", "quarter", "half") and t.span is not None:
                    return None, (t.span[0].isoformat(), t.span[1].isoformat())
        return None, None
    m = _DUE_DAYS.search(q)
    if m:
        return int(m.group(1)), None
    for t in find_timex(q):
        span = t.span if t.kind in _SPAN_KINDS else None
        if span is not None:
            return None, (span[0].isoformat(), span[1].isoformat())
    rel = re.search(r"\b(tuan|thang|quy) (?:toi|nay|sau)\b", q)
    if rel:
        return _DUE_RELATIVE[rel.group(1)], None
    if re.search(r"\b(?:sap|toi|gan) (?:den |toi )?han\b|\bqua han\b|\btre han\b", q):
        return 30, None
    return None, None


# words that leave a question about every target of a year ("các chỉ tiêu chủ yếu năm 2030",
# "liệt kê tất cả chỉ tiêu")
_BROAD = frozenset(["chu", "yeu", "cu", "the", "tat", "ca", "toan", "bo", "chinh", "quan", "trong",
                    "liet", "ke"])
_TARGET_WORD = re.compile(r"\b(?:chi tieu|muc tieu)\b")


def _all_targets(query: Query) -> bool:
    """'Chỉ tiêu năm 2030 của xã Phong Thổ?': the targets of a year, no indicator named."""
    return (bool(query.years) and query.intent in ("target", "list", "what")
            and bool(_TARGET_WORD.search(query.search))
            and all(t in _BROAD for t in query.terms))


# what is asked about the plan, by the words that ask it (search form)
_PLAN_ASKS = [
    ("date", re.compile(r"\b(?:ban hanh|ky|ra doi|co hieu luc)\b.{0,20}\b(?:ngay nao|khi nao|"
                        r"bao gio|luc nao|hom nao|ngay bao nhieu|thang nao|nam nao)\b|"
                        r"\bngay (?:ban hanh|ky)\b")),
    ("issuer", re.compile(r"\b(?:ai|co quan nao|cap nao|don vi nao|noi nao) ban hanh\b|"
                          r"\bban hanh boi\b|\bdo (?:ai|co quan nao|cap nao) ban hanh\b")),
    ("number", re.compile(r"\bso hieu\b|\bke hoach so (?:may|bao nhieu|gi)\b")),
    ("title", re.compile(r"\bten (?:cua )?ke hoach\b|\btrich yeu\b|\bke hoach ten (?:la )?gi\b")),
]
# words of such questions that are not about any content of the plan: the asking words, the
# kinds of document a plan is issued as and the kind of unit before the place named
_PLAN_WORDS = frozenset(["ban", "hanh", "ky", "so", "hieu", "ten", "ngay", "nay", "trich", "yeu",
                         "ra", "doi", "luc", "hom", "boi", "ke", "hoach", "quyet", "dinh",
                         "chuong", "trinh", "de", "an", "thanh", "pho", "tp", "tinh"])


def plan_attribute(search: str, terms: list[str]) -> str:
    """"date" | "issuer" | "number" | "title" when the question asks that of a plan and
    names nothing in it (else "": "ban hành kế hoạch sáng kiến khi nào" is a task)."""
    if any(t not in _PLAN_WORDS for t in terms):
        return ""
    return next((kind for kind, rx in _PLAN_ASKS if rx.search(search)), "")


def _place_tokens(toks: list[str], named: list) -> set[int]:
    """Positions of the places named, with the "xã"/"phường"/"Đảng ủy" before them."""
    drop = {i for m in named for i in range(m.start, m.end)}
    for m in named:
        j = m.start - 1
        while j >= 0 and toks[j] in ("xa", "phuong", "dang", "uy"):
            drop.add(j)
            j -= 1
    return drop


def _topic(q: str, named: list) -> str:
    toks = words(q)
    drop = _place_tokens(toks, named)
    return " ".join(t for i, t in enumerate(toks) if i not in drop)


# the tokens of `corpus.normalize.words`, with where they stand
_WORD = WORD


def _unplaced(q: str, named: list) -> str:
    """The question with the places it names taken out, its punctuation and "%" kept (the
    cues of what it asks read them)."""
    spans = [m.span() for m in _WORD.finditer(q)]
    drop = _place_tokens([q[a:b] for a, b in spans], named)
    for i in sorted(drop, reverse=True):
        a, b = spans[i]
        q = q[:a] + q[b:]
    return re.sub(r"\s+", " ", q).strip()


# "Sở X làm gì?", "giao Công an tỉnh nhiệm vụ gì?": the duties of the agency named
_DUTY_ASK = re.compile(r"\b(?:lam|lo) (?:nhung )?(?:gi|viec gi)\b|\b(?:nhiem vu|trach nhiem|"
                       r"viec|cong viec) (?:gi|nao)\b|\bduoc giao (?:gi|nhung gi)\b|"
                       # "nhiệm vụ của Sở X (trong kế hoạch …) là gì": the duties as the noun
                       # asked, the agency its owner
                       r"\b(?:nhiem vu|trach nhiem) (?:cu the )?cua\b.{3,90}?\bla (?:gi|nhung gi)\b")


# "nội dung (chính) của …", asked with "là gì", "gồm …", "thế nào": words that ask for
# the content of what follows, not words the clause must have
_CONTENT_ASK = re.compile(r"\bnoi dung(?: chinh| cu the| chu yeu)?(?= (?:cua|ve)\b.*\b(?:la gi|gom|"
                          r"bao gom|nhu the nao|ra sao)\b)")


MAX_TERMS = 40  # distinct content words read from a question; the dev questions have ≤ 30


def _without_place(agency: str, places: list[list[str]] = ()) -> str:
    """The agency without the place after it: "Văn phòng Đảng ủy xã Bình Tân" is the plan's
    "Văn phòng Đảng ủy" (the place says which plan, already read as a locality); so is the
    name of a place the question names (`places`, folded words), the kind word before it
    kept: "Công an tỉnh Bắc Ninh" is the plan's "Công an tỉnh", "Sở Tài chính Đồng Tháp"
    its "Sở Tài chính"."""
    # "… xã Tân Phú" is the commune; "Liên minh Hợp tác xã tỉnh" is a name with "xã" in it
    m = re.match(r"(.+?)\s+(xã|phường|thị trấn)\s+(?!(?:[Tt]ỉnh|[Tt]hành phố|[Hh]uyện)\b)\S.*$",
                 agency)
    if m:
        # a body of the commune itself keeps its kind: "UBND phường Trần Liễu" is "UBND phường"
        whole = fold(m.group(1)) in ("ubnd", "hdnd", "dang uy", "uy ban nhan dan", "cong an")
        return f"{m.group(1)} {m.group(2)}" if whole else m.group(1)
    ws = agency.split()
    for place in places:
        n = len(place)
        # two words of the name stay at least: a body called by its place alone is kept
        if n and len(ws) >= n + 2 and [fold(w) for w in ws[-n:]] == place:
            return " ".join(ws[:-n])
    return agency


def understand(question: str, docs: list[Document] | Places,
               known: Collection[str] = ()) -> Query:
    """The question's intent and slots; `known` holds the words of the loaded plans, which
    are never taken for typos."""
    places = docs if isinstance(docs, Places) else Places(docs)
    norm = normalize(question, known)
    q = month_form(expand(norm.search))
    cues = cue_form(q, norm.typed)
    named = places.find(q)
    # the place named says which plan, not what is asked: "«xã X» hạn …" opens with "hạn"
    # once the place is set aside
    intents = detect_intents(cue_form(_unplaced(q, named), norm.typed))
    intent = intents[0]
    role = asked_role(cues)
    plan_docs = find_plan_numbers(q, places)
    agencies = find_agencies(q)
    plan_nums = plan_number_words(q, places)
    report = report_period(q) if intent == "when" else ""
    nouns = asked_nouns(q)
    asked = _asked_type(q, nouns)
    # only the words that name the place go ("năm", "trung tâm" stay content words even when
    # some commune is called "… Nam" or "Trung …"), with "xã"/"phường" before them: a place
    # says which plan, not what the clause is about ("xã Phong" is no "xà phòng")
    topic = _topic(q, named)
    if report:  # "sáu tháng" is "6 tháng" in the plans
        topic = REPORT_WORDS.sub(" ", REPORT_PERIOD.sub(f" {report} ", topic, count=1))
    topic = _ASKING_PHRASES.sub(" ", topic)
    content = _content_words(topic)
    if re.search(r"\ba_i\b", cues):
        content.add("ai")  # "ứng dụng AI", "chuyển đổi AI": the technology, a content word
    # the date of the plan named ("Kế hoạch số 79/KH-UBND ngày 02/10/2025") says which
    # plan, not what the clause is about
    plan_dates = set(_PLAN_DATE.findall(q))
    terms = [w for w in words(topic) if (w in content or w not in STOP)
             and (w not in QUESTION_WORDS or w in content) and w not in plan_dates
             and not _YEAR.fullmatch(w) and w not in plan_nums]
    if len([w for w in terms if w not in asked]) >= 2:
        terms = [w for w in terms if w not in asked]
    content_ask = _CONTENT_ASK.search(q)
    if content_ask:
        # "nội dung chính của nhiệm vụ X là gì": the words that ask for X's content
        asking = set(words(content_ask.group(0)))
        kept = [w for w in terms if w not in asking]
        terms = kept if len(kept) >= 2 else terms
    tail = words(topic)[-1:]
    if tail in (["khong"], ["chua"]) and terms[-1:] == tail:
        terms = terms[:-1]  # "có chỉ tiêu … không?", "đã … chưa?": the question's particle
    query = Query(
        text=question,
        search=q,
        typed=norm.typed_search,
        intent=intent,  # type: ignore[arg-type]
        also=intents[1:],
        when_kind=("date" if report else when_kind(cues)) if "when" in intents else "",
        report_period=report,
        role=role,
        roles=asked_roles(cues),
        titles=asked_titles(cues) if "who" in intents and role not in ("ky", "can_cu") else [],
        localities=[d for m in named for d in m.doc_ids],
        doc_ids=plan_docs,
        years=[int(y) for y in _YEAR.findall(q)],
        agency=_without_place(agencies[0].name, [words(q)[m.start:m.end] for m in named])
        if agencies else "",
        terms=list(dict.fromkeys(terms))[:MAX_TERMS],  # bounds coverage's work (issue 14)
        alts=alternatives(q),
        phrases=quoted(q),
        # "Chương trình … tên là gì": the noun whose name is asked
        asked=[n for n in nouns if n not in QUESTION_WORDS or " " in n]
        + named_heads(q, terms) + (count_heads(q) if intent == "what" else []),
        about=plan_attribute(q, terms),
    )
    query.duties = bool(query.agency) and intent in ("what", "who", "list") \
        and bool(_DUTY_ASK.search(q)) and not query.years
    query.indicator_head = _indicator_head(query)
    query.all_targets = _all_targets(query)
    query.due_days, query.due_span = due_window(q, intent == "list")
    query.due_from_today = bool(re.search(r"\btu (?:nay|bay gio|hom nay)\b", q))
    query.overdue = bool(re.search(r"\b(?:da )?(?:qua|tre) han\b", q)) and \
        not re.search(r"\bsap\b|\bngay toi\b", q)
    return query
