"""Understanding a question: intent (who/when/target/what/list) and slots.

Rules over the search form, so "Ai chủ trì…" and "ai chu tri…" are the same question.
Slots: localities named (with or without diacritics, one wrong letter tolerated), plan
numbers ("kế hoạch 79", "27-KH/ĐU"), years, the agency named, the role asked about.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from corpus.agencies import find_agencies
from corpus.lexicon import syllable_pairs, syllables
from corpus.models import Document
from corpus.normalize import fold, words
from corpus.values import find_timex, period_key
from intents.models import Query
from intents.normalize import normalize
from retrieval.lexical import STOP

_LIST = re.compile(
    r"\b(nhung|cac) (viec|nhiem vu|cong viec)\b|\b(viec|nhiem vu|cong viec) (nao|gi)\b|"
    r"liet ke|sap (den )?han|qua han|\blo nhung\b|\bco nhung viec\b"
)
# who: a question word that asks for a body ("ai", "cơ quan nào", "bên nào", "gửi về đâu")
_WHO = re.compile(
    r"\bai\b|co quan nao|don vi nao|phong nao|\bban nao|\bben nao|to chuc nao|\bcap nao|"
    r"nguoi nao|\bai ky|\bve dau\b|\b(?:gui|nop|phan anh|bao cao) (?:cho|toi|len) dau\b"
)
# verbs of a role: a who-question only when nothing else asks ("phối hợp triển khai X khi
# nào" asks when; "tỷ lệ … theo dõi sức khỏe" asks a value)
_WHO_VERB = re.compile(r"\bchu tri\b|\bphoi hop\b|phu trach|giao cho|\btham muu\b|dau moi|"
                       r"\bky ke hoach")
_WHEN = re.compile(
    r"khi nao|bao gio|thoi han|\bhan (chot|nop|cuoi|hoan thanh)|\bhan khi|truoc ngay|ngay nao|"
    r"thang nao|nam nao|thoi gian nao|thoi diem nao|bao lau|dinh ky|may thang|ky nao|"
    r"\bra ngay\b|\bngay bao nhieu|\bhan\b.*\bnao\b|\bxong\b|thoi gian (hoan thanh|thuc hien)|"
    r"^(?:.* )?thoi gian(?: [a-z0-9]+){0,12}$|^han\b"
)
_TARGET = re.compile(
    r"chi tieu|muc tieu|bao nhieu|\bty (?:le|trong)\b|phan tram|%|\bdat muc\b|toi thieu|"
    r"\b(?:o|dat|giu) muc (?:nao|bao nhieu)\b|"
    r"\bso sanh\b"
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

_WHO_WORD = r"(?:ai|co quan nao|don vi nao|ben nao|phong nao|to chuc nao|cap nao|nguoi nao)"
_ROLE_VERB = {"chu_tri": r"(?:chu tri|phu trach|lo|lam|thuc hien|trien khai)",
              "phoi_hop": r"phoi hop", "theo_doi": r"(?:theo doi|danh gia|tong hop)"}


def asked_role(q: str) -> str:
    """The role a who-question asks about: the verb next to its question word ("ai phối hợp",
    "đơn vị chủ trì là gì", "phối hợp với ai") before any verb in the task's own name
    ("phối hợp triển khai văn hóa số … ai chủ trì" asks who leads)."""
    for name, verb in _ROLE_VERB.items():
        if re.search(rf"\b{_WHO_WORD} {verb}\b|\b{verb} (?:voi |la |boi )?{_WHO_WORD}\b|"
                     rf"\b(?:don vi|co quan|ben) {verb}\b", q):
            return name
    return next((name for name, rx in _ROLE if rx.search(q)), "")


def asked_roles(q: str) -> list[str]:
    """Every role a who-question asks about by a question word next to its verb: "ai chủ
    trì, ai phối hợp" asks both (the first is `asked_role`)."""
    return [name for name, verb in _ROLE_VERB.items()
            if re.search(rf"\b{_WHO_WORD} {verb}\b|\b{verb} (?:voi |la |boi )?{_WHO_WORD}\b|"
                         rf"\b(?:don vi|co quan|ben) {verb}\b", q)]


# a post or standing role asked for: "ai làm Trưởng ban …", "cơ quan nào là cơ quan thường
# trực …", "… trưởng ban là ai"; the title ends at a word that starts a qualifier
_TITLE_AFTER = re.compile(rf"\b{_WHO_WORD} (?:lam|la) ((?:[a-z]+ ?){{2,5}})")
_TITLE_BEFORE = re.compile(rf"\b((?:[a-z]+ ){{2,4}})(?:la|lam) {_WHO_WORD}\b")
_TITLE_STOP = re.compile(r"\b(?:cua|ve|cap|tai|o|trong|thuoc|va|cho|la|lam)\b.*$")
_TITLE_LEAD = re.compile(r"^.*\b(?:con|va|thi|ma|voi)\s+")


def asked_titles(q: str) -> list[str]:
    """The posts a question asks who holds ("trưởng ban", "cơ quan thường trực"), search
    form, two words or more."""
    out = []
    for part in re.split(r"[,;?]", q):
        for m in _TITLE_AFTER.finditer(part):
            out.append(_TITLE_STOP.sub("", m.group(1)).strip())
        for m in _TITLE_BEFORE.finditer(part):
            out.append(_TITLE_LEAD.sub("", m.group(1)).strip())
    # "đơn vị chủ trì là ai" asks a role, not a post: a post has a word of its own
    return list(dict.fromkeys(t for t in out if len(t.split()) >= 2
                              and not set(t.split()) <= QUESTION_WORDS))


_YEAR = re.compile(r"\b(20[2-5]\d)\b")
_PLAN_DATE = re.compile(r"\b(?:ke hoach|kh|quyet dinh|nghi quyet)\b[^,;?]{0,30}?\bngay "
                        r"(\d{1,2}/\d{1,2}/20\d\d)\b")
_PLAN_NO = re.compile(
    r"\b(?:ke hoach|kh|kế hoạch)\s*(?:so\s*)?(\d{1,4})\b|\b(\d{1,4})\s*[/-]\s*kh\b")

# words that say what kind of question it is, not what it is about
QUESTION_WORDS = frozenset(
    ["ai", "khi", "nao", "bao", "gio", "nhieu", "may", "gi", "the", "sao", "dau", "hay", "cho", "biet", "lam", "ra", "nhung", "cac", "viec", "nhiem", "vu", "co", "quan", "don", "vi", "phong", "ban", "chu", "tri", "phoi", "hop", "phu", "trach", "giao", "theo", "doi", "han", "thoi", "gian", "diem", "ngay", "thang", "nam", "muc", "tieu", "chi", "tieu", "ty", "le", "dat", "phan", "tram", "bao", "lau", "lan", "dinh", "ky", "xa", "phuong", "ke", "hoach", "so", "kh", "ubnd", "dang", "uy", "nao", "la", "duoc", "phai", "can", "toi", "den", "hoan", "xong", "lo", "xai", "dung", "voi", "tai", "trong", "thuc", "hien", "trien", "khai", "quy", "dinh", "dat", "ra", "de", "ra", "nq57", "nq", "57", "nghi", "quyet", "tw", "kh-ubnd", "kh/du", "ong", "ba", "anh", "chi", "em", "toi", "minh", "cho", "hoi", "xin", "vui", "long", "cam", "on", "so", "sanh", "giua", "khac", "nhau", "nhu", "the", "nao", "ra", "sao", "muc", "nao", "bao", "nhieu", "dat", "qua", "trinh", "neu", "thi", "gap",
     # casual verbs of asking: "muốn đạt gì", "lấy từ đâu"
     "muon", "lay", "tu", "danh",
     # "chiếm bao nhiêu %": the verb of a share asked
     "chiem"]
)


# "AI" the technology, not the question word: "ứng dụng AI", "công nghệ AI", "trí tuệ nhân
# tạo (AI)"
_TECH_AI = re.compile(r"\b(dung|nghe|tao|hinh|cu|phap|tang) ai\b")


def cue_form(q: str, typed: str = "") -> str:
    """The search form with words that look like question words but are not masked: "AI"
    written in capitals or after "ứng dụng"/"công nghệ"."""
    out = _TECH_AI.sub(r"\1 a_i", q)
    if re.search(r"\bAI\b", typed) and not re.search(r"\b(?:ai|Ai)\b", typed):
        out = re.sub(r"\bai\b", "a_i", out)
    return out


def detect_intents(q: str) -> list[str]:
    """The kinds of answer a question asks for, first the main one; two when it asks two
    things ("ai chủ trì và hạn khi nào": who, when)."""
    if not q.strip():
        return ["unknown"]
    if _LIST.search(q):
        return ["list"]
    who, when = bool(_WHO.search(q)), bool(_WHEN.search(q))
    if who and when:
        # the part that comes first leads; "ai … và khi nào" asks both
        w_at, t_at = _WHO.search(q).start(), _WHEN.search(q).start()
        both = re.search(r"\b(?:va|con|voi lai|, )\b", q[min(w_at, t_at):max(w_at, t_at)])
        if both:
            return ["who", "when"] if w_at < t_at else ["when", "who"]
        return ["who"]
    if when:
        return ["when"]
    if who and not re.search(r"\bso sanh\b", q):
        return ["who"]
    if _TARGET.search(q):
        return ["target"]
    if _WHO_VERB.search(q) and not re.search(r"\bso sanh\b", q):
        return ["who"]
    if _WHAT.search(q):
        return ["what"]
    return ["what"] if len(words(q)) >= 3 else ["unknown"]


def detect_intent(q: str) -> str:
    return detect_intents(q)[0]


def when_kind(q: str) -> str:
    if re.search(r"ngay nao|truoc ngay|\bra ngay\b|ngay bao nhieu|ngay thang", q):
        return "date"
    # how often: asked with "bao lâu", "mấy tháng (một lần)", "định kỳ"; "hằng năm" in the
    # name of a task ("kế hoạch … hằng năm xây dựng lúc nào") asks when, not how often
    if re.search(r"bao lau|dinh ky|may thang|ky nao|(?:may|mot|1|bao nhieu) lan\b", q):
        return "frequency"
    if re.search(r"nam nao", q):
        return "year"
    return "deadline"


_REPORT_PERIOD = re.compile(
    r"\b(?:(?:\d{1,2}|sau|ba|mot) thang|(?:hang )?quy|hang nam|cuoi nam|(?:mot|1|01) nam|nam)\b")
_ASKS_WHEN = re.compile(r"khi nao|bao gio|ngay nao|truoc ngay|\bhan\b|thoi diem|luc nao")
# in a question about a report's date, the words that say how it is sent: the clause is
# found by "báo cáo" and its period, and checked for that period's date
_REPORT_WORDS = re.compile(r"\btruoc ngay\b|\b(?:nop|gui|phai)\b")


def report_period(q: str) -> str:
    """The report a "when" question is about, keyed as a plan's report is keyed
    ("khi nào phải báo cáo 6 tháng" -> "6 thang"; "hạn báo cáo năm" -> "nam"), or ""."""
    if "bao cao" not in q or not _ASKS_WHEN.search(q):
        return ""
    m = _REPORT_PERIOD.search(q, q.index("bao cao")) or _REPORT_PERIOD.search(q)
    return period_key(m.group(0)) if m else ""


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


# Abbreviations are spelt out by intents.normalize from data/abbreviations.tsv; what is
# left here is a written form its word-by-word reading cannot join: "KH-CN" (a code's
# parts are kept as typed there).
_EXPAND = [(re.compile(r"(?<![/-])\bkh-cn\b(?![/-])"), "khoa hoc cong nghe")]
# Words the plans use interchangeably: either side counts as present.
_SYNONYMS = [("moi nam", "hang nam"), ("it nhat", "toi thieu"), ("chinh quyen", "ubnd"),
             ("nguoi lon", "truong thanh"), ("so", "ho so"), ("lo", "chu tri"),
             ("xong", "hoan thanh"), ("dan", "nguoi dan"), ("kinh phi", "ngan sach")]


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


_ASKED = re.compile(r"(?:nhung|cac|mot|la)?\s*([a-z]+(?: [a-z]+)?) (?:nao|gi)\b")


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
        if (a, b) in _MEASURE_PAIRS and (a, b) != ("ty", "le"):
            out.update((a, b))
            continue
        if (i in asking or i + 1 in asking or a in _TIME_WORDS or b in _TIME_WORDS
                or a in STOP or b in STOP):
            continue
        if (a in QUESTION_WORDS or b in QUESTION_WORDS) and (a, b) in common:
            out.update((a, b))
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
# words of such questions that are not about any content of the plan
_PLAN_WORDS = frozenset(["ban", "hanh", "ky", "so", "hieu", "ten", "ngay", "nay", "trich", "yeu",
                         "ra", "doi", "luc", "hom", "boi"])


def plan_attribute(search: str, terms: list[str]) -> str:
    """"date" | "issuer" | "number" | "title" when the question asks that of a plan and
    names nothing in it (else "": "ban hành kế hoạch sáng kiến khi nào" is a task)."""
    if any(t not in _PLAN_WORDS for t in terms):
        return ""
    return next((kind for kind, rx in _PLAN_ASKS if rx.search(search)), "")


def _topic(q: str, named: list) -> str:
    toks = words(q)
    drop = {i for m in named for i in range(m.start, m.end)}
    for m in named:
        j = m.start - 1
        while j >= 0 and toks[j] in ("xa", "phuong", "dang", "uy"):
            drop.add(j)
            j -= 1
    return " ".join(t for i, t in enumerate(toks) if i not in drop)


# "Sở X làm gì?", "giao Công an tỉnh nhiệm vụ gì?": the duties of the agency named
_DUTY_ASK = re.compile(r"\b(?:lam|lo) (?:nhung )?(?:gi|viec gi)\b|\b(?:nhiem vu|trach nhiem|"
                       r"viec|cong viec) (?:gi|nao)\b|\bduoc giao (?:gi|nhung gi)\b")


MAX_TERMS = 40  # distinct content words read from a question; the dev questions have ≤ 30


def _without_place(agency: str) -> str:
    """The agency without the place after it: "Văn phòng Đảng ủy xã Bình Tân" is the plan's
    "Văn phòng Đảng ủy" (the place says which plan, already read as a locality)."""
    m = re.match(r"(.+?)\s+(xã|phường|thị trấn)\s+\S.*$", agency)
    if not m:
        return agency
    # a body of the commune itself keeps its kind: "UBND phường Trần Liễu" is "UBND phường"
    whole = fold(m.group(1)) in ("ubnd", "hdnd", "dang uy", "uy ban nhan dan", "cong an")
    return f"{m.group(1)} {m.group(2)}" if whole else m.group(1)


def understand(question: str, docs: list[Document] | Places,
               known: Collection[str] = ()) -> Query:
    """The question's intent and slots; `known` holds the words of the loaded plans, which
    are never taken for typos."""
    places = docs if isinstance(docs, Places) else Places(docs)
    norm = normalize(question, known)
    q = month_form(expand(norm.search))
    cues = cue_form(q, norm.typed)
    intents = detect_intents(cues)
    intent = intents[0]
    role = asked_role(cues)
    named = places.find(q)
    plan_docs = find_plan_numbers(q, places)
    agencies = find_agencies(q)
    plan_nums = {a or b for a, b in _PLAN_NO.findall(q)}
    report = report_period(q) if intent == "when" else ""
    nouns = asked_nouns(q)
    asked = _asked_type(q, nouns)
    # only the words that name the place go ("năm", "trung tâm" stay content words even when
    # some commune is called "… Nam" or "Trung …"), with "xã"/"phường" before them: a place
    # says which plan, not what the clause is about ("xã Phong" is no "xà phòng")
    topic = _topic(q, named)
    if report:  # "sáu tháng" is "6 tháng" in the plans
        topic = _REPORT_WORDS.sub(" ", _REPORT_PERIOD.sub(f" {report} ", topic, count=1))
    topic = _ASKING_PHRASES.sub(" ", topic)
    content = _content_words(topic)
    # the date of the plan named ("Kế hoạch số 79/KH-UBND ngày 02/10/2025") says which
    # plan, not what the clause is about
    plan_dates = set(_PLAN_DATE.findall(q))
    terms = [w for w in words(topic) if (w in content or w not in STOP)
             and (w not in QUESTION_WORDS or w in content) and w not in plan_dates
             and not _YEAR.fullmatch(w) and w not in plan_nums]
    if len([w for w in terms if w not in asked]) >= 2:
        terms = [w for w in terms if w not in asked]
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
        agency=_without_place(agencies[0].name) if agencies else "",
        terms=list(dict.fromkeys(terms))[:MAX_TERMS],  # bounds coverage's work (issue 14)
        alts=alternatives(q),
        phrases=quoted(q),
        asked=[n for n in nouns if n not in QUESTION_WORDS or " " in n],
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
