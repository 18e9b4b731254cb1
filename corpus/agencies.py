"""Agencies in a text: a head noun and its name, read by a small grammar.

An agency name is a head noun ("Sở", "Phòng", "Trung tâm", "UBND", "Công an", "Hội" …)
followed by its name: words up to where the name ends — a verb of the clause ("chủ trì",
"phối hợp", "thực hiện" …), punctuation or a role boundary, or the next head noun. Names
joined by "và", "-" or an enumeration that "và" closes stay whole ("Sở Văn hóa, Thể thao
và Du lịch", "Văn phòng HĐND và UBND", "Phòng Tài chính - Kế hoạch"); a place after the
name belongs to it ("UBND tỉnh Bắc Ninh", "Công an xã"). Abbreviations ("Sở KH&CN",
"VP HĐND-UBND", "BQL KCN", "NHNN") are read through a data file of abbreviations.

Head nouns that are also ordinary words ("số" of "chuyển đổi số" folds to "so" like "Sở";
"bộ" of "cán bộ", "tổ" of "tổ chức", "hội" of "xã hội") are read as heads only when the
word after them starts a name seen in agency names ("Sở Tài chính", but not "số liệu"), and
not when they are the second half of a common word ("cán bộ", "giai đoạn").

Everything matches the search form (folded, OCR-repaired: `corpus.normalize.search_form`),
so accents and OCR slips do not matter. Known names (corpus/data/agency_names.tsv) are
matched with a few letters of slack, which OCR needs ("Uy ban Mit tran Té quéc",
"Phong Kinh té, Ha tang va PG thi"), and give the canonical spelling; other names are
spelt from the accented names the data files hold, the gazetteer (places) and, where
available, the reading model (corpus.reading.restore_diacritics).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from corpus.normalize import fold, search_form

_DATA = Path(__file__).parent / "data"
_TOKEN = re.compile(r"[a-z0-9]+(?:&[a-z0-9]+)*|[^\sa-z0-9]")
_KINDS = {"xa": "xã", "phuong": "phường"}


@dataclass(frozen=True)
class AgencyMatch:
    name: str  # canonical display name
    start: int  # character offsets in the search form
    end: int


@dataclass(frozen=True)
class _Tok:
    w: str
    s: int
    e: int
    word: bool  # a word (not punctuation)


class _Toks(list):
    """The tokens of one text, with the runs of words from each token remembered (the
    grammar asks for them again and again)."""

    def __init__(self, items: list[_Tok]) -> None:
        super().__init__(items)
        self.chains: dict[int, tuple[list[str], list[int]]] = {}


# ---- the grammar: head nouns --------------------------------------------------------------
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
_HEAD_INDEX: dict[str, list[tuple[list[str], str, str]]] = {}
for _h, _d, _c in _HEADS:
    _HEAD_INDEX.setdefault(_h.split()[0], []).append((_h.split(), _d, _c))
for _v in _HEAD_INDEX.values():
    _v.sort(key=lambda x: -len(x[0]))

# words that end a name: verbs and function words of the clause around it (one or two
# syllables: "chủ trì" ends a name, "chủ" alone does not: "Chủ tịch")
_STOP_PHRASES = frozenset(tuple(p.split()) for p in """
chu tri|phoi hop|thuc hien|tham muu|huong dan|theo doi|bao cao|trien khai|to chuc thuc|
xay dung ke|cung cap|dam bao|tang cuong|day manh|kiem tra|giam sat|tong hop|de xuat|
co|la|duoc|se|da|can|phai|de|nham|ve|voi|cho|tai|tren|trong|theo|tu|den|sau|truoc|
khi|neu|thi|ma|nhu|cua|hoac|cac|nhung|moi|mot|nay|do|gom|bao gom|giao|yeu cau|
de nghi|chi dao|lanh dao|phu trach|chu dong|cap|dinh ky|hang|
thuong xuyen|hoan thanh|tiep tuc|ban hanh|ra soat|chuan bi|ung dung|nghien cuu de|
dieu hanh|van hanh|xu ly|rieng|chung|ho tro|phat huy|tuyen truyen|thuc day|quan tam|
trinh|gui|phe duyet|xem xet|nhan|co trach nhiem|chiu trach nhiem|thuoc
""".replace("\n", "").split("|") if p.strip())
_MAX_STOP = max(len(p) for p in _STOP_PHRASES)
# verbs after which no name starts (a name may begin with "Xây dựng", "Kiểm tra" …)
_NAME_CAN_START = frozenset({("kiem", "tra"), ("tong", "hop"), ("quan", "ly"), ("tu",),
                             ("ke",), ("dau",), ("tai",), ("chi", "dao"), ("lanh", "dao")})


_TIME_WORDS = frozenset({"nam", "thang", "ngay", "quy", "giai"})  # before a number or "doan"


def _stop_at(toks: list[_Tok], j: int, first: bool) -> bool:
    """Whether a verb or function word of the clause starts at token j."""
    words = [t.w for t in toks[j:j + _MAX_STOP] if t.word]
    if words and words[0] in _TIME_WORDS and len(words) > 1 and (
            words[1][0].isdigit() or words[1] in ("doan", "nay", "toi", "sau", "truoc")):
        return True
    for n in range(min(_MAX_STOP, len(words)), 0, -1):
        phrase = tuple(words[:n])
        if phrase in _STOP_PHRASES:
            return not (first and phrase in _NAME_CAN_START)
    return False


_PLACE_KINDS = ("xa", "phuong", "dac khu", "tinh", "thanh pho", "tp", "huyen", "quan", "thi xa")
_MAX_NAME = 9  # words of a name after its head ("Lao động - Thương binh và Xã hội" is 6)


# ---- data -------------------------------------------------------------------------------------


def _rows(name: str) -> list[list[str]]:
    path = _DATA / name
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            out.append(line.split("\t"))
    return out


@functools.cache
def _abbreviations() -> dict[str, str]:
    return {a.strip(): full.strip() for a, full in _rows("agency_abbreviations.tsv")}


@dataclass(frozen=True)
class _Known:
    name: str  # canonical, may hold {kind} / {kind?}
    words: tuple[str, ...]  # one folded spelling, word by word
    kind: str  # "" or "xa"/"phuong" when the spelling ends with it


def _key_words(text: str) -> tuple[str, ...]:
    return tuple(t.w for t in _tokens(search_form(text)) if t.word)


@functools.cache
def _known() -> tuple[_Known, ...]:
    out: list[_Known] = []
    for row in _rows("agency_names.tsv"):
        canon = row[0].strip()
        spellings = [fold(canon.replace("{kind?}", "").replace("{kind}", "{kind}"))]
        if len(row) > 1:
            spellings += [s.strip() for s in row[1].split("|") if s.strip()]
        for sp in spellings:
            optional = "{kind?}" in sp or "{kind?}" in canon
            bare = sp.replace("{kind?}", "").replace("{kind}", "").strip()
            if "{kind" in sp:
                for k in _KINDS:
                    out.append(_Known(canon, _key_words(f"{bare} {k}"), k))
            if "{kind}" not in sp or optional:
                if "{kind}" in canon and not optional:
                    continue
                out.append(_Known(canon, _key_words(bare), ""))
    # longer spellings first: "Phòng Kinh tế, Hạ tầng và Đô thị" before "Phòng Kinh tế"
    return tuple(sorted({k for k in out if k.words}, key=lambda k: -len(" ".join(k.words))))


@functools.cache
def _known_by_first() -> dict[str, tuple[_Known, ...]]:
    """Known spellings by their first word and by that word with one letter left out, so
    an OCR slip in the first word still finds them."""
    table: dict[str, list[_Known]] = {}
    for k in _known():
        first = k.words[0]
        keys = {first} | _slips(first)
        for key in keys:
            table.setdefault(key, []).append(k)
    return {k: tuple(v) for k, v in table.items()}


@functools.cache
def _name_words() -> frozenset[str]:
    """Folded words that occur in agency names after their head: the vocabulary a name
    may start with when its head is also an ordinary word."""
    words: set[str] = set()
    for k in _known():
        words.update(w for w in k.words[1:] if len(w) > 1 or w == "y")
    for full in _abbreviations().values():
        words.update(_key_words(full))
    words.update(a for a in _abbreviations() if "&" in a or len(a) >= 3)
    return frozenset(words - {"cac", "va", "thuoc", "co", "la", "de", "cho", "voi", "ve"})


@functools.cache
def _name_starts() -> frozenset[tuple[str, str]]:
    """Folded (head, first word of the name) pairs of the known names: "so tai" of
    "Sở Tài chính" though "sở tại" is also a word."""
    heads = {d.lower() for _, d, c in _HEADS if c == "weak"}
    return frozenset((k.words[0], k.words[1]) for k in _known()
                     if len(k.words) > 1 and k.name.split()[0].lower() in heads
                     and fold(k.name.split()[0]) == k.words[0])


@functools.cache
def _all_name_pairs() -> frozenset[tuple[str, str]]:
    return frozenset(p for pairs in _name_pairs().values() for p in pairs)


@functools.cache
def _name_pairs() -> dict[str, frozenset[tuple[str, str]]]:
    """Adjacent folded words inside the known names of each head ("so": "tai chinh",
    "du lich", …)."""
    out: dict[str, set[tuple[str, str]]] = {}
    for k in _known():
        out.setdefault(k.words[0], set()).update(zip(k.words[1:], k.words[2:], strict=False))
    return {h: frozenset(p) for h, p in out.items()}


@functools.cache
def _common_pairs() -> frozenset[tuple[str, str]]:
    """Two-syllable words of the general word list, folded: "can bo", "so lieu", "to chuc"."""
    from corpus.lexicon import _entries

    out = set()
    for e in _entries():
        if e == e.lower():
            ws = fold(e).split()
            if len(ws) == 2:
                out.add((ws[0], ws[1]))
    return frozenset(out)


@functools.cache
def _spellings() -> dict[str, str]:
    """Folded word -> accented spelling, from the accented names the data files hold."""
    table: dict[str, str] = {}
    texts = [r[0] for r in _rows("agency_names.tsv")] + list(_abbreviations().values())
    texts += [d for _, d, _ in _HEADS]
    for text in texts:
        for w in re.findall(r"[^\W\d_]+", text.replace("{kind}", "").replace("{kind?}", "")):
            table.setdefault(fold(w), w.lower())
    return table


# ---- matching ---------------------------------------------------------------------------------


def _tokens(text: str) -> _Toks:
    return _Toks([_Tok(m.group(), m.start(), m.end(), m.group()[0].isalnum())
                  for m in _TOKEN.finditer(text)])


_CHAIN = 12  # words remembered from each token: more than any name has


def _words_from(toks: list[_Tok], i: int, n: int) -> tuple[list[str], int]:
    """Up to n words from token i, skipping the separators between them ("-", ",", "&");
    and the index after the last of them."""
    chains = getattr(toks, "chains", None)
    chain = chains.get(i) if chains is not None else None
    if chain is None:
        words: list[str] = []
        ends: list[int] = []
        j = i
        while j < len(toks) and len(words) < _CHAIN:
            t = toks[j]
            if t.word:
                words.append(t.w)
                ends.append(j + 1)
            elif t.w not in "-,&|–/'’" or not words:
                break
            j += 1
        chain = (words, ends)
        if chains is not None:
            chains[i] = chain
    words, ends = chain
    if n <= 0 or not words:
        return [], i
    n = min(n, len(words))
    return words[:n], ends[n - 1]


def _fuzzy_equal(a: str, b: str) -> int | None:
    """Letters apart for two words OCR may have confused, None if too far."""
    if a == b:
        return 0
    limit = 0 if min(len(a), len(b)) <= 1 else 1 if max(len(a), len(b)) <= 3 else 2
    d = Levenshtein.distance(a, b, score_cutoff=limit)
    return d if d <= limit else None


def _slips(word: str) -> set[str]:
    """Keys that match a word with one letter wrong: the word less one letter (two for a
    long word: "prlong" for "phong"); a two-letter word keeps its first letter ("se" for
    "so", not "co")."""
    if len(word) >= 3:
        keys = {word[:i] + word[i + 1:] for i in range(len(word))}
        if len(word) >= 5:
            keys |= {k[:i] + k[i + 1:] for k in keys for i in range(len(k))}
        return keys
    return {word[0] + "_"} if len(word) == 2 else set()


@functools.lru_cache(maxsize=8192)
def _candidates(first: str) -> tuple[_Known, ...]:
    """Known spellings whose first word is `first` or one OCR slip away, longest first."""
    table = _known_by_first()
    found = set(table.get(first, ()))
    for key in _slips(first) | ({first + "_"} if len(first) == 1 else set()):
        found.update(table.get(key, ()))
    return tuple(sorted(found, key=lambda k: (-len(" ".join(k.words)), k.words)))


@functools.lru_cache(maxsize=8192)
def _plan_of(k: _Known) -> tuple[str, int, int]:
    want = " ".join(k.words)
    return want, (len(want) // 7 if len(k.words) > 1 else 0), len(k.words)


def _match_known(toks: list[_Tok], i: int) -> tuple[_Known, int, int] | None:
    """The known spelling that covers most of the text from token i, with OCR slack: the
    whole within one letter in seven of the name; the closest spelling among equals
    ("Sở Y tế" is not "Bộ Y tế")."""
    cands = _candidates(toks[i].w)
    if not cands:
        return None
    words, _ = _words_from(toks, i, _CHAIN)
    joined = [""]
    for w in words:
        joined.append(f"{joined[-1]} {w}" if joined[-1] else w)
    best: tuple[int, int, _Known] | None = None  # (end, -distance, known)
    first = toks[i].w
    for k in cands:
        if first != k.words[0] and len(k.words[0]) <= 2 and k.words[0] not in _syllables():
            continue  # "vé" is not "VP"
        want, limit, nw = _plan_of(k)
        # OCR splits and glues words: try one word fewer or more than the name has
        for n in (nw, nw - 1, nw + 1):
            if n <= 0 or n >= len(joined) or (n != nw and not limit):
                continue
            got = joined[n]
            if abs(len(got) - len(want)) > limit:
                continue
            d = Levenshtein.distance(got, want, score_cutoff=limit) if got != want else 0
            if d > limit:
                continue
            last = words[n - 1]
            if d and _fuzzy_equal(last, k.words[-1]) is None and not last.endswith(k.words[-1]):
                continue  # a name cut at the line end is not that name ("… cơ quan chuyên")
            if d and n == nw and (any(_other_word(a, b)
                                      for a, b in zip(words[:n], k.words, strict=True))
                                  or _other_pair(words[:n], k.words)):
                continue  # "Tỉnh ủy" is not "Đảng ủy", "thanh toán" not "Thành đoàn"
            end = _words_from(toks, i, n)[1]
            if best is None or (end, -d) > best[:2]:
                best = (end, -d, k)
            break
    return (best[2], best[0], -best[1]) if best else None


def _other_word(got: str, want: str) -> bool:
    """Two real words two letters apart or more: another word, not an OCR slip."""
    return got != want and got in _syllables() and want in _syllables() and \
        Levenshtein.distance(got, want) >= 2


def _other_pair(got: list[str], want: tuple[str, ...]) -> bool:
    """Two words of the text that make another common word where the name differs."""
    pairs = _common_pairs()
    return any((a, b) != (c, d) and (a, b) in pairs
               for a, b, c, d in zip(got, got[1:], want, want[1:], strict=False))


def _head_at(toks: list[_Tok], i: int) -> tuple[str, str, int] | None:
    """A head noun at token i: (display, class, index after it). A head of two words or
    more may have an OCR slip ("Trung tim", "Uy ban nhindan")."""
    exact = None
    for words, display, cls in _HEAD_INDEX.get(toks[i].w, ()):
        got, end = _words_from(toks, i, len(words))
        if got == words and all(t.word for t in toks[i:end]):
            exact = _after_dot(toks, display, cls, end)
            break
    for words, display, cls in _fuzzy_heads():
        if words[0][:1] != toks[i].w[:1]:
            continue  # the test below needs the same first letter: skip the word chains
        want = " ".join(words)
        limit = len(want) // 7
        for n in (len(words), len(words) - 1):
            got, end = _words_from(toks, i, n)
            # only where OCR left a word that is no syllable ("nhindan", "tdm"): "hội viên"
            # is not "Học viện", "và phòng" not "Văn phòng"
            if len(got) == n and got[0][:1] == want[:1] and (exact is None or end > exact[2]) \
                    and any(w not in _syllables() for w in got) \
                    and Levenshtein.distance(" ".join(got), want, score_cutoff=limit) <= limit:
                return display, cls, end
    return exact


def _after_dot(toks: list[_Tok], display: str, cls: str, end: int) -> tuple[str, str, int]:
    """"TT. HĐND xã", "VP. UBND": the dot of an abbreviated head is part of it."""
    if end < len(toks) and toks[end].w == "." and len(toks[end - 1].w) <= 3 and \
            end + 1 < len(toks) and toks[end + 1].word:
        end += 1
    return display, cls, end


@functools.cache
def _syllables() -> frozenset[str]:
    from corpus.lexicon import syllables

    return syllables()


@functools.cache
def _fuzzy_heads() -> tuple[tuple[list[str], str, str], ...]:
    return tuple((h.split(), d, c) for h, d, c in _HEADS if " " in h and len(h) >= 8)


def _is_head_here(toks: list[_Tok], i: int) -> bool:
    h = _head_at(toks, i)
    return h is not None and (h[1] not in ("weak", "soft") or _weak_ok(toks, i, h[2], h[1]))


def _weak_ok(toks: list[_Tok], i: int, after: int, cls: str = "weak") -> bool:
    """A head that is also an ordinary word is a head only before the start of a name."""
    if after >= len(toks) or not toks[after].word or _stop_at(toks, after, True):
        return False
    head, nxt = toks[after - 1].w, toks[after].w
    prev = toks[i - 1].w if i > 0 and toks[i - 1].word else ""
    before = (toks[i - 2].w, prev) if i > 1 else ()
    if prev and (prev, toks[i].w) in _common_pairs() and before not in _STOP_PHRASES:
        return False  # "cán bộ", "hồ sơ", "tích cực"; not "đề nghị | Viện …"
    after2 = tuple(_words_from(toks, after, 2)[0])
    if cls == "weak" and len(after2) == 2 and after2 in _common_pairs() and \
            (head, nxt) not in _name_starts() and after2 not in _all_name_pairs():
        return False  # "bộ dữ liệu", "số cộng đồng": the words after it are another word
    if cls == "weak" and before in _common_pairs() and before not in _STOP_PHRASES:
        return False  # after a noun it qualifies: "xã hội số", "công nghệ số"
    if _place_kind_at(toks, after):
        return False  # "địa | bàn phường": no name starts with a place
    if (head, nxt) in _name_starts():
        return True
    if (head, nxt) in _common_pairs():  # "số liệu", "tổ chức", "hội nghị", "ban hành"
        return False
    if len(after2) == 2 and len(after2[1]) > 1 and after2[1] not in _syllables() and \
            after2[1] not in _name_words() and after2[1] not in _abbreviations():
        return False  # "bộ quy tic", "trương quyết ligt": OCR debris after the first word
    if cls == "soft":
        return nxt in _syllables() or nxt in _name_words()
    return nxt in _name_words() or nxt in _abbreviations()


def _name_end(toks: list[_Tok], start: int) -> int:
    """Where a name that starts at token `start` ends (exclusive)."""
    j, words = start, 0
    while j < len(toks) and words < _MAX_NAME:
        t = toks[j]
        if t.word:
            if _stop_at(toks, j, words == 0) or _place_kind_at(toks, j):
                break
            if words and t.w != "va" and _is_head_here(toks, j) and t.w not in _name_words():
                break
            if t.w == "va" and (words == 0 or not _joins(toks, start, j)):
                break
            if t.w.isdigit() and words:
                break
            if _garbled(t.w):  # OCR debris ends a name: "… HĐND-UBND monahuag"
                break
            words += 1
            j += 1
            continue
        if t.w in "-–&" and words and j + 1 < len(toks) and toks[j + 1].word and \
                not _stop_at(toks, j + 1, False) and (
                    not _is_head_here(toks, j + 1) or toks[j + 1].w in ("ubnd", "hdnd")):
            j += 1
            continue
        if t.w == "," and words and _enumeration_closes(toks, j):
            j += 1
            continue
        break
    return j


def _garbled(word: str) -> bool:
    """A word that is no syllable, abbreviation or name word: OCR debris."""
    return len(word) >= 4 and word.isalpha() and word not in _syllables() and \
        word not in _name_words() and word not in _abbreviations() and \
        not re.fullmatch(r"[bcdfghjklmnpqrstvwxz]{2,6}", word)


def _joins(toks: list[_Tok], start: int, j: int) -> bool:
    """"… và Du lịch" joins a name; "… và Sở Y tế", "… và các đơn vị" do not, except an
    office shared by two bodies ("Văn phòng Đoàn ĐBQH và HĐND tỉnh")."""
    if j + 1 >= len(toks) or not toks[j + 1].word or _stop_at(toks, j + 1, False):
        return False
    if _is_head_here(toks, j + 1):
        shared = {"ubnd", "hdnd", "dbqh", "dang", "uy"}
        return toks[j + 1].w in shared and any(t.w in shared for t in toks[start:j])
    return True


def _place_kind_at(toks: list[_Tok], j: int) -> bool:
    """A place kind that starts a place ("xã Tân Phú", "tỉnh" at the end), not a word of
    the name ("Văn hóa - Xã hội")."""
    from corpus import places

    for k in sorted(_PLACE_KINDS, key=len, reverse=True):
        ks = k.split()
        got, end = _words_from(toks, j, len(ks))
        if got != ks:
            continue
        if end >= len(toks) or not toks[end].word or _stop_at(toks, end, False):
            return True
        rest, _ = _words_from(toks, end, 4)
        return any(places.lookup(" ".join(rest[:n]), places._MARKERS.get(k, ""))
                   for n in range(len(rest), 0, -1))
    return False


def _enumeration_closes(toks: list[_Tok], comma: int) -> bool:
    """"Văn hóa, Thể thao và Du lịch": a comma inside a name is followed, within four
    words and no other punctuation, by "và" and a name word."""
    for seen, at in enumerate(range(comma + 1, min(comma + 7, len(toks)))):
        t = toks[at]
        if not t.word or _stop_at(toks, at, False) or _is_head_here(toks, at):
            return False
        if t.w == "va":
            return seen > 0
    return False


def _place_end(toks: list[_Tok], j: int) -> int:
    """A place after a name belongs to it: "tỉnh Bắc Ninh", "xã", "xã, phường, đặc khu",
    "Thành phố", "khu vực XII", "Trung ương"."""

    if j < len(toks) and toks[j].w == ",":
        return _kinds_list_end(toks, j)
    words, _ = _words_from(toks, j, 4)
    if not words:
        return j
    if words[0] in ("cac", "cap") and len(words) > 1 and words[1] in ("xa", "phuong", "tinh"):
        return _place_end(toks, _words_from(toks, j, 1)[1]) if words[0] == "cac" else \
            _words_from(toks, j, 2)[1]
    bare = _bare_place(words)
    if bare:
        return _words_from(toks, j, bare)[1]
    kind = next((k for k in sorted(_PLACE_KINDS, key=len, reverse=True)
                 if _kind_words(words, k)), None)
    if kind is None:
        if words[:2] in (["trung", "uong"], ["quoc", "gia"], ["viet", "nam"]):
            return _words_from(toks, j, 2)[1]
        if words[:2] == ["khu", "vuc"]:
            end = _words_from(toks, j, 2)[1]
            return end + 1 if end < len(toks) and re.fullmatch(r"[ivxl]+|\d+", toks[end].w) else end
        return j
    _, end = _words_from(toks, j, len(kind.split()))
    if end < len(toks) and toks[end].w == ",":
        return _kinds_list_end(toks, end)
    n = _named_place(_words_from(toks, end, 4)[0], kind)[0]
    return _words_from(toks, end, n)[1] if n else end


def _kind_words(words: list[str], kind: str) -> bool:
    """Whether `words` open with a place kind, OCR slips of one letter allowed in a kind
    of two words ("thanh phd")."""
    ks = kind.split()
    if words[:len(ks)] == ks:
        return True
    return len(ks) == 2 and len(words) >= 2 and words[0] == ks[0] and \
        _fuzzy_equal(words[1], ks[1]) == 1 and words[1] not in _syllables()


def _bare_place(words: list[str]) -> int:
    """Words of a province or country named without a marker at the end of a name
    ("Viettel Nghệ An", "Đại học Quốc gia Hà Nội", "… Việt Nam")."""
    from corpus import places

    if words[:2] == ["viet", "nam"]:
        return 2
    for n in (3, 2):
        if len(words) >= n and any(u.is_province for u in places.lookup(" ".join(words[:n]))):
            return n
    return 0


@functools.lru_cache(maxsize=4096)
def _named_place_cached(words: tuple[str, ...], kind: str) -> tuple[int, str]:
    from corpus import places

    marker = places._MARKERS.get(kind, "")
    for edits in (0, 1):
        for n in range(min(4, len(words)), 0, -1):
            if edits and (n < 2 or len(" ".join(words[:n])) < 6):
                continue
            found = places.lookup(" ".join(words[:n]), marker, max_edits=edits)
            if found and len({u.name for u in found}) == 1:
                return n, found[0].name
    return 0, ""


def _named_place(words: list[str], kind: str) -> tuple[int, str]:
    """How many of `words` name a unit of that kind, and its official name (OCR slips of
    one letter allowed in names of two words: "Dpong Nai")."""
    return _named_place_cached(tuple(words), kind)


def _inside_words(toks: list[_Tok], i: int, end: int) -> bool:
    """A name whose first and last words each belong to a common word with the words
    around it: "thủ tục hành | chính phủ | hợp" is not "Chính phủ"."""
    if i == 0 or end >= len(toks) or not toks[i - 1].word or not toks[end].word:
        return False
    pairs = _common_pairs()
    return (toks[i - 1].w, toks[i].w) in pairs and (toks[end - 1].w, toks[end].w) in pairs


def _kinds_list_end(toks: list[_Tok], end: int) -> int:
    """The end of ", phường, đặc khu" after "xã" (or of ", xã, phường")."""
    while end + 1 < len(toks) and toks[end].w == "," and toks[end + 1].w in (
            "xa", "phuong", "dac"):
        end = _words_from(toks, end + 1, 2 if toks[end + 1].w == "dac" else 1)[1]
    return end


def find_agencies(search_text: str, locality_kind: str | None = None) -> list[AgencyMatch]:
    """Agencies named in a search-form text, left to right, without overlaps.

    `locality_kind` ("xã"/"phường"/"tỉnh"…) completes names such as "Công an" when the
    text itself does not say which.
    """
    # the fact readers look at the same line several times: remember the last lines read
    return list(_find(search_text, locality_kind or None))


@functools.lru_cache(maxsize=4096)
def _find(search_text: str, locality_kind: str | None) -> tuple[AgencyMatch, ...]:
    toks = _tokens(search_text)
    out: list[AgencyMatch] = []
    i = 0
    while i < len(toks):
        if not toks[i].word:
            i += 1
            continue
        found = _agency_at(toks, i, locality_kind)
        if found is None:
            i += 1
            continue
        match, end = found
        out.append(match)
        i = end
    return tuple(out)


def _agency_at(toks: list[_Tok], i: int,
               locality_kind: str | None) -> tuple[AgencyMatch, int] | None:
    known = _known_at(toks, i, locality_kind)
    read = _read_at(toks, i)
    # a known name wins (with the place after it): in a table flattened by OCR the
    # grammar would run on into the next cell ("Phòng Văn hóa - Xã hội | môn thuộc …")
    if known is not None:
        return known[0]
    if read is None:
        return None
    display_head, end = read
    name = _display(toks, i, end, display_head, locality_kind)
    return AgencyMatch(name, toks[i].s, toks[end - 1].e), end


def _known_at(toks: list[_Tok], i: int,
              locality_kind: str | None) -> tuple[tuple[AgencyMatch, int], int] | None:
    """A known name at token i with the place after it, and the letters OCR changed."""
    found = _match_known(toks, i)
    if found is None:
        return None
    k, end, slips = found
    if _inside_words(toks, i, end):
        return None
    name = _with_kind(k.name, _KINDS.get(k.kind, "") or _kind_word(locality_kind))
    end = _trim(toks, i, end)
    # a place after a known name belongs to it ("Liên đoàn Lao động tỉnh", "UBND xã,
    # phường, đặc khu"); the plan's own bodies keep their short name ("UBND xã")
    more = _body_at(toks, end) or _place_end(toks, end)
    if "{kind" in k.name and not (end < len(toks) and toks[end].w == ","):
        more = end
    elif more > end and [t.w for t in toks[end:more]] in (["xa"], ["phuong"]):
        # the commune's own bodies go by their name alone ("Văn phòng HĐND và UBND",
        # "Hội Nông dân"); "xã" stays where it tells bodies apart ("Công an xã")
        more, end = end, _words_from(toks, end, 1)[1]
    if more > end:
        ext = re.sub(r"\s+,", ",", _spell_words(list(toks[end:more])))
        name = f"{name}{ext}" if ext.startswith(",") else f"{name} {ext}"
        end = _trim(toks, i, more)
    return (AgencyMatch(name, toks[i].s, toks[end - 1].e), end), slips


def _read_at(toks: list[_Tok], i: int) -> tuple[str, int] | None:
    """A head noun at token i and the end of its name (and place): (head display, end)."""
    head = _head_at(toks, i)
    if head is None:
        return None
    display, cls, after = head
    if cls in ("weak", "soft") and not _weak_ok(toks, i, after, cls):
        return None
    if cls == "owned":  # "Thường trực" + a body: "Thường trực Thành ủy", "TT. HĐND xã"
        body = _body_at(toks, after)
        return (display, body) if body else None
    # a body that stands alone takes a place, not a name ("UBND tỉnh", "Công an xã")
    end = after if cls == "alone" else _name_end(toks, after)
    if end == after and cls != "alone":
        return None
    named = end
    end = _place_end(toks, end)
    if cls != "alone" and [t.w for t in toks[named:end]] in (["xa"], ["phuong"]):
        return display, named  # the commune's own body: "Hội Người cao tuổi" (see _known_at)
    end = _body_at(toks, end) or end  # the body it belongs to: "Ban Tổ chức Tỉnh ủy"
    return display, _trim(toks, i, end)


_BODY_HEADS = ("ubnd", "hdnd", "tinh uy", "thanh uy", "dang uy", "uy ban nhan dan",
               "hoi dong nhan dan", "trung uong", "chinh phu", "dang bo")


def _body_at(toks: list[_Tok], j: int) -> int:
    """The end of a body named at token j ("Tỉnh ủy", "HĐND tỉnh", "UBND xã"), else 0."""
    for b in _BODY_HEADS:
        got, end = _words_from(toks, j, len(b.split()))
        if got == b.split():
            end = _place_end(toks, end)
            return _body_at(toks, end) or end  # "Đảng ủy UBND tỉnh"
    known = _match_known(toks, j) if j < len(toks) and toks[j].word else None
    if known is not None and known[0].words[0] in ("dang", "ubnd", "uy", "hdnd"):
        return known[1]
    return 0


def _trim(toks: list[_Tok], i: int, end: int) -> int:
    while end > i + 1 and not toks[end - 1].word:
        end -= 1
    return end


def _kind_word(locality_kind: str | None) -> str:
    k = fold(locality_kind or "")
    return _KINDS.get(k, "")


def _with_kind(name: str, kind: str) -> str:
    if "{kind" not in name:
        return name
    if kind:
        return re.sub(r"\{kind\??\}", kind, name)
    # kind unknown: "Văn phòng UBND", "Các cơ quan chuyên môn, đơn vị" rather than a guess
    return re.sub(r"(?: thuộc)? \{kind\??\}", "", name)


# ---- display ---------------------------------------------------------------------------------


def _display(toks: list[_Tok], i: int, end: int, head: str, locality_kind: str | None) -> str:
    """The proper spelling of a name read by the grammar."""
    after = _head_at(toks, i)[2]
    text = f"{head} {_spell_words(list(toks[after:end]))}".strip()
    text = re.sub(r"\s+([,.])", r"\1", text)
    text = re.sub(r"\s{2,}", " ", text)
    if end == after and head in ("Công an", "UBND", "HĐND", "Đảng ủy", "Ban Chỉ huy Quân sự"):
        kind = fold(locality_kind or "")
        spelt = {"xa": "xã", "phuong": "phường", "tinh": "tỉnh", "thanh pho": "thành phố",
                 "dac khu": "đặc khu"}.get(kind, "")
        text = f"{text} {spelt}".strip()
    return _restore(text)


def _spell_words(words: list[_Tok]) -> str:
    """Name words spelt: places from the gazetteer, bodies and abbreviations as they are
    written in names, other words from the names and the word list; a capital opens the
    name and each part of a joined name."""
    parts: list[str] = []
    j = 0
    cap_next = True
    while j < len(words):
        t = words[j]
        if not t.word:
            if t.w == "," or t.w in "-–":
                parts.append("," if t.w == "," else " -")
                cap_next = True
            j += 1
            continue
        body = _head_at(words, j)
        if body and body[1] in ("alone", "owned") and words[j].w not in ("ban", "doan"):
            parts.append(body[0])
            j = body[2]
            cap_next = False
            continue
        place = _place_words(words, j)
        if place:
            parts.append(place[1])
            j += place[0]
            cap_next = False
            continue
        if t.w in ("cac", "cap"):
            parts.append("các" if t.w == "cac" else "cấp")
            j += 1
            continue
        if t.w in _abbreviations() and (t.w in ("ubnd", "hdnd") or "&" in t.w or j == 0):
            parts.append(_abbreviations()[t.w])
            j += 1
            cap_next = False
            continue
        if t.w == "va":
            parts.append("và")
            cap_next = True
            j += 1
            continue
        n, spelt = _compound(words, j)
        if re.fullmatch(r"[ivxl]+", t.w) and j > 0:
            spelt = t.w.upper()  # "khu vực XII"
        if cap_next or _capitals().get(" ".join(w.w for w in words[j:j + n]), 0) > 0:
            spelt = spelt[:1].upper() + spelt[1:]
        parts.append(spelt)
        j += n
        cap_next = False
    return " ".join(parts)


def _compound(words: list[_Tok], j: int) -> tuple[int, str]:
    """The longest run of words at j the word list spells one way ("tiếng nói", "hàn lâm"),
    else one word as the names spell it."""
    run = []
    for t in words[j:j + 3]:
        if not t.word:
            break
        run.append(t.w)
    for n in range(len(run), 1, -1):
        spelt = _compounds().get(" ".join(run[:n]))
        if spelt:
            return n, spelt
    return 1, _spell(words[j].w)


@functools.cache
def _capitals() -> dict[str, int]:
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
def _compounds() -> dict[str, str]:
    """Folded words of two or three syllables -> their spelling, from the names in the
    data files, then from the general word list where it has one spelling (or one that
    the names' syllables agree with)."""
    from corpus.lexicon import _entries

    table: dict[str, set[str]] = {}
    for e in _entries():
        if e == e.lower() and 2 <= e.count(" ") + 1 <= 3:
            table.setdefault(fold(e), set()).add(e)
    out: dict[str, str] = {}
    known = set(_spellings().values())
    for k, forms in table.items():
        if len(forms) == 1:
            out[k] = next(iter(forms))
        else:
            agree = [f for f in forms if all(w in known for w in f.split())]
            if len(agree) == 1:
                out[k] = agree[0]
    texts = [r[0] for r in _rows("agency_names.tsv")] + list(_abbreviations().values())
    for text in texts:
        words = re.findall(r"[^\W\d_]+", text.replace("{kind}", "").replace("{kind?}", ""))
        for n in (2, 3):
            for a in range(len(words) - n + 1):
                piece = " ".join(w.lower() for w in words[a:a + n])
                out[fold(piece)] = piece
    return out


def _place_words(words: list[_Tok], j: int, bare: bool = True) -> tuple[int, str] | None:
    """A place kind and its name at word j, officially spelt ("tinh bac ninh" -> "tỉnh
    Bắc Ninh", "xa" -> "xã")."""
    from corpus import places

    kinds = {"xa": "xã", "phuong": "phường", "tinh": "tỉnh", "thanh pho": "thành phố",
             "tp": "thành phố", "dac khu": "đặc khu", "huyen": "huyện", "quan": "quận"}
    for k, spelt in kinds.items():
        ks = k.split()
        if [t.w for t in words[j:j + len(ks)]] == ks:
            rest = [t.w for t in words[j + len(ks):j + len(ks) + 4] if t.word]
            n, name = _named_place(rest, k)
            if n:
                return len(ks) + n, f"{spelt} {name}"
            return len(ks), spelt  # "Sở Y tế tỉnh", "Công an xã"
    rest = [t.w for t in words[j:j + 3] if t.word]
    n = _bare_place(rest) if j > 0 or bare else 0
    if n:
        found = places.lookup(" ".join(rest[:n]))
        return n, found[0].name if found else "Việt Nam"
    return None


def _spell(word: str) -> str:
    return _spellings().get(word, word)


@functools.lru_cache(maxsize=4096)
def _restore(text: str) -> str:
    """Marks for words the data files do not spell, from the reading model if present."""
    plain = [w for w in re.findall(r"[^\W\d_]+", text) if w == fold(w) and w.lower() not in (
        "va", "ubnd", "hdnd", "mttq")]
    if not plain:
        return text
    try:
        from corpus.reading import restore_diacritics  # the reading copy's syllable model
    except ImportError:
        return text
    try:
        restored = restore_diacritics(text)
    except Exception:  # noqa: BLE001 - a display nicety never stops recognition
        return text
    return restored if fold(restored) == fold(text) else text


# ---- the API the rest of the code uses --------------------------------------------------------

# Names that usually stand for "everyone else": in a table they sit in the coordinating
# column, and a row whose only agency is one of them has no identifiable lead.
COLLECTIVE = frozenset({
    "Các phòng, cơ quan chuyên môn thuộc UBND", "Các phòng, ban, ngành, đơn vị",
    "Các phòng, cơ quan chuyên môn thuộc UBND xã", "Các phòng, cơ quan chuyên môn thuộc UBND phường",
    "Các phòng, ban, ngành, đơn vị thuộc xã", "Các phòng, ban, ngành, đơn vị thuộc phường",
    "Các đơn vị liên quan", "Các trường học trên địa bàn", "Các cơ quan, đơn vị",
    "Các sở, ban, ngành", "Các phòng chuyên môn", "Các doanh nghiệp viễn thông",
})


@functools.lru_cache(maxsize=4096)
def canonical_agency(text: str, locality_kind: str | None = None) -> str | None:
    """The canonical name of an agency written any way ("phong vhxh" -> Phòng Văn hóa - Xã hội)."""
    found = find_agencies(search_form(text), locality_kind)
    return found[0].name if found else None


def agency_names() -> list[str]:
    """Every known canonical name (names that depend on the locality kind in both forms)."""
    out: set[str] = set()
    for k in _known():
        if "{kind" in k.name:
            out.update(_with_kind(k.name, kind) for kind in ("xã", "phường"))
        else:
            out.add(k.name)
    return sorted(out)


def same_agency(query: str, name: str) -> bool:
    """Whether an agency as a user writes it ("vhxh", "Công an", "van phong dang uy")
    is the canonical `name`: through the recognizer first, else by folded words."""
    canon = canonical_agency(query)
    if canon is not None:
        if canon == name or fold(canon) == fold(name):
            return True
        # "Văn phòng Đảng ủy xã Bình Tân" in a question is the plan's "Văn phòng Đảng ủy"
        if _placeless(canon) == name or canon == _placeless(name):
            return True
        # "Công an" in a question has no kind: "Công an xã" matches "Công an phường" too
        return _kindless(canon) == _kindless(name) and not re.search(r"\b(xa|phuong)\b",
                                                                      fold(query))
    key = fold(query)
    return bool(key) and key in fold(name)


_COMMUNE_PLACE = re.compile(r"\s(?:xã|phường|đặc khu)(?:\s[A-ZÀ-ỸĐ][^\s,]*)+$")


_PLACE_KIND = re.compile(r"\s(?:tỉnh|thành phố|tp\.?)$", re.IGNORECASE)


def _placeless(name: str) -> str:
    """A name without the place it names at its end ("… xã Bình Tân", "Sở Y tế Bắc Ninh",
    "Sở Y tế tỉnh Bắc Ninh"): a commune with its kind word, or any official unit of the
    gazetteer (`corpus.places`) after a complete name (two words at least)."""
    out = _COMMUNE_PLACE.sub("", name)
    words = out.split()
    run = 0  # capitalised words at the end
    while run < min(3, len(words) - 2) and words[-1 - run][:1].isupper():
        run += 1
    for k in range(run, 0, -1):
        from corpus.places import lookup  # the gazetteer loads on first use

        if lookup(" ".join(words[-k:])):
            return _PLACE_KIND.sub("", " ".join(words[:-k]))
    return out


def _kindless(name: str) -> str:
    return re.sub(r"\s*\b(xã|phường)\b", "", name).strip()
