"""Understanding questions and composing answers."""

from intents.engine import AnswerEngine
from intents.models import Answer, Citation, Query

__all__ = ["AnswerEngine", "Answer", "Citation", "Query"]
