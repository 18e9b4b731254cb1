"""Old Vietnamese 8-bit encodings (TCVN3/ABC and VNI-Windows) converted to Unicode NFC.

Plans typed in the .VnTime (TCVN3) or VNI-Times fonts reach us as text whose letters are
Latin-1 look-alikes: "KÕ ho¹ch" (TCVN3) or "Keá hoaïch" (VNI) for "Kế hoạch". A DOCX keeps
those characters as they are; a text file that is not UTF-8 is decoded as Windows-1258,
which turns a few of the same bytes into other characters (0xEC into a combining acute, …),
so every character is first taken back to the byte it came from.

Detection counts marks that ordinary Vietnamese never has: TCVN3 letters such as "¸ µ ¹ ®
×" (á à ạ đ ì), VNI vowel-plus-modifier pairs such as "aù", "eä", "oá" and "ñ" at the start
of a word (đ). Text that already holds Vietnamese Unicode letters (ạ, ế, ư, …) is left as
it is, so converting is a no-op on Unicode plans.
"""

from __future__ import annotations

import re
import unicodedata

from corpus.models import Block

# TCVN3 (TCVN 5712:1993, VN3 / "ABC") byte -> Unicode. The capitals with tone marks have no
# code of their own: .VnTimeH fonts draw the lowercase codes as capitals.
_TCVN3_PAIRS = (
    "¡Ă ¢Â £Ê ¤Ô ¥Ơ ¦Ư §Đ ¨ă ©â ªê «ô ¬ơ \u00adư ®đ "
    "µà ¶ả ·ã ¸á ¹ạ »ằ ¼ẳ ½ẵ ¾ắ Æặ Çầ Èẩ Éẫ Êấ Ëậ "
    "Ìè Îẻ Ïẽ Ðé Ñẹ Òề Óể Ôễ Õế Öệ ×ì Øỉ Üĩ Ýí Þị "
    "ßò áỏ âõ ãó äọ åồ æổ çỗ èố éộ êờ ëở ìỡ íớ îợ "
    "ïù ñủ òũ óú ôụ õừ öử ÷ữ øứ ùự úỳ ûỷ üỹ ýý þỵ"
)
TCVN3: dict[str, str] = {p[0]: p[1] for p in _TCVN3_PAIRS.split()}

# VNI-Windows: a base letter followed by a modifier character (or one character alone).
_VNI_MODS = {
    "ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323",
}
_VNI_HAT = {  # modifiers that add a circumflex or breve, possibly with a tone
    "â": ("\u0302", ""), "á": ("\u0302", "\u0301"), "à": ("\u0302", "\u0300"),
    "å": ("\u0302", "\u0309"), "ã": ("\u0302", "\u0303"), "ä": ("\u0302", "\u0323"),
    "ê": ("\u0306", ""), "é": ("\u0306", "\u0301"), "è": ("\u0306", "\u0300"),
    "ú": ("\u0306", "\u0309"), "ü": ("\u0306", "\u0303"), "ë": ("\u0306", "\u0323"),
}
_VNI_SINGLE = {
    "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "ô": "ơ", "ö": "ư", "î": "ỵ",
    "ñ": "đ",
}


def _vni_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for low in (True, False):
        def case(s: str, low: bool = low) -> str:
            return s if low else s.upper()

        for single, uni in _VNI_SINGLE.items():
            table[case(single)] = case(uni)
        for base in "aeouy":
            for mod, mark in _VNI_MODS.items():
                table[case(base + mod)] = case(unicodedata.normalize("NFC", base + mark))
        for base in "ôö":  # ơ, ư with a tone
            for mod, mark in _VNI_MODS.items():
                uni = _VNI_SINGLE[base] + mark
                table[case(base + mod)] = case(unicodedata.normalize("NFC", uni))
        for base in "aeo":
            for mod, (hat, tone) in _VNI_HAT.items():
                if base != "a" and hat == "\u0306":
                    continue  # only a takes a breve
                table[case(base + mod)] = case(unicodedata.normalize("NFC", base + hat + tone))
    return table


VNI: dict[str, str] = _vni_table()
_VNI_RE = re.compile("|".join(re.escape(k) for k in sorted(VNI, key=len, reverse=True)))

# TCVN3 letters that are neither Vietnamese letters nor Windows-1258 combining tone marks
_TCVN3_MARKS = set("¨©ª«¬\u00ad®µ¶·¸¹»¼½¾×ß§¡¢£¤¥¦ÆÇËÖ")
_VNI_PAIR = re.compile(r"[aeouyAEOUYôöÔÖ][ùøûõïÙØÛÕÏ]|[aeoAEO][äåëÄÅË]|(?<![^\W\d_])[ñÑ]")
_VIETNAMESE = re.compile("[\u1ea0-\u1ef9\u0128\u0129\u0168\u0169]")  # not in cp1258
_WORD = re.compile(r"[^\W\d_]+")


def _byte_view(text: str, marks: bool = True) -> str:
    """Each character as the Latin-1 character of the byte it was decoded from (combining
    tone marks too, unless `marks` is False: genuine Windows-1258 text is full of them)."""
    out = []
    for ch in text:
        if ord(ch) > 0xFF and (marks or not unicodedata.combining(ch)):
            try:
                b = ch.encode("cp1258")
            except UnicodeEncodeError:
                b = b""
            if len(b) == 1:
                ch = chr(b[0])
        out.append(ch)
    return "".join(out)


def detect(text: str) -> str:
    """'tcvn3', 'vni' or '' (Unicode or plain ASCII) for a text."""
    letters = sum(1 for c in text if c.isalpha())
    if letters < 20:
        return ""
    unicode_marks = len(_VIETNAMESE.findall(text))
    view = _byte_view(text, marks=False)
    tcvn = sum(1 for c in view if c in _TCVN3_MARKS)
    vni = len(_VNI_PAIR.findall(view))
    floor = max(5, letters // 50)  # OCR noise in the bundled plans stays under 0.4 %
    best, score, other = ("tcvn3", tcvn, vni) if tcvn >= vni else ("vni", vni, tcvn)
    if score < floor or score < 3 * other or unicode_marks * 4 > score:
        return ""
    return best


def _caps(word: str) -> int:
    """2: typed in capitals; 1: one capital ASCII letter (X·); 0: otherwise."""
    ascii_letters = [c for c in word if c.isascii()]
    if not ascii_letters or not all(c.isupper() for c in ascii_letters):
        return 0
    return 2 if len(ascii_letters) >= 2 else int(len(word) > 1)


def _gap(text: str, a: re.Match[str], b: re.Match[str]) -> bool:
    return text[a.end():b.start()] in (" ", "\t")


def _upper_words(text: str) -> str:
    """Words typed in capitals with a capital font keep their capitals after conversion:
    "HßA B×NH" is "HÒA BÌNH"; "X·" is "XÃ" beside other capitals, "Xã" in a sentence."""
    words = list(_WORD.finditer(text))
    caps = [_caps(m.group(0)) for m in words]
    out, last = [], 0
    for i, m in enumerate(words):
        near = (i > 0 and caps[i - 1] == 2 and _gap(text, words[i - 1], m)) or (
            i + 1 < len(caps) and caps[i + 1] == 2 and _gap(text, m, words[i + 1]))
        up = caps[i] == 2 or (caps[i] == 1 and near)
        out += [text[last:m.start()], m.group(0).upper() if up else m.group(0)]
        last = m.end()
    out.append(text[last:])
    return "".join(out)


def convert(text: str, kind: str) -> str:
    """Text known to be in `kind` ('tcvn3' or 'vni') as Unicode NFC; '' leaves it alone."""
    if kind == "tcvn3":
        converted = "".join(TCVN3.get(c, c) for c in _byte_view(text))
        return unicodedata.normalize("NFC", _upper_words(converted))
    if kind == "vni":
        converted = _VNI_RE.sub(lambda m: VNI[m.group(0)], _byte_view(text))
        return unicodedata.normalize("NFC", converted)
    return text


def to_unicode(text: str) -> str:
    """TCVN3 or VNI text as Unicode NFC; any other text unchanged."""
    return convert(text, detect(text))


def convert_blocks(blocks: list[Block]) -> list[Block]:
    """Blocks of one document (DOCX, PDF) in a legacy font: detected on the whole text,
    converted per line and cell (a single cell is too short to tell)."""
    kind = detect("\n".join(b.text for b in blocks))
    if not kind:
        return blocks
    return [b.model_copy(update={
        "text": convert(b.text, kind),
        "cells": [convert(c, kind) for c in b.cells] if b.cells is not None else None,
    }) for b in blocks]
