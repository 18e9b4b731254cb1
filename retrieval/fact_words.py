"""A fact's words in search form, read once when the fact is stored.

A target question compares its words with every target fact's: the indicator, its values
and its context (the section heading and the plan's title). Reading those texts into
search form (`corpus.normalize.search_form`: folding, OCR repairs per token) is the costly
part, and it depends only on the fact, so it is done at ingest and kept in the store beside
the fact (the `words` column), not again by each question (it was 100-170 ms of a question
that no locality or indicator head narrowed, for 109 target facts).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

from corpus.models import Fact
from corpus.normalize import search_form, words


@dataclass(frozen=True)
class FactWords:
    text: tuple[str, ...]  # the indicator's words, in order
    slash: frozenset[str]  # the same with "/" read as a space ("3G/4G" typed "3g 4g")
    values: frozenset[str]  # the words of its values ("≥ 1 lần/năm")
    context: frozenset[str]  # the words of its section heading and the plan's title

    def dumps(self) -> str:
        return json.dumps([list(self.text), sorted(self.slash), sorted(self.values),
                           sorted(self.context)], ensure_ascii=False)

    @classmethod
    def loads(cls, data: str) -> FactWords:
        text, slash, values, context = json.loads(data)
        return cls(tuple(text), frozenset(slash), frozenset(values), frozenset(context))


@functools.lru_cache(maxsize=4096)
def _form(text: str) -> str:
    # the facts of one plan share their section and title, and values repeat ("≥ 90%")
    return search_form(text)


def read_fact_words(fact: Fact, title: str) -> FactWords:
    """The fact's words; `title` is the title of the plan it belongs to."""
    form = _form(fact.text)
    return FactWords(
        text=tuple(words(form)),
        slash=frozenset(words(form.replace("/", " "))),
        values=frozenset(w for v in fact.values.values() for w in words(_form(v))),
        context=frozenset(words(_form(f"{fact.section} {title}"))),
    )
