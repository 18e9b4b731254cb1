"""Documents, segments, facts and their embeddings in SQLite (through sqlite-utils).

Re-ingesting a plan replaces its rows in one transaction: a document is keyed by its
source path, so a changed file swaps its old segments and facts for the new ones and an
unchanged file (same content hash) is left alone. The plan's vectors are written in the
same transaction, so a plan is never stored without them (a crash mid-ingest leaves
nothing to embed at the next start), and every such commit raises a generation counter
that other processes read to notice new plans cheaply.

Threads: writes go through one connection, one transaction at a time (a lock); reads go
through a connection of the reading thread, so a question never reads inside the writer's
open transaction and many threads read at once (WAL).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import sqlite_utils

from corpus.models import Document, Fact, PlanMeta, Segment
from retrieval.fact_words import FactWords, read_fact_words


class StoreError(Exception):
    """The store cannot be opened or read; the message is Vietnamese."""


TABLES = {"documents", "segments", "facts", "state", "superseded", "embeddings"}


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")  # readers keep going while ingest writes
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


class Store:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._write_lock = threading.RLock()  # one transaction at a time on `db`
        self._local = threading.local()  # each thread's read connection
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite_utils.Database(_connect(self.path))
            self._ensure_schema()
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"Không mở được cơ sở dữ liệu «{self.path}»: {exc}. Hãy xóa thư mục dữ liệu "
                "và chạy lại để lập chỉ mục mới."
            ) from exc

    @property
    def reader(self) -> sqlite_utils.Database:
        """This thread's read connection (opened on first use): reads never share the
        writer's connection, whose open transaction they would see half of, and whose
        statements a commit from another thread would cut off."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = sqlite_utils.Database(_connect(self.path))
        return db

    def _ensure_schema(self) -> None:
        if set(self.db.table_names()) >= TABLES:
            if "reading" not in self.db["segments"].columns_dict:  # an older data directory
                with self.transaction():
                    if "reading" not in self.db["segments"].columns_dict:
                        self.db["segments"].add_column("reading", str)
            if "reader" not in self.db["documents"].columns_dict:  # before reader versions
                with self.transaction():
                    if "reader" not in self.db["documents"].columns_dict:
                        self.db["documents"].add_column("reader", str)
            if "words" not in self.db["facts"].columns_dict:  # facts stored before their words
                with self.transaction():
                    if "words" not in self.db["facts"].columns_dict:
                        self._add_fact_words()
            return
        # two processes opening a new data directory at once: one creates, the other waits
        # for the write lock and then finds the tables there
        with self.transaction():
            self._create_tables()

    def _create_tables(self) -> None:
        db = self.db
        if "documents" not in db.table_names():
            db["documents"].create(
                {"id": str, "path": str, "sha256": str, "format": str, "pages": int,
                 "page_estimated": int, "meta": str, "reader": str},
                pk="id",
            )
            db["documents"].create_index(["path"], unique=True)
        if "segments" not in db.table_names():
            db["segments"].create(
                {"id": str, "doc_id": str, "ord": int, "kind": str, "text": str, "search": str,
                 "heading_path": str, "page": int, "line_start": int, "line_end": int,
                 "table_header": str, "grp": str, "reading": str},
                pk="id",
            )
            db["segments"].create_index(["doc_id"])
        if "facts" not in db.table_names():
            db["facts"].create({"id": str, "doc_id": str, "segment_id": str, "kind": str,
                                "data": str, "words": str}, pk="id")
            db["facts"].create_index(["doc_id"])
        if "state" not in db.table_names():
            db["state"].create({"key": str, "value": str}, pk="key")
        if "superseded" not in db.table_names():
            # files of a plan that another file of the same plan replaced (a DOCX in place
            # of the OCR text): the sync of a plans folder must not bring them back
            db["superseded"].create({"path": str, "sha256": str, "by_doc": str}, pk="path")
        if "embeddings" not in db.table_names():
            # keyed by what was embedded and the model, not by segment: a changed text
            # is embedded again, the same text in another plan is not
            db["embeddings"].create({"segment_id": str, "model": str, "vec": bytes},
                                    pk=("segment_id", "model"))

    # ---- writes -------------------------------------------------------------------
    def replace_document(self, doc: Document, segments: list[Segment],
                         facts: Iterable[Fact] = (), supersede: Iterable[Document] = (),
                         vectors: Iterable[tuple[str, str, bytes]] = (),
                         reader: str = "") -> None:
        """Put one plan in place of any earlier version of the same file, and of the
        `supersede` documents (other files of the same plan), atomically, with the
        (key, model, vector) rows of its segments not cached yet. `reader` is the version
        of the reader that parsed it (`corpus.version`)."""
        # the facts' words are read before the write lock is taken: readers and other
        # writers wait only for the rows
        title = doc.meta.title
        fact_rows = [{"id": f.id, "doc_id": f.doc_id, "segment_id": f.segment_id,
                      "kind": f.kind, "data": f.model_dump_json(),
                      "words": read_fact_words(f, title).dumps()} for f in facts]
        with self.transaction():
            old = [r["id"] for r in self.db.query(
                "select id from documents where path = ? or id = ?", [doc.path, doc.id])]
            for doc_id in old:
                self._delete_rows(doc_id)
            for twin in supersede:
                self._delete_rows(twin.id)
                self.db["superseded"].insert({"path": twin.path, "sha256": twin.sha256,
                                              "by_doc": doc.id}, replace=True)
            self.db.execute("delete from superseded where path = ?", [doc.path])
            self.db["documents"].insert(
                {"id": doc.id, "path": doc.path, "sha256": doc.sha256, "format": doc.format,
                 "pages": doc.pages, "page_estimated": int(doc.page_estimated),
                 "meta": doc.meta.model_dump_json(), "reader": reader},
            )
            self.db["segments"].insert_all(
                ({"id": s.id, "doc_id": s.doc_id, "ord": s.order, "kind": s.kind,
                  "text": s.text, "search": s.search,
                  "heading_path": json.dumps(s.heading_path, ensure_ascii=False),
                  "page": s.page, "line_start": s.line_start, "line_end": s.line_end,
                  "table_header": s.table_header, "grp": s.group, "reading": s.reading}
                 for s in segments),
                replace=True,
            )
            self.db["facts"].insert_all(fact_rows, replace=True)
            self._put_vectors(vectors)
            self._bump_generation()

    def put_vectors(self, rows: Iterable[tuple[str, str, bytes]]) -> None:
        """Cache (key, model, vector) rows, in one transaction."""
        with self.transaction():
            self._put_vectors(rows)

    def _put_vectors(self, rows: Iterable[tuple[str, str, bytes]]) -> None:
        self.db.conn.executemany(
            "insert or replace into embeddings (segment_id, model, vec) values (?, ?, ?)", rows)

    def vectors(self, model: str, keys: list[str] | None = None
                ) -> Iterator[tuple[str, bytes]]:
        """Cached (key, vector) rows of the model: all of them, or those of these keys."""
        sql = "select segment_id, vec from embeddings where model = ?"
        if keys is None:
            yield from self.reader.conn.execute(sql, [model])
            return
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            yield from self.reader.conn.execute(
                sql + f" and segment_id in ({','.join('?' * len(chunk))})", [model, *chunk])

    def _bump_generation(self) -> None:
        # read before every answer by every process holding the index (Index.refresh)
        self.db.execute("insert into state (key, value) values ('generation', '1') on "
                        "conflict (key) do update set value = cast(value as integer) + 1")

    def generation(self) -> str:
        """A value that changes with every committed change of the plans: one indexed read."""
        return self.get_state("generation") or "0"

    def _delete_rows(self, doc_id: str) -> None:
        for table in ("segments", "facts"):
            self.db.execute(f"delete from {table} where doc_id = ?", [doc_id])
        self.db.execute("delete from documents where id = ?", [doc_id])
        # counted, so that a reader knows whether the rows it holds are all still there and
        # it may just append the rows added since (Index.ingest)
        self.db.execute("insert into state (key, value) values ('deletions', '1') on conflict "
                        "(key) do update set value = cast(value as integer) + 1")

    def superseded(self, path: str) -> dict | None:
        """The record of a file another file of the same plan replaced, if any."""
        rows = list(self.reader.query("select * from superseded where path = ?", [path]))
        return rows[0] if rows else None

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction around several writes. `with conn:` is not one: it never begins a
        transaction, and sqlite-utils commits each write it makes outside of one, so a crash
        between the writes would leave a plan half replaced. Nested writes (sqlite-utils'
        own) become savepoints inside it.

        It begins IMMEDIATE: the write lock is taken first, waiting up to busy_timeout for
        another writer. A deferred BEGIN reads first and must then upgrade to a writer, which
        SQLite refuses at once with "database is locked" when another process committed in
        between (tests/test_robustness.py drives exactly that)."""
        with self._write_lock:
            conn = self.db.conn
            if conn.in_transaction:
                with self.db.atomic():
                    yield
                return
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                if conn.in_transaction:
                    conn.rollback()
                raise
            try:
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.rollback()
                raise

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """Several reads that see one state of the database, even while another process
        replaces a plan: documents, segments and facts read inside agree with each other.
        It holds for this thread's reads (each thread reads through its own connection)."""
        conn = self.reader.conn
        if conn.in_transaction:
            yield
            return
        conn.execute("BEGIN")
        try:
            yield
        finally:
            if conn.in_transaction:
                conn.execute("COMMIT")

    def delete_document(self, doc_id: str) -> None:
        with self.transaction():
            self._delete_rows(doc_id)
            # the files it replaced may come back (the next sync reads them again)
            self.db.execute("delete from superseded where by_doc = ?", [doc_id])
            self._bump_generation()

    def set_state(self, key: str, value: str) -> None:
        with self.transaction():
            self.db["state"].upsert({"key": key, "value": value}, pk="key")

    def get_state(self, key: str) -> str | None:
        rows = list(self.reader.query("select value from state where key = ?", [key]))
        return rows[0]["value"] if rows else None

    # ---- reads --------------------------------------------------------------------
    def documents(self) -> list[Document]:
        return [self._doc(r) for r in self.reader.query("select * from documents order by path")]

    def document(self, doc_id: str) -> Document | None:
        rows = list(self.reader.query("select * from documents where id = ?", [doc_id]))
        return self._doc(rows[0]) if rows else None

    def reader_of(self, doc_id: str) -> str:
        """The version of the reader that parsed a stored plan ("" before versions)."""
        rows = list(self.reader.query("select reader from documents where id = ?", [doc_id]))
        return (rows[0]["reader"] or "") if rows else ""

    def paths_read_by_other(self, reader: str) -> list[str]:
        """Files of the stored plans that another version of the reader parsed."""
        return [r["path"] for r in self.reader.query(
            "select path from documents where coalesce(reader, '') != ?", [reader])]

    def document_by_path(self, path: str) -> Document | None:
        rows = list(self.reader.query("select * from documents where path = ?", [path]))
        return self._doc(rows[0]) if rows else None

    @staticmethod
    def _doc(r: dict) -> Document:
        return Document(id=r["id"], path=r["path"], sha256=r["sha256"], format=r["format"],
                        pages=r["pages"], page_estimated=bool(r["page_estimated"]),
                        meta=PlanMeta.model_validate_json(r["meta"]))

    def segments(self, doc_id: str | None = None) -> list[Segment]:
        sql = "select * from segments"
        args: list[str] = []
        if doc_id:
            sql += " where doc_id = ?"
            args.append(doc_id)
        sql += " order by doc_id, ord"
        return [self._seg(r) for r in self.reader.query(sql, args)]

    def segment_rows(self, columns: str, after: int = 0) -> Iterator[tuple]:
        """Rows of the segments as tuples, streamed in the order plans were added (a plan's
        segments are written together, so each plan is one run of rows and a new plan comes
        last), without building a `Segment` each; `after` a rowid, only those added since."""
        yield from self.reader.conn.execute(
            f"select {columns} from segments where rowid > ? order by rowid", [after])

    def segments_by_id(self, ids: list[str]) -> list[Segment]:
        """The segments with these ids that are still stored (any order)."""
        out: list[Segment] = []
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            marks = ",".join("?" * len(chunk))
            out += [self._seg(r) for r in self.reader.query(
                f"select * from segments where id in ({marks})", chunk)]
        return out

    @staticmethod
    def _seg(r: dict) -> Segment:
        return Segment(id=r["id"], doc_id=r["doc_id"], order=r["ord"], kind=r["kind"],
                       text=r["text"], search=r["search"],
                       heading_path=json.loads(r["heading_path"] or "[]"), page=r["page"],
                       line_start=r["line_start"], line_end=r["line_end"],
                       table_header=r["table_header"], group=r["grp"],
                       reading=r.get("reading") or "")

    def facts(self, doc_id: str | None = None, kind: str | None = None) -> list[Fact]:
        sql, args = "select data from facts where 1=1", []
        if doc_id:
            sql += " and doc_id = ?"
            args.append(doc_id)
        if kind:
            sql += " and kind = ?"
            args.append(kind)
        return [Fact.model_validate_json(r["data"]) for r in self.reader.query(sql, args)]

    def facts_with_words(self) -> list[tuple[Fact, FactWords | None]]:
        """Every fact with its words in search form, as read at ingest (None for a row
        written without them)."""
        return [(Fact.model_validate_json(r["data"]),
                 FactWords.loads(r["words"]) if r["words"] else None)
                for r in self.reader.query("select data, words from facts")]

    def _add_fact_words(self) -> None:
        """Migrate a data directory whose facts were stored without their words: read them
        once now (a few ms per plan), not at every question."""
        self.db["facts"].add_column("words", str)
        titles = {r["id"]: PlanMeta.model_validate_json(r["meta"]).title
                  for r in self.db.query("select id, meta from documents")}
        rows = [(read_fact_words(f, titles.get(f.doc_id, "")).dumps(), f.id)
                for f in (Fact.model_validate_json(r["data"])
                          for r in self.db.query("select data from facts"))]
        self.db.conn.executemany("update facts set words = ? where id = ?", rows)

    def counts(self) -> dict[str, int]:
        return {t: self.reader[t].count for t in ("documents", "segments", "facts")}

    def integrity(self) -> str:
        """SQLite's integrity_check: "ok" for an undamaged database."""
        return str(self.reader.conn.execute("pragma integrity_check").fetchone()[0])
