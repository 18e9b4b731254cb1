"""Store, indexes and hybrid search."""

from retrieval.index import Index, IngestReport
from retrieval.settings import Settings

__all__ = ["Index", "IngestReport", "Settings"]
