"""SQLite store: replace, not duplicate; delete removes the plan's rows."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from conftest import plan_path

from corpus.pipeline import read_plan
from retrieval.store import Store, StoreError


def test_replace_document_twice_replaces(tmp_path, parsed) -> None:
    store = Store(tmp_path / "plans.db")
    plan = parsed["loc_tan"]
    store.replace_document(plan.document, plan.segments, plan.facts)
    first = store.counts()
    assert first["documents"] == 1
    assert first["segments"] == len(plan.segments)
    store.replace_document(plan.document, plan.segments, plan.facts)
    assert store.counts() == first
    rows = list(store.db.query("select count(*) as n from documents where path = ?",
                               [plan.document.path]))
    assert rows[0]["n"] == 1


def test_round_trip_of_documents_and_segments(tmp_path, parsed) -> None:
    store = Store(tmp_path / "plans.db")
    plan = parsed["binh_tan"]
    store.replace_document(plan.document, plan.segments, plan.facts)
    [doc] = store.documents()
    assert doc == plan.document
    assert store.document_by_path(plan.document.path) == plan.document
    assert store.segments(plan.document.id) == plan.segments
    assert store.document_by_path("/nope.txt") is None


def test_changed_file_at_same_path_swaps_old_rows(tmp_path) -> None:
    path = tmp_path / "xa-loc-tan.txt"
    shutil.copy(plan_path("loc_tan"), path)
    store = Store(tmp_path / "plans.db")
    old = read_plan(path)
    store.replace_document(old.document, old.segments, old.facts)
    # the same file edited: a new content hash, a new document id, the same path
    path.write_text(path.read_text(encoding="utf-8") + "\n\n1. Mot dieu moi them vao.\n",
                    encoding="utf-8")
    new = read_plan(path)
    assert new.document.id != old.document.id
    store.replace_document(new.document, new.segments, new.facts)
    docs = store.documents()
    assert [d.id for d in docs] == [new.document.id]
    assert store.segments(old.document.id) == []
    assert {s.doc_id for s in store.segments()} == {new.document.id}
    assert store.counts()["segments"] == len(new.segments)


def test_delete_document_removes_segments(tmp_path, parsed) -> None:
    store = Store(tmp_path / "plans.db")
    a, b = parsed["loc_tan"], parsed["tran_lieu"]
    store.replace_document(a.document, a.segments, a.facts)
    store.replace_document(b.document, b.segments, b.facts)
    assert store.counts()["documents"] == 2
    store.delete_document(a.document.id)
    assert [d.id for d in store.documents()] == [b.document.id]
    assert store.segments(a.document.id) == []
    assert store.facts(a.document.id) == []
    assert len(store.segments()) == len(b.segments)
    n = list(store.db.query("select count(*) as n from segments where doc_id = ?",
                            [a.document.id]))[0]["n"]
    assert n == 0


def test_store_persists_across_connections(tmp_path, parsed) -> None:
    plan = parsed["an_hao"]
    Store(tmp_path / "plans.db").replace_document(plan.document, plan.segments, plan.facts)
    again = Store(tmp_path / "plans.db")
    assert [d.id for d in again.documents()] == [plan.document.id]
    again.set_state("k", "v")
    assert Store(tmp_path / "plans.db").get_state("k") == "v"
    assert again.get_state("missing") is None
    con = sqlite3.connect(tmp_path / "plans.db")
    assert con.execute("select count(*) from segments").fetchone()[0] == len(plan.segments)
    con.close()


def test_corrupt_database_raises_store_error(tmp_path) -> None:
    bad = tmp_path / "plans.db"
    bad.write_bytes(b"this is not a sqlite database" * 100)
    with pytest.raises(StoreError, match="plans.db"):
        Store(bad)


def test_facts_are_stored_with_their_words_and_an_old_store_gains_them(tmp_path,
                                                                        parsed) -> None:
    from retrieval.fact_words import read_fact_words

    plan = parsed["binh_tan"]
    title = plan.document.meta.title
    want = {f.id: read_fact_words(f, title) for f in plan.facts}
    assert any(w.text and w.context for w in want.values())
    store = Store(tmp_path / "plans.db")
    store.replace_document(plan.document, plan.segments, plan.facts)
    assert {f.id: w for f, w in store.facts_with_words()} == want
    # a data directory from before the words were stored: the column is added and filled
    store.db.execute("alter table facts drop column words")
    store.db.conn.commit()
    assert "words" not in store.db["facts"].columns_dict
    again = Store(tmp_path / "plans.db")
    assert {f.id: w for f, w in again.facts_with_words()} == want
