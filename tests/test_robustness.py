"""Robustness: property tests of the question path, the normaliser and the loaders
(hypothesis), and the SQLite store under concurrent readers while an ingest writes.

Fast enough for the normal suite: the fake embedder, modest example counts, no deadline.
`ROBUSTNESS_EXAMPLES=N` searches harder. The tests marked `robustness` are the hostile-input
tier `.ci/run` runs with 10,000 examples (`-m robustness`): generated questions
(tests/hostile_inputs.py: surrogates, combining floods, bidi marks, controls, emoji,
FTS/SQL metacharacters, HTML/Markdown, 0-20,000 characters) through the engine, the JSON
contract, the bot store and both renderers. Their timing is measured by
bench/robustness.py, not here. The loader properties start a worker process per PDF or
DOCX, so they take at most `LOADER_EXAMPLES` examples.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot import format as fmt
from corpus import normalize as normalize_module
from corpus.loaders import LoadError, load_document
from corpus.models import LoadedDocument
from corpus.normalize import fold, nfc, search_form, strip_marks
from corpus.pipeline import read_plan
from corpus.sanitize import QUESTION_CHARS, clean_question, clean_text
from intents import AnswerEngine
from intents.models import MAX_REPLY_CHARS, Answer, Citation
from retrieval import Settings
from retrieval.store import Store
from tests.hostile_inputs import hostile_question
from tests.test_format import check_telegram, check_zalo

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "corpus" / "plans"
# ROBUSTNESS_EXAMPLES=2000 for a deep run; the normal suite stays fast
EXAMPLES = int(os.environ.get("ROBUSTNESS_EXAMPLES", "40"))
FAST = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
LOADERS = settings(FAST, max_examples=min(EXAMPLES, 300))
TIER = settings(FAST, max_examples=max(EXAMPLES, 100), database=None)


@pytest.fixture(scope="module")
def engine(tmp_path_factory) -> AnswerEngine:
    return AnswerEngine.open(Settings(data_dir=tmp_path_factory.mktemp("robust"),
                                      embedder="fake"))


# ---- the question path -----------------------------------------------------------------------
PHRASES = ["Ai chủ trì", "khi nào phải hoàn thành", "chỉ tiêu năm 2030", "bao nhiêu phần trăm",
           "phường Trần Liễu", "xã Lộc Tân", "Đảng ủy xã Bình Tân", "Kế hoạch 79/KH-UBND",
           "27-KH/ĐU", "số hóa hồ sơ", "chu tri", "tran lieu", "phong tho", "ai ky ke hoach",
           "những việc gì", "Văn phòng Đảng ủy", "6 tháng", "15/6/2025", "95%", "q"]
META = ["'", '"', ";", "--", "*", "(", ")", "NEAR", "OR", "AND", "NOT", "NEAR/3", "MATCH",
        "%", "_", "\\", "/*", "*/", "' OR '1'='1", "'; DROP TABLE segments; --", "^", ":",
        "{", "}", "[", "]", "||", "\"\"", "?", "<b>", "&amp;", "${x}", "%s", "{0}"]
ODD = ["🙂", "👍🏽", "🇻🇳", "👨‍👩‍👧", "\u200d", "\ufe0f", "\x00", "\x07", "\x1b[31m", "\r",
       "\n", "\t", "\u2028", "\u202e", "\ufeff", "\u200b", "\u0301", "\u0323\u0302", "İ",
       "ǅ", "ﬁ", "€", "¢", "٣", "²", "Ⅻ", "𝟗", "ß", "\U0010ffff"]

fragment = st.one_of(
    st.sampled_from(PHRASES),
    st.sampled_from(PHRASES).map(lambda s: unicodedata.normalize("NFD", s)),
    st.sampled_from(META),
    st.sampled_from(ODD),
    st.text(max_size=12),
)
short_question = st.lists(fragment, max_size=30).flatmap(
    lambda parts: st.sampled_from([" ", "", "\n"]).map(lambda sep: sep.join(parts)))
long_question = st.tuples(st.lists(fragment, min_size=1, max_size=6).map(" ".join),
                          st.integers(0, 20_000)).map(
    lambda t: (t[0] * (t[1] // max(1, len(t[0])) + 1))[:t[1]])
near_limit = st.lists(st.sampled_from(PHRASES + META), min_size=60, max_size=200).map(
    lambda parts: " ".join(parts)[:1000])


def _check_reply(a: object) -> None:
    assert isinstance(a, Answer)
    assert isinstance(a.headline, str) and a.headline.strip()
    assert len(a.answer) <= MAX_REPLY_CHARS
    json.dumps(a.contract(), ensure_ascii=False)  # the CLI contract always serialises


@FAST
@given(q=st.one_of(short_question, long_question, near_limit))
@example(q="")
@example(q="' OR 1=1 --")
@example(q='ai chu tri NEAR(so hoa) OR "ho so" * ; --')
@example(q="Ai chủ trì" * 2000)
@example(q=unicodedata.normalize("NFD", "Ai chủ trì số hóa hồ sơ ở phường Trần Liễu?"))
@example(q="\x00" * 50 + "Kế hoạch 79/KH-UBND")
def test_any_question_gets_a_reply(engine, q) -> None:
    _check_reply(engine.ask(q))


# ---- the hostile-input tier (`-m robustness`) -------------------------------------------
@pytest.fixture(scope="module")
def bot_store(tmp_path_factory):
    from bot.storage import BotStore

    return BotStore(tmp_path_factory.mktemp("botstore") / "bot.db")


def _check_everywhere(engine, bot_store, q: str) -> None:
    """One question through everything that handles its text: the engine, the JSON contract
    as `ask --json` prints it, the bot store, and both renderers within their limits."""
    a = engine.ask(q)
    _check_reply(a)
    printed = json.dumps(a.contract(), ensure_ascii=False)
    printed.encode("utf-8")  # what print() writes to a UTF-8 stdout
    assert json.loads(printed)["question"] == a.question
    key = bot_store.save_answer({"question": a.question, "headline": a.headline})
    bot_store.add_feedback(key, a.question, 1, "u")
    assert bot_store.answer(key)["question"] == a.question
    check_telegram(fmt.answer_html(a))
    check_zalo(fmt.answer_text(a, has_more=bool(a.more)))
    if a.more:
        check_telegram(fmt.citations_html(a.more))
        check_zalo(fmt.citations_text(a.more))


@pytest.mark.robustness
@TIER
@given(seed=st.integers(0, 2**64 - 1))
@example(seed=0)
def test_hostile_questions_get_a_reply_everywhere(engine, bot_store, seed) -> None:
    # a seed, not st.randoms(): hypothesis records every draw of st.randoms, and 10,000
    # examples of up to 20,000 characters made its record grow by gigabytes
    _check_everywhere(engine, bot_store, hostile_question(random.Random(seed)))


@pytest.mark.robustness
@pytest.mark.parametrize("q", [
    "\ud800\udfff\udc00 Ai chủ trì?", "a" + "\u0301" * 5000, "Ai" + "\u0336\u0337" * 9000,
    "<b>" * 5000, "**_`[x](y)`_**" * 1000, "\u202e" * 20_000, "\x00" * 20_000, "🙂" * 10_000,
    "'; DROP TABLE segments; --" * 700, "a" * 20_000, "ai chu tri " * 1800, ""])
def test_named_hostile_questions(engine, bot_store, q) -> None:
    _check_everywhere(engine, bot_store, q)


@pytest.mark.robustness
@TIER
@given(headline=st.text(max_size=300), quote=st.text(max_size=5000),
       extra=st.sampled_from(["", "<b>", "&", "🙂" * 3000, "\ud800", "</blockquote>"]))
def test_renderers_on_any_text(headline, quote, extra) -> None:
    """The renderers alone, on any text the engine could pass them (cleaned at the
    boundary, as the engine cleans its input)."""
    h, q = clean_text(headline + extra), clean_text(quote + extra, lines=True)
    a = Answer(question="q", intent="what", found=bool(q), headline=h or "x", answer=h + q,
               citations=[Citation(document=h or "d", section=q[:50], page=1, quote=q)])
    check_telegram(fmt.answer_html(a))
    check_zalo(fmt.answer_text(a))
    check_telegram(fmt.full_text_html(a.citations[0], q or "x"))
    check_telegram(fmt.plain_html(h or "x"))


def test_ask_json_prints_undecodable_arguments(engine) -> None:
    """Bytes that are not UTF-8 reach Python as lone surrogates; `ask --json` still prints
    one JSON object, the question cleaned."""
    out = subprocess.run([sys.executable, str(ROOT / "run_bot.py"), "--data-dir",
                          str(engine.settings.data_dir), "ask", "--json",
                          b"Ai ch\xe1\xbb\xa7 tr\xc3\xac \xed\xa0\x80 \xff?"],
                         capture_output=True, env={**os.environ, "PLAN_EMBEDDER": "fake",
                                                   "PYTHONPATH": str(ROOT)}, timeout=300)
    assert out.returncode == 0, out.stderr.decode("utf-8", "replace")[-2000:]
    reply = json.loads(out.stdout.decode("utf-8"))
    assert reply["question"].startswith("Ai chủ trì") and "\ufffd" in reply["question"]


# ---- the table-driven character passes against their definitions ----------------------------
def _strip_marks_by_definition(text: str) -> str:
    text = unicodedata.normalize("NFD", nfc(text).translate(normalize_module._CHAR_MAP))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFC", text.replace("đ", "d").replace("Đ", "D"))


def _clean_by_definition(text: str, lines: bool) -> str:
    """clean_text spelt out character by character (what the table-driven passes replace)."""
    text = re.sub("[\ud800-\udfff]", "\ufffd", text[:160_000]).replace("\t", " ")
    text = re.sub(r"\r\n?|[\n\v\f\u0085\u2028\u2029]", "\n" if lines else " ", text)
    out, run = [], 0
    for ch in unicodedata.normalize("NFD", text):
        mark = unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me")
        run = run + 1 if mark else 0
        cat = unicodedata.category(ch)
        dropped = (cat == "Cc" and ch != "\n") or (cat == "Cf" and ch not in "\u200c\u200d")
        if run <= 2 and not dropped:
            out.append(ch)
    text = unicodedata.normalize("NFC", "".join(out))
    return re.sub("[ \u00a0\u2000-\u200a\u202f\u205f\u3000]{2,}", " ", text).strip()[:20_000]


any_chars = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF,
                                           blacklist_categories=()), max_size=60)


@FAST
@given(st.one_of(any_chars, short_question))
@example("e\u0301\u0323\u0302\u0303 \u0bc6\u0301\u0bbe \u1100\u1161 İ ǅ ﬁ")
def test_strip_marks_is_its_definition(text) -> None:
    assert strip_marks(text) == _strip_marks_by_definition(text)


@FAST
@given(text=st.one_of(any_chars, short_question), lines=st.booleans())
@example(text="a" + "\u0301" * 9 + "\x00\u202e\u200d\u200b\n\ud800b", lines=True)
def test_clean_text_is_its_definition(text, lines) -> None:
    assert clean_text(text, lines=lines) == _clean_by_definition(text, lines)


@FAST
@given(text=st.one_of(any_chars, short_question, long_question, near_limit))
@example(text="chu tri " * 2500)
@example(text="a" * 400)
def test_a_question_is_cut_to_what_the_engine_reads(text) -> None:
    """At most QUESTION_CHARS, the cleaned message's start, cut only when it is longer;
    over the limit the length is at least the limit + 1 (what the engine refuses)."""
    full = clean_text(text)
    q = clean_question(text, limit=1000)
    assert len(q.text) <= QUESTION_CHARS
    assert full.startswith(q.text)
    assert q.cut == (len(full) > len(q.text))
    if len(full) <= 1000:
        assert q.length == len(full)
        if len(full) <= QUESTION_CHARS:
            assert q.text == full
        else:  # a word is not cut in two unless it is the whole tail
            assert full[len(q.text)] == " " or len(q.text) >= QUESTION_CHARS * 3 // 4
    else:
        assert q.length > 1000


def test_a_long_message_is_answered_from_its_start_and_says_so(engine) -> None:
    asked = "Ai chủ trì số hóa hồ sơ ở phường Trần Liễu?"
    whole = engine.ask(asked)
    a = engine.ask(asked + " xin cảm ơn" * 60)
    assert a.question.startswith(asked) and len(a.question) <= QUESTION_CHARS
    assert a.headline.startswith(whole.headline) and "chỉ đọc" in a.headline
    assert "chỉ đọc" in a.answer and len(a.answer) <= MAX_REPLY_CHARS
    assert [c.quote for c in a.citations] == [c.quote for c in whole.citations]
    assert "chỉ đọc" not in whole.headline


# ---- the normaliser --------------------------------------------------------------------------
any_text = st.one_of(st.text(max_size=200), short_question)
NUMERIC = re.compile(r"\d+(?:[.,/\-]\d+)*%?")
EDGE = re.compile(r"^[^\w%&]+|[^\w%&]+$")


@FAST
@given(any_text)
@example("Pang ty x3 Loc Tan s6 16/KH-UBND ctia")
@example("hd1 d6i 1a 4n")
def test_normal_forms_are_idempotent(text) -> None:
    assert nfc(nfc(text)) == nfc(text)
    assert fold(fold(text)) == fold(text)
    once = search_form(text)
    assert search_form(once) == once


@FAST
@given(any_text)
@example("ngày 15/6/2025, đạt 95% (2030).")
def test_search_form_keeps_every_numeric_token(text) -> None:
    """Dates, years, percentages and plan numbers written as tokens of their own survive
    the OCR repairs (what search_form's docstring promises)."""
    form = search_form(text).split()
    kept = {EDGE.sub("", t) for t in form} | set(form)
    for tok in fold(text).split():
        core = EDGE.sub("", tok)
        if NUMERIC.fullmatch(core):
            assert core in kept


@FAST
@given(any_text)
@example("chi tieu nam2030")
@example("KH79 ISO9001 2030nam")
def test_search_form_keeps_runs_of_three_digits(text) -> None:
    """A run of three or more digits is a number (a year, a code), never an OCR letter."""
    form = search_form(text)
    for run in re.findall(r"[0-9]{3,}", fold(text)):
        assert run in form


@FAST
@given(before=any_text, number=st.integers(1, 9999),
       code=st.sampled_from(["/KH-UBND", "-KH/ĐU", "/KH-BCĐ", "/QĐ-UBND", "-NQ/TW", "/KH-UBND"]),
       after=any_text)
@example(before="Số:", number=79, code="/KH-UBND", after="ngày 02/10/2025")
def test_plan_numbers_keep_digits_and_slash(before, number, code, after) -> None:
    plan_no = f"{number}{code}"
    form = search_form(f"{before} {plan_no} {after}")
    assert fold(plan_no) in form.split()


# ---- loaders ---------------------------------------------------------------------------------
def _docx_bytes() -> bytes:
    import docx

    d = docx.Document()
    for line in (PLANS / "xa-loc-tan_16-KH-UBND.txt").read_text(encoding="utf-8").splitlines()[:80]:
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _pdf_bytes() -> bytes | None:
    try:
        from fpdf import FPDF
    except ImportError:
        return None
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for line in (PLANS / "xa-loc-tan_16-KH-UBND.txt").read_text(encoding="utf-8").splitlines()[:60]:
        pdf.multi_cell(0, 5, line.encode("latin-1", "replace").decode("latin-1") or " ",
                       new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


SAMPLES = {".txt": (PLANS / "phuong-tran-lieu_79-KH-UBND.txt").read_bytes(),
           ".docx": _docx_bytes()}
if (_pdf := _pdf_bytes()) is not None:
    SAMPLES[".pdf"] = _pdf
SUFFIXES = [".txt", ".md", ".docx", ".pdf", ".doc", ".xlsx", ""]


def _load_only_load_errors(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"ke-hoach{suffix}"
        path.write_bytes(data)
        try:
            doc = load_document(path)
        except LoadError as exc:
            assert str(exc)  # a message for the user
        else:
            assert isinstance(doc, LoadedDocument)


@LOADERS
@given(data=st.binary(max_size=4096), suffix=st.sampled_from(SUFFIXES))
@example(data=b"", suffix=".txt")
@example(data=b"\xff\xfe\x00", suffix=".txt")
@example(data=b"PK\x03\x04", suffix=".docx")
@example(data=b"%PDF-1.4\n", suffix=".pdf")
def test_loaders_on_random_bytes_raise_load_error_only(data, suffix) -> None:
    _load_only_load_errors(data, suffix)


@LOADERS
@given(kind=st.sampled_from(sorted(SAMPLES)), cut=st.floats(0, 1), flips=st.integers(0, 8),
       seed=st.integers(0, 2**16))
def test_loaders_on_truncated_and_damaged_files(kind, cut, flips, seed) -> None:
    data = bytearray(SAMPLES[kind][: int(len(SAMPLES[kind]) * cut)])
    rng = random.Random(seed)
    for _ in range(flips if data else 0):
        data[rng.randrange(len(data))] = rng.randrange(256)
    _load_only_load_errors(bytes(data), kind)


plan_line = st.one_of(
    st.sampled_from((PLANS / "xa-phong-tho_80-KH-UBND.txt").read_text(encoding="utf-8")
                    .splitlines()),
    st.sampled_from(["I. MUC DICH", "1.", "a)", "-", "STT | Nhiem vu | Chu tri | Thoi gian",
                     "II | Den nam 2045", " Trang 2", "Noi nhan:", "KT. CHU TICH", "PHU LUC",
                     "1 | Ty le | 95% | 2030", "Số: 79/KH-UBND", "ngày 02 tháng 10 năm 2025"]),
    st.text(max_size=60),
)


@LOADERS
@given(lines=st.lists(plan_line, max_size=80))
def test_pipeline_reads_any_text_or_raises_load_error(lines) -> None:
    """What ingest runs on an uploaded text plan: never an exception other than LoadError."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "ke-hoach.txt"
        path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
        try:
            plan = read_plan(path)
        except LoadError:
            return
        assert all(s.doc_id == plan.document.id for s in plan.segments)


# ---- the store under concurrent readers while an ingest writes ------------------------------
WORKER = textwrap.dedent("""
    import json, shutil, sys, time, traceback
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from intents import AnswerEngine
    from retrieval import Settings
    from retrieval.store import Store
    role, data, rounds = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    settings = Settings(data_dir=data, embedder="fake")
    finished = data / "writer.done"
    done, errors, stop = 0, [], time.monotonic() + 120
    # the writer ingests `rounds` times; the others keep reading until it is done
    while time.monotonic() < stop and (done < rounds if role == "writer"
                                       else not finished.exists() or not done):
        try:
            if role == "writer":
                up = data / "uploads"
                up.mkdir(exist_ok=True)
                src = Path({plan!r}).read_text(encoding="utf-8")
                target = up / "ke-hoach-sua.txt"
                target.write_text(src + "\\n\\n" + f"{{done}}. Dieu sua doi lan {{done}}.\\n",
                                  encoding="utf-8")
                engine = engine if done else AnswerEngine.open(settings, sync=False)
                [report] = engine.ingest([target])
                assert report.status in ("added", "updated"), report
            elif role == "cli":  # `run_bot.py ask`: syncs the bundled plans, then answers
                engine = AnswerEngine.open(settings, sync=True)
                engine.ask("Ai chủ trì số hóa hồ sơ ở phường Trần Liễu?")
            elif role == "reader":
                engine = AnswerEngine.open(settings, sync=False)
                idx = engine.index
                assert all(s.doc_id in idx.documents for s in idx.segments), "torn reload"
                engine.ask("chi tieu nam 2030 cua xa Phong Tho")
            else:  # raw store reads
                store = Store(data / "plans.db")
                docs = {{d.id for d in store.documents()}}
                store.segments()
                store.facts()
                store.counts()
            done += 1
        except Exception as exc:
            errors.append(traceback.format_exc()[-1500:])
            done += role == "writer"
    if role == "writer":
        finished.touch()
    print(json.dumps({{"role": role, "done": done, "errors": errors[:3],
                      "n_errors": len(errors)}}))
""")


def test_store_under_concurrent_readers_while_ingest_writes(tmp_path) -> None:
    data = tmp_path / "data"
    AnswerEngine.open(Settings(data_dir=data, embedder="fake"))  # the index, built once
    script = tmp_path / "worker.py"
    script.write_text(WORKER.format(root=str(ROOT), plan=str(PLANS / "xa-loc-tan_16-KH-UBND.txt")),
                      encoding="utf-8")
    rounds = 3
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, str(script), role, str(data), str(rounds)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for role in ("writer", "cli", "reader", "store")]
    # threads in this process read through their own connections at the same time
    thread_errors: list[str] = []
    stop = time.monotonic() + 120

    def read_loop() -> None:
        store = Store(data / "plans.db")
        while time.monotonic() < stop and not (data / "writer.done").exists():
            try:
                store.documents()
                store.segments()
                store.counts()
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                thread_errors.append(repr(exc))

    threads = [threading.Thread(target=read_loop) for _ in range(3)]
    for t in threads:
        t.start()
    results = []
    for p in procs:
        out, err = p.communicate(timeout=180)
        assert p.returncode == 0, err[-2000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    for t in threads:
        t.join()
    by_role = {r["role"]: r for r in results}
    assert by_role["writer"]["done"] == rounds, by_role["writer"]
    for r in results:
        assert r["n_errors"] == 0, f"{r['role']}: {r['errors']}"
        assert r["done"] >= 1, r
    assert not thread_errors, thread_errors[:3]
    assert not any("database is locked" in e for r in results for e in r["errors"])
    # the store is whole afterwards: every segment belongs to a document
    store = Store(data / "plans.db")
    ids = {d.id for d in store.documents()}
    assert {s.doc_id for s in store.segments()} <= ids
    shutil.rmtree(data / "uploads", ignore_errors=True)


# ---- the FAISS index switch ------------------------------------------------------------------
def test_every_faiss_kind_builds_saves_and_finds(tmp_path) -> None:
    import numpy as np

    from retrieval.dense import FLAT_MAX, DenseIndex, choose_kind

    assert choose_kind(666) == "flat" and choose_kind(FLAT_MAX) == "flat"
    assert choose_kind(FLAT_MAX + 1) == "ivfflat" and choose_kind(10**8) == "ivfpq"
    assert choose_kind(666, "ivfpq") == "flat"  # too few vectors to train: exact search
    assert choose_kind(666, "HNSW") == "hnsw" and choose_kind(666, "nonsense") == "flat"
    rng = np.random.default_rng(6)
    x = rng.standard_normal((10_000, 48)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    ids = [f"s{i}" for i in range(len(x))]
    for kind in ("flat", "ivfflat", "hnsw", "ivfpq"):
        index = DenseIndex.build(x, ids, kind)
        assert index.kind == kind
        index.save(tmp_path / kind, "fp")
        again = DenseIndex.load(tmp_path / kind, "fp")
        assert again is not None and again.kind == kind and again.ids == ids
        assert DenseIndex.load(tmp_path / kind, "other") is None
        rows, _ = again.search(x[7], 5)
        assert 7 in rows.tolist()
        assert not list((tmp_path / kind).glob("*.tmp"))  # no temporary file left behind


def test_snapshot_reads_one_state_while_another_process_replaces_a_plan(tmp_path) -> None:
    """Documents, then segments: without a snapshot a commit in between tears them apart
    (segments of a plan that `documents` does not have); inside one they agree."""
    src = tmp_path / "ke-hoach.txt"
    src.write_text((PLANS / "xa-loc-tan_16-KH-UBND.txt").read_text(encoding="utf-8"),
                   encoding="utf-8")
    reader, writer = Store(tmp_path / "plans.db"), Store(tmp_path / "plans.db")
    first = read_plan(src)
    writer.replace_document(first.document, first.segments, first.facts)

    def replace_with_new_version(n: int) -> None:
        src.write_text(src.read_text(encoding="utf-8") + f"\n{n}. Dieu moi {n}.\n",
                       encoding="utf-8")
        plan = read_plan(src)
        writer.replace_document(plan.document, plan.segments, plan.facts)

    docs = {d.id for d in reader.documents()}
    replace_with_new_version(1)  # commits between the two reads
    assert not {s.doc_id for s in reader.segments()} <= docs  # torn

    with reader.snapshot():
        docs = {d.id for d in reader.documents()}
        replace_with_new_version(2)
        assert {s.doc_id for s in reader.segments()} <= docs  # one state
    assert {s.doc_id for s in reader.segments()} <= {d.id for d in reader.documents()}


def test_settle_loads_what_questions_need_and_freezes_it(engine) -> None:
    """`bot.settle` (before the bots serve): the one-time loads done, and the objects of the
    process moved out of the cyclic collector's sight so no question pays a walk of them."""
    import gc

    from bot import settle
    from corpus.reading import copies, lm

    settle()
    try:
        assert lm._MODEL is not None and gc.get_freeze_count() > 10_000
        assert copies._shipped is not None and copies._fingerprint is not None
        a = engine.ask("Ai chủ trì số hóa hồ sơ ở phường Trần Liễu?")
        assert a.found
    finally:
        gc.unfreeze()
