"""Cross-references: a task or duty that points to a part of the plan instead of saying what
to do ("Chủ trì triển khai các nhiệm vụ tại mục (IV) (5) của Kế hoạch", "… tại mục
(IV)(3.4)(a)", "… mục IV.2"). The part is found by its address — the markers of its heading
path and its own ("IV" › "5", "IV" › "3" › "3.4" › "a") — and the fact keeps the ids of the
segments that open it (`Fact.refers`), so an answer can list what that part holds without
reading the text again.
"""

from __future__ import annotations

import re

from corpus.models import Fact, Segment
from corpus.normalize import fold

# "mục (IV) (5)", "mục (IV)(4.1)(4.2)", "mục IV.5", "mục III.2.1"
_REF = re.compile(r"\bmuc\s*((?:\(\s*[ivx\d.]{1,8}\s*\)\s*|\(\s*[a-zđ]\s*\)\s*)+)|"
                  r"\bmuc\s+([ivx]{1,4}(?:\.\d{1,2}){1,3})\b")
_PART = re.compile(r"\(\s*([ivx\d.]{1,8}|[a-zđ])\s*\)")
_MARKER = re.compile(r"^\s*([IVX]{1,4}|\d{1,2}(?:\.\d{1,2}){0,3}|[a-zđ])\s*[.)]\s*\S")


def _marker(text: str) -> str:
    m = _MARKER.match(text)
    return fold(m.group(1)).rstrip(".") if m else ""


def _shape(part: str) -> tuple[str, int]:
    """What kind of marker a part is: roman, numbered (with its depth) or a letter."""
    if re.fullmatch(r"[ivx]{1,4}", part):
        return ("roman", 0)
    if part[:1].isdigit():
        return ("number", part.count("."))
    return ("letter", 0)


def references(text: str) -> list[list[str]]:
    """The addresses a text points to: "mục (IV) (4.1) (4.2)" -> [["iv", "4.1"], ["iv",
    "4.2"]] (a part of the shape of the one before it is its sibling, not its child)."""
    out: list[list[str]] = []
    for m in _REF.finditer(fold(text)):
        if m.group(2):
            head, *rest = m.group(2).split(".")
            parts = [head] + [".".join(rest[:i + 1]) for i in range(len(rest))][-1:]
            out.append(parts)
            continue
        parts = [p.rstrip(".") for p in _PART.findall(m.group(1))]
        path: list[str] = []
        for p in parts:
            if path and _shape(p) == _shape(path[-1]):
                out.append(list(path))
                path[-1] = p
            else:
                path.append(p)
        if path:
            out.append(path)
    return [p for p in out if len(p) >= 2]


def _address(seg: Segment) -> list[str]:
    return [_marker(h) for h in seg.heading_path] + [_marker(seg.text)]


def _fits(ref: list[str], address: list[str]) -> bool:
    """`ref` names the segment: its parts stand in the address in order (a part may skip a
    level: "(IV)(3.4)" for IV › 3 › 3.4), the last one the segment's own marker."""
    if not address or address[-1] != ref[-1]:
        return False
    i = 0
    for a in address:
        if i < len(ref) and a == ref[i]:
            i += 1
    return i == len(ref) and address[0] == ref[0]


def resolve_references(facts: list[Fact], segments: list[Segment]) -> list[Fact]:
    """The facts with `refers` set to the segments their cross-references name."""
    out = []
    for f in facts:
        refs = references(f.text) if f.kind in ("task", "duty") else []
        if not refs:
            out.append(f)
            continue
        ids = [s.id for ref in refs for s in segments
               if s.doc_id == f.doc_id and s.kind != "row" and _fits(ref, _address(s))][:4]
        out.append(f.model_copy(update={"refers": list(dict.fromkeys(ids))}) if ids else f)
    return out
