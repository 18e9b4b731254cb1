"""Text normalisation: NFC for display, a folded and OCR-repaired *search form* for matching.

The bundled plans are OCR output that lost diacritics and confused letters with digits
("Nghi quyét s6" = "Nghị quyết số", "x3" = "xã", "Pang uy" = "Đảng ủy"). Questions arrive
with or without diacritics. Both sides are mapped to the same search form: lower case,
no diacritics, `đ`→`d`, common OCR confusions repaired. Original text is kept for quoting;
what a user reads is the reading copy (`readable`, from the statistical corrector in
`corpus.reading`), which no longer uses these repair lists.

Repairs are grouped so that `bench/ocr_ablation.py` can measure what each one buys.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Iterable, Iterator

# Characters the OCR produced for Vietnamese vowels with marks it could not read.
_CHAR_MAP = str.maketrans(
    {
        "€": "e",
        "¢": "e",
        "£": "e",
        "¥": "y",
        "§": "y",
        "ﬁ": "a",  # "ha tﬁng" = "hạ tầng", "hﬁng năm" = "hằng năm"
        "ﬂ": "fl",
        "\u00a0": " ",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
    }
)

# Whole-token repairs, folded OCR form -> folded correct form. Grouped for ablation.
_REPAIRS: dict[str, dict[str, str]] = {
    "so": {t: "so" for t in ("s6", "sb", "sd", "s0", "so6", "s8", "se6", "s6.", "sé", "s")},
    "xa": {t: "xa" for t in ("x3", "x4", "x&", "xi", "xd", "x3a", "x8", "xà")},
    "dang": {t: "dang" for t in ("pang", "dpang", "ddng", "dding", "pdng", "bdng", "dbang",
                                 "dpang", "piang", "beang", "deang")},
    "cua": {
        t: "cua"
        for t in ("ctia", "cta", "cia", "ciia", "cila", "clia", "coa", "ctaa", "cihia", "ctua",
                  "caa", "cla", "ctiia", "cuaa", "ciua")
    },
    "la": {"1a": "la", "1a.": "la"},
    "letters": {
        # l read as 1, o read as 6/0, a read as 4/3 at the start of a word
        "1y": "ly", "1en": "len", "1ap": "lap", "1anh": "lanh", "1am": "lam", "16n": "lon",
        "16p": "lop", "16ng": "long", "1e": "le", "1o": "lo", "4n": "an",
        "4an": "an", "4p": "ap", "4o": "ao", "1ai": "lai", "1ang": "lang", "1uc": "luc",
        "1uat": "luat", "1uong": "luong", "1oai": "loai", "1ua": "lua", "1oi": "loi",
    },
    "vowels": {
        # é/ê/ơ/ô/á confusions that leave a non-syllable after folding
        "mei": "moi", "mdi": "moi", "mbi": "moi", "vei": "voi", "vdi": "voi", "vgi": "voi",
        "cec": "cac", "cic": "cac", "cdc": "cac", "hea": "hoa", "hda": "hoa", "vin": "van",
        "vian": "van", "nim": "nam", "niam": "nam", "ndm": "nam", "ndam": "nam", "nidm": "nam",
        "ting": "tang", "tng": "ung", "img": "ung", "ing": "ung", "gng": "ung", "irng": "ung",
        "itng": "ung", "ndi": "noi", "hd": "ho", "tir": "tu", "tur": "tu", "tw": "tu",
        "dir": "du", "dit": "du", "dix": "du", "gido": "giao", "thyc": "thuc", "thirc": "thuc",
        "chirc": "chuc", "chtrc": "chuc", "churc": "chuc", "chtc": "chuc", "chic": "chuc",
        "stirc": "suc", "sirc": "suc", "sitc": "suc", "stc": "suc", "bdo": "bao", "bio": "bao",
        "cdo": "cao", "ddi": "doi", "dbi": "doi", "d6i": "doi", "do6i": "doi", "d61": "doi",
        "do1": "doi", "d0i": "doi", "bd": "bo", "cdng": "cong", "c6ng": "cong", "cbng": "cong",
        "thdng": "thong", "nhdm": "nhom", "nhem": "nhom", "wong": "uong", "twong": "tuong",
        "truwong": "truong", "cwong": "cuong", "cwdng": "cuong", "tdng": "tong", "ddng": "dong",
        "gitta": "giua", "giita": "giua", "gitra": "giua", "giira": "giua", "ngil": "ngu",
        "ngfi": "ngu", "ngii": "ngu", "nhitng": "nhung", "nhiing": "nhung", "nhimg": "nhung",
        "ctru": "cuu", "ciru": "cuu", "ctu": "cuu", "ctr": "cu", "cir": "cu", "cin": "can",
        "din": "dan", "dtu": "dau",
        "nhin": "nhan", "trlen": "trien", "nghlen": "nghien",
        "phusng": "phuong", "phudng": "phuong", "phwong": "phuong", "beang": "dang",
        "deang": "dang", "ceac": "cac", "doo": "do", "hdi": "hoi", "hgi": "hoi",
        "chir": "chu", "chix": "chu", "sir": "su", "str": "su", "seng": "song", "meem": "mem",
        "xtc": "xuc", "thuac": "thuoc", "seach": "sach", "khin": "khan", "vueng": "vuong",
        "vudng": "vuong", "vuéng": "vuong", "mic": "mac", "quyét": "quyet",
        "gitp": "giup", "gidp": "giup", "gilp": "giup", "sira": "sua", "stra": "sua",
        "bg": "bo",
        "wu": "uu", "wng": "ung", "lwe": "luc", "lwc": "luc", "lue": "luc", "twdng": "tuong",
    },
}

# Tokens that look like OCR noise but are codes: keep them.
_KEEP = re.compile(r"^(\d+g|\d+d|qh\d+|\d+(?:[.,/\-]\d+)*%?|[ivxlc]+)$")
_DIGITS = re.compile(r"[0-9]+")
_NUMBER_RUN = re.compile(r"[0-9]{3,}|[0-9]*[257][0-9]*")
_DIGIT_TO_LETTER = str.maketrans({"6": "o", "0": "o", "9": "o", "4": "a", "3": "a", "1": "i", "8": "o"})
_TOKEN = re.compile(r"\S+")
# a digit read for the first letter of a long run of letters: "1engudidancoso" (lệ người…)
_DIGIT_LEAD = re.compile(r"^[0-9][a-z]{6,}$")
_EDGE_PUNCT = re.compile(r"^[^\w%&]+|[^\w%&]+$")
# "Đảng ủy", "Thành ủy", "Tỉnh ủy" come out as "Pang ty", "Thanh ty", "Tinh ay", "Bang uy".
_UY_CONTEXT = re.compile(r"\b(dang|thanh|tinh) (?:ty|iy|ay|oty|uty|gy|giy|ly|ay)\b")
_BANG_UY = re.compile(r"\bbang (uy|bo)\b")
_PHRASES = [(re.compile(r"\bchuyen men\b"), "chuyen mon"), (re.compile(r"\bthuc se\b"), "thuc so"),
            (re.compile(r"\bchung thu se\b"), "chung thu so"), (re.compile(r"\bky se\b"), "ky so"),
            (re.compile(r"\bphi song\b"), "phu song"), (re.compile(r"\bkhe khan\b"), "kho khan"),
            (re.compile(r"\bquy me\b"), "quy mo"), (re.compile(r"\bt giup viec\b"), "to giup viec"),
            (re.compile(r"\bme hinh\b"), "mo hinh"), (re.compile(r"\bcan b\b"), "can bo"),
            (re.compile(r"\bcan ct\b"), "can cu")]
_UD = re.compile(r"ud(ng|n|i|c|t)")

ALL_GROUPS = tuple(_REPAIRS) + ("digits", "ud", "context", "split", "capital_p")

# A capital Đ read as P: "Pao tao" (Đào tạo), "PAy manh" (Đẩy mạnh), "POAN" (ĐOẠN). No
# Vietnamese word starts with P and a vowel, so such a word becomes Đ… when that makes a
# syllable ("Payment" stays). Before folding: the capital is what tells it from "pin".
_CAP_P = re.compile(r"(?<!\w)P(?=[^\W\d_])\w*")


def nfc(text: str) -> str:
    """NFC-normalise; every string entering the system goes through here."""
    return unicodedata.normalize("NFC", text or "")


def _strip_char(c: str) -> str:
    """One character without its marks: the OCR map, NFD, nonspacing marks dropped, đ→d."""
    text = unicodedata.normalize("NFD", c.translate(_CHAR_MAP))
    text = "".join(x for x in text if unicodedata.category(x) != "Mn")
    return text.replace("đ", "d").replace("Đ", "D")


class _StripTable(dict):
    """str.translate table filled on first sight of each character. Dropping marks is
    per character on NFC text, up to a final NFC (canonically equivalent either way):
    one C-level translate instead of a Python loop over every character of every string
    (fold was the hot spot of the lexicon, gazetteer and reading-model loads)."""

    def __missing__(self, code: int) -> str:
        out = _strip_char(chr(code))
        if len(self) < 65_536:  # bounded: random Unicode must not grow it without end
            self[code] = out
        return out


_STRIP = _StripTable()
_SPACES = re.compile(r"\s+")


def strip_marks(text: str) -> str:
    """Remove Vietnamese diacritics (and map đ→d) without changing case."""
    return unicodedata.normalize("NFC", nfc(text).translate(_STRIP))


def fold(text: str) -> str:
    """Lower case, no diacritics, single spaces. No OCR repair."""
    return _SPACES.sub(" ", strip_marks(text).lower()).strip()


def _numbers_apart(core: str) -> list[str] | None:
    """A word with a number glued to it ("nam2030", "kh79", "iso9001") in pieces, the
    number on its own; None if no run of digits in it is a number. A run is a number when
    it has three digits or more, or a digit OCR never reads for a letter (2, 5, 7): "d61"
    (đối) and "c6ng" (công) stay whole for the letter repair."""
    cuts = [m.span() for m in _DIGITS.finditer(core) if _NUMBER_RUN.fullmatch(m.group())]
    if not cuts or core.isdigit():
        return None
    pieces, at = [], 0
    for a, b in cuts:
        pieces += [core[at:a], core[a:b]]
        at = b
    return [p for p in [*pieces, core[at:]] if p]


def _repair_token(tok: str, table: dict[str, str], groups: frozenset[str]) -> str:
    core = _EDGE_PUNCT.sub("", tok)
    if not core:
        return tok
    fixed = table.get(core)
    if fixed is None and "digits" in groups and core.isalnum() and not _KEEP.match(core):
        parts = _numbers_apart(core)
        if parts is not None:
            return tok.replace(core, " ".join(_repair_token(p, table, groups) for p in parts), 1)
    # a letter-initial token with digits inside: "d6i" -> "doi", "v6i" -> "voi"
    if (fixed is None and "digits" in groups and not _KEEP.match(core)
            and (core[0].isalpha() or _DIGIT_LEAD.match(core))
            and any(c.isdigit() for c in core) and core.isalnum()):
        lead = "l" if core[0] == "1" else ""  # "1ê" at a word start is "lệ", "là"
        fixed = lead + core[len(lead):].translate(_DIGIT_TO_LETTER) if lead else \
            core.translate(_DIGIT_TO_LETTER)
    base = fixed or core
    if "ud" in groups and "ud" in base and base.isalpha():
        fixed = _UD.sub(r"uo\1", base)  # "ud" never occurs in a Vietnamese syllable
    if "split" in groups:
        parts = _split_merged(fixed or core)
        if parts is not None:
            # each piece gets the word repairs it would get as a token of its own
            return tok.replace(core, " ".join(_repair_token(p, table, groups)
                                              for p in parts.split()), 1)
    if fixed is None:
        return tok
    for _ in range(3):  # "hd1" -> "hdi" -> "hoi": repeat until stable, so the form is idempotent
        again = table.get(fixed)
        if again is None or again == fixed:
            break
        fixed = again
    return tok.replace(core, fixed, 1)


_VOWEL = re.compile(r"[aeiouy]")
_MERGED_MIN = 8  # no Vietnamese syllable is this long ("nghieng" has 7 letters)
_MERGED_MAX = 48  # about eight syllables run together; longer is no OCR merge (and costly)


def _is_syllable(piece: str, known: frozenset[str]) -> bool:
    # the word list also holds abbreviations ("tp"): a syllable needs a vowel
    return (piece in known and (len(piece) > 1 or piece in "aoyeu")
            and _VOWEL.search(piece) is not None)


def _split_merged(word: str) -> str | None:
    """Syllables OCR ran together ("nguoidancoso" -> "nguoi dan co so"), or None.

    Dynamic programming over the syllable list: fewest unknown letters, then most
    adjacent pairs that are words of the lexicon ("van hoa", not "va nhoa"), then fewest
    pieces. One short unknown piece is allowed only if one changed letter makes it a
    word with its neighbour ("sic khoe" -> "suc khoe"); otherwise the token is kept.
    """
    if not _MERGED_MIN <= len(word) <= _MERGED_MAX or not word.isalpha():
        return None
    from corpus.lexicon import syllable_pairs, syllables  # lazy: read on first use

    known, pairs = syllables(), syllable_pairs()
    if not known or word in known:
        return None
    pieces = _best_split(word, known, pairs)
    if pieces is None or not 2 <= len(pieces) <= len(word) // 2:
        return None
    bad = [i for i, p in enumerate(pieces) if not _is_syllable(p, known)]
    if len(bad) > 1:
        return None
    if bad:
        fixed = _repair_piece(pieces, bad[0], known, pairs)
        if fixed is None:
            return None
        pieces = fixed
    if len(pieces) >= 3 and not _hits(pieces, pairs):
        # no two pieces make a word: one OCR'd vowel may be why ("sic khoe" = "suc khoe")
        pieces = next((r for i in range(len(pieces))
                       if (r := _repair_piece(pieces, i, known, pairs)) is not None), None)
        if pieces is None:
            return None
    return " ".join(pieces)


def _hits(pieces: list[str], pairs: dict[tuple[str, str], int]) -> int:
    return sum((a, b) in pairs for a, b in zip(pieces, pieces[1:], strict=False))


def _best_split(word: str, known: frozenset[str],
                pairs: dict[tuple[str, str], int]) -> list[str] | None:
    n = len(word)
    # states[i]: last piece -> (score, pieces); score = (unknown letters, -pairs, pieces)
    states: list[dict[str, tuple[tuple[int, int, int], list[str]]]] = [{} for _ in range(n + 1)]
    states[0][""] = ((0, 0, 0), [])
    for i in range(n):
        for last, ((unk, neg_hits, count), pieces) in states[i].items():
            for j in range(i + 1, min(n, i + 7) + 1):
                piece = word[i:j]
                cost = 0 if _is_syllable(piece, known) else len(piece)
                score = (unk + cost, neg_hits - ((last, piece) in pairs), count + 1)
                cur = states[j].get(piece)
                if cur is None or score < cur[0]:
                    states[j][piece] = (score, [*pieces, piece])
    if not states[n]:
        return None
    (unk, _, _), pieces = min(states[n].values(), key=lambda v: v[0])
    return pieces if unk <= 3 else None


def _repair_piece(pieces: list[str], i: int, known: frozenset[str],
                  pairs: dict[tuple[str, str], int]) -> list[str] | None:
    """The pieces with the unknown one (alone, or joined to the piece before it) changed
    by one vowel into a syllable that makes a word with a neighbour (the commonest such
    word: "suc khoe", not "sac khoe"); None if none does."""
    best: tuple[int, list[str]] | None = None
    options = [(i, i + 1)] + ([(i - 1, i + 1)] if i else [])
    for a, b in options:
        piece = "".join(pieces[a:b])
        prev = pieces[a - 1] if a else None
        nxt = pieces[b] if b < len(pieces) else None
        for k in range(len(piece)):
            for c in "aeiouy":
                cand = piece[:k] + c + piece[k + 1:]
                if cand == piece or not _is_syllable(cand, known):
                    continue
                n = pairs.get((prev, cand), 0) + pairs.get((cand, nxt), 0)  # type: ignore[arg-type]
                if n and (best is None or n > best[0]):
                    best = (n, [*pieces[:a], cand, *pieces[b:]])
    return best[1] if best else None


def _table(groups: frozenset[str]) -> dict[str, str]:
    table: dict[str, str] = {}
    for name, mapping in _REPAIRS.items():
        if name in groups:
            table.update(mapping)
    return table


_FULL = frozenset(ALL_GROUPS)
_FULL_TABLE = _table(_FULL)


@contextlib.contextmanager
def repair_groups(groups: Iterable[str]) -> Iterator[None]:
    """Within the block, `search_form` applies only `groups` unless told otherwise.

    How bench/ocr_ablation.py measures what each repair group buys: the plans are read and
    the questions asked inside the block, so both sides see the same repairs. Changes
    module state, so not for use while other threads normalise text.
    """
    global _FULL, _FULL_TABLE
    saved = _FULL, _FULL_TABLE
    _FULL = frozenset(groups)
    _FULL_TABLE = _table(_FULL)
    try:
        yield
    finally:
        _FULL, _FULL_TABLE = saved


def _p_for_d(m: re.Match) -> str:
    from corpus.lexicon import syllables  # lazy: read on first use

    rest = fold(m.group(0)[1:])
    if rest[:1] in ("a", "e", "i", "o", "u", "y") and "d" + rest in syllables():
        return "Đ" + m.group(0)[1:]
    return m.group(0)


def search_form(text: str, groups: Iterable[str] | None = None) -> str:
    """The folded, OCR-repaired form used for lexical and dense matching.

    Idempotent; keeps every digit of numeric tokens (dates, plan numbers, percentages).
    """
    gset = _FULL if groups is None else frozenset(groups)
    table = _FULL_TABLE if groups is None else _table(gset)
    folded = fold(_CAP_P.sub(_p_for_d, nfc(text)) if "capital_p" in gset else text)
    out = " ".join(_repair_token(t, table, gset) for t in _TOKEN.findall(folded))
    if "context" in gset:
        out = _UY_CONTEXT.sub(lambda m: f"{m.group(1)} uy", out)
        out = _BANG_UY.sub(lambda m: f"dang {m.group(1)}", out)
        for rx, rep in _PHRASES:
            out = rx.sub(rep, out)
    return out


# a number keeps its separators (15/11/2025, 0,6, 1.2) but a join of two codes is two words:
# "3g/4g" is "3g" and "4g", so it matches "3g 4g" typed on a phone
WORD = re.compile(r"[a-z0-9]+(?:[.,/][0-9]+(?![a-z]))*%?")


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions). rapidfuzz's C code:
    the same number as the textbook table, about 200 times faster (a fuzzy place lookup
    compares a name with every official unit's)."""
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(a, b)


def words(text: str) -> list[str]:
    """Tokens of an already-folded string: syllables, numbers (with / . , inside), %."""
    return WORD.findall(text)


def readable(text: str) -> str:
    """Text as a user reads it: OCR text becomes its reading copy (proper Vietnamese,
    `corpus.reading`), typed text keeps every diacritic; one line, single spaces."""
    from corpus.reading import restore_line  # lazy: the model is read on first use

    return " ".join(restore_line(nfc(text)).split())
