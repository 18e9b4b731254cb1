"""The one detail a what-question asks of a clause: which standard, which platform, which
model, what form — the words that follow the noun asked in the clause that carries it.

    asked_heads("bac ninh ung dung nen tang mo quoc gia nao ve van hoa so")
        -> ["quoc gia", "nen tang"]
    detail_after("… theo tiêu chuẩn TCVN 14423:2025 về An ninh mạng - Yêu cầu …",
                 ["tieu chuan"])
        -> "TCVN 14423:2025 về An ninh mạng - Yêu cầu …"

The noun asked is read from the words before "nào"/"gì" (a compound of the lexicon, the
nearest first: "nền tảng mở quốc gia nào" asks a platform as much as a national thing).
A clause gives its detail when what follows the noun reads as a name or a specification:
a quoted or capitalised name, a number or code ("số 80/2021/NĐ-CP", "TCVN 14423:2025"), an
abbreviation in brackets ("(PPP)", "(MyCulture)"), or words the noun introduces with
"theo", "bằng", "tại" ("theo hình thức hợp tác công tư"). A set asked for ("gồm những …")
is answered by its items (intents.set_answer), not here.
"""

from __future__ import annotations

import re

from corpus.lexicon import syllable_pairs
from corpus.normalize import fold, words
from intents.asking import QUESTION_WORDS
from intents.models import Query
from intents.set_answer import asks_set
from retrieval.lexical import STOP

_BACK = 5  # words read back from "nào"/"gì" for the noun asked
# a count asked: "mấy trạm 5G", "bao nhiêu cơ sở dữ liệu"; a measure or a time counts no thing
_COUNT_ASK = re.compile(r"\b(?:may|bao nhieu) ([a-z]+[a-z0-9]*(?: [a-z0-9]+){0,5})")
_COUNT_NOT = frozenset(["lan", "phan", "nam", "thang", "ngay", "quy", "tuoi", "gio", "tro"])
DETAIL_CHARS = 110  # a detail longer than this is cut, as a headline's lead
# words between the noun and its detail that carry nothing of it: "Nghị định số 80",
# "địa chỉ: https://…", "mô hình là …"
_LEAD = re.compile(r"^(?:\s*(?:(?:số|là)(?!\w)|:|-|–)\s*)+", re.I)
# a preposition that makes the noun a specification: "theo tiêu chuẩn …", "tại địa chỉ …"
_SPECIFIES = frozenset(["theo", "bang", "tai", "qua", "voi"])
# names given as examples: "các phần mềm mô phỏng và quản lý sản xuất như ERP, MES"
_ACRONYM = re.compile(r"(?:\bnhư|:)\s+[A-ZĐ][A-Z0-9Đ]{1,9}\b")
_OPENERS = "\"“‘'«("
_ABBR = re.compile(r"\((?:[A-Za-zÀ-ỹĐđ]*[A-ZĐ][A-Za-zÀ-ỹĐđ0-9]*)\)")


def _nameish(span: str) -> bool:
    """A span that opens as a name does: a quote or bracket, a digit, a capital letter (a
    Vietnamese capital too, not any letter with a mark)."""
    first = span[:1]
    return first in _OPENERS or first.isdigit() or first.isupper()


def asked_heads(search: str) -> list[str]:
    """The nouns (search form) a question asks one detail of: the compounds of the lexicon
    among the few words before each "nào"/"gì" that no stop word cuts off, nearest first;
    a lone word only when it is the last before the question word and asks nothing itself
    ("chuẩn nào" -> chuan)."""
    return list(dict.fromkeys(h for group in head_groups(search) for h in group))


def head_groups(search: str) -> list[list[str]]:
    """`asked_heads`, one list for each question word: "theo mô hình nào và từ cấp độ
    mấy" asks two details."""
    ws = words(search)
    pairs = syllable_pairs()
    groups: list[list[str]] = []
    for i, w in enumerate(ws):
        # "cấp độ mấy (trở lên)" asks the number after the noun, as "nào" would
        trailing = w == "may" and (i + 1 == len(ws) or ws[i + 1] in STOP
                                   or ws[i + 1] in _COUNT_NOT)
        if w not in ("nao", "gi") and not trailing:
            continue
        run: list[str] = []
        k = i - 1
        # a stop word ends the noun unless it closes a compound right before the question
        # word ("cấp độ mấy")
        while k >= 0 and len(run) < _BACK and (ws[k] not in STOP or (
                k == i - 1 and k > 0 and (ws[k - 1], ws[k]) in pairs)):
            run.insert(0, ws[k])
            k -= 1
        found: list[str] = []
        taken: set[int] = set()  # a compound overlapping a nearer one is no noun of its own
        for j in range(len(run) - 2, -1, -1):
            a, b = run[j], run[j + 1]
            if (a, b) in pairs and not {j, j + 1} & taken:
                found.append(f"{a} {b}")
                taken |= {j, j + 1}
        if not found and run and run[-1] not in QUESTION_WORDS:
            found.append(run[-1])
        if found:
            groups.append(found)
    return groups


def _aligned(text: str) -> tuple[str, str]:
    """The text and its folded form, of the same length (the folded one is searched, the
    text is shown)."""
    low = fold(text)
    if len(low) == len(text):
        return text, low
    # a character that folds to none or several: fold one by one, keeping the places
    return text, "".join((fold(c) or " ")[0] for c in text)


def detail_after(text: str, heads: list[str]) -> str:
    """The detail the clause gives right after one of the nouns asked (the first noun the
    clause has, in the order given), "" when it names none or only in passing."""
    flat = " ".join(text.split())
    shown, low = _aligned(flat)
    for head in heads:
        for m in re.finditer(rf"(?<!\w){re.escape(head)}(?!\w)", low):
            span = _span(shown, m.end())
            before = words(low[max(0, m.start() - 12):m.start()])[-1:]
            if span and (_nameish(span) or _ABBR.search(span[:70])
                         or _ACRONYM.search(span[:60])
                         or (before and before[0] in _SPECIFIES)):
                return span
            # "nền tảng khám chữa bệnh từ xa “Telehealth …”": the name a few words on
            named = _NAME_NEAR.match(span)
            if named:
                return named.group(0)
    return ""


_NAME_NEAR = re.compile(r"^[^\"“‘«.;:]{1,60}?[\"“‘«][^\"”’»]{2,90}[\"”’»]")
_QUOTED = re.compile(r"^([\"“‘'«])(.{2,90}?)([\"”’'»])")


def _span(text: str, start: int) -> str:
    """What follows a noun up to its sentence's or item's end, without the words that only
    join it ("số", "là", ":"): a quoted name alone, or up to the bracketed abbreviation that
    closes a name ("hợp tác công tư (PPP)"); cut to `DETAIL_CHARS`."""
    rest = _LEAD.sub("", text[start:]).lstrip(" ,")
    quoted = _QUOTED.match(rest)
    if quoted:
        return quoted.group(0)
    end = re.search(r"[.;](?:\s|$)|\.$|\n", rest)
    span = rest[:end.start()] if end else rest
    abbr = _ABBR.search(span[:DETAIL_CHARS])
    if abbr:
        span = span[:abbr.end()]
    span = _first_part(span).strip(" ,")
    if len(span) > DETAIL_CHARS:
        cut = span.rfind(" ", 0, DETAIL_CHARS)
        span = span[:cut if cut > 0 else DETAIL_CHARS].rstrip(" ,") + "…"
    return span


# a name asked ("tên là gì", "tên của …"), or the noun a question opens with asked as such
# ("Mô hình được áp dụng … là gì")
_NAME_ASKED = re.compile(r"\bten (?:la |goi )?gi\b|\bten goi\b|\bgoi la gi\b|\bten (?:cua )?|"
                         r"\bla gi\W*$")


def named_heads(search: str, terms: list[str]) -> list[str]:
    """The noun whose name a question asks ("Chương trình hỗ trợ … tên là gì", "tên của
    chương trình …"): the first compound of the lexicon among its content words."""
    if not _NAME_ASKED.search(search):
        return []
    ws = words(search)
    keep = set(terms)
    pairs = syllable_pairs()
    return [f"{a} {b}" for a, b in zip(ws, ws[1:], strict=False)
            if a in keep and b in keep and (a, b) in pairs][:1]




def count_heads(search: str) -> list[str]:
    """The thing a question counts ("mấy trạm y tế vùng cao", "bao nhiêu cơ sở dữ liệu"):
    the words after "mấy"/"bao nhiêu", up to six (a measure or a time — "mấy lần",
    "bao nhiêu phần trăm" — counts no thing)."""
    m = _COUNT_ASK.search(search)
    if not m or m.group(1).split()[0] in _COUNT_NOT:
        return []
    return [m.group(1)]


def count_detail(text: str, nouns: list[str]) -> str:
    """"12 trạm y tế vùng cao": of the numbers the clause writes right before the thing
    counted, the one followed by most of the question's words for it, with the rest of
    that noun phrase."""
    flat = " ".join(text.split())
    shown, low = _aligned(flat)
    best: tuple[int, int] | None = None  # (words shared, start)
    for noun in nouns:
        want = noun.split()
        for m in re.finditer(rf"(?<![\w/.,])\d[\d.,]*\s+{re.escape(want[0])}(?!\w)", low):
            after = words(low[m.start():m.start() + 80])[1:len(want) + 1]
            shared = next((i for i, (a, b) in enumerate(zip(after, want, strict=False))
                           if a != b), min(len(after), len(want)))
            if best is None or shared > best[0]:
                best = (shared, m.start())
    if best is None:
        return ""
    part = shown[best[1]:best[1] + DETAIL_CHARS].split(". ")[0].split(";")[0]
    return _first_part(part, codes=False).strip(" .")


def asked_detail(query: Query, text: str) -> str:
    """The detail a what-question asks that this clause gives, "" for a question that asks
    a set's items or a clause that gives no such detail."""
    if query.intent != "what" or asks_set(query):
        return ""
    # both, when a question asks both ("theo mô hình nào và có mấy trạm")
    groups = head_groups(query.search) + [named_heads(query.search, query.terms)]
    found = [detail_after(text, g) for g in groups if g]
    found.append(count_detail(text, count_heads(query.search)))
    return "; ".join(dict.fromkeys(f for f in found if f))


def _first_part(span: str, codes: bool = True) -> str:
    """The span up to its first comma outside brackets ("phòng thủ nhiều lớp, bảo đảm …"):
    what comes after says something else of the clause; a number or code ends at "và"
    too ("19/KH-UBND ngày 14/8/2025 và của UBND …")."""
    depth = 0
    code = codes and span[:1].isdigit()
    for i, c in enumerate(span):
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        if depth > 0:
            continue
        if c == "," or (code and span.startswith(" và ", i)):
            return span[:i]
    return span


# a task's field that says when or who ("c) Thời gian thực hiện: …", "- Đơn vị chủ trì: …")
_OTHER_FIELD = re.compile(r"^(?:[a-zđ]\)|[-–+•]|\d{1,2}[.)])?\s*(?:thoi gian|thoi han|tien do|"
                          r"co quan|don vi)(?: [a-z]+){0,3}\s*:")


def other_field(query: Query, body: str) -> bool:
    """The clause is a task's field that says when or who, and the what-question asks
    neither: "Nội dung chính của nhiệm vụ … là gì" is not answered by "c) Thời gian thực
    hiện: …" under the same heading."""
    m = _OTHER_FIELD.match(body.strip())
    if not m:
        return False
    label = set(words(m.group(0)))
    return not label & set(query.terms)



def asked_words(query: Query) -> list[str]:
    """The words of the noun a what-question asks one detail of, searched for though the
    clause need not have them to answer: "theo tiêu chuẩn nào" finds the clause that names
    a standard first."""
    if query.intent != "what" or asks_set(query):
        return []
    return [w for noun in query.asked for w in noun.split() if w not in query.terms]
