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
from retrieval.embed import FakeEmbedder
from retrieval.index import Index
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
    vecs = FakeEmbedder().embed_passages([s.search for s in index.segments])
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


def test_changed_plan_is_updated(tmp_path) -> None:
    src = tmp_path / "plans"
    src.mkdir()
    dst = src / plan_path("an_hao").name
    dst.write_bytes(plan_path("an_hao").read_bytes())
    settings = Settings(data_dir=tmp_path / "data", embedder="fake", plans=[src])
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
    assert idx.segments == [] and idx.documents == {}
