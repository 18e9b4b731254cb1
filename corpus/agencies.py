"""Canonical agencies: proper Vietnamese names and the spellings that occur.

Patterns match the search form (folded, OCR-repaired), so "Phong Vin hoa - X4 hoi",
"PhongVanhoa", "Phòng VHXH" and "phong van hoa" in a question all map to
"Phòng Văn hóa - Xã hội". OCR leaves letters wrong inside a name ("Uy ban Mit tran Té
quéc", "Trung tdm Phuc vu", "Cong an phudong"), so the words that carry a name are matched
with one or two letters of slack, and the parts it glues or splits ("PhongKinhte",
"Van phong HDND &" / "UBND") with optional separators. Order matters: longer, more
specific names first. `{kind}` in a name is "xã" or "phường": the one the text names, else
the plan's own locality kind, else "xã".
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from corpus.normalize import fold, search_form

_S = r"[\s,\-–&|]*"  # separators OCR leaves between (or instead of) the words of a name
_SP = r"\s?"  # words OCR glued together ("PhongVanhoa") or split
_XA = r"(?:xa|phuong|ph\w{1,3}ng)"  # "xã" / "phường" ("phusng", "phudong")
_KIND = rf"(?:\s(?P<kind>{_XA}))"

# Fuzzy words: OCR garbles one or two letters of a syllable.
_VAN = r"v\w{0,2}n"  # văn: van, vin, ven, vian
_HOA = r"h(?:oa|o|od|oea|ea|e a|da|éa)"  # hóa: hoa, ho, hod, hea
_XAHOI = r"x\w{0,2}" + _S + r"h\w{0,2}i"  # xã hội: xa hoi, x hoi, xa hdi
_DANGUY = r"(?:dang|bang|pang) (?:uy|iy|ay|ty)"
_THUONG = r"th\w{0,2}ong"
_NHANDAN = r"nh\w{1,2}n d\w{1,2}n"
_TAM = r"t\w{1,2}m"  # tâm: tam, tdm, tAm
_PHONG = r"(?:phong|p\w{1,3}ng)"  # phòng: "Prlong", "Pho~ng"

_AGENCIES: list[tuple[str, str]] = [
    # --- Party bodies --------------------------------------------------------------------
    (rf"ban {_THUONG} vu{_S}(?:{_DANGUY}|dang bo)(?: xa| phuong)?|ban {_THUONG} vu\b(?! (?:tinh|thanh))"
     r"|btv dang uy", "Ban Thường vụ Đảng ủy"),
    (rf"{_THUONG} tr\w{{0,2}}c {_DANGUY}|tt\.? dang uy|ttdu", "Thường trực Đảng ủy"),
    (rf"uy ban ki\w{{1,2}}m tra {_DANGUY}|ubkt dang uy", "Ủy ban Kiểm tra Đảng ủy"),
    (rf"v\w{{0,2}}n phong {_DANGUY}|vp dang uy", "Văn phòng Đảng ủy"),
    (r"ban x\w{1,2}y d\w{1,2}ng (?:dang|bang|pang)", "Ban Xây dựng Đảng"),
    (r"cac ban (?:dang|bang|pang)\b", "Các ban Đảng"),
    (r"(?:cac )?chi b\w{0,2} tr\w{1,2}c thu\w{1,2}c", "Các chi bộ trực thuộc"),
    (r"to giup viec|to gitp viec", "Tổ Giúp việc Ban Chỉ đạo"),
    (r"ban chi dao(?! trung (?:uong|wong))", "Ban Chỉ đạo"),
    # --- People's Committee and its offices -------------------------------------------
    (rf"ch\w{{1,2}} tich (?:ubnd|uy ban {_NHANDAN}){_KIND}?", "Chủ tịch UBND {kind}"),
    (rf"(?:v\w{{0,2}}n phong|vp){_S}hd\w?nd{_S}(?:va{_S})?(?:ubnd)?|van phong hdnd",
     "Văn phòng HĐND và UBND"),
    (rf"(?:v\w{{0,2}}n phong|vp){_S}(?:ubnd|uy ban {_NHANDAN}){_KIND}?", "Văn phòng UBND {kind}"),
    # Phòng Kinh tế, Hạ tầng và Đô thị (phường) before Phòng Kinh tế (xã)
    (rf"{_PHONG}{_SP}kinh{_SP}te?{_S}ha{_SP}tang{_S}(?:va{_S})?(?:do|pg|bo|d0|d06)?{_SP}thi"
     rf"|{_PHONG}{_SP}kinh{_SP}te?{_S}ha{_SP}tang|phong kt{_S}ht{_S}(?:va{_S})?dt",
     "Phòng Kinh tế, Hạ tầng và Đô thị"),
    (rf"phong{_SP}kinh{_SP}t\w{{0,2}}\b|phong kt\b", "Phòng Kinh tế"),
    (rf"{_PHONG}{_SP}{_VAN}{_SP}{_HOA}{_S}(?:va{_S})?{_XAHOI}|phong{_SP}vh{_S}xh|phong vhxh"
     rf"|{_PHONG}{_SP}{_VAN}{_SP}{_HOA}\b|vhxh\b", "Phòng Văn hóa - Xã hội"),
    (r"phong noi vu", "Phòng Nội vụ"),
    (r"phong tu phap", "Phòng Tư pháp"),
    (rf"cong{_SP}an thanh pho", "Công an thành phố"),
    (rf"c\w{{1,2}}ng{_SP}an{_SP}(?P<kind>{_XA})\b", "Công an {kind}"),
    (rf"trung {_TAM} (?:phuc|dich) v\w (?:hanh chinh cong|hanh chinh|hcc)(?: {_XA})?"
     rf"|trung {_TAM} (?:phuc vu|phuc|dich vu)\b|trung {_TAM} hanh chinh c\w{{2}}g(?: {_XA})?"
     rf"|trung {_TAM} hcc|{_TAM} (?:phuc|dich) v\w (?:hanh chinh cong|hanh chinh)",
     "Trung tâm Phục vụ hành chính công"),
    (rf"trung {_TAM} {_VAN} {_HOA}{_S}(?:the thao|the)(?:{_S}va{_S}tru\w{{1,2}}n th\w{{1,3}})?",
     "Trung tâm Văn hóa, Thể thao và Truyền thông"),
    (r"trung tam cong nghe thong tin va truyen thong(?: tinh(?: [a-z]+ [a-z]+)?)?",
     "Trung tâm Công nghệ thông tin và Truyền thông tỉnh"),
    # --- Provincial and national bodies ------------------------------------------------
    (rf"s\S{{0,2}}{_SP}khoa{_SP}hoc{_S}(?:va|&){_SP}cong{_SP}nghe|so kh\s?&\s?cn|so khcn",
     "Sở Khoa học và Công nghệ"),
    (r"s\S? y te\b", "Sở Y tế"),
    (rf"s\S? gi\w{{1,2}}o d\w{{1,2}}c{_S}(?:va|&){_S}(?:dao|pio|pao|dio) tao|so gd\s?&\s?dt",
     "Sở Giáo dục và Đào tạo"),
    (r"so noi vu", "Sở Nội vụ"),
    (r"so thong tin va truyen thong", "Sở Thông tin và Truyền thông"),
    (r"so nong nghiep va moi truong", "Sở Nông nghiệp và Môi trường"),
    (r"cuc chung thuc so va bao mat thong tin", "Cục Chứng thực số và Bảo mật thông tin"),
    (r"ban co yeu chinh phu", "Ban Cơ yếu Chính phủ"),
    # --- Health, front, unions -------------------------------------------------------------
    (r"co quan y te|nganh y te", "Cơ quan y tế"),
    (r"tram y te", "Trạm y tế"),
    (rf"(?:uy ban )?m\w{{1,2}}t tran t\w{{0,2}} qu\w{{1,2}}c(?: viet nam)?(?: {_XA})?"
     rf"|uy ban mttq(?: viet nam| vn)?(?: {_XA})?|ubmttq\w*(?: {_XA})?|mttq\b|mat tran\b",
     "Ủy ban MTTQ Việt Nam"),
    (rf"(?:cac )?to ch\w{{1,3}} chinh tri{_S}x\w{{0,2}} hoi", "Các tổ chức chính trị - xã hội"),
    (rf"(?:cac )?to{_SP}cong{_SP}nghe{_SP}so\w?{_SP}cong{_SP}d\w{{1,3}}g", "Tổ công nghệ số cộng đồng"),
    (r"(?:doan|poan) thanh nien", "Đoàn Thanh niên"),
    # --- Collective names (often the coordinating column) --------------------------------
    (r"cac phong chuyen mon", "Các phòng chuyên môn"),
    (rf"cac phong{_S}co quan chuyen{_S}m\w{{1,2}}n(?:{_S}thu\w{{1,2}}c)?(?:{_S}ubnd)?(?: {_XA})?",
     "Các phòng, cơ quan chuyên môn thuộc UBND {kind}"),
    # the tail of that name, wrapped onto the next line of a table cell
    (rf"m\w{{1,2}}n thu\w{{1,2}}c\W?\s?ubnd(?: {_XA})?", "Các phòng, cơ quan chuyên môn thuộc UBND {kind}"),
    (rf"cac [ce]\w? quan chu\w{{2,3}}n m\w{{1,2}}n{_S}(?:don vi)?(?:{_S}thu\w{{1,2}}c)?(?:{_S}ubnd)?"
     rf"(?: {_XA})?"
     rf"|cac (?:co quan|phong){_S}(?:co quan )?chuyen mon{_S}(?:don vi )?(?:thuoc|cua)?"
     rf"(?: ubnd)?(?: {_XA})?",
     "Các cơ quan chuyên môn, đơn vị thuộc {kind}"),
    (rf"cac phong{_S}ban{_S}nganh{_S}(?:don{_S}vi)?(?:{_S}thu\w{{1,2}}c)?(?: {_XA})?",
     "Các phòng, ban, ngành, đơn vị thuộc {kind}"),
    (rf"cac co quan{_S}don vi{_S}(?:phong{_S}ban{_S})?(?:lien quan)?", "Các cơ quan, đơn vị"),
    (r"(?:cac )?(?:don vi )?don vi lien quan|cac don vi co lien quan", "Các đơn vị liên quan"),
    (r"cac tr\w{1,3}ng hoc(?: tren dia ban)?", "Các trường học trên địa bàn"),
    # People's Committee last: inside the names above it is part of another name
    (rf"(?:uy ban {_NHANDAN}|ubnd){_KIND}", "UBND {kind}"),
]

_COMPILED = [(re.compile(r"(?<![\w])(?:" + p + r")(?![\w])"), name) for p, name in _AGENCIES]

# Names that usually stand for "everyone else": in a table they sit in the coordinating
# column, and a row whose only agency is one of them has no identifiable lead.
COLLECTIVE = frozenset({
    "Các phòng, cơ quan chuyên môn thuộc UBND", "Các phòng, ban, ngành, đơn vị",
    "Các phòng, cơ quan chuyên môn thuộc UBND xã", "Các phòng, cơ quan chuyên môn thuộc UBND phường",
    "Các phòng, ban, ngành, đơn vị thuộc xã", "Các phòng, ban, ngành, đơn vị thuộc phường",
    "Các đơn vị liên quan", "Các trường học trên địa bàn", "Các cơ quan, đơn vị",
})


@dataclass(frozen=True)
class AgencyMatch:
    name: str  # canonical display name
    start: int  # character offsets in the search form
    end: int


def _kind_of(m: re.Match, default: str | None) -> str:
    """"xã"/"phường" as the text says, else the plan's kind, else "" (not guessed)."""
    kind = m.groupdict().get("kind") or ""
    if not kind:
        tail = m.group(0).split()[-1] if m.group(0).split() else ""
        kind = tail if re.fullmatch(_XA, tail) else ""
    if kind:
        return "xã" if kind == "xa" else "phường"
    return {"xa": "xã", "phuong": "phường"}.get(fold(default or ""), "")


def _with_kind(name: str, kind: str) -> str:
    if kind:
        return name.replace("{kind}", kind)
    # kind unknown: "Văn phòng UBND", "Các cơ quan chuyên môn, đơn vị" rather than a guess
    return re.sub(r"(?: thuộc)? \{kind\}", "", name)


def find_agencies(search_text: str, locality_kind: str | None = None) -> list[AgencyMatch]:
    """Agencies named in a search-form text, left to right, without overlaps.

    `locality_kind` ("xã"/"phường") fills names such as "Công an {kind}" when the text
    itself does not say which.
    """
    taken: list[tuple[int, int]] = []
    out: list[AgencyMatch] = []
    for rx, name in _COMPILED:
        for m in rx.finditer(search_text):
            s, e = m.span()
            while e > s and search_text[e - 1] in " ,-–&|":
                e -= 1
            if e <= s or any(s < te and ts < e for ts, te in taken):
                continue
            taken.append((s, e))
            display = _with_kind(name, _kind_of(m, locality_kind)) if "{kind}" in name \
                else name
            out.append(AgencyMatch(display, s, e))
    return sorted(out, key=lambda a: a.start)


@functools.lru_cache(maxsize=4096)
def canonical_agency(text: str, locality_kind: str | None = None) -> str | None:
    """The canonical name of an agency written any way ("phong vhxh" -> Phòng Văn hóa - Xã hội)."""
    found = find_agencies(search_form(text), locality_kind)
    return found[0].name if found else None


def agency_names() -> list[str]:
    """Every canonical name (names that depend on the locality kind in both forms)."""
    out: set[str] = set()
    for _, name in _AGENCIES:
        if "{kind}" in name:
            out.update(name.replace("{kind}", k) for k in ("xã", "phường"))
        else:
            out.add(name)
    return sorted(out)


def same_agency(query: str, name: str) -> bool:
    """Whether an agency as a user writes it ("vhxh", "Công an", "van phong dang uy")
    is the canonical `name`: through the canonical list first, else by folded words."""
    canon = canonical_agency(query)
    if canon is not None:
        if canon == name:
            return True
        # "Công an" in a question has no kind: "Công an xã" matches "Công an phường" too
        return _kindless(canon) == _kindless(name) and not re.search(r"\b(xa|phuong)\b",
                                                                      fold(query))
    key = fold(query)
    return bool(key) and key in fold(name)


def _kindless(name: str) -> str:
    return re.sub(r"\b(xã|phường)\b", "", name).strip()
