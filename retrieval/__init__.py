"""Store, indexes and hybrid search.

`Index` and `IngestReport` load on first use: a module that only needs the stop words or
the settings (parsing a question) does not import FAISS.
"""

from retrieval.settings import Settings

__all__ = ["Index", "IngestReport", "Settings"]


def __getattr__(name: str):
    if name in ("Index", "IngestReport"):
        from retrieval import index

        return getattr(index, name)
    raise AttributeError(name)
