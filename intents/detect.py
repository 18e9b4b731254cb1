"""Understanding a question: intent (who/when/target/what/list) and slots.

Rules over the search form, so "Ai chủ trì…" and "ai chu tri…" are the same question.
Slots: localities named (with or without diacritics, one wrong letter tolerated), plan
numbers ("kế hoạch 79", "27-KH/ĐU"), years, the agency named, the role asked about.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from corpus.agencies import find_agencies
from corpus.lexicon import syllable_pairs, syllables
from corpus.models import Document
from corpus.normalize import fold, search_form, words
from intents.models import Query
from retrieval.lexical import STOP

_LIST = re.compile(
    r"\b(nhung|cac) (viec|nhiem vu|cong viec)\b|\b(viec|nhiem vu|cong viec) (nao|gi)\b|"
    r"liet ke|sap (den )?han|qua han|\blo nhung\b|\bco nhung viec\b"
)
_WHO = re.compile(
    r"\bai\b|co quan nao|don vi nao|phong nao|\bban nao|to chuc nao|\bcap nao|nguoi nao|"
    r"\bchu tri\b|\bphoi hop\b|phu trach|giao cho|theo doi|tham muu|\bky ke hoach|\bai ky|"
    r"\bve dau\b|\bbao ve dau|\bo dau\b|\bnoi nao"
)
_WHEN = re.compile(
    r"khi nao|bao gio|thoi han|\bhan (chot|nop|cuoi|hoan thanh)|\bhan khi|truoc ngay|ngay nao|"
    r"thang nao|nam nao|thoi gian nao|thoi diem nao|bao lau|dinh ky|may thang|ky nao|"
    r"\bra ngay\b|\bngay bao nhieu|\bhan\b.*\bnao\b|\bxong\b|thoi gian (hoan thanh|thuc hien)"
)
_TARGET = re.compile(
    r"chi tieu|muc tieu|bao nhieu|\bty le\b|phan tram|%|\bdat muc\b|toi thieu|\bso sanh\b"
)
_WHAT = re.compile(r"\bgi\b|\bnao\b|the nao|ra sao|nhu the|noi dung")

_ROLE = [
    ("ky", re.compile(r"\b(ai|nguoi nao) ky\b|\bky ke hoach|\bnguoi ky\b")),
    ("can_cu", re.compile(r"\bcan cu\b|\bdua (?:tren|vao) (?:ke hoach|nghi quyet|van ban)")),
    ("phoi_hop", re.compile(r"\bphoi hop\b")),
    ("theo_doi", re.compile(r"theo doi|danh gia|tong hop")),
    ("de_nghi", re.compile(r"\bde nghi\b")),
    ("chu_tri", re.compile(r"chu tri|phu trach|\blo\b|giao cho|\bai\b.*(trien khai|thuc hien|"
                           r"xay dung)")),
]

_YEAR = re.compile(r"\b(20[2-5]\d)\b")
_PLAN_NO = re.compile(
    r"\b(?:ke hoach|kh|kế hoạch)\s*(?:so\s*)?(\d{1,4})\b|\b(\d{1,4})\s*[/-]\s*kh\b")

# words that say what kind of question it is, not what it is about
QUESTION_WORDS = frozenset(
    ["ai", "khi", "nao", "bao", "gio", "nhieu", "may", "gi", "the", "sao", "dau", "hay", "cho", "biet", "lam", "ra", "nhung", "cac", "viec", "nhiem", "vu", "co", "quan", "don", "vi", "phong", "ban", "chu", "tri", "phoi", "hop", "phu", "trach", "giao", "theo", "doi", "han", "thoi", "gian", "diem", "ngay", "thang", "nam", "muc", "tieu", "chi", "tieu", "ty", "le", "dat", "phan", "tram", "bao", "lau", "lan", "dinh", "ky", "xa", "phuong", "ke", "hoach", "so", "kh", "ubnd", "dang", "uy", "nao", "la", "duoc", "phai", "can", "toi", "den", "hoan", "xong", "lo", "xai", "dung", "voi", "tai", "trong", "thuc", "hien", "trien", "khai", "quy", "dinh", "dat", "ra", "de", "ra", "nq57", "nq", "57", "nghi", "quyet", "tw", "kh-ubnd", "kh/du", "ong", "ba", "anh", "chi", "em", "toi", "minh", "cho", "hoi", "xin", "vui", "long", "cam", "on", "so", "sanh", "giua", "khac", "nhau", "nhu", "the", "nao", "ra", "sao", "muc", "nao", "bao", "nhieu", "dat", "qua", "trinh", "neu", "thi", "gap"]
)


def detect_intent(q: str) -> str:
    if not q.strip():
        return "unknown"
    if _LIST.search(q):
        return "list"
    if _WHEN.search(q) and not re.search(r"\bai\b|co quan nao|don vi nao", q):
        return "when"
    if _WHO.search(q) and not re.search(r"\bso sanh\b", q):
        return "who"
    if _TARGET.search(q):
        return "target"
    if _WHAT.search(q):
        return "what"
    return "what" if len(words(q)) >= 3 else "unknown"


def when_kind(q: str) -> str:
    if re.search(r"ngay nao|truoc ngay|\bra ngay\b|ngay bao nhieu|ngay thang", q):
        return "date"
    if re.search(r"bao lau|dinh ky|may thang|ky nao|\blan\b|hang (nam|thang|quy)", q):
        return "frequency"
    if re.search(r"nam nao", q):
        return "year"
    return "deadline"


def _edits_ok(a: str, b: str) -> bool:
    """Equal, or one edit apart (a typo in a place name)."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1 or min(len(a), len(b)) < 5:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return a[i + 1:] == b[i + 1:] or a[i + 1:] == b[i:] or a[i:] == b[i + 1:]


# words that introduce a place ("xã Bình Tân"): a window starting or ending with one is the
# cue plus part of a name, never a misspelt name ("xa binh" is one letter from "ha binh")
_PLACE_CUES = frozenset(["xa", "phuong", "uy", "ubnd", "huyen", "tinh"])
# a word right before a name that says a place follows ("ở Bình Tân", "của xã …")
_BEFORE_PLACE = _PLACE_CUES | {"o", "tai", "cua"}
# words that join two places named together ("Lộc Tân và Phong Thổ")
_JOINS = frozenset(["va", "voi", "hoac", "cung"])
_FUZZY_MIN = 6  # shorter names are one letter from too many others to guess at


def _deletions(s: str) -> set[str]:
    return {s[:i] + s[i + 1:] for i in range(len(s))}


def _same_initials(a: str, b: str) -> bool:
    """Each syllable starts with the same letter: "binh tam" may be Bình Tân, but "hop
    nhung" (tích hợp những) is not Hợp Hưng."""
    return [w[:1] for w in a.split()] == [w[:1] for w in b.split()]


def _cued(toks: list[str], i: int) -> bool:
    return i > 0 and toks[i - 1] in _BEFORE_PLACE


def _cued_only(found: list[PlaceMatch], toks: list[str]) -> list[PlaceMatch]:
    """When the question marks a place ("xã Lộc Tân"), other names it holds without such a
    mark are words that happen to spell a commune ("hoàn thành Trung tâm" holds Thành
    Trung), unless joined to a marked one ("ở Lộc Tân và Phong Thổ")."""
    if not any(_cued(toks, m.start) for m in found):
        return found
    kept: list[PlaceMatch] = []
    for m in found:
        joined = bool(kept) and all(t in _JOINS for t in toks[kept[-1].end:m.start])
        if _cued(toks, m.start) or joined:
            kept.append(m)
    return kept


@dataclass
class PlaceMatch:
    doc_ids: list[str]
    start: int  # first token of the name in words(question)
    end: int  # one past its last token


class Places:
    """The plans' localities and numbers, folded and indexed once per set of plans, so that
    a question is matched by dictionary look-ups rather than against every plan in turn."""

    def __init__(self, docs: Iterable[Document]) -> None:
        self.docs = list(docs)
        self.by_name: dict[str, list[str]] = {}
        self.by_number: dict[int, list[str]] = {}
        for d in self.docs:
            key = fold(d.meta.locality)
            if key:
                self.by_name.setdefault(key, []).append(d.id)
            m = re.match(r"(\d+)", d.meta.number or "")
            if m:
                self.by_number.setdefault(int(m.group(1)), []).append(d.id)
        self.lengths = sorted({len(k.split()) for k in self.by_name}, reverse=True)
        # symmetric deletions: a window one edit from a name shares a deletion with it
        self.near: dict[str, set[str]] = {}
        for key in self.by_name:
            if len(key) >= _FUZZY_MIN:
                for v in _deletions(key) | {key}:
                    self.near.setdefault(v, set()).add(key)

    def exact(self, toks: list[str]) -> list[PlaceMatch]:
        """Names written out in full (folded), longest first, not overlapping."""
        taken: set[int] = set()
        out: list[PlaceMatch] = []
        for n in self.lengths:
            for i in range(len(toks) - n + 1):
                ids = self.by_name.get(" ".join(toks[i:i + n]))
                if ids and not taken & set(range(i, i + n)):
                    out.append(PlaceMatch(ids, i, i + n))
                    taken.update(range(i, i + n))
        return sorted(out, key=lambda m: m.start)

    def one_off(self, toks: list[str]) -> list[PlaceMatch]:
        """A name with one letter wrong, missing or extra, when only one name fits."""
        found: dict[str, PlaceMatch] = {}
        for n in self.lengths:
            for i in range(len(toks) - n + 1):
                if toks[i] in _PLACE_CUES or toks[i + n - 1] in _PLACE_CUES:
                    continue
                window = " ".join(toks[i:i + n])
                if not _cued(toks, i) and all(w in syllables() for w in toks[i:i + n]):
                    continue  # real words, not a misspelt name: "den nam" is not Điền Nam
                cands = {k for v in _deletions(window) | {window} for k in self.near.get(v, ())}
                for key in cands:
                    if _edits_ok(window, key) and _same_initials(window, key) \
                            and key not in found:
                        found[key] = PlaceMatch(self.by_name[key], i, i + n)
        return list(found.values()) if len(found) == 1 else []

    def find(self, q: str) -> list[PlaceMatch]:
        toks = words(q)
        return _cued_only(self.exact(toks), toks) or self.one_off(toks)


def find_localities(q: str, docs: Iterable[Document] | Places) -> list[str]:
    """Ids of the plans whose locality the question names, in the order named."""
    places = docs if isinstance(docs, Places) else Places(docs)
    return [d for m in places.find(q) for d in m.doc_ids]


def find_plan_numbers(q: str, docs: Iterable[Document] | Places) -> list[str]:
    nums = {int(a or b) for a, b in _PLAN_NO.findall(q)}
    if not nums:
        return []
    places = docs if isinstance(docs, Places) else Places(docs)
    wanted = {d for n in nums for d in places.by_number.get(n, [])}
    return [d.id for d in places.docs if d.id in wanted]


# Abbreviations and casual words people type, and what the plans write instead.
_EXPAND = [(re.compile(rf"(?<![/-])\b{a}\b(?![/-])"), b) for a, b in (
    ("tmdt", "thuong mai dien tu"), ("khcn", "khoa hoc cong nghe"),
    ("kh-cn", "khoa hoc cong nghe"), ("kh&cn", "khoa hoc cong nghe"),
    ("cds", "chuyen doi so"), ("dmst", "doi moi sang tao"), ("cntt", "cong nghe thong tin"),
    ("dvc", "dich vu cong"), ("dvctt", "dich vu cong truc tuyen"),
    ("tthc", "thu tuc hanh chinh"), ("csdl", "co so du lieu"), ("hcc", "hanh chinh cong"),
    ("vhxh", "van hoa xa hoi"), ("nq", "nghi quyet"), ("xai", "su dung"),
)]
# Words the plans use interchangeably: either side counts as present.
_SYNONYMS = [("moi nam", "hang nam"), ("it nhat", "toi thieu"), ("chinh quyen", "ubnd"),
             ("nguoi lon", "truong thanh"), ("so", "ho so"), ("lo", "chu tri"),
             ("xong", "hoan thanh"), ("dan", "nguoi dan"), ("camera", "camera")]


def alternatives(q: str) -> dict[str, list[str]]:
    alts: dict[str, list[str]] = {}
    for a, b in _SYNONYMS:
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


_QUOTED = re.compile(r"[\"'“”‘’«»]([^\"'“”‘’«»]{3,80})[\"'“”‘’«»]")


def quoted(q: str) -> list[str]:
    """Names the user put in quotes ("Bảng điều hành số"), two words or more."""
    return [" ".join(words(m)) for m in _QUOTED.findall(q) if len(words(m)) >= 2]


_ASKED = re.compile(r"(?:nhung|cac|mot|la)?\s*([a-z]+(?: [a-z]+)?) (?:nao|gi)\b")


_COUNT_UNIT = re.compile(r"\b(?:bao nhieu|may) (nguoi|thanh vien|ca nhan|hoc vien|lan|don vi)\b")


def _asked_type(q: str) -> set[str]:
    """The noun a question asks for ("những lĩnh vực nào" -> lĩnh vực, "mấy người" ->
    người): the plan gives the answer without that word, so it is no missing evidence."""
    out: set[str] = set()
    for m in _ASKED.finditer(q):
        ws = m.group(1).split()
        # "lĩnh vực nào" asks for a lĩnh vực; "xếp nhóm nào" only for a nhóm
        out.update(ws if len(ws) == 2 and tuple(ws) in syllable_pairs() else ws[-1:])
    return out | {w for m in _COUNT_UNIT.finditer(q) for w in m.group(1).split()}


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
    "may lan", "ky nao", "lan nao"))


_TIME_WORDS = frozenset(["nam", "thang", "ngay", "quy", "ai", "nao", "gi", "dau", "khi"])


def _content_words(q: str) -> set[str]:
    common = syllable_pairs()
    ws = words(q)
    asking = set()  # positions taken by a question pair ("chủ trì", "năm 2030" …)
    for i, (a, b) in enumerate(zip(ws, ws[1:], strict=False)):
        if (a, b) in _QUESTION_PAIRS:
            asking.update((i, i + 1))
    out: set[str] = set()
    for i, (a, b) in enumerate(zip(ws, ws[1:], strict=False)):
        if (i in asking or i + 1 in asking or a in _TIME_WORDS or b in _TIME_WORDS
                or a in STOP or b in STOP):
            continue
        if (a in QUESTION_WORDS or b in QUESTION_WORDS) and (a, b) in common:
            out.update((a, b))
    return out


def _indicator_head(query: Query) -> tuple[str, str] | None:
    """The head noun of the indicator a target question names: the compound right after
    "tỷ lệ"/"số lượng" ("tỷ lệ thanh toán trực tuyến" -> thanh toán), if it is a word."""
    if query.intent != "target":
        return None
    m = re.search(r"\b(?:ty le|so luong) ([a-z]+) ([a-z]+)", query.search)
    if not m:
        return None
    a, b = m.groups()
    if a in query.terms and b in query.terms and (a, b) in syllable_pairs():
        return a, b
    return None


def understand(question: str, docs: list[Document] | Places) -> Query:
    places = docs if isinstance(docs, Places) else Places(docs)
    q = expand(search_form(question))
    intent = detect_intent(q)
    role = next((name for name, rx in _ROLE if rx.search(q)), "")
    named = places.find(q)
    plan_docs = find_plan_numbers(q, places)
    agencies = find_agencies(q)
    plan_nums = {a or b for a, b in _PLAN_NO.findall(q)}
    asked = _asked_type(q)
    content = _content_words(q)
    # only the words that name the place go: "năm", "trung tâm" stay content words even
    # when some commune is called "… Nam" or "Trung …"
    place_at = {i for m in named for i in range(m.start, m.end)}
    terms = [w for i, w in enumerate(words(q)) if w not in STOP
             and (w not in QUESTION_WORDS or w in content)
             and i not in place_at and not _YEAR.fullmatch(w) and w not in plan_nums]
    if len([w for w in terms if w not in asked]) >= 2:
        terms = [w for w in terms if w not in asked]
    query = Query(
        text=question,
        search=q,
        intent=intent,  # type: ignore[arg-type]
        when_kind=when_kind(q) if intent == "when" else "",
        role=role,
        localities=[d for m in named for d in m.doc_ids],
        doc_ids=plan_docs,
        years=[int(y) for y in _YEAR.findall(q)],
        agency=agencies[0].name if agencies else "",
        terms=terms,
        alts=alternatives(q),
        phrases=quoted(q),
    )
    query.indicator_head = _indicator_head(query)
    return query
