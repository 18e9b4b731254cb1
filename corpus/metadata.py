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

The header ends at the kind line, or where the body begins when there is none (the
preamble, the first heading, running prose); a text with no header block at all (no kind
line, motto, number or date line) is not a plan. The issuer and its unit are read by
corpus.issuer. Rules match the search form and tolerate OCR letter swaps. A
`<file>.meta.json` beside a plan may override what is read (optional).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from corpus import places
from corpus.issuer import read_issuer
from corpus.models import LoadedDocument, PlanMeta
from corpus.normalize import fold, nfc, search_form

# document kinds: folded title word -> display, and their codes in a number
_KINDS = {"ke hoach": "Kế hoạch", "quyet dinh": "Quyết định", "nghi quyet": "Nghị quyết",
          "chuong trinh": "Chương trình", "de an": "Đề án", "chi thi": "Chỉ thị",
          "ket luan": "Kết luận", "thong tu": "Thông tư", "nghi dinh": "Nghị định",
          "bao cao": "Báo cáo", "thong bao": "Thông báo", "to trinh": "Tờ trình",
          "de cuong": "Đề cương", "huong dan": "Hướng dẫn", "bien ban": "Biên bản",
          "giay moi": "Giấy mời", "cong van": "Công văn", "quy che": "Quy chế",
          "quy dinh": "Quy định"}
_KIND_CODES = {"KH": "Kế hoạch", "QD": "Quyết định", "NQ": "Nghị quyết", "CTR": "Chương trình",
               "DA": "Đề án", "CT": "Chỉ thị", "KL": "Kết luận", "KHHD": "Kế hoạch",
               "TT": "Thông tư", "ND": "Nghị định", "BC": "Báo cáo", "TB": "Thông báo",
               "TTR": "Tờ trình", "HD": "Hướng dẫn", "BB": "Biên bản", "GM": "Giấy mời"}
_PLAN_KINDS = {"Kế hoạch", "Chương trình", "Đề án", "Quyết định", "Nghị quyết"}
# "Số: 144/KH-UBND", "Số 27-KH/ĐU", "S627 -KH/PU", "Sb: 79 /IKH-UBND", "01/2025/QĐ-UBND"
_NUMBER = re.compile(
    r"(?:^|\s)(?:[s$]\S{0,2}\s*[:.]?\s*)?(\d{1,5})(?:\s*/\s*((?:19|20)\d\d))?\s*([-/])\s*[i1l]?"
    r"(khhd|kh|qd|nq|ctr|ct|da|kl|ttr|tt|nd|bc|tb|hd)\s*([-/])\s*([a-z0-9]{1,10}(?:-[a-z0-9]{1,8})?)\b")
_DATE = re.compile(
    r"ngay\s*(?:([0-9a-z]{1,2})\s*)?th\w{0,3}ng\s*([0-9]{1,2})\s*n\w{0,3}m\s*((?:19|20)\d\d)")
_DATE_NUM = re.compile(r"ngay\s*(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*((?:19|20)\d\d)")
# where the right column begins on a merged header line (search form)
_RIGHT = re.compile(r"\b(?:cong hoa|c\w{1,2}ng h\w{1,2}a x|\w{0,2}ang cong san|d\w{1,2}c [l1]\w{1,2}p|"
                    r"so\s*:|so \d|s\S{0,2}\s*:|xa hoi chu nghia|chu nghia viet nam|"
                    r"tu do\W+hanh phuc)")
_MOTTO = re.compile(r"\b(?:cong hoa|c\w{1,2}ng h\w{1,2}a x|\w{0,2}ang cong san|d\w{1,2}c [l1]\w{1,2}p|"
                    r"xa hoi chu nghia|tu do\W+hanh phuc)")
# the words of the national motto: a header line made of them alone is the right column
# broken over lines by a web page ("CỘNG" / "HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
_MOTTO_WORDS = frozenset(["cong", "hoa", "xa", "hoi", "chu", "nghia", "viet", "nam", "doc", "lap",
                          "tu", "do", "hanh", "phuc"])
_SIGN_ROLE = re.compile(r"\b(?:tm|t/m|kt|tl|q)\s*\.?\s*(?:uy ban|ban|dang uy|chu tich|bi thu|"
                        r"thu tuong|bo truong|giam doc|chinh phu|tinh uy|thanh uy)")
_ROLES = re.compile(r"^(?:pho )?(?:chu tich|bi thu|thu tuong|bo truong|giam doc|truong ban|"
                    r"thu truong|chanh van phong)\b")
_PARTY_CODES = {"du", "pu", "bu", "tu", "tw"}


def extract_metadata(doc: LoadedDocument) -> PlanMeta:
    lines = [b.text for b in doc.blocks]
    head = lines[:40]
    kind_at, kind, body_at = _layout(head)
    header = head[:kind_at] if kind_at is not None else head[:body_at]
    joined = " ".join(x.strip() for x in header if x.strip())
    if kind_at is None and not _header_marks(joined):
        header, joined = [], ""  # no kind line, no number, motto or date: not a header
    left, date_place = _columns(header)
    date_place = _joined_date_place(joined) or date_place
    number, code_kind, issuing = _number(header, head if kind_at is not None else header,
                                         joined)
    titled = kind  # what the kind line says, when there is one
    kind = kind or code_kind
    date = _date([joined]) or _date(header)
    if not date and kind_at:  # a plan's header whose date OCR broke
        date = _date(head)
    meta = PlanMeta(number=number, date=date, kind=kind or "",
                    title=_title(lines, kind_at) if kind_at is not None else "",
                    signer=_signer(lines))
    meta.issuer, unit = read_issuer(left, date_place, lines[:80], issuing)
    if unit is not None:
        meta.locality, meta.locality_kind, meta.province = unit.name, unit.kind, unit.province
    if kind == "Quyết định":
        meta.issues = _issues_plan(lines, kind_at, meta.title)
    if kind not in _PLAN_KINDS and not (number and code_kind in _PLAN_KINDS and not titled):
        # neither a plan's title nor its number: a meeting note, a letter … (ingested only
        # when asked); a plan with its kind line illegible is still a plan by its number,
        # but a legible kind line decides ("QUY ĐỊNH" numbered 97-QĐ/TW is no plan)
        meta.warning = _not_plan_warning(kind, number)
    return _apply_sidecar(Path(doc.path), meta)


def _not_plan_warning(kind: str | None, number: str) -> str:
    what = f"văn bản loại «{kind}»" if kind else \
        "không thấy tên loại văn bản (Kế hoạch, Quyết định…) ở đầu tệp"
    return f"Tệp này có vẻ không phải một kế hoạch ({what}{'' if number else ', không có số hiệu'})."


# ---- header columns ---------------------------------------------------------------------


# a line that opens the body: the preamble, the first heading, an article, a salutation
_BODY_OPENER = re.compile(r"^\W*(?:can cu|thuc hien|trien khai|xet de nghi|theo de nghi|kinh gui|"
                          r"nham |dieu 1\b|phan i\b|i\s*[.-]\s*\w|"
                          r"ngay \d{1,2}\s*[/-]\s*\d{1,2}(?:\s*[/-]\s*\d{2,4})?\s*,)")
_KIND_WORDS = "|".join(sorted((k for k in _KINDS if k != "ke hoach"), key=len, reverse=True))
_KIND_LINE = re.compile(r"^\W*(k\S{0,2}\s*ho\S{0,2}ch|" + _KIND_WORDS + r")"
                        r"(?: hanh dong)?\W*$")
# a capitalised line that begins with the kind: "ĐỀ CƯƠNG TUYÊN TRUYỀN …", "QUYẾT ĐỊNH VỀ …"
_KIND_HEAD = re.compile(r"^\W*(ke hoach|" + _KIND_WORDS + r")\b")
_MAX_HEADER = 24  # written lines before the kind line; past that, no kind line is looked for


def _layout(head: list[str]) -> tuple[int | None, str, int]:
    """The kind line (its index and kind) and the line where the body begins. The kind line
    is looked for only before the body: "QUYẾT ĐỊNH:" after the preamble is the enacting
    formula, and a sentence of the body that cites a kind names another document."""
    body_at, written = len(head), 0
    for i, raw in enumerate(head):
        written += bool(raw.strip())
        if written > _MAX_HEADER:  # blank blocks (a DOCX's empty paragraphs) do not count
            body_at = i
            break
        f = search_form(raw)
        m = _KIND_LINE.match(f)
        if m:
            return i, _kind_of(m.group(1)), i
        m = _KIND_HEAD.match(f)
        if m and _capitalised(raw) and len(f.split()) > len(m.group(1).split()):
            return i, _kind_of(m.group(1)), i
        if i and (_BODY_OPENER.match(f) or _prose(raw)):
            body_at = i
            break
    return None, "", body_at


def _header_marks(joined: str) -> bool:
    """The text holds what only a document's header holds: the motto, a "Số:" number or a
    "<place>, ngày … tháng … năm …" line."""
    f = search_form(joined)
    return bool(_MOTTO.search(f) or _DATE.search(fold(joined)) or _NUMBER.search(f))


def _kind_of(word: str) -> str:
    word = "ke hoach" if word.startswith("k") and not word.startswith("ket") else word
    return _KINDS.get(word.replace(" hanh dong", ""), "")


def _capitalised(raw: str) -> bool:
    letters = [c for c in raw if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def _prose(raw: str) -> bool:
    """A sentence of running text (a news lead, a paragraph), not a header line."""
    words = raw.split()
    return len(words) >= 15 and sum(w[:1].islower() for w in words) > len(words) / 2


def _columns(header: list[str]) -> tuple[list[str], str]:
    """The left column's lines (issuer, its parent) and the place written before the date."""
    left: list[str] = []
    place = ""
    for i, raw in enumerate(header):
        tokens = raw.split()
        forms = [search_form(t) for t in tokens]
        words = re.findall(r"[a-z]+", " ".join(forms))
        if words and set(words) <= _MOTTO_WORDS:
            continue  # a piece of the motto broken off its line
        nxt = search_form(header[i + 1]) if i + 1 < len(header) else ""
        if raw.rstrip().endswith(",") and nxt.startswith("ngay"):
            continue  # "Ninh Bình," over "ngày 30 tháng 9 …": the date's place
        joined, starts = "", []
        for f in forms:
            starts.append(len(joined))
            joined += f + " "
        cut = next((k for k, t in enumerate(tokens) if t == "|"), len(tokens))
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


def _joined_date_place(joined: str) -> str:
    """The place of "<place>, ngày …" in the header read as one text, so that a date line
    broken by a page ("Tiền" / "Giang, ngày 07 tháng 12 …") keeps its place whole."""
    tokens = joined.split()
    for i, tok in enumerate(tokens):
        if i and fold(tok).startswith("ngay") and tokens[i - 1].endswith(","):
            run: list[str] = []
            for t in reversed(tokens[max(0, i - 4):i]):
                if not re.search(r"[^\W\d_]", t) or re.search(r"[\d|:]|--", t):
                    break
                run.insert(0, t)
            return " ".join(run).strip(" ,")
    return ""


def _token_at(starts: list[int], pos: int) -> int:
    return max(0, sum(1 for s in starts if s <= pos) - 1)


def _date_place(before: list[str], raw: str) -> str:
    text = " ".join(before)
    if "," in text:
        text = text.rsplit(",", 1)[0]
    return text.strip(" ,")


# OCR glues "Số" to the number and reads its "ố" as 6 or o: "S627" is "Số 27"
_GLUED_SO = re.compile(r"(?<![\w$])[S$][6obé0](?=\d)")


def _number(header: list[str], head: list[str], joined: str = "") -> tuple[str, str, str]:
    """The number on the header's "Số:" line (its kind and issuing codes too); failing
    that, a number that opens a line of the first page (never one cited in a sentence:
    "Nghị quyết số 57-NQ/TW")."""
    for line in [*header, joined]:
        m = _NUMBER.search(search_form(_GLUED_SO.sub("Số ", line)))
        if m:
            return _format_number(line, *m.groups())
    m = _SO_NUMBER.search(nfc(joined))
    if m:  # "Số: 2844/VPCP-KSTT", "Nghị quyết số: 653/2019/UBTVQH14": no kind code
        number = re.sub(r"\s+", "", m.group(1))
        return number, "", number.rsplit("/", 1)[-1].split("-")[-1]
    for line in head:
        m = _NUMBER.match(search_form(_GLUED_SO.sub("Số ", line)))
        if m:
            return _format_number(line, *m.groups())
    return "", "", ""


# "Số: 2844/VPCP-KSTT", "số: 653/2019/UBTVQH14" as written (clean text)
_SO_NUMBER = re.compile(r"(?i)(?<![^\W\d_])s[ốôo]\s*(?:hiệu)?\s*:?\s*"
                        r"(\d{1,5}(?:\s*[/-]\s*[^\W_]{1,15}){1,3})")


def _format_number(raw: str, num: str, year: str | None, sep1: str, code: str, sep2: str,
                   body: str) -> tuple[str, str, str]:
    kind = _KIND_CODES.get(code.upper(), "")
    written = _as_written(raw, code)
    body_w = _as_written(raw, body)
    if sep1 == "-" or body in _PARTY_CODES:  # Party style: "27-KH/ĐU"
        if body in {"du", "pu", "bu"}:
            body_w = "ĐU"
        return f"{num}-{written}/{body_w}", kind, body
    head = f"{num}/{year}" if year else num
    return f"{head}/{written}-{body_w}", kind, body


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
        day, month, year = m.group(1), m.groups()[-2], m.groups()[-1]
        day = day or ""
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


# ---- title, signer, what it issues --------------------------------------------------------


def _title(lines: list[str], kind_at: int) -> str:
    out: list[str] = []
    first = lines[kind_at].split()
    m = _KIND_HEAD.match(search_form(lines[kind_at]))
    if m and not _KIND_LINE.match(search_form(lines[kind_at])):
        # "ĐỀ CƯƠNG TUYÊN TRUYỀN …": the title begins on the kind's own line
        out.append(" ".join(first[len(m.group(1).split()):]))
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


_ISSUES = re.compile(r"\b(?:ban hanh|phe duyet)\s+(?:kem theo quyet dinh nay\s+)?"
                     r"(ke hoach|chuong trinh|de an)\b")


def _issues_plan(lines: list[str], kind_at: int | None, title: str) -> str:
    """What a Quyết định issues or approves ("Kế hoạch", "Chương trình", "Đề án"), read in
    its title and its Điều 1 only: the preamble cites other decisions that issue plans."""
    parts = [fold(title)]
    start = kind_at or 0
    for i, raw in enumerate(lines[start:start + 120]):
        if re.match(r"\W*dieu\s*1\b", fold(raw)):
            parts.append(" ".join(fold(x) for x in lines[start + i:start + i + 4]))
            break
    for part in parts:
        m = _ISSUES.search(part)
        if m:
            return _KINDS[m.group(1)]
    return ""


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
