"""Canonical agencies: proper Vietnamese names and the spellings that occur.

Patterns match the search form (folded, OCR-repaired), so "Phong Vin hoa - X4 hoi",
"Phòng VHXH" and "phong van hoa" in a question all map to "Phòng Văn hóa - Xã hội".
Order matters: longer, more specific names first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from corpus.normalize import search_form

_S = r"[\s,\-–&]*"  # separators OCR leaves between words of a name

_AGENCIES: list[tuple[str, str]] = [
    (r"phong kinh te" + _S + r"ha tang" + _S + r"(va)?" + _S + r"do+ thi", "Phòng Kinh tế, Hạ tầng và Đô thị"),
    (r"phong van hoa" + _S + r"(va)?" + _S + r"xa hoi|phong vh" + _S + r"xh|phong vhxh|phong van hoa",
     "Phòng Văn hóa - Xã hội"),
    (r"phong kinh te", "Phòng Kinh tế"),
    (r"phong noi vu", "Phòng Nội vụ"),
    (r"van phong hdnd" + _S + r"(va)?" + _S + r"ubnd|van phong hdnd|vp hdnd" + _S + "ubnd",
     "Văn phòng HĐND và UBND"),
    (r"van phong (ubnd|uy ban nhan dan)", "Văn phòng UBND"),
    (r"van phong dang uy|vp dang uy", "Văn phòng Đảng ủy"),
    (r"ban xay dung dang", "Ban Xây dựng Đảng"),
    (r"uy ban kiem tra dang uy|ubkt dang uy", "Ủy ban Kiểm tra Đảng ủy"),
    (r"ban thuong vu dang (uy|bo)( xa| phuong)?|ban thuong vu", "Ban Thường vụ Đảng ủy"),
    (r"thuong truc dang uy", "Thường trực Đảng ủy"),
    (r"ban chi dao", "Ban Chỉ đạo"),
    (r"to giup viec", "Tổ Giúp việc Ban Chỉ đạo"),
    (r"cong an (xa|phuong)", "Công an {0}"),
    (r"trung tam (phuc vu|dich vu) (hanh chinh cong|hcc)|trung tam hanh chinh cong",
     "Trung tâm Phục vụ hành chính công"),
    (r"trung tam van hoa" + _S + r"the thao va truyen thong", "Trung tâm Văn hóa, Thể thao và Truyền thông"),
    (r"trung tam cong nghe thong tin va truyen thong( tinh [a-z]+ [a-z]+)?",
     "Trung tâm Công nghệ thông tin và Truyền thông tỉnh"),
    (r"so khoa hoc (va|&) cong nghe|so khcn|so kh&cn", "Sở Khoa học và Công nghệ"),
    (r"so y te", "Sở Y tế"),
    (r"so giao duc (va|&) dao tao|so gd&dt", "Sở Giáo dục và Đào tạo"),
    (r"so noi vu", "Sở Nội vụ"),
    (r"so thong tin va truyen thong", "Sở Thông tin và Truyền thông"),
    (r"so nong nghiep va moi truong", "Sở Nông nghiệp và Môi trường"),
    (r"cuc chung thuc so va bao mat thong tin", "Cục Chứng thực số và Bảo mật thông tin"),
    (r"ban co yeu chinh phu", "Ban Cơ yếu Chính phủ"),
    (r"co quan y te|nganh y te", "Cơ quan y tế"),
    (r"tram y te", "Trạm y tế"),
    (r"chu tich (ubnd|uy ban nhan dan) (xa|phuong)", "Chủ tịch UBND {1}"),
    (r"(uy ban nhan dan|ubnd) (xa|phuong)", "UBND {1}"),
    (r"(uy ban )?mat tran to quoc( viet nam)?( xa| phuong)?|ubmttq", "Ủy ban MTTQ Việt Nam"),
    (r"to cong nghe so cong dong", "Tổ công nghệ số cộng đồng"),
    (r"doan thanh nien", "Đoàn Thanh niên"),
    (r"cac chi bo truc thuoc|chi bo truc thuoc", "Các chi bộ trực thuộc"),
    (r"cac (co quan|phong)" + _S + r"(co quan )?chuyen mon" + _S + r"(don vi )?(thuoc|cua)? ?(ubnd )?(phuong|xa)?",
     "Các cơ quan chuyên môn, đơn vị thuộc {xa}"),
    (r"cac phong" + _S + r"ban" + _S + r"nganh" + _S + r"don vi( thuoc)?( phuong| xa)?",
     "Các phòng, ban, ngành, đơn vị"),
    (r"cac don vi lien quan", "Các đơn vị liên quan"),
    (r"cac truong hoc", "Các trường học trên địa bàn"),
]

_COMPILED = [(re.compile(r"\b(?:" + p + r")\b"), name) for p, name in _AGENCIES]


@dataclass(frozen=True)
class AgencyMatch:
    name: str  # canonical display name
    start: int  # character offsets in the search form
    end: int


def _display(name: str, m: re.Match) -> str:
    groups = [g for g in m.groups()]
    if "{0}" in name or "{1}" in name:
        kinds = [g for g in groups if g in ("xa", "phuong")]
        kind = {"xa": "xã", "phuong": "phường"}.get(kinds[0] if kinds else "", "xã")
        return name.replace("{0}", kind).replace("{1}", kind)
    if "{xa}" in name:
        kind = "phường" if "phuong" in m.group(0) else "xã"
        return name.replace("{xa}", kind)
    return name


def find_agencies(search_text: str) -> list[AgencyMatch]:
    """Agencies named in a search-form text, left to right, without overlaps."""
    taken: list[tuple[int, int]] = []
    out: list[AgencyMatch] = []
    for rx, name in _COMPILED:
        for m in rx.finditer(search_text):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            taken.append((s, e))
            out.append(AgencyMatch(_display(name, m), s, e))
    return sorted(out, key=lambda a: a.start)


def canonical_agency(text: str) -> str | None:
    """The canonical name of an agency written any way ("phong vhxh" -> Phòng Văn hóa - Xã hội)."""
    found = find_agencies(search_form(text))
    return found[0].name if found else None


def agency_names() -> list[str]:
    return sorted({name for _, name in _AGENCIES if "{" not in name})
