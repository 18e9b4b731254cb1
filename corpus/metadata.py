"""Plan metadata from the text: number, issuing body, locality, date, title.

Works on OCR text without diacritics (the header lines are the most damaged part of a
scan), so every rule matches the diacritic-free form and tolerates OCR letter swaps. A
`<file>.meta.json` beside a plan may supply properly accented display values; the test
suite checks that what is extracted agrees with it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from corpus.lexicon import validity
from corpus.models import LoadedDocument, PlanMeta
from corpus.normalize import edit_distance, fold, nfc, search_form, strip_marks

_NUMBER = re.compile(
    r"\bS[o6b0dé]?\s*[:.]?\s*(\d{1,4})\s*([-/])\s*[I1l]?KH\s*([-/])\s*([A-Z]{2,5})", re.I
)
_NUMBER_ANY = re.compile(r"\b(\d{1,4})\s*([-/])\s*[I1l]?KH\s*([-/])\s*([A-Z]{2,5})\b")
_DATE = re.compile(
    r"ngay\s*([0-9a-z]{1,2})\s*th\w{0,3}ng\s*([0-9]{1,2})\s*n\w{0,3}m\s*((?:19|20)\d\d)"
)
_LOCALITY = re.compile(r"\b(xa|phuong)[ \t]+((?:[A-Z][a-z]{1,6}[ \t]?){1,3})")
_NOT_NAMES = {"Hoi", "Hdi", "Hgi", "Hoa", "Tinh", "Xa", "Trung", "Nhan", "Ubnd", "Ban", "Vin", "Van", "Vian", "Kinh"}
_PARTY_CODES = {"DU", "PU", "BU", "ĐU", "TU"}


def extract_metadata(doc: LoadedDocument) -> PlanMeta:
    lines = [b.text for b in doc.blocks]
    head = [strip_marks(t) for t in lines[:25]]
    plain_all = strip_marks("\n".join(lines))
    meta = PlanMeta(
        number=_number(head, plain_all),
        date=_date(head),
        title=_title(lines),
    )
    kind, name = _locality(plain_all, head)
    meta.locality, meta.locality_kind = name, kind
    meta.issuer = _issuer(head, kind, name)
    return _apply_sidecar(Path(doc.path), meta)


def _format_number(num: str, sep1: str, sep2: str, code: str) -> str:
    code = code.upper()
    if code in _PARTY_CODES or sep1 == "-":
        code = "ĐU" if code in {"DU", "PU", "BU", "ĐU"} else code
        return f"{int(num)}-KH/{code}"
    return f"{int(num)}/KH-{code}"


def _number(head: list[str], plain_all: str) -> str:
    for line in head:
        m = _NUMBER.search(line)
        if m:
            return _format_number(*m.groups())
    m = _NUMBER_ANY.search(plain_all)
    return _format_number(*m.groups()) if m else ""


def _date(head: list[str]) -> str:
    for line in head:
        m = _DATE.search(fold(line))
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


def _locality(plain_all: str, head: list[str]) -> tuple[str, str]:
    """Most frequent 'xã|phường <Name>' in the plan, variants of one name grouped.

    OCR spells one name several ways ("Loc Tan", "Lec Ten", "Lje Ten"), so variants within
    two edits of each other are counted together and the best-formed spelling is kept.
    """
    text = re.sub(r"\b[Xx](?:3|4|&|i|d|8)(?=[ \t])", "xa", plain_all)
    text = re.sub(r"\bP\.[ \t]", "phuong ", text)
    counts: Counter[tuple[str, str]] = Counter()
    for m in _LOCALITY.finditer(text):
        words = m.group(2).split()[:2]
        if len(words) < 2 or words[0] in _NOT_NAMES or words[1] in _NOT_NAMES:
            continue
        counts[(m.group(1).lower(), " ".join(words))] += 1
    if not counts:
        return "", ""
    groups: list[list[tuple[str, str]]] = []
    for cand in sorted(counts, key=counts.__getitem__, reverse=True):
        for g in groups:
            if edit_distance(fold(cand[1]), fold(g[0][1])) <= 2:
                g.append(cand)
                break
        else:
            groups.append([cand])
    best = max(groups, key=lambda g: sum(counts[c] for c in g))
    kind, name = max(best, key=lambda c: (validity(c[1]), counts[c]))
    return ("xã" if kind == "xa" else "phường"), name


def _issuer(head: list[str], kind: str, name: str) -> str:
    top = search_form(" ".join(head[:4]))
    where = f"{kind} {name}".strip()
    if re.search(r"\bdang (uy|bo)\b", top) or "dang cong san" in top:
        return f"Đảng ủy {where}".strip()
    if "uy ban nhan dan" in top or "ubnd" in top:
        return f"UBND {where}".strip()
    return where


def _title(lines: list[str]) -> str:
    out: list[str] = []
    started = False
    for raw in lines[:40]:
        f = fold(raw)
        if not started:
            if re.fullmatch(r"k\S{0,2}\s*hoach", f):
                started = True
            continue
        if not f:
            if out:
                break
            continue
        if re.match(r"(can|cin|cian|thuc hien nghi|chu tich)\b", f) and out:
            break
        out.append(nfc(raw.strip()))
    return " ".join(out)[:300]


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
