"""Hybrid search checked against a brute-force reference; filters, typos, index reuse."""

from __future__ import annotations

import math
import os
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from conftest import PLANS_DIR, plan_path

from corpus.normalize import fold, search_form, words
from corpus.version import reader_version
from retrieval.embed import FakeEmbedder
from retrieval.index import Index, embedding_text
from retrieval.lexical import terms
from retrieval.search import hybrid_search
from retrieval.settings import Settings

WEIGHT = 0.55
K1, B = 1.2, 0.75


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("index")


@pytest.fixture(scope="module")
def index(data_dir) -> Index:
    return Index.open(Settings(data_dir=data_dir, embedder="fake", plans=[PLANS_DIR]))


@pytest.fixture(scope="module")
def reference(index):
    """Independent per-segment data: term counts, lengths, FakeEmbedder vectors."""
    docs = [Counter(terms(s.search)) for s in index.segments]
    # the dense side embeds what a reader sees (the reading copy), the lexical side the search form
    vecs = FakeEmbedder().embed_passages([embedding_text(s) for s in index.segments])
    return docs, vecs


def _bm25_reference(docs: list[Counter], qterms: list[str]) -> np.ndarray:
    n = len(docs)
    lengths = [sum(d.values()) for d in docs]
    avgdl = sum(lengths) / n
    out = np.zeros(n)
    for t in qterms:
        df = sum(1 for d in docs if t in d)
        if df == 0:
            continue
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        for i, d in enumerate(docs):
            tf = d.get(t, 0)
            if tf:
                out[i] += idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * lengths[i] / avgdl))
    return out


def _minmax(x: np.ndarray, mask: np.ndarray) -> np.ndarray:
    out = np.zeros_like(x)
    if not mask.any():
        return out
    lo, hi = x[mask].min(), x[mask].max()
    if hi - lo < 1e-9:
        out[mask] = 1.0 if hi > 0 else 0.0
    else:
        out[mask] = (x[mask] - lo) / (hi - lo)
    return out


def _reference_scores(index, reference, query: str, mask: np.ndarray) -> np.ndarray:
    docs, vecs = reference
    lex = _bm25_reference(docs, terms(query))
    qvec = FakeEmbedder().embed_query(query)
    dense = np.array([float(np.dot(v, qvec)) for v in vecs])
    fused = WEIGHT * _minmax(lex, mask) + (1 - WEIGHT) * _minmax(dense, mask & (dense != 0))
    return np.where(mask, fused, -np.inf)


QUERIES = [
    "bao cao dinh ky 6 thang",
    "ho so suc khoe dien tu",
    "thanh lap ban chi dao",
    "co quan chu tri van phong dang uy",
    "ty le dich vu cong truc tuyen toan trinh",
    "phong van hoa - xa hoi tham muu",
    "nghi quyet so 57-nq/tw",
    "kinh phi ngan sach khoa hoc cong nghe",
]


@pytest.mark.parametrize("question", QUERIES)
def test_hybrid_top10_matches_brute_force(index, reference, question: str) -> None:
    query = search_form(question)
    vocab = {w for d in reference[0] for w in d}
    # every query word is in the vocabulary, so no typo correction is involved
    assert all(w in vocab or len(w) < 4 or not w.isalpha() for w in words(query))
    n = len(index.segments)
    ref = _reference_scores(index, reference, query, np.ones(n, dtype=bool))
    hits = hybrid_search(index, query, FakeEmbedder().embed_query(query), k=10,
                         weight=WEIGHT)
    assert len(hits) == 10
    pos = {s.id: i for i, s in enumerate(index.segments)}
    got = [pos[h.segment.id] for h in hits]
    order = np.argsort(-ref, kind="stable")
    tenth = ref[order[9]]
    tol = 1e-4
    for h, i in zip(hits, got, strict=True):
        assert h.score == pytest.approx(ref[i], abs=tol)
        assert ref[i] >= tenth - tol  # in the reference top 10, up to ties
    scores = [ref[i] for i in got]
    assert all(a >= b - tol for a, b in zip(scores, scores[1:], strict=False))
    # away from ties, the id lists are identical
    clear = [i for i in order[:10] if abs(ref[i] - tenth) > tol]
    assert set(clear) <= set(got)
    if abs(ref[order[9]] - ref[order[10]]) > tol:
        assert set(got) == set(order[:10].tolist())


def test_lexical_scores_match_reference(index, reference) -> None:
    query = search_form("bao cao dinh ky 6 thang")
    ref = _bm25_reference(reference[0], terms(query))
    got = index.bm25.scores(query)
    np.testing.assert_allclose(got, ref, rtol=1e-4, atol=1e-4)


def test_doc_ids_filter(index) -> None:
    docs = {fold(d.meta.locality): d.id for d in index.documents.values()}
    allowed = [docs["loc tan"], docs["an hao"]]
    query = search_form("bao cao dinh ky 6 thang")
    hits = hybrid_search(index, query, FakeEmbedder().embed_query(query), doc_ids=allowed,
                         k=50)
    assert len(hits) == 50
    assert {h.segment.doc_id for h in hits} <= set(allowed)
    assert {h.segment.doc_id for h in hits} == set(allowed)
    top = hybrid_search(index, query, FakeEmbedder().embed_query(query),
                        doc_ids=[docs["loc tan"]], k=1)[0]
    assert top.segment.line_start == 395  # Lộc Tân's "định kỳ 6 tháng (trước ngày 15/6)"


def test_typo_tolerance(index) -> None:
    tran_lieu = next(d.id for d in index.documents.values() if d.meta.locality == "Trần Liễu")
    assert index.bm25.query_terms("tran leiu")[:2] == ["tran", "lieu"]
    for q in ("tran leiu", "tran lieu"):
        hits = hybrid_search(index, q, FakeEmbedder().embed_query(q), k=5)
        assert [h.segment.doc_id for h in hits[:4]] == [tran_lieu] * 4
        assert hits[0].lexical > 0


def test_lexical_only_and_rrf(index) -> None:
    query = search_form("thanh lap ban chi dao")
    lex_only = hybrid_search(index, query, None, k=5)
    assert lex_only and all(h.dense == 0 for h in lex_only)
    assert "thanh lap ban chi dao" in lex_only[0].segment.search
    rrf = hybrid_search(index, query, FakeEmbedder().embed_query(query), k=5, fusion="rrf")
    assert len(rrf) == 5
    assert rrf[0].score >= rrf[-1].score


def test_reopen_reuses_saved_faiss_and_skips_unchanged(index, data_dir) -> None:
    faiss_file = data_dir / "dense.faiss"
    assert faiss_file.exists()
    before = os.stat(faiss_file).st_mtime_ns
    again = Index.open(Settings(data_dir=data_dir, embedder="fake", plans=[PLANS_DIR]))
    assert os.stat(faiss_file).st_mtime_ns == before
    assert [s.id for s in again.segments] == [s.id for s in index.segments]
    assert again.dense.ids == index.dense.ids
    reports = again.ingest([plan_path("loc_tan")])
    assert [r.status for r in reports] == ["unchanged"]
    assert os.stat(faiss_file).st_mtime_ns == before
    assert len(again.documents) == 5


def _copy_plan(folder: Path) -> Path:
    """A copy of one bundled plan in `folder` (made if missing)."""
    folder.mkdir(exist_ok=True)
    dst = folder / plan_path("an_hao").name
    dst.write_bytes(plan_path("an_hao").read_bytes())
    return dst


def test_changed_plan_is_updated(tmp_path) -> None:
    dst = _copy_plan(tmp_path / "plans")
    settings = Settings(data_dir=tmp_path / "data", embedder="fake", plans=[tmp_path / "plans"])
    idx = Index.open(settings)
    n = len(idx.segments)
    assert len(idx.documents) == 1
    dst.write_text(dst.read_text(encoding="utf-8") + "\n\n9. Nhiem vu moi bo sung.\n",
                   encoding="utf-8")
    reports = idx.ingest([dst])
    assert [r.status for r in reports] == ["updated"]
    assert len(idx.documents) == 1
    assert len(idx.segments) == n + 1
    assert len(idx.dense.ids) == n + 1
    idx.remove(next(iter(idx.documents)))
    assert len(idx.segments) == 0 and idx.documents == {}


def test_a_plan_read_by_another_reader_version_is_read_again(tmp_path) -> None:
    """Facts and segments are parsed at ingest: after the reader's code changes, an unchanged
    file is read again instead of answering from what the old code read."""
    dst = _copy_plan(tmp_path / "plans")
    settings = Settings(data_dir=tmp_path / "data", embedder="fake", plans=[tmp_path / "plans"])
    idx = Index.open(settings)
    doc_id = next(iter(idx.documents))
    assert idx.store.reader_of(doc_id) == reader_version()
    assert [r.status for r in idx.ingest([dst])] == ["unchanged"]
    # a data directory written by another version of the reader
    with idx.store.transaction():
        idx.store.db.execute("update documents set reader = 'older' where id = ?", [doc_id])
    again = Index.open(settings)
    assert again.store.reader_of(doc_id) == reader_version()
    assert len(again.documents) == 1 and len(again.segments) == len(idx.segments)
    assert [r.status for r in again.ingest([dst])] == ["unchanged"]


def test_a_plan_loaded_from_elsewhere_is_read_again_by_a_new_reader(tmp_path) -> None:
    """A plan ingested by path (an upload, `ingest FILE`), not from the plans folder, is read
    again at the next start when an older reader parsed it."""
    (tmp_path / "plans").mkdir()
    dst = _copy_plan(tmp_path / "elsewhere")
    settings = Settings(data_dir=tmp_path / "data", embedder="fake", plans=[tmp_path / "plans"])
    idx = Index.open(settings)
    assert [r.status for r in idx.ingest([dst])] == ["added"]
    doc_id = next(iter(idx.documents))
    with idx.store.transaction():
        idx.store.db.execute("update documents set reader = 'older' where id = ?", [doc_id])
    assert idx.store.paths_read_by_other(reader_version()) == [str(dst.resolve())]
    again = Index.open(settings)
    assert again.store.paths_read_by_other(reader_version()) == []
    assert len(again.documents) == 1 and len(again.segments) == len(idx.segments)


# ---- scale: plan filter, incremental add, snapshot, saved BM25 ------------------------------
def test_plan_filter_scores_its_rows_exactly_in_a_large_collection(index, reference,
                                                                  monkeypatch) -> None:
    """Above EXACT_MAX the dense side asks FAISS for a global top 1,000; a plan-filtered
    question must still get a dense score for every row of its plan (brute force)."""
    import retrieval.search as search

    plan = min(index.documents, key=lambda d: len(range(*index.segments.ranges[d])))
    a, b = index.segments.ranges[plan]
    monkeypatch.setattr(search, "EXACT_MAX", b - a)  # the collection now counts as large
    assert len(index.segments) > search.EXACT_MAX
    query = search_form("bao cao dinh ky 6 thang")
    qvec = FakeEmbedder().embed_query(query)
    pos, _, dense = search.score_arrays(index, query, qvec, spans=[(a, b)])
    assert pos.tolist() == list(range(a, b))
    np.testing.assert_allclose(dense, reference[1][a:b] @ qvec, atol=1e-5)
    mask = np.zeros(len(index.segments), dtype=bool)
    mask[a:b] = True
    ref = _reference_scores(index, reference, query, mask)
    hits = hybrid_search(index, query, qvec, doc_ids=[plan], k=10, weight=WEIGHT)
    got = [index.segments.position(h.segment.id) for h in hits]
    assert got == np.argsort(-ref, kind="stable")[:10].tolist()
    for h, i in zip(hits, got, strict=True):
        assert h.score == pytest.approx(ref[i], abs=1e-4)


def test_bm25_extended_and_saved_equal_a_full_build(index, tmp_path, monkeypatch) -> None:
    import retrieval.lexical as lexical

    monkeypatch.setattr(lexical, "_CHUNK_TERMS", 500)  # many chunks, as at 10^6 segments
    texts = [s.search for s in index.segments]
    full = lexical.BM25Index(texts)
    grown = lexical.BM25Index(texts[:300]).extended(texts[300:301]).extended(texts[301:])
    grown.save(tmp_path, "key")
    assert lexical.BM25Index.load(tmp_path, "other") is None
    assert lexical.BM25Index.load(tmp_path, "key", bigrams=False) is None
    loaded = lexical.BM25Index.load(tmp_path, "key")
    for bm in (grown, loaded):
        assert bm.vocab == full.vocab and bm.n == full.n
        for t in full.vocab:
            assert all(np.array_equal(x, y) for x, y in zip(bm.postings(t), full.postings(t),
                                                            strict=True)), t
        for q in QUERIES:
            np.testing.assert_array_equal(bm.scores(search_form(q)), full.scores(search_form(q)))


def test_added_plan_is_appended_as_a_full_rebuild_would_load_it(tmp_path) -> None:
    src = tmp_path / "plans"
    src.mkdir()
    keys = ["an_hao", "loc_tan", "tran_lieu"]
    for key in keys:
        for f in PLANS_DIR.glob(plan_path(key).stem + ".*"):
            (src / f.name).write_bytes(f.read_bytes())
    settings = Settings(data_dir=tmp_path / "data", embedder="fake", plans=[src])
    idx = Index.open(settings)
    mtime = (tmp_path / "data" / "bm25" / "meta.json").stat().st_mtime_ns
    before = len(idx.segments)
    calls: list[str] = []
    real = idx.reload
    idx.reload = lambda: (calls.append("reload"), real())[1]  # type: ignore[method-assign]
    [report] = idx.ingest([plan_path("binh_tan")])
    assert report.status == "added" and calls == []  # appended, not reloaded
    assert len(idx.segments) == before + report.segments == len(idx.dense.ids)
    assert (tmp_path / "data" / "bm25" / "meta.json").stat().st_mtime_ns != mtime
    fresh = Index.open(settings, sync=False)  # another process: loads what was saved
    again = Index(settings)  # and one that builds everything from the store
    again._content_key = lambda segs: "rebuilt"  # type: ignore[method-assign]
    again.reload()
    for other in (fresh, again):
        assert other.segments.ids.tolist() == idx.segments.ids.tolist()
        assert other.segments.ranges == idx.segments.ranges
        assert other.bm25.vocab == idx.bm25.vocab
        np.testing.assert_array_equal(other.bm25.lengths, idx.bm25.lengths)
        for q in QUERIES:
            qvec = FakeEmbedder().embed_query(q)
            assert [h.segment.id for h in hybrid_search(other, q, qvec, k=10)] == \
                [h.segment.id for h in hybrid_search(idx, q, qvec, k=10)]
    # a replaced plan is not appended: its old rows must go, so everything is reloaded
    path = src / plan_path("loc_tan").name
    path.write_text(path.read_text(encoding="utf-8") + "\n\n9. Nhiem vu moi.\n", "utf-8")
    assert [r.status for r in idx.ingest([path])] == ["updated"] and calls == ["reload"]


def test_reload_reads_one_snapshot_while_another_process_replaces_a_plan(tmp_path) -> None:
    """A plan replaced between the read of the plans and that of the segments: the index
    holds either the old version whole or the new one, never segments without their plan."""
    src = tmp_path / "plans"
    src.mkdir()
    path = src / plan_path("an_hao").name
    path.write_bytes(plan_path("an_hao").read_bytes())
    settings = Settings(data_dir=tmp_path / "data", embedder="fake", plans=[src])
    first = set(Index.open(settings).documents)
    reader = Index(settings)
    writer = Index(settings)
    path.write_text(path.read_text(encoding="utf-8") + "\n\n9. Nhiem vu moi.\n", "utf-8")
    real = reader.store.segment_rows
    done: list[bool] = []

    def rows_after_a_commit(*args, **kwargs):
        if not done:
            done.append(writer.ingest([path])[0].status == "updated")
        return real(*args, **kwargs)

    reader.store.segment_rows = rows_after_a_commit  # type: ignore[method-assign]
    reader.reload()
    assert done == [True]
    # the version read first, whole: its plan and its segments (now gone from the store)
    assert set(reader.documents) != set(writer.documents)
    assert {reader.segments.doc_of(i) for i in range(len(reader.segments))} == \
        set(reader.documents)
    assert set(reader.documents) == first
    assert reader.bm25.n == len(reader.segments) == len(reader.dense.ids)


def test_a_segment_deleted_by_another_process_is_skipped(tmp_path) -> None:
    src = tmp_path / "plans"
    src.mkdir()
    for key in ("an_hao", "loc_tan"):
        (src / plan_path(key).name).write_bytes(plan_path(key).read_bytes())
    settings = Settings(data_dir=tmp_path / "data", embedder="fake", plans=[src])
    idx = Index.open(settings)
    gone = next(iter(idx.documents))
    Index(settings).remove(gone)  # another process; idx still holds the old table
    q = search_form("bao cao dinh ky 6 thang")
    hits = hybrid_search(idx, q, FakeEmbedder().embed_query(q), k=20)
    assert hits and all(h.segment.doc_id != gone for h in hits)
    a, _ = idx.segments.ranges[gone]
    assert idx.segments.get(idx.segments.id(a)) is None


def test_an_index_started_with_no_plans_takes_the_first_plans_vectors() -> None:
    from retrieval.dense import DenseIndex

    empty = DenseIndex.build(np.zeros((0, 0), dtype=np.float32), [])
    vecs = np.eye(3, 8, dtype=np.float32)
    empty.add(vecs, ["a", "b", "c"])
    rows, scores = empty.search(vecs[1], 1)
    assert empty.ids == ["a", "b", "c"] and list(rows) == [1] and scores[0] > 0.99
