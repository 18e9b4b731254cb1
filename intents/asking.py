"""What a question asks: its intent (who/when/target/what/list), the role or post a
who-question asks about, and the kind of time a when-question wants.

    detect_intents("ai chu tri va han khi nao")   -> ["who", "when"]

Rules over the search form, so "Ai chủ trì…" and "ai chu tri…" are the same question. The
interrogative and the noun it asks for lead ("những tổ chức nào" asks who, "giai đoạn nào"
asks when); a cue word elsewhere in the question (a task's own "phối hợp", "hằng năm")
decides only when the head says nothing.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from corpus.normalize import fold, words
from corpus.values import period_key

_LIST = re.compile(
    r"\b(nhung|cac) (viec|nhiem vu|cong viec)\b|\b(viec|nhiem vu|cong viec) (nao|gi)\b|"
    r"liet ke|sap (den )?han|qua han|\blo nhung\b|\bco nhung viec\b"
)
# a list asked for as such: the tasks are what the question word asks about
_LIST_ASKED = re.compile(
    r"\b(viec|nhiem vu|cong viec) (nao|gi)\b|liet ke|sap (den )?han|qua han|\blo nhung\b|"
    r"\bco nhung viec\b|\b(nhung|cac) (viec|nhiem vu|cong viec) (nao|gi|gom|sau)\b")
# who: a question word that asks for a body ("ai", "cơ quan nào", "bên nào", "gửi về đâu")
_WHO = re.compile(
    r"\bai\b|co quan nao|don vi nao|phong nao|\bban nao|\bben nao|to chuc nao|\bcap nao|"
    r"nguoi nao|\bai ky|\bve dau\b|\b(?:gui|nop|phan anh|bao cao) (?:cho|toi|len) dau\b|"
    # "đơn vị chủ trì … là gì": the holder of a role asked by name
    r"(?<!cua )\b(?:don vi|co quan|ben) (?:chu tri|phoi hop|theo doi|thuc hien)\b.*\bla (?:gi|ai)\b"
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
    # a measure named alone asks its value: "quy mô thương mại điện tử", "số lượng thư viện số"
    r"\bquy mo\b|\bso luong\b|\bchi so\b|"
    r"\b(?:o|dat|giu) muc (?:nao|bao nhieu)\b|"
    r"\bso sanh\b"
)
# a thing asked by its noun ("nền tảng nào", "kế hoạch gì"), not an action ("làm gì") or
# a who/when noun (those are read by `_asked_noun_cues` first)
_THING_ASKED = re.compile(r"\b(?!(?:lam|la|ai|the|ra|nhung|cac|voi|cho|boi)\b)[a-z]{2,} (?:nao|gi)\b")
# a role's verb followed by what is done in it: "phối hợp (thực hiện) làm gì", "chủ trì
# những việc gì", "phối hợp (trong) nhiệm vụ gì"
_ROLE_DUTIES = re.compile(r"\b(?:chu tri|phoi hop|phu trach) (?:(?:lam|thuc hien|trien khai|"
                          r"trong|co) )?(?:nhung |cac )?(?:(?:viec|nhiem vu|cong viec) )?"
                          r"(?:gi|nao)\b")
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



QUESTION_WORDS = frozenset(
    ["ai", "khi", "nao", "bao", "gio", "nhieu", "may", "gi", "the", "sao", "dau", "hay", "cho", "biet", "lam", "ra", "nhung", "cac", "viec", "nhiem", "vu", "co", "quan", "don", "vi", "phong", "ban", "chu", "tri", "phoi", "hop", "phu", "trach", "giao", "theo", "doi", "han", "thoi", "gian", "diem", "ngay", "thang", "nam", "muc", "tieu", "chi", "tieu", "ty", "le", "dat", "phan", "tram", "bao", "lau", "lan", "dinh", "ky", "xa", "phuong", "ke", "hoach", "so", "kh", "ubnd", "dang", "uy", "nao", "la", "duoc", "phai", "can", "toi", "den", "hoan", "xong", "lo", "xai", "dung", "voi", "tai", "trong", "thuc", "hien", "trien", "khai", "quy", "dinh", "dat", "ra", "de", "ra", "nq57", "nq", "57", "nghi", "quyet", "tw", "kh-ubnd", "kh/du", "ong", "ba", "anh", "chi", "em", "toi", "minh", "cho", "hoi", "xin", "vui", "long", "cam", "on", "so", "sanh", "giua", "khac", "nhau", "nhu", "the", "nao", "ra", "sao", "muc", "nao", "bao", "nhieu", "dat", "qua", "trinh", "neu", "thi", "gap",
     # casual verbs of asking: "muốn đạt gì", "lấy từ đâu"
     "muon", "lay", "tu", "danh",
     # "chiếm bao nhiêu %": the verb of a share asked
     "chiem"]
)


# "AI" the technology, not the question word: "ứng dụng AI", "công nghệ AI", "trí tuệ nhân
# tạo (AI)"
_TECH_AI = re.compile(r"\b(dung|nghe|tao|hinh|cu|phap|tang|doi) ai\b")


def cue_form(q: str, typed: str = "") -> str:
    """The search form with words that look like question words but are not masked: "AI"
    written in capitals or after "ứng dụng"/"công nghệ"."""
    out = _TECH_AI.sub(r"\1 a_i", q)
    if re.search(r"\bAI\b", typed) and not re.search(r"\b(?:ai|Ai)\b", typed):
        out = re.sub(r"\bai\b", "a_i", out)
    return out


@functools.cache
def _asked_noun_cues() -> dict[str, re.Pattern]:
    """kind -> the pattern of nouns of that kind asked for with "nào", several joined
    ("tổ chức, lực lượng nào"), from `data/asked_nouns.tsv`."""
    nouns: dict[str, list[str]] = {}
    path = Path(__file__).with_name("data") / "asked_nouns.tsv"
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            noun, kind = line.split("\t")
            nouns.setdefault(kind.strip(), []).append(fold(noun.strip()))
    out = {}
    for kind, ns in nouns.items():
        one = "(?:" + "|".join(sorted(map(re.escape, ns), key=len, reverse=True)) + ")"
        out[kind] = re.compile(rf"\b{one}(?:\s*(?:,|va|hoac|/)\s*{one})*\s+nao\b")
    return out


def _agency_heads() -> list[str]:
    """Folded head nouns of the agency grammar that name a body by themselves; not a word
    that is mostly something else before "nào" ("trạm", "trường", "báo"), nor a part of a
    body ("Thường trực")."""
    from corpus.agencies.lexicon import HEAD_INDEX

    return sorted({" ".join(ws) for heads in HEAD_INDEX.values() for ws, _, cls in heads
                   if cls in ("alone", "name", "weak")
                   and " ".join(ws) not in ("bao", "thue")})


# "kế hoạch số nào": the folded "so" of a number asked, not "sở nào"
_NUMBER_ASKED = re.compile(r"\b(?:ke hoach|kh|quyet dinh|qd|van ban|nghi quyet|nq|thong tu|"
                           r"cong van|chuong trinh) so nao\b")


@functools.cache
def _head_asked() -> re.Pattern:
    heads = "|".join(sorted(map(re.escape, _agency_heads()), key=len, reverse=True))
    return re.compile(rf"\b(?:{heads}) nao\b")


def _agency_asked(q: str) -> re.Match | None:
    """The head noun of an agency's name asked with "nào" ("sở nào", "ngân hàng nào"), not
    the second half of a word ("giai đoạn nào", "yếu tố nào", "chỉ số nào": the pair is a
    word of the lexicon) nor a plan's number ("kế hoạch số nào")."""
    from corpus.lexicon import syllable_pairs

    pairs = syllable_pairs()
    for m in _head_asked().finditer(_NUMBER_ASKED.sub(_blank, q)):
        before = q[:m.start()].split()[-1:]
        if not before or (before[0], m.group(0).split()[0]) not in pairs:
            return m
    return None


def _cue(rx: re.Pattern, kind: str, q: str) -> re.Match | None:
    """The first place the question asks for this kind: a cue word, the noun before "nào",
    or for a body the head noun of an agency's name before "nào"."""
    nouns = [rx.search(q), _asked_noun_cues()[kind].search(q)]
    if kind == "who":
        nouns.append(_agency_asked(q))
    found = [m for m in nouns if m]
    return min(found, key=lambda m: m.start()) if found else None


def _blank(m: re.Match) -> str:
    return " " * len(m.group(0))


_MEMBERS = re.compile(r"\b((?:bao )?gom) (?:nhung |cac )?ai\b")


def detect_intents(q: str) -> list[str]:
    """The kinds of answer a question asks for, first the main one; two when it asks two
    things ("ai chủ trì và hạn khi nào": who, when)."""
    if not q.strip():
        return ["unknown"]
    # "đối tượng áp dụng gồm những ai": the members of a set named before "gồm", not a body
    # that does something
    q = _MEMBERS.sub(r"\1 nhung gi", q)
    who_at, when_at = _cue(_WHO, "who", q), _cue(_WHEN, "when", q)
    asked_list = _LIST_ASKED.search(q)
    if asked_list and who_at is not None and who_at.start() < asked_list.start() \
            and not any(m.group(0).endswith(("nao", "gi", "han"))
                        for m in _LIST_ASKED.finditer(q)):
        # "ai chủ trì các nhiệm vụ sau …", "đơn vị nào lo những việc về …": the body asked
        # first, the tasks named after it its topic (a list asks "việc nào", "sắp đến hạn")
        asked_list = None
    if _LIST.search(q) and (who_at is None or asked_list):
        # "cơ quan nào chủ trì các nhiệm vụ …" asks who; "các nhiệm vụ" is its topic
        return ["list"]
    who, when = who_at is not None, when_at is not None
    if who_at is not None and when_at is not None:
        # the part that comes first leads; "ai … và khi nào" asks both
        w_at, t_at = who_at.start(), when_at.start()
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
    if _ROLE_DUTIES.search(q):
        # "Sở X phối hợp làm gì", "… chủ trì những việc gì": the role's verb asks what the
        # body does in that role, a list of its tasks, not who
        return ["list"]
    if _WHO_VERB.search(q) and not re.search(r"\bso sanh\b", q) and not _THING_ASKED.search(q):
        # "phối hợp xây dựng kế hoạch gì" asks the plan: the noun asked decides, the task's
        # verb only when nothing is asked by name
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


REPORT_PERIOD = re.compile(
    r"\b(?:(?:\d{1,2}|sau|ba|mot) thang|(?:hang )?quy|hang nam|cuoi nam|(?:mot|1|01) nam|nam)\b")
_ASKS_WHEN = re.compile(r"khi nao|bao gio|ngay nao|truoc ngay|\bhan\b|thoi diem|luc nao")
# in a question about a report's date, the words that say how it is sent: the clause is
# found by "báo cáo" and its period, and checked for that period's date
REPORT_WORDS = re.compile(r"\btruoc ngay\b|\b(?:nop|gui|phai)\b")


def report_period(q: str) -> str:
    """The report a "when" question is about, keyed as a plan's report is keyed
    ("khi nào phải báo cáo 6 tháng" -> "6 thang"; "hạn báo cáo năm" -> "nam"), or ""."""
    if "bao cao" not in q or not _ASKS_WHEN.search(q):
        return ""
    m = REPORT_PERIOD.search(q, q.index("bao cao")) or REPORT_PERIOD.search(q)
    return period_key(m.group(0)) if m else ""
