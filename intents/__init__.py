"""Turning a question into an answer: normalise → understand → retrieve → check evidence →
extract → render (see `intents.engine`).

`AnswerEngine` is loaded on first use, so parsing a question (`intents.detect`,
`intents.normalize`) never imports the search stack (FAISS, the embedder).
"""

from intents.models import Answer, Citation, Query

__all__ = ["AnswerEngine", "Answer", "Citation", "Query"]


def __getattr__(name: str):
    if name == "AnswerEngine":
        from intents.engine import AnswerEngine

        return AnswerEngine
    raise AttributeError(name)
