"""The recognizer's entry point: agencies in a search-form text, left to right, a known
name first, else a name read by the grammar."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from corpus.agencies.grammar import body_at, head_at, name_end, trim, weak_ok
from corpus.agencies.known_names import inside_words, match_known
from corpus.agencies.lexicon import KINDS
from corpus.agencies.naming import display_name, kind_word, spell_words, with_kind
from corpus.agencies.place_spans import kind_next, place_end
from corpus.agencies.tokens import Tok, tokenize, words_from


@dataclass(frozen=True)
class AgencyMatch:
    name: str  # canonical display name
    start: int  # character offsets in the search form
    end: int


def find_agencies(search_text: str, locality_kind: str | None = None) -> list[AgencyMatch]:
    """Agencies named in a search-form text, left to right, without overlaps.

    `locality_kind` ("xã"/"phường"/"tỉnh"…) completes names such as "Công an" when the
    text itself does not say which.
    """
    # the fact readers look at the same line several times: remember the last lines read
    return list(_find(search_text, locality_kind or None))


@functools.lru_cache(maxsize=4096)
def _find(search_text: str, locality_kind: str | None) -> tuple[AgencyMatch, ...]:
    toks = tokenize(search_text)
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


def _agency_at(toks: list[Tok], i: int,
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
    name = display_name(toks, i, end, display_head, locality_kind)
    return AgencyMatch(name, toks[i].s, toks[end - 1].e), end


def _known_at(toks: list[Tok], i: int,
              locality_kind: str | None) -> tuple[tuple[AgencyMatch, int], int] | None:
    """A known name at token i with the place after it, and the letters OCR changed."""
    found = match_known(toks, i)
    if found is None:
        return None
    k, end, slips = found
    if inside_words(toks, i, end):
        return None
    name = with_kind(k.name, KINDS.get(k.kind, "") or kind_word(locality_kind))
    end = trim(toks, i, end)
    # a place after a known name belongs to it ("Liên đoàn Lao động tỉnh", "UBND xã,
    # phường, đặc khu"); the plan's own bodies keep their short name ("UBND xã")
    more = body_at(toks, end) or place_end(toks, end)
    if "{kind" in k.name and not (end < len(toks) and toks[end].w == ",") and \
            not kind_next(toks, end):
        more = end
    elif more > end and [t.w for t in toks[end:more]] in (["xa"], ["phuong"]):
        # the commune's own bodies go by their name alone ("Văn phòng HĐND và UBND",
        # "Hội Nông dân"); "xã" stays where it tells bodies apart ("Công an xã")
        more, end = end, words_from(toks, end, 1)[1]
    if more > end:
        ext = re.sub(r"\s+,", ",", spell_words(list(toks[end:more])))
        if "{kind" in k.name and kind_next(toks, end):
            # "phường xã đặc khu" typed without commas after "UBND xã"
            ext = ", " + ", ".join(re.findall(r"đặc khu|\S+", ext))
        name = f"{name}{ext}" if ext.startswith(",") else f"{name} {ext}"
        end = trim(toks, i, more)
    return (AgencyMatch(name, toks[i].s, toks[end - 1].e), end), slips


def _read_at(toks: list[Tok], i: int) -> tuple[str, int] | None:
    """A head noun at token i and the end of its name (and place): (head display, end)."""
    head = head_at(toks, i)
    if head is None:
        return None
    display, cls, after = head
    if cls in ("weak", "soft") and not weak_ok(toks, i, after, cls):
        return None
    if cls == "owned":  # "Thường trực" + a body: "Thường trực Thành ủy", "TT. HĐND xã"
        body = body_at(toks, after)
        return (display, body) if body else None
    # a body that stands alone takes a place, not a name ("UBND tỉnh", "Công an xã")
    end = after if cls == "alone" else name_end(toks, after)
    if end == after and cls != "alone":
        return None
    named = end
    end = place_end(toks, end)
    if cls != "alone" and [t.w for t in toks[named:end]] in (["xa"], ["phuong"]):
        return display, named  # the commune's own body: "Hội Người cao tuổi" (see _known_at)
    end = body_at(toks, end) or end  # the body it belongs to: "Ban Tổ chức Tỉnh ủy"
    return display, trim(toks, i, end)
