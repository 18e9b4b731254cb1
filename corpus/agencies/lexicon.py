"""The recognizer's vocabulary: head nouns, the clause words that end a name, and what the
data files (agency names, abbreviations) and the general word list tell about names."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from corpus.agencies.tokens import Tok, slip_keys, tokenize
from corpus.normalize import fold, search_form

_DATA = Path(__file__).parent.parent / "data"
KINDS = {"xa": "xã", "phuong": "phường"}


# ---- head nouns ----------------------------------------------------------------------------
# (folded head, display, class): "alone" may stand without a name (a place may follow);
# "name" needs a name after it; "weak" is also an ordinary word, so its name must start
# with a word seen in agency names; "soft" is a rarer word ("viện", "trường", "đài"), a
# head unless it is half of a common word ("thành viên", "thị trường", "hiện đại");
# "owned" is a part of a body and needs the body after it ("Thường trực Thành ủy").
_HEADS: list[tuple[str, str, str]] = [
    ("uy ban nhan dan", "UBND", "alone"), ("ubnd", "UBND", "alone"),
    ("hoi dong nhan dan", "HĐND", "alone"), ("hdnd", "HĐND", "alone"),
    ("cong an", "Công an", "alone"), ("dang uy", "Đảng ủy", "alone"),
    ("tinh uy", "Tỉnh ủy", "alone"), ("thanh uy", "Thành ủy", "alone"),
    ("tinh doan", "Tỉnh đoàn", "alone"), ("thanh doan", "Thành đoàn", "alone"),
    ("buu dien", "Bưu điện", "alone"), ("thanh tra", "Thanh tra", "alone"),
    ("ban chi huy quan su", "Ban Chỉ huy Quân sự", "alone"),
    ("bo chi huy quan su", "Bộ Chỉ huy Quân sự", "alone"),
    ("bo tu lenh", "Bộ Tư lệnh", "name"),
    ("thuong truc", "Thường trực", "owned"), ("tt", "Thường trực", "owned"),
    ("chu tich", "Chủ tịch", "owned"),
    ("ubmttq", "Ủy ban MTTQ", "alone"), ("uy ban mttq", "Ủy ban MTTQ", "alone"),
    ("uy ban", "Ủy ban", "name"), ("van phong", "Văn phòng", "name"), ("vp", "Văn phòng", "name"),
    ("trung tam", "Trung tâm", "name"), ("ngan hang", "Ngân hàng", "weak"),
    ("kho bac", "Kho bạc", "name"), ("chi cuc", "Chi cục", "name"),
    ("tong cuc", "Tổng cục", "name"), ("cuc", "Cục", "soft"),
    ("chi bo", "Chi bộ", "name"), ("tap doan", "Tập đoàn", "name"),
    ("tong cong ty", "Tổng công ty", "name"), ("cong ty", "Công ty", "name"),
    ("hoc vien", "Học viện", "name"), ("dai hoc", "Đại học", "name"),
    ("benh vien", "Bệnh viện", "name"), ("vien", "Viện", "soft"),
    ("lien doan", "Liên đoàn", "name"), ("hiep hoi", "Hiệp hội", "name"),
    ("lien minh", "Liên minh", "name"), ("ban quan ly", "Ban Quản lý", "name"),
    ("bql", "Ban Quản lý", "name"), ("ban chi dao", "Ban Chỉ đạo", "name"),
    ("doanh nghiep", "Doanh nghiệp", "weak"),
    ("so", "Sở", "weak"), ("bo", "Bộ", "weak"), ("ban", "Ban", "weak"),
    ("phong", "Phòng", "weak"), ("hoi", "Hội", "weak"), ("doan", "Đoàn", "weak"),
    ("to", "Tổ", "weak"), ("truong", "Trường", "soft"), ("dai", "Đài", "soft"),
    ("tram", "Trạm", "soft"), ("thue", "Thuế", "weak"),
    ("bao", "Báo", "weak"),
]
HEAD_INDEX: dict[str, list[tuple[list[str], str, str]]] = {}
for _h, _d, _c in _HEADS:
    HEAD_INDEX.setdefault(_h.split()[0], []).append((_h.split(), _d, _c))
for _v in HEAD_INDEX.values():
    _v.sort(key=lambda x: -len(x[0]))

# words that end a name: verbs and function words of the clause around it (one or two
# syllables: "chủ trì" ends a name, "chủ" alone does not: "Chủ tịch")
# (a question's words end a name typed without marks: "hiep hoi doanh nghiep lam gi")
STOP_PHRASES = frozenset(tuple(p.split()) for p in """
chu tri|phoi hop|thuc hien|tham muu|huong dan|theo doi|bao cao|trien khai|to chuc thuc|
xay dung ke|cung cap|dam bao|tang cuong|day manh|kiem tra|giam sat|tong hop|de xuat|
co|la|duoc|se|da|can|phai|de|nham|ve|voi|cho|tai|tren|trong|theo|tu|den|sau|truoc|
khi|neu|thi|ma|nhu|cua|hoac|cac|nhung|moi|mot|nay|do|gom|bao gom|giao|yeu cau|
de nghi|chi dao|lanh dao|phu trach|chu dong|cap|dinh ky|hang|
thuong xuyen|hoan thanh|tiep tuc|ban hanh|ra soat|chuan bi|ung dung|nghien cuu de|
dieu hanh|van hanh|xu ly|rieng|chung|ho tro|phat huy|tuyen truyen|thuc day|quan tam|
trinh|gui|phe duyet|xem xet|nhan|co trach nhiem|chiu trach nhiem|thuoc|
lam gi|lam nhung|gi
""".replace("\n", "").split("|") if p.strip())
_MAX_STOP = max(len(p) for p in STOP_PHRASES)
# verbs after which no name starts (a name may begin with "Xây dựng", "Kiểm tra" …)
_NAME_CAN_START = frozenset({("kiem", "tra"), ("tong", "hop"), ("quan", "ly"), ("tu",),
                             ("ke",), ("dau",), ("tai",), ("chi", "dao"), ("lanh", "dao")})


# a stop word that is the first syllable of a field's name (folded, marks lost)
_COMPOUNDS = frozenset({("giao", "duc"), ("giao", "thong")})
_TIME_WORDS = frozenset({"nam", "thang", "ngay", "quy", "giai"})  # before a number or "doan"


def stop_at(toks: list[Tok], j: int, first: bool) -> bool:
    """Whether a verb or function word of the clause starts at token j."""
    words = [t.w for t in toks[j:j + _MAX_STOP] if t.word]
    if words and words[0] in _TIME_WORDS and len(words) > 1 and (
            words[1][0].isdigit() or words[1] in ("doan", "nay", "toi", "sau", "truoc")):
        return True
    if tuple(words[:2]) in _COMPOUNDS:
        return False  # "giao" opens "giáo dục", "giao thông", not a verb "giao"
    for n in range(min(_MAX_STOP, len(words)), 0, -1):
        phrase = tuple(words[:n])
        if phrase in STOP_PHRASES:
            return not (first and phrase in _NAME_CAN_START)
    return False


PLACE_KINDS = ("xa", "phuong", "dac khu", "tinh", "thanh pho", "tp", "huyen", "quan", "thi xa")
MAX_NAME = 9  # words of a name after its head ("Lao động - Thương binh và Xã hội" is 6)


# ---- the data files -----------------------------------------------------------------------


def _rows(name: str) -> list[list[str]]:
    path = _DATA / name
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            out.append(line.split("\t"))
    return out


@functools.cache
def abbreviations() -> dict[str, str]:
    return {a.strip(): full.strip() for a, full in _rows("agency_abbreviations.tsv")}


@dataclass(frozen=True)
class KnownSpelling:
    name: str  # canonical, may hold {kind} / {kind?}
    words: tuple[str, ...]  # one folded spelling, word by word
    kind: str  # "" or "xa"/"phuong" when the spelling ends with it


def _key_words(text: str) -> tuple[str, ...]:
    return tuple(t.w for t in tokenize(search_form(text)) if t.word)


@functools.cache
def known_spellings() -> tuple[KnownSpelling, ...]:
    out: list[KnownSpelling] = []
    for row in _rows("agency_names.tsv"):
        canon = row[0].strip()
        spellings = [fold(canon.replace("{kind?}", "").replace("{kind}", "{kind}"))]
        if len(row) > 1:
            spellings += [s.strip() for s in row[1].split("|") if s.strip()]
        for sp in spellings:
            optional = "{kind?}" in sp or "{kind?}" in canon
            bare = sp.replace("{kind?}", "").replace("{kind}", "").strip()
            if "{kind" in sp:
                for k in KINDS:
                    out.append(KnownSpelling(canon, _key_words(f"{bare} {k}"), k))
            if "{kind}" not in sp or optional:
                if "{kind}" in canon and not optional:
                    continue
                out.append(KnownSpelling(canon, _key_words(bare), ""))
    # longer spellings first: "Phòng Kinh tế, Hạ tầng và Đô thị" before "Phòng Kinh tế"
    return tuple(sorted({k for k in out if k.words}, key=lambda k: -len(" ".join(k.words))))


@functools.cache
def known_by_first() -> dict[str, tuple[KnownSpelling, ...]]:
    """Known spellings by their first word and by that word with one letter left out, so
    an OCR slip in the first word still finds them."""
    table: dict[str, list[KnownSpelling]] = {}
    for k in known_spellings():
        first = k.words[0]
        keys = {first} | slip_keys(first)
        for key in keys:
            table.setdefault(key, []).append(k)
    return {k: tuple(v) for k, v in table.items()}


@functools.cache
def name_words() -> frozenset[str]:
    """Folded words that occur in agency names after their head: the vocabulary a name
    may start with when its head is also an ordinary word."""
    words: set[str] = set()
    for k in known_spellings():
        words.update(w for w in k.words[1:] if len(w) > 1 or w == "y")
    for full in abbreviations().values():
        words.update(_key_words(full))
    words.update(a for a in abbreviations() if "&" in a or len(a) >= 3)
    return frozenset(words - {"cac", "va", "thuoc", "co", "la", "de", "cho", "voi", "ve"})


@functools.cache
def name_starts() -> frozenset[tuple[str, str]]:
    """Folded (head, first word of the name) pairs of the known names: "so tai" of
    "Sở Tài chính" though "sở tại" is also a word."""
    heads = {d.lower() for _, d, c in _HEADS if c == "weak"}
    return frozenset((k.words[0], k.words[1]) for k in known_spellings()
                     if len(k.words) > 1 and k.name.split()[0].lower() in heads
                     and fold(k.name.split()[0]) == k.words[0])


@functools.cache
def all_name_pairs() -> frozenset[tuple[str, str]]:
    return frozenset(p for pairs in _name_pairs().values() for p in pairs)


def name_pairs_of(head: str) -> frozenset[tuple[str, str]]:
    """Adjacent words inside the known names of one head word ("so")."""
    return _name_pairs().get(head, frozenset())


@functools.cache
def _name_pairs() -> dict[str, frozenset[tuple[str, str]]]:
    """Adjacent folded words inside the known names of each head ("so": "tai chinh",
    "du lich", …)."""
    out: dict[str, set[tuple[str, str]]] = {}
    for k in known_spellings():
        out.setdefault(k.words[0], set()).update(zip(k.words[1:], k.words[2:], strict=False))
    return {h: frozenset(p) for h, p in out.items()}


@functools.cache
def common_pairs() -> frozenset[tuple[str, str]]:
    """Two-syllable words of the general word list, folded: "can bo", "so lieu", "to chuc"."""
    from corpus.lexicon import _entries, folded_entries

    out = set()
    for e, folded in zip(_entries(), folded_entries(), strict=True):
        if e == e.lower():
            ws = folded.split()
            if len(ws) == 2:
                out.add((ws[0], ws[1]))
    return frozenset(out)


@functools.cache
def word_spellings() -> dict[str, str]:
    """Folded word -> accented spelling, from the accented names the data files hold."""
    table: dict[str, str] = {}
    texts = [r[0] for r in _rows("agency_names.tsv")] + list(abbreviations().values())
    texts += [d for _, d, _ in _HEADS]
    for text in texts:
        for w in re.findall(r"[^\W\d_]+", text.replace("{kind}", "").replace("{kind?}", "")):
            table.setdefault(fold(w), w.lower())
    return table


@functools.cache
def syllable_set() -> frozenset[str]:
    from corpus.lexicon import syllables

    return syllables()


@functools.cache
def fuzzy_heads() -> tuple[tuple[list[str], str, str], ...]:
    return tuple((h.split(), d, c) for h, d, c in _HEADS if " " in h and len(h) >= 8)


BODY_HEADS = ("ubnd", "hdnd", "tinh uy", "thanh uy", "dang uy", "uy ban nhan dan",
               "hoi dong nhan dan", "trung uong", "chinh phu", "dang bo")


@functools.cache
def capitals() -> dict[str, int]:
    """How the known names write a word or compound inside a name: > 0 when mostly with a
    capital ("Trung ương", "Công nghệ" after "và", "Việt Nam"), < 0 when in lower case
    ("hành chính công")."""
    votes: dict[str, int] = {}
    for row in _rows("agency_names.tsv"):
        words = row[0].replace("{kind}", "").replace("{kind?}", "").split()[1:]
        for a in range(1, len(words)):
            for n in (1, 2):
                piece = words[a:a + n]
                if len(piece) < n or not piece[0][:1].isalpha():
                    continue
                key = fold(" ".join(piece))
                votes[key] = votes.get(key, 0) + (1 if piece[0][:1].isupper() else -1)
    return votes


@functools.cache
def compounds() -> dict[str, str]:
    """Folded words of two or three syllables -> their spelling, from the names in the
    data files, then from the general word list where it has one spelling (or one that
    the names' syllables agree with)."""
    from corpus.lexicon import _entries

    table: dict[str, set[str]] = {}
    for e in _entries():
        if e == e.lower() and 2 <= e.count(" ") + 1 <= 3:
            table.setdefault(fold(e), set()).add(e)
    out: dict[str, str] = {}
    known = set(word_spellings().values())
    for k, forms in table.items():
        if len(forms) == 1:
            out[k] = next(iter(forms))
        else:
            agree = [f for f in forms if all(w in known for w in f.split())]
            if len(agree) == 1:
                out[k] = agree[0]
    texts = [r[0] for r in _rows("agency_names.tsv")] + list(abbreviations().values())
    for text in texts:
        words = re.findall(r"[^\W\d_]+", text.replace("{kind}", "").replace("{kind?}", ""))
        for n in (2, 3):
            for a in range(len(words) - n + 1):
                piece = " ".join(w.lower() for w in words[a:a + n])
                out[fold(piece)] = piece
    return out
