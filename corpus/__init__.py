"""Loading, normalising and segmenting plans; extracting facts. Bundled plans in plans/."""

from corpus.loaders import LoadError, load_document
from corpus.normalize import fold, search_form
from corpus.pipeline import ParsedPlan, read_plan

__all__ = ["LoadError", "ParsedPlan", "fold", "load_document", "read_plan", "search_form"]
