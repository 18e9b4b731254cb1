"""The searchable collection: SQLite store, BM25 in memory, FAISS on disk.

`Index.open()` brings the data directory up to date with the plan files it is given:
plans whose content hash is unchanged are left alone, changed ones are re-read and
replaced, and only segments the embedder has not seen are embedded (embeddings are
cached in SQLite by segment id and model), so the first `ask` builds everything and
later runs start in well under a second.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from corpus.loaders import LoadError, sha256_bytes, supported_suffixes
from corpus.models import Document, Fact, Segment, content_id
from corpus.normalize import fold
from corpus.pipeline import ParsedPlan, read_plan
from retrieval.dense import DenseIndex
from retrieval.embed import Embedder, make_embedder
from retrieval.lexical import BM25Index
from retrieval.settings import Settings
from retrieval.store import Store

log = logging.getLogger(__name__)
Progress = Callable[[Iterable, int, str], Iterable]


class IndexError_(Exception):
    """The index cannot be built or read; the message is Vietnamese."""


@dataclass
class IngestReport:
    path: str
    status: str  # "added" | "updated" | "unchanged" | "superseded" | "error"
    document: Document | None = None
    segments: int = 0
    facts: int = 0
    message: str = ""
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def format(self) -> str:
        return self.document.format if self.document else ""

    @property
    def pages(self) -> int:
        return self.document.pages if self.document else 0


def _no_progress(it: Iterable, total: int, desc: str) -> Iterable:
    return it


def _same_plan(a: Document, b: Document) -> bool:
    """Two files of one plan: same number and locality (both known), different files."""
    na, nb = fold(a.meta.number).replace(" ", ""), fold(b.meta.number).replace(" ", "")
    return (a.path != b.path and bool(na) and na == nb and bool(a.locality_key)
            and a.locality_key == b.locality_key)


def plan_files(paths: Iterable[Path]) -> list[Path]:
    """Plan files under the given files/directories, in a stable order."""
    suffixes = set(supported_suffixes())
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out += sorted(f for f in p.iterdir() if f.suffix.lower() in suffixes
                          and not f.name.endswith(".meta.json"))
        elif p.exists():
            out.append(p)
    return out


def pipeline_version() -> str:
    """Fingerprint of the code that turns a file into segments and facts."""
    import corpus

    h = hashlib.sha256()
    for f in sorted(Path(corpus.__file__).parent.glob("*.py")):
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


class Index:
    def __init__(self, settings: Settings, embedder: Embedder | None = None,
                 progress: Progress | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or make_embedder(settings.embedder)
        self.progress = progress or _no_progress
        self.store = Store(Path(settings.data_dir) / "plans.db")
        self._ensure_embedding_table()
        self.documents: dict[str, Document] = {}
        self.segments: list[Segment] = []
        self.by_id: dict[str, Segment] = {}
        self.position: dict[str, int] = {}  # segment id -> row in self.segments
        self.facts: list[Fact] = []
        self.bm25: BM25Index | None = None
        self.dense: DenseIndex | None = None

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None,
             progress: Progress | None = None, sync: bool = True) -> Index:
        idx = cls(settings, embedder, progress)
        if sync:
            idx.ingest(plan_files(settings.plans), skip_errors=True, sync=True)
        else:
            idx.reload()
        return idx

    # ---- ingest --------------------------------------------------------------------
    def ingest(self, paths: Iterable[Path], skip_errors: bool = False,
               sync: bool = False) -> list[IngestReport]:
        """Add or replace plans; unchanged files are skipped. Reloads the search indexes.

        A file of a plan already loaded from another file (same number and locality: the
        DOCX of a plan first read as OCR text) replaces that file's version. `sync` (the
        plans folder read at start) leaves out the files replaced that way, so the two
        versions do not replace each other on every start; naming such a file explicitly
        brings it back. A new version of the reading code re-reads every plan.
        """
        reports: list[IngestReport] = []
        version = pipeline_version()
        self._force = self.store.get_state("pipeline") != version
        paths = list(paths)
        for p in self.progress(paths, len(paths), "Đọc kế hoạch"):
            reports.append(self._ingest_one(Path(p), sync))
            if reports[-1].status == "error" and not skip_errors:
                log.warning("ingest failed: %s", reports[-1].message)
        self.store.set_state("pipeline", version)
        self._force = False
        self.reload()
        return reports

    def _ingest_one(self, path: Path, sync: bool = False) -> IngestReport:
        resolved = str(path.resolve())
        try:
            data_hash = sha256_bytes(path.read_bytes())
        except OSError as exc:
            return IngestReport(str(path), "error", message=f"Không đọc được «{path.name}»: {exc}")
        replaced = self.store.superseded(resolved) if sync else None
        if replaced is not None and replaced["sha256"] == data_hash:
            live = next((d for d in self.store.documents() if d.id == replaced["by_doc"]), None)
            return IngestReport(str(path), "superseded", live, message=(
                f"«{path.name}» đã được thay bằng «{Path(live.path).name if live else '?'}» "
                "của cùng kế hoạch; giữ bản đó."))
        old = self.store.document_by_path(resolved)
        if old is not None and old.sha256 == data_hash and not getattr(self, "_force", False):
            return IngestReport(str(path), "unchanged", old,
                                message=f"«{path.name}» không đổi, giữ nguyên chỉ mục.")
        started = time.perf_counter()
        try:
            plan: ParsedPlan = read_plan(path)
        except LoadError as exc:
            return IngestReport(str(path), "error", message=str(exc))
        except Exception as exc:  # one unreadable plan never stops the others
            log.exception("reading %s failed", path)
            return IngestReport(str(path), "error", message=(
                f"Không phân tích được tệp «{path.name}»: {type(exc).__name__}: {exc}"))
        twins = [d for d in self.store.documents() if _same_plan(d, plan.document)]
        try:  # one transaction: the old version stays whole if this fails
            self.store.replace_document(plan.document, plan.segments, plan.facts, twins)
        except sqlite3.DatabaseError as exc:
            return IngestReport(str(path), "error", message=(
                f"Không ghi được «{path.name}» vào chỉ mục: {exc}; bản cũ được giữ nguyên."))
        note = "; ".join(f"thay bản «{Path(t.path).name}» của cùng kế hoạch" for t in twins)
        return IngestReport(str(path), "updated" if old or twins else "added", plan.document,
                            len(plan.segments), len(plan.facts), message=note,
                            warnings=plan.warnings, seconds=time.perf_counter() - started)

    def remove(self, doc_id: str) -> None:
        """Drop a plan; files it had replaced come back at the next sync."""
        self.store.delete_document(doc_id)
        self.reload()

    # ---- loading the search structures ------------------------------------------------
    def reload(self) -> None:
        self.documents = {d.id: d for d in self.store.documents()}
        self.segments = self.store.segments()
        self.by_id = {s.id: s for s in self.segments}
        self.position = {s.id: i for i, s in enumerate(self.segments)}
        self.facts = self.store.facts()
        self.bm25 = BM25Index([s.search for s in self.segments])
        self.dense = self._dense()

    def _fingerprint(self) -> str:
        h = hashlib.sha256(self.embedder.name.encode())
        for s in self.segments:
            h.update(s.id.encode())
        return h.hexdigest()

    def _dense(self) -> DenseIndex:
        directory = Path(self.settings.data_dir)
        fp = self._fingerprint() + ":" + self.settings.faiss_index
        saved = DenseIndex.load(directory, fp)
        if saved is not None:
            return saved
        vectors = self._vectors([s.id for s in self.segments],
                                [s.search for s in self.segments])
        index = DenseIndex.build(vectors, [s.id for s in self.segments],
                                 self.settings.faiss_index)
        index.save(directory, fp)
        return index

    # ---- embedding cache ---------------------------------------------------------------
    def _ensure_embedding_table(self) -> None:
        db = self.store.db
        if "embeddings" not in db.table_names():
            db["embeddings"].create({"segment_id": str, "model": str, "vec": bytes},
                                    pk=("segment_id", "model"))

    def _vectors(self, ids: list[str], texts: list[str]) -> np.ndarray:
        model = self.embedder.name
        have: dict[str, np.ndarray] = {}
        for r in self.store.db.query("select segment_id, vec from embeddings where model = ?",
                                     [model]):
            have[r["segment_id"]] = np.frombuffer(r["vec"], dtype=np.float32)
        # cached by what was embedded, not by segment id: a changed search form re-embeds
        keys = [content_id(model, t) for t in texts]
        missing = [(k, t) for k, t in zip(keys, texts, strict=True) if k not in have]
        if missing:
            batch = 64
            chunks = [missing[i:i + batch] for i in range(0, len(missing), batch)]
            for chunk in self.progress(chunks, len(chunks), "Tính vector ngữ nghĩa"):
                vecs = self.embedder.embed_passages([t for _, t in chunk])
                rows = [{"segment_id": sid, "model": model, "vec": v.astype(np.float32)
                         .tobytes()} for (sid, _), v in zip(chunk, vecs, strict=True)]
                try:
                    with self.store.db.conn:
                        self.store.db["embeddings"].insert_all(rows, replace=True)
                except sqlite3.DatabaseError as exc:
                    log.warning("embedding cache not written: %s", exc)
                for (sid, _), v in zip(chunk, vecs, strict=True):
                    have[sid] = v
        if not ids:
            return np.zeros((0, self.embedder.dim), dtype=np.float32)
        return np.vstack([have[k] for k in keys]).astype(np.float32)
