"""Agency names in a typed plan's own spelling.

The agency reader works on the folded search form and spells a name from the names its data
files hold, so a word they spell otherwise comes out wrong ("Chi cục Hải quan" read as "…
Hai quận", since "quan"/"quận" and "hai"/"hải" fold alike). A typed plan (DOCX, PDF, clean
text) has the marks: when the whole name stands in the plan (marks aside), it takes the
plan's spelling of it, the most frequent one; capitals and every letter other than marks
stay as the reader gave them. A name the plan does not write out whole is left alone.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from corpus.models import Fact, Segment
from corpus.normalize import fold

_WORD = re.compile(r"[^\W\d_]+")


class PlanSpelling:
    """Where each folded word stands in the plan, to find a name's words written out."""

    def __init__(self, segments: list[Segment]) -> None:
        self.lines: list[list[str]] = [_WORD.findall(s.text) for s in segments]
        self.folded = [[fold(w).lower() for w in ws] for ws in self.lines]
        self.at: dict[str, list[tuple[int, int]]] = {}
        for li, ws in enumerate(self.folded):
            for wi, w in enumerate(ws):
                self.at.setdefault(w, []).append((li, wi))

    def respell(self, name: str) -> str:
        ws = _WORD.findall(name)
        key = [fold(w).lower() for w in ws]
        if not key:
            return name
        seen: Counter[tuple[str, ...]] = Counter()
        caps = [w[:1].isupper() for w in ws]
        for li, wi in self.at.get(key[0], []):
            found = self.lines[li][wi:wi + len(key)]
            # written as a name: its capitals where the name has them ("Sở Xây dựng", not
            # "chuyển đổi số xây dựng")
            if self.folded[li][wi:wi + len(key)] == key and \
                    [w[:1].isupper() for w in found] == caps:
                seen[tuple(w.lower() for w in found)] += 1
        if not seen:
            return name
        spelt = seen.most_common(1)[0][0]
        out = name
        for w, s in zip(ws, spelt, strict=True):
            if sorted(unicodedata.normalize("NFD", s)) == sorted(
                    unicodedata.normalize("NFD", w.lower())) or (w.isupper() and len(w) > 1):
                continue  # the same ("hoá"/"hóa" too), or an abbreviation ("UBND") that stays
            s = s[:1].upper() + s[1:] if w[:1].isupper() else s
            out = re.sub(rf"(?<!\w){re.escape(w)}(?!\w)", s, out, count=1)
        return out


def respell_agencies(facts: list[Fact], segments: list[Segment]) -> list[Fact]:
    """The facts with their lead and coordinating agencies in the plan's spelling."""
    spelling = PlanSpelling(segments)
    out = []
    for f in facts:
        lead = [spelling.respell(n) for n in f.lead]
        support = [spelling.respell(n) for n in f.support]
        out.append(f if (lead, support) == (f.lead, f.support)
                   else f.model_copy(update={"lead": lead, "support": support}))
    return out
