"""The searchable collection: SQLite store, BM25 and FAISS saved beside it.

`Index.open()` brings the data directory up to date with the plan files it is given:
plans whose content hash is unchanged are left alone, changed ones are re-read and
replaced, and only segments the embedder has not seen are embedded (embeddings are
cached in SQLite by what was embedded and the model), so the first `ask` builds
everything and later runs start in about a second. A new plan is appended to the loaded
BM25 and FAISS indexes; a replaced or removed one reloads them (bench/RESULTS.md).
Segments are held by column (retrieval.segments); their text stays in SQLite."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from corpus import reading
from corpus.loaders import LoadError, sha256_bytes, supported_suffixes
from corpus.models import Document, Fact, content_id
from corpus.normalize import fold
from corpus.pipeline import ParsedPlan, read_plan
from retrieval.dense import DenseIndex, choose_kind
from retrieval.embed import Embedder, make_embedder
from retrieval.lexical import BM25Index
from retrieval.segments import Columns, SegmentTable
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


def _plan_key(doc: Document) -> tuple[str, str] | None:
    """What makes two files one plan: its number and locality, both known."""
    number = fold(doc.meta.number).replace(" ", "")
    return (number, doc.locality_key) if number and doc.locality_key else None


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


def _id_list(segments: SegmentTable) -> list[str]:
    return [segments.id(i) for i in range(len(segments))]


# What the dense index embeds: each segment's reading copy (proper Vietnamese), or its
# text where that is clean; the folded search form stays for BM25.
DENSE_TEXT = "coalesce(nullif(reading, ''), text)"


def pipeline_version() -> str:
    """Fingerprint of the code that turns a file into segments and facts."""
    import corpus

    h = hashlib.sha256()
    root = Path(corpus.__file__).parent
    for f in sorted([*root.rglob("*.py"), *root.glob("data/*.tsv")]):  # reading copy too
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


class Index:
    def __init__(self, settings: Settings, embedder: Embedder | None = None,
                 progress: Progress | None = None) -> None:
        self.settings = settings
        self.embedder = embedder or make_embedder(settings.embedder)
        self.progress = progress or _no_progress
        self.store = Store(Path(settings.data_dir) / "plans.db")
        reading.keep_counts_in(Path(settings.data_dir) / "reading_counts.tsv")
        self._ensure_embedding_table()
        self.documents: dict[str, Document] = {}
        self.segments: SegmentTable = SegmentTable.empty()
        self._facts: list[Fact] | None = []
        self._deletions: str | None = None  # the store's count of deletions when loaded
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
        # the loaded plans by number and locality, read once for the whole batch: reading
        # every document again for each file would make a bulk ingest quadratic
        self._by_plan: dict[tuple[str, str], list[Document]] = {}
        for d in self.store.documents():
            if (key := _plan_key(d)) is not None:
                self._by_plan.setdefault(key, []).append(d)
        version = pipeline_version()
        self._force = self.store.get_state("pipeline") != version
        paths = list(paths)
        for p in self.progress(paths, len(paths), "Đọc kế hoạch"):
            reports.append(self._ingest_one(Path(p), sync))
            if reports[-1].status == "error" and not skip_errors:
                log.warning("ingest failed: %s", reports[-1].message)
        self.store.set_state("pipeline", version)
        force, self._force = self._force, False
        added = any(r.status == "added" for r in reports)
        if force or not added or any(r.status == "updated" for r in reports) or \
                not self._append():
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
            live = self.store.document(replaced["by_doc"])
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
        key = _plan_key(plan.document)
        same = self._by_plan.get(key, []) if key is not None else []
        twins = [d for d in same if d.path != plan.document.path]
        try:  # one transaction: the old version stays whole if this fails
            self.store.replace_document(plan.document, plan.segments, plan.facts, twins)
        except sqlite3.DatabaseError as exc:
            return IngestReport(str(path), "error", message=(
                f"Không ghi được «{path.name}» vào chỉ mục: {exc}; bản cũ được giữ nguyên."))
        # the batch's map follows the store: the file's previous version and the twins are gone
        if old is not None and (old_key := _plan_key(old)) in self._by_plan:
            self._by_plan[old_key] = [d for d in self._by_plan[old_key] if d.path != old.path]
        if key is not None:
            self._by_plan[key] = [plan.document]
        note = "; ".join(f"thay bản «{Path(t.path).name}» của cùng kế hoạch" for t in twins)
        return IngestReport(str(path), "updated" if old or twins else "added", plan.document,
                            len(plan.segments), len(plan.facts), message=note,
                            warnings=plan.warnings, seconds=time.perf_counter() - started)

    def remove(self, doc_id: str) -> None:
        """Drop a plan; files it had replaced come back at the next sync."""
        self.store.delete_document(doc_id)
        self.reload()

    # ---- loading the search structures ------------------------------------------------
    @property
    def facts(self) -> list[Fact]:
        """Facts of the loaded plans, read on first use: at 10,000 plans they are 0.7 GB of
        objects that plain questions never look at (bench/RESULTS.md)."""
        if self._facts is None:
            known = self.documents
            self._facts = [f for f in self.store.facts() if f.doc_id in known]
        return self._facts

    def reload(self) -> None:
        """Read plans, segment columns and BM25 in one snapshot of the store, so that a plan
        replaced by another process meanwhile is seen either whole or not at all."""
        directory = Path(self.settings.data_dir)
        with self.store.snapshot():
            documents = {d.id: d for d in self.store.documents()}
            deletions = self.store.get_state("deletions")
            cols = Columns()
            for row in self.store.segment_rows(Columns.SQL):
                cols.add(*row)
            segments = SegmentTable(cols, self.store.segments_by_id)
            key = self._content_key(segments)
            bm25 = BM25Index.load(directory, key)
            built = bm25 is None
            if bm25 is None:
                bm25 = BM25Index(r[0] for r in self.store.segment_rows("search"))
            fp = self._fingerprint(key)
            dense = DenseIndex.load(directory, fp)
            fresh = None if dense is not None else self._vectors()
        if built:
            bm25.save(directory, key)
        if fresh is not None:
            self._cache_vectors(fresh[1])
            dense = DenseIndex.build(fresh[0], _id_list(segments), self.settings.faiss_index)
            dense.save(directory, fp)
        self._swap(documents, segments, bm25, dense, deletions)

    def _swap(self, documents: dict[str, Document], segments: SegmentTable, bm25: BM25Index,
              dense: DenseIndex | None, deletions: str | None) -> None:
        """Everything a question reads replaced at once, never half of it."""
        self.documents, self.segments, self.bm25, self.dense = documents, segments, bm25, dense
        self._deletions = deletions
        self._facts = None

    def _append(self) -> bool:
        """Add the segments of plans added since the last load to the loaded indexes: BM25
        merged with the new postings, the new vectors added to FAISS, both saved. False,
        without changing anything, when that would not give what a full reload gives: a row
        was deleted (a plan replaced or removed, here or by another process), the reading
        code changed, or the FAISS type chosen for the new size differs."""
        directory, old = Path(self.settings.data_dir), self.segments
        if self.bm25 is None or self.dense is None or len(self.dense.ids) != len(old):
            return False
        with self.store.snapshot():
            if self.store.get_state("deletions") != self._deletions:
                return False
            documents = {d.id: d for d in self.store.documents()}
            cols = Columns()
            for row in self.store.segment_rows(Columns.SQL, after=old.last_rowid):
                cols.add(*row)
            if set(cols.doc_ids) & set(old.ranges) or \
                    choose_kind(len(old) + len(cols.ids), self.settings.faiss_index) \
                    != self.dense.kind:
                return False
            segments = SegmentTable(cols, self.store.segments_by_id, before=old)
            key = self._content_key(segments)
            bm25 = self.bm25.extended(
                r[0] for r in self.store.segment_rows("search", after=old.last_rowid))
            vectors, new = self._vectors(after=old.last_rowid)
        self._cache_vectors(new)
        self.dense.add(vectors, cols.ids)
        self.dense.save(directory, self._fingerprint(key))
        bm25.save(directory, key)
        self._swap(documents, segments, bm25, self.dense, self._deletions)
        return True

    def _content_key(self, segments: SegmentTable) -> str:
        """What the BM25 and dense indexes are built from: the reading code (a new search
        form changes the indexed text while the segment ids, hashes of the original text,
        stay the same) and the segment ids in order (row = segment position)."""
        h = hashlib.sha256((self.store.get_state("pipeline") or "").encode())
        h.update(segments.ids.tobytes())
        return h.hexdigest()

    def _fingerprint(self, key: str) -> str:
        return hashlib.sha256(f"{self.embedder.name}\n{key}".encode()).hexdigest() + ":" + \
            self.settings.faiss_index

    # ---- embedding cache ---------------------------------------------------------------
    def _ensure_embedding_table(self) -> None:
        db = self.store.db
        if "embeddings" not in db.table_names():
            db["embeddings"].create({"segment_id": str, "model": str, "vec": bytes},
                                    pk=("segment_id", "model"))

    def _vectors(self, after: int = 0) -> tuple[np.ndarray, list[tuple[str, np.ndarray]]]:
        """The vectors of the segments (added after rowid `after`), in table order: cached
        ones read from SQLite straight into one matrix, missing ones embedded (cached by what
        was embedded, not by segment id: a changed search form re-embeds). Returns the matrix
        and the new (key, vector)s to cache."""
        model = self.embedder.name
        keys = [content_id(model, r[0]) for r in self.store.segment_rows(DENSE_TEXT, after)]
        first: dict[str, int] = {}
        for i, k in enumerate(keys):
            first.setdefault(k, i)
        out = np.zeros((len(keys), self.embedder.dim), dtype=np.float32)
        done = np.zeros(len(keys), dtype=bool)
        for key, vec in self._cached(list(first), whole=after == 0):
            i = first.get(key)
            if i is not None:
                out[i] = np.frombuffer(vec, dtype=np.float32)
                done[i] = True
        # the same text twice (a clause repeated word for word) has one vector
        again = np.array([i for i, k in enumerate(keys) if first[k] != i], dtype=np.int64)
        source = np.array([first[keys[i]] for i in again], dtype=np.int64)
        done[again] = True
        missing = np.flatnonzero(~done)
        new: list[tuple[str, np.ndarray]] = []
        batches = [missing[i:i + 64] for i in range(0, len(missing), 64)]
        texts = self._texts_at(missing, after)
        for batch in self.progress(batches, len(batches), "Tính vector ngữ nghĩa"):
            vecs = self.embedder.embed_passages([next(texts) for _ in batch])
            out[batch] = vecs
            new += [(keys[i], v) for i, v in zip(batch, vecs, strict=True)]
        out[again] = out[source]
        return out, new

    def _cached(self, keys: list[str], whole: bool) -> Iterator[tuple[str, bytes]]:
        """Cached (key, vector) rows: the whole cache streamed for a full build, looked up
        by key for the few segments of an added plan."""
        sql = "select segment_id, vec from embeddings where model = ?"
        if whole:
            yield from self.store.db.conn.execute(sql, [self.embedder.name])
            return
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            yield from self.store.db.conn.execute(
                sql + f" and segment_id in ({','.join('?' * len(chunk))})",
                [self.embedder.name, *chunk])

    def _texts_at(self, positions: np.ndarray, after: int = 0) -> Iterator[str]:
        """Search forms of the segments at these (ascending) positions, streamed."""
        want = set(positions.tolist())
        return (r[0] for i, r in enumerate(self.store.segment_rows(DENSE_TEXT, after))
                if i in want)

    def _cache_vectors(self, new: list[tuple[str, np.ndarray]]) -> None:
        model = self.embedder.name
        for i in range(0, len(new), 512):
            rows = [{"segment_id": k, "model": model, "vec": v.astype(np.float32).tobytes()}
                    for k, v in new[i:i + 512]]
            try:
                with self.store.db.conn:
                    self.store.db["embeddings"].insert_all(rows, replace=True)
            except sqlite3.DatabaseError as exc:
                log.warning("embedding cache not written: %s", exc)
                return
