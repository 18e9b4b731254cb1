"""Normalising a question as typed on a phone: the first stage of answering.

    n = normalize("phong tho chir tieeu dvctt 2030 bn %")
    n.text    -> "phong tho chỉ tiêu dịch vụ công trực tuyến 2030 bao nhiêu %"
    n.search  -> its folded search form, what the later stages read
    n.typed_search -> the search form of the question as typed, kept for OCR text

In order, word by word:
1. NFC.
2. Telex/VNI left over when the keyboard's input mode was off ("thowif" -> "thời"), decoded
   with `bogo`; only a word that is no syllable as typed, is no abbreviation or English word
   (`data/keep_words.txt`: bogo turns "tax" into "tã"), and decodes to a real syllable with
   a clear Telex mark or a neighbour it forms a word with.
3. Abbreviations and teencode from the table `data/abbreviations.tsv`; an ambiguous one is
   expanded by the word next to it ("kh cn" is khoa học, "kh 79" kế hoạch).
4. A token of consonants no table lists ("cq", "cks") read as the initials of a term the
   loaded plans use (`intents.initials`), when one reading clearly leads.
5. Phone typos (`intents.spelling`): a non-syllable one edit from a syllable that fits.
6. Optionally, the diacritics of the plain words restored with the syllable bigram model
   of the reading copy (`corpus.reading.restore_diacritics`). Later stages work on the
   folded form, so answering does not need it and skips it for speed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection
from pathlib import Path

from pydantic import BaseModel, Field

from corpus.lexicon import accented_syllables, syllable_pairs, syllables
from corpus.normalize import fold, nfc, search_form
from intents.initials import is_initials, spell_initials
from intents.spelling import correct_word

_DATA = Path(__file__).with_name("data")
_TOKEN = re.compile(r"[^\W_]+(?:&[^\W_]+)*")
# a clear Telex mark: a doubled vowel or đ, a horn or breve (w), a tone key closing a word
# of three letters or more
_TELEX_MARK = re.compile(r"aa|ee|oo|dd|w|[a-z]{3,}[sfrxj]$")


# The frame of a message around its question, in the folded words: a vocative ("anh ơi",
# "bot ơi"), "(xin / cho + pronoun) hỏi (chút)", "(pronoun) muốn hỏi"; at the end, the
# sentence-final particles of politeness ("ạ", "nhé", "vậy ạ"). They ask nothing and are
# no content: "cho mình hỏi Nghệ An …" has no "Hội Nghệ An" in it.
_PRONOUN = r"(?:minh|em|toi|anh|chi|tui|to|chau|con)"
_OPENING = re.compile(
    rf"^(?:(?:{_PRONOUN}|ban|bot|ad|admin|tro ly) oi )?"
    rf"(?:(?:xin|cho(?: {_PRONOUN})?|{_PRONOUN}(?: muon| can)?|muon) hoi(?: chut| ti| xiu| voi)? |"
    rf"xin hoi )?")
_CLOSING = re.compile(r"(?: (?:a|ak|ah|nhe|nha|nhi|vay|the|ha))+$")


def frame_spans(folded: list[str]) -> tuple[int, int]:
    """(first, end) indices of the words of the question inside its frame (see above); the
    whole when dropping the frame would leave fewer than two words."""
    text = " ".join(folded)
    head = _OPENING.match(text)
    first = len(head.group(0).split()) if head and head.group(0) else 0
    tail = _CLOSING.search(text)
    end = len(folded) - (len(tail.group(0).split()) if tail else 0)
    return (first, end) if end - first >= 2 else (0, len(folded))


class Normalized(BaseModel):
    typed: str  # the question as typed, NFC
    text: str  # normalised: Telex decoded, abbreviations spelt out, typos put right
    search: str  # search form of `text`
    typed_search: str  # search form of `typed` (OCR text may hold the typed abbreviation)
    changes: list[tuple[str, str]] = Field(default_factory=list)  # (typed word, written as)


@functools.cache
def _abbreviations() -> dict[str, list[tuple[str, str, re.Pattern | None]]]:
    table: dict[str, list[tuple[str, str, re.Pattern | None]]] = {}
    for line in (_DATA / "abbreviations.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        abbr, expansion, *ctx = line.split("\t")
        side, rx = ("", None)
        if ctx and ctx[0]:
            side, rx = ctx[0][0], re.compile(ctx[0][1:])
        table.setdefault(nfc(abbr), []).append((expansion, side, rx))
    return table


@functools.cache
def keep_words() -> frozenset[str]:
    """English and brand words typed as they are (`data/keep_words.txt`)."""
    text = (_DATA / "keep_words.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and w[0] != "#")


@functools.cache
def abbreviation_index() -> dict[tuple[str, ...], frozenset[str]]:
    """Folded words of an expansion -> the abbreviations that stand for them ("dich vu cong
    truc tuyen" -> {"dvctt"}): a clause that writes "DVCTT" has those words."""
    out: dict[tuple[str, ...], set[str]] = {}
    for abbr, rows in _abbreviations().items():
        for expansion, _, _ in rows:
            words_ = tuple(fold(expansion).replace("-", " ").split())
            if len(words_) >= 2 and len(abbr) >= 3:
                out.setdefault(words_, set()).add(fold(abbr).replace("&", ""))
    return {k: frozenset(v) for k, v in out.items()}


@functools.cache
def abbreviation_words() -> dict[str, tuple[str, ...]]:
    """Folded abbreviation -> the folded words it stands for ("dnnvv" -> doanh nghiep nho
    va vua): the inverse of `abbreviation_index`, for reading a text's abbreviations out."""
    return {abbr: phrase for phrase, abbrs in abbreviation_index().items() for abbr in abbrs}


def spelt_out(seq: list[str] | tuple[str, ...]) -> list[str]:
    """The words with each abbreviation the table knows replaced by its words."""
    table = abbreviation_words()
    return [x for w in seq for x in table.get(w, (w,))]


def is_abbreviation(word: str) -> bool:
    return nfc(word.lower()) in _abbreviations() or fold(word) in _abbreviations()


def expand_abbreviation(word: str, prev: str, nxt: str) -> str | None:
    """What an abbreviation stands for next to these (folded) words, or None."""
    rows = _abbreviations().get(nfc(word.lower())) or _abbreviations().get(fold(word))
    for expansion, side, rx in rows or ():
        if rx is None or (side == ">" and rx.fullmatch(nxt)) or (side == "<" and rx.fullmatch(prev)):
            return expansion
    return None


def _decode_telex(word: str) -> str | None:
    import bogo  # imported on the first Telex word only

    out = bogo.process_sequence(word)
    if out == word or out.lower() not in accented_syllables():
        return None
    return out


def telex(word: str, prev: str, nxt: str, marked_only: bool = False) -> str | None:
    """The syllable a Telex-typed word stands for, or None (see the module docstring);
    `marked_only`: only words with a clear Telex mark (the first pass)."""
    low = word.lower()
    if (not low.isascii() or not low.isalpha() or len(low) < 2 or low in syllables()
            or low in keep_words() or is_abbreviation(low)):
        return None
    out = _decode_telex(low)
    if out is None:
        return None
    if not _TELEX_MARK.search(low):
        if marked_only:
            return None
        pairs = syllable_pairs()
        f = fold(out)
        if (prev, f) not in pairs and (f, nxt) not in pairs:
            return None  # "tax" alone is no "tã"
    return out[0].upper() + out[1:] if word[0].isupper() else out


def normalize(question: str, known: Collection[str] = (), restore: bool = False) -> Normalized:
    """The question normalised (see the module docstring); `known` holds the words of the
    loaded plans (folded), never taken for typos."""
    typed = _unframed(_unshouted(nfc(question or "").strip()))
    spans = [(m.start(), m.end()) for m in _TOKEN.finditer(typed)]
    toks = [typed[a:b] for a, b in spans]
    # a part of a code ("16/KH-UBND", "57-NQ/TW", "R&D") is written as it is
    code = [typed[a - 1:a] in "/-" and a > 0 or typed[b:b + 1] in ("/", "-") for a, b in spans]
    folded = [fold(t) for t in toks]
    changes: list[tuple[str, str]] = []
    out = list(toks)
    # Telex first: its words are neighbours the abbreviations and typos are judged by
    for marked_only in (True, False):  # clear marks first: they are the weak ones' context
        for i, t in enumerate(toks):
            if out[i] != t or code[i]:
                continue
            nxt = folded[i + 1] if i + 1 < len(toks) else ""
            if not marked_only and folded[i] in known:
                continue  # a word of the plans ("HDI", "GRDP") with no clear Telex mark
            dec = telex(t, folded[i - 1] if i else "", nxt, marked_only)
            if dec:
                out[i], folded[i] = dec, fold(dec)
    for i, t in enumerate(out):
        if code[i]:
            continue
        prev = folded[i - 1] if i else ""
        nxt = folded[i + 1] if i + 1 < len(out) else ""
        exp = expand_abbreviation(t, prev, nxt) if t == toks[i] else None
        if exp is not None:
            out[i] = exp
            continue
        if t == toks[i] and _unlisted_initials(t, known):
            spelt = spell_initials(t, known)
            if spelt:
                out[i], folded[i] = spelt, fold(spelt)
                continue
        if t == toks[i] and t.isascii() and t.isalpha():
            fixed = correct_word(t.lower(), prev or None, nxt or None, known)
            if fixed and known and search_form(t) in known:
                fixed = None  # the plans write it so (read the same way): "HDI", "GRDP"
            if fixed:
                out[i] = fixed
    for t, o in zip(toks, out, strict=True):
        if t != o:
            changes.append((t, o))
    text = _rebuild(typed, spans, out)
    if restore:
        text = restore_marks(text)
    return Normalized(typed=typed, text=text, search=search_form(text),
                      typed_search=search_form(typed), changes=changes)


def _unshouted(typed: str) -> str:
    """A message typed in capitals, lower-cased: its capitals tell no name or acronym from
    a word ("AI" is the question word "ai" there, not the technology)."""
    letters = [c for c in typed if c.isalpha()]
    if len(letters) >= 12 and sum(c.isupper() for c in letters) >= 0.9 * len(letters):
        return typed.lower()
    return typed


def _unframed(typed: str) -> str:
    """The question without the frame of the message around it (`frame_spans`)."""
    spans = [(m.start(), m.end()) for m in _TOKEN.finditer(typed)]
    if len(spans) < 3:
        return typed
    first, end = frame_spans([fold(typed[a:b]).lower() for a, b in spans])
    if (first, end) == (0, len(spans)):
        return typed
    return typed[spans[first][0]:spans[end - 1][1]] + typed[spans[-1][1]:].rstrip(" .,!")


def _unlisted_initials(word: str, known: Collection[str]) -> bool:
    """A token of consonants no table lists ("cq", "cks"), to be read as the initials of a
    term of the plans; one the plans write themselves ("VNPT", "BTS") stays, except two
    letters, which in the plans are mostly a scan's debris."""
    low = fold(word.lower())
    return (bool(known) and is_initials(low) and low not in keep_words()
            and (low not in known or len(low) == 2))


def restore_marks(text: str) -> str:
    """Plain words given their diacritics by the reading copy's syllable model, and the
    names of places the gazetteer knows written as it spells them ("tran lieu" is Trần
    Liễu, not "trận liệu")."""
    from corpus.reading import restore_diacritics

    return official_places(text, restore_diacritics(text))


def official_places(typed: str, restored: str) -> str:
    """`restored` (the marks of `typed` restored word by word) with each place name the
    writer typed without marks written as the gazetteer spells it, when one spelling fits;
    a name typed with marks stays as typed (the writer knows the name)."""
    from corpus.places import find_places

    if not (len(typed) == len(restored) == len(fold(restored))):
        return restored  # offsets would not map between the three forms
    out = restored
    for p in reversed(find_places(restored)):
        names = {u.name for u in p.units}
        if len(names) != 1:
            continue
        name = next(iter(names))
        n = len(name.split())
        span = out[p.start:p.end].split()
        as_typed = typed[p.start:p.end]
        if len(span) < n or fold(" ".join(span[-n:])) != fold(name) or as_typed != fold(as_typed):
            continue
        new = " ".join([*span[:-n], name])
        out = out[:p.start] + new + out[p.end:]
    return out


def _rebuild(typed: str, spans: list[tuple[int, int]], words: list[str]) -> str:
    parts, last = [], 0
    for (a, b), w in zip(spans, words, strict=True):
        parts.append(typed[last:a])
        parts.append(w)
        last = b
    parts.append(typed[last:])
    return re.sub(r"\s+", " ", "".join(parts)).strip()
