"""Plan metadata from the header: kind, number, issuer, locality with province, date,
title, signer.

An administrative document opens with two columns: on the left the issuer (its parent body
above it: "ĐẢNG BỘ TỈNH GIA LAI" / "ĐẢNG ỦY XÃ ÂN HẢO", "ỦY BAN NHÂN DÂN" / "TỈNH BẮC NINH")
and the number; on the right the national motto (or "ĐẢNG CỘNG SẢN VIỆT NAM") and
"<place>, ngày … tháng … năm …". Then the kind ("KẾ HOẠCH", "QUYẾT ĐỊNH" …) and the title.
OCR merges both columns into one line, so each header line is cut where the right column
begins. The locality is read from the issuer (never from a sentence of the body), checked
against the official gazetteer (corpus.places), which gives its official spelling and its
province; the place before the date is a second witness when OCR garbled the issuer.

Rules match the search form and tolerate OCR letter swaps. A `<file>.meta.json` beside a
plan may override what is read (optional).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from corpus import places
from corpus.models import LoadedDocument, PlanMeta
from corpus.normalize import fold, nfc, search_form

# document kinds: folded title word -> display, and their codes in a number
_KINDS = {"ke hoach": "Kế hoạch", "quyet dinh": "Quyết định", "nghi quyet": "Nghị quyết",
          "chuong trinh": "Chương trình", "de an": "Đề án", "chi thi": "Chỉ thị",
          "ket luan": "Kết luận"}
_KIND_CODES = {"KH": "Kế hoạch", "QD": "Quyết định", "NQ": "Nghị quyết", "CTR": "Chương trình",
               "DA": "Đề án", "CT": "Chỉ thị", "KL": "Kết luận", "KHHD": "Kế hoạch"}
_PLAN_KINDS = {"Kế hoạch", "Chương trình", "Đề án", "Quyết định", "Nghị quyết"}
# "Số: 144/KH-UBND", "Số 27-KH/ĐU", "S627 -KH/PU", "Sb: 79 /IKH-UBND", "01/2025/QĐ-UBND"
_NUMBER = re.compile(
    r"(?:^|\s)(?:[s$]\S{0,2}\s*[:.]?\s*)?(\d{1,5})(?:\s*/\s*(?:19|20)\d\d)?\s*([-/])\s*[i1l]?"
    r"(kh|qd|nq|ctr|da|kl|khhd)\s*([-/])\s*([a-z0-9]{1,10}(?:-[a-z0-9]{1,8})?)\b")
_DATE = re.compile(
    r"ngay\s*([0-9a-z]{1,2})\s*th\w{0,3}ng\s*([0-9]{1,2})\s*n\w{0,3}m\s*((?:19|20)\d\d)")
_DATE_NUM = re.compile(r"ngay\s*(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*((?:19|20)\d\d)")
# where the right column begins on a merged header line (search form)
_RIGHT = re.compile(r"\b(?:cong hoa|c\w{1,2}ng h\w{1,2}a x|\w{0,2}ang cong san|d\w{1,2}c [l1]\w{1,2}p|"
                    r"so\s*:|so \d|s\S{0,2}\s*:)")
_KIND_LINE = re.compile(r"^\W*(k\S{0,2}\s*ho\S{0,2}ch|quyet dinh|nghi quyet|chuong trinh"
                        r"(?: hanh dong)?|de an)\W*$")
_SIGN_ROLE = re.compile(r"\b(?:tm|t/m|kt|tl|q)\s*\.?\s*(?:uy ban|ban|dang uy|chu tich|bi thu|"
                        r"thu tuong|bo truong|giam doc|chinh phu|tinh uy|thanh uy)")
_ROLES = re.compile(r"^(?:pho )?(?:chu tich|bi thu|thu tuong|bo truong|giam doc|truong ban|"
                    r"thu truong|chanh van phong)\b")
_PARTY_CODES = {"du", "pu", "bu", "tu", "tw"}


def extract_metadata(doc: LoadedDocument) -> PlanMeta:
    lines = [b.text for b in doc.blocks]
    head = lines[:40]
    kind_at, kind = _kind_line(head)
    header = head[:kind_at] if kind_at is not None else head[:6]
    left, date_place = _columns(header)
    number, code_kind = _number(header, head)
    kind = kind or code_kind
    meta = PlanMeta(number=number, date=_date(header) or _date(head), kind=kind or "",
                    title=_title(lines, kind_at) if kind_at is not None else "",
                    signer=_signer(lines))
    meta.issuer, unit = _issuer(left, date_place, lines[:80])
    if unit is not None:
        meta.locality, meta.locality_kind, meta.province = unit.name, unit.kind, unit.province
    if kind == "Quyết định" and _issues_plan(lines, kind_at):
        meta.issues = "Kế hoạch"
    if kind not in _PLAN_KINDS and not (number and code_kind in _PLAN_KINDS):
        # neither a plan's title nor its number: a meeting note, a letter … (ingested only
        # when asked); a plan with its number illegible is still a plan
        meta.warning = _not_plan_warning(kind, number)
    return _apply_sidecar(Path(doc.path), meta)


def _not_plan_warning(kind: str | None, number: str) -> str:
    what = f"văn bản loại «{kind}»" if kind else \
        "không thấy tên loại văn bản (Kế hoạch, Quyết định…) ở đầu tệp"
    return f"Tệp này có vẻ không phải một kế hoạch ({what}{'' if number else ', không có số hiệu'})."


# ---- header columns ---------------------------------------------------------------------


def _kind_line(head: list[str]) -> tuple[int | None, str]:
    for i, raw in enumerate(head):
        m = _KIND_LINE.match(search_form(raw))
        if m:
            word = m.group(1)
            word = "ke hoach" if word.startswith("k") else word
            return i, _KINDS.get(word.replace(" hanh dong", ""), "")
    return None, ""


def _columns(header: list[str]) -> tuple[list[str], str]:
    """The left column's lines (issuer, its parent) and the place written before the date."""
    left: list[str] = []
    place = ""
    for raw in header:
        tokens = raw.split()
        forms = [search_form(t) for t in tokens]
        joined, starts = "", []
        for f in forms:
            starts.append(len(joined))
            joined += f + " "
        cut = len(tokens)
        m = _RIGHT.search(joined)
        if m:
            cut = min(cut, _token_at(starts, m.start()))
        d = re.search(r"\bngay\b", joined)
        if d:
            # "<place>, ngày …": the place is the run before the comma, up to four words
            at = _token_at(starts, d.start())
            before = [t for t in tokens[max(0, at - 4):at]]
            place = place or _date_place(before, raw)
            cut = min(cut, at - len(before)) if at else 0
        part = " ".join(tokens[:cut]).strip(" ,;:|")
        if re.search(r"[A-Za-zÀ-ỹĐđ]{2}", part):
            left.append(part)
    return left, place


def _token_at(starts: list[int], pos: int) -> int:
    return max(0, sum(1 for s in starts if s <= pos) - 1)


def _date_place(before: list[str], raw: str) -> str:
    text = " ".join(before)
    if "," in text:
        text = text.rsplit(",", 1)[0]
    return text.strip(" ,")


# OCR glues "Số" to the number and reads its "ố" as 6 or o: "S627" is "Số 27"
_GLUED_SO = re.compile(r"(?<![\w$])[S$][6obé0](?=\d)")


def _number(header: list[str], head: list[str]) -> tuple[str, str]:
    """The number on the header's "Số:" line; failing that, a number that opens a line of
    the first page (never one cited in a sentence: "Nghị quyết số 57-NQ/TW")."""
    for line in header:
        m = _NUMBER.search(search_form(_GLUED_SO.sub("Số ", line)))
        if m:
            return _format_number(line, *m.groups())
    for line in head:
        m = _NUMBER.match(search_form(_GLUED_SO.sub("Số ", line)))
        if m:
            return _format_number(line, *m.groups())
    return "", ""


def _format_number(raw: str, num: str, sep1: str, code: str, sep2: str, body: str) -> tuple[str, str]:
    kind = _KIND_CODES.get(code.upper(), "")
    written = _as_written(raw, code)
    body_w = _as_written(raw, body)
    if sep1 == "-" or body in _PARTY_CODES:  # Party style: "27-KH/ĐU"
        if body in {"du", "pu", "bu"}:
            body_w = "ĐU"
        return f"{num}-{written}/{body_w}", kind
    return f"{num}/{written}-{body_w}", kind


def _as_written(raw: str, folded: str) -> str:
    """A code as the text writes it ("QĐ", "CTr", "ĐĐQH15"), else upper-cased with its Đ
    restored where the kind code has one."""
    for tok in re.findall(r"[^\W_]+", nfc(raw)):
        if fold(tok) == folded and not tok.islower():
            return tok
    return {"qd": "QĐ", "da": "ĐA", "ctr": "CTr"}.get(folded, folded.upper())


def _date(head: list[str]) -> str:
    for line in head:
        f = fold(line)
        m = _DATE.search(f) or _DATE_NUM.search(f)
        if not m:
            continue
        day, month, year = m.groups()
        if day.isdigit() and 1 <= int(day) <= 31 and 1 <= int(month) <= 12:
            return f"{int(day):02d}/{int(month):02d}/{year}"
        if 1 <= int(month) <= 12:
            return f"{int(month):02d}/{year}"
        return year
    for line in head:
        m = re.search(r"ngay.*?((?:19|20)\d\d)\b", fold(line))
        if m:
            return m.group(1)
    return ""


# ---- issuer and locality -----------------------------------------------------------------

# the body, folded, and how it is written before the unit's name
_BODIES = [
    (r"(?:uy ban nhan dan|ubnd|uy ban nh\w{1,2}n d\w{1,2}n)", "UBND"),
    (r"(?:hoi dong nhan dan|hdnd)", "HĐND"),
    (r"\w{0,2}ang uy", "Đảng ủy"),
    (r"ban thuong vu \w{0,2}ang uy", "Ban Thường vụ Đảng ủy"),
    (r"tinh uy", "Tỉnh ủy"),
    (r"thanh uy", "Thành ủy"),
    (r"doan (?:dai bieu quoc hoi|dbqh)", "Đoàn đại biểu Quốc hội"),
]
_CENTRAL = [
    (r"^thu tuong chinh phu$", "Thủ tướng Chính phủ"),
    (r"^chinh phu$", "Chính phủ"),
    (r"^quoc hoi$", "Quốc hội"),
    (r"^bo chinh tri$", "Bộ Chính trị"),
    (r"^ban chap hanh trung uong$", "Ban Chấp hành Trung ương"),
]


def _issuer(left: list[str], date_place: str,
            first_page: list[str]) -> tuple[str, places.Unit | None]:
    """The issuing body and the unit it governs (None for a national body)."""
    forms = [search_form(x) for x in left]
    province = _province_hint(forms)
    for f in forms:
        for rx, name in _CENTRAL:
            if re.search(rx, f):
                return name, None
    joined = " ".join(forms)
    body, body_at = "", 0
    # the lowest body named: "ĐẢNG BỘ TỈNH X / ĐẢNG ỦY XÃ Y" is Y's Đảng ủy, not X's
    for rx, name in _BODIES:
        for i, f in enumerate(forms):
            if re.match(rx + r"\b", f) and (not body or i >= body_at):
                body, body_at = name, i
    unit = _unit_of(forms[body_at:], province, first_page)
    if unit is None and body:  # a body's place is where it dates the document
        unit = _place_unit(date_place, province)
    unit = unit or _unit_of(forms[:body_at], province, first_page)
    if not body and unit is None:
        return _agency_issuer(left), None
    if not body:
        body = "UBND" if re.search(r"uy ban|ubnd", joined) else ""
    if body in ("Tỉnh ủy", "Thành ủy") and unit is not None:
        return f"{body} {unit.name}", unit
    if unit is None:
        return _agency_issuer(left) or body, None
    agency = _agency_issuer([x for x, f in zip(left, forms, strict=True)
                             if re.match(r"(so|bo|ban|van phong)\b", f)])
    if agency:  # "UBND TỈNH X / SỞ Y TẾ": the department is the issuer
        return f"{agency} {unit.full}", unit
    return f"{body} {unit.full}".strip(), unit


def _agency_issuer(left: list[str]) -> str:
    from corpus.agencies import canonical_agency

    for x in reversed(left):
        name = canonical_agency(x)
        if name:
            return name
    return ""


def _province_hint(forms: list[str]) -> str:
    for f in forms:
        m = re.search(r"\b(?:tinh|thanh pho)\s+(.+)$", f)
        if m:
            words = m.group(1).split()
            for n in range(min(4, len(words)), 0, -1):
                unit = places.official(" ".join(words[:n]), "tỉnh", max_edits=1)
                if unit is not None:
                    return unit.province
    return ""


def _unit_of(forms: list[str], province: str, first_page: list[str]) -> places.Unit | None:
    """The unit named on the lowest issuer line: "xa phong tho", "tinh bac ninh",
    "tinh uy nghe an"."""
    for f in reversed(forms):
        for m in re.finditer(r"\b(xa|phuong|dac khu|tinh|thanh pho|thanh uy|tinh uy)\s+([a-z ]+)",
                             f):
            kind, words = m.group(1), m.group(2).split()
            kind = "tinh" if kind.endswith("uy") else kind
            for n in range(min(5, len(words)), 0, -1):
                unit = places.official(" ".join(words[:n]), kind, province) or \
                    _one_name(" ".join(words[:n]), kind, first_page)
                if unit is not None:
                    return unit
    return None


def _one_name(name: str, kind: str, first_page: list[str]) -> places.Unit | None:
    """A name several provinces have ("xã Tân Phú"): the province the first page names
    decides; else the unit without its province (the name is still official)."""
    found = places.lookup(name, kind)
    if not found or len({u.name for u in found}) != 1:
        return None
    named = {p.province for line in first_page for p in places.find_places(line)
             if p.units and all(u.is_province for u in p.units)}
    inside = [u for u in found if u.province in named]
    if len(inside) == 1:
        return inside[0]
    return found[0].model_copy(update={"province": "", "code": ""})


def _place_unit(place: str, province: str) -> places.Unit | None:
    """The unit of the place written before the date ("P. Trần Liễu", "An Hdo"). On a
    merged OCR line the left column's last words precede it, so the longest run of final
    words that names a unit wins."""
    words = re.findall(r"[a-z]+", search_form(place))
    for n in range(min(4, len(words)), 1, -1):
        tail = words[-n:]
        if tail[0] in ("p", "x", "tp", "xa", "phuong", "tinh") and n > 2:
            tail = tail[1:]
        unit = places.official(" ".join(tail), "", province)
        if unit is not None:
            return unit
    return None


# ---- title, signer, what it issues --------------------------------------------------------


def _title(lines: list[str], kind_at: int) -> str:
    out: list[str] = []
    for raw in lines[kind_at + 1:kind_at + 15]:
        f = fold(raw)
        if not f:
            if out:
                break
            continue
        if re.match(r"(can|cin|cian|thuc hien|trien khai|chu tich|uy ban nhan dan|ubnd)\b", f) \
                and out:
            break
        out.append(nfc(raw.strip()))
    title = " ".join(out)[:300]
    return _sentence_case(title) if title.isupper() else title


def _sentence_case(text: str) -> str:
    """'PHÁT TRIỂN KINH TẾ SỐ TỈNH BẮC NINH' -> 'Phát triển kinh tế số tỉnh Bắc Ninh':
    codes stay as written, place names get their capitals back from the gazetteer."""
    words = text.split()
    out = [w if re.search(r"\d|/", w) else w.lower() for w in words]
    low = " ".join(out)
    for p in places.find_places(low):
        if p.marked or p.units:
            name = p.units[0].name if p.units else p.name
            n = len(fold(name).split())
            tail = low[:p.end].split()
            low_words = low.split()
            at = len(tail) - n
            low_words[at:at + n] = name.split()
            low = " ".join(low_words)
    low = re.sub(r"\b(internet|iot)\b", lambda m: {"internet": "Internet", "iot": "IoT"}[m.group()],
                 low)
    return low[:1].upper() + low[1:]


def _signer(lines: list[str]) -> str:
    """The name under the last "TM./KT. … CHỦ TỊCH" block (empty when none is legible)."""
    start = None
    for i, raw in enumerate(lines):
        if _SIGN_ROLE.search(search_form(raw)):
            start = i
    if start is None:
        return ""
    for raw in lines[start + 1:start + 8]:
        f = search_form(raw)
        if not f or _ROLES.match(f) or _SIGN_ROLE.search(f):
            continue
        m = re.search(r"((?:[A-ZÀ-ỸĐ][a-zà-ỹđ]+\s){1,4}[A-ZÀ-ỸĐ][a-zà-ỹđ]+)\s*$", nfc(raw.strip()))
        if m and not re.search(r"\d", raw):
            return m.group(1)
    return ""


def _issues_plan(lines: list[str], kind_at: int | None) -> bool:
    """A Quyết định whose title or Điều 1 issues a Kế hoạch."""
    start = kind_at or 0
    window = " ".join(fold(x) for x in lines[start:start + 80])
    return bool(re.search(r"ban hanh (?:kem theo quyet dinh nay )?(?:ke hoach|chuong trinh)",
                          window))


def _apply_sidecar(path: Path, meta: PlanMeta) -> PlanMeta:
    side = path.with_suffix(".meta.json")
    if not side.exists():
        return meta
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return meta
    fields = {k: nfc(str(v)) for k, v in data.items() if k in PlanMeta.model_fields and v}
    return meta.model_copy(update=fields)
