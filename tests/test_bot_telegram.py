"""The real python-telegram-bot Application, built by bot.telegram, against a fake Bot API
server on 127.0.0.1 (tests/fake_telegram.py) that records every call. No network beyond
loopback."""

from __future__ import annotations

import asyncio
import json
import re
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.storage import BotStore  # noqa: E402
from bot.telegram import TelegramBot, start_telegram, stop_telegram  # noqa: E402
from intents import AnswerEngine  # noqa: E402
from retrieval import Settings  # noqa: E402
from tests.fake_telegram import TOKEN, FakeTelegram, wait_until  # noqa: E402

ADMIN = 1001
PLANS = ROOT / "corpus" / "plans"


def html_safe(text: str) -> bool:
    """Only the tags the bot uses, balanced; no raw '<' or bare '&'."""
    stripped = re.sub(r"</?(b|i|blockquote)>", "", text)
    if "<" in stripped or ">" in stripped:
        return False
    if re.search(r"&(?!(amp|lt|gt|quot|#\d+);)", stripped):
        return False
    return all(text.count(f"<{t}>") == text.count(f"</{t}>") for t in ("b", "i", "blockquote"))


# ---- fixtures ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("tgbot")


@pytest.fixture(scope="module")
def engine(data_dir: Path) -> AnswerEngine:
    return AnswerEngine.open(Settings(data_dir=data_dir, embedder="fake"))


@pytest.fixture
def fake():
    with FakeTelegram() as server:
        yield server


def make_settings(data_dir: Path, fake: FakeTelegram, **kw) -> Settings:
    values = dict(data_dir=data_dir, embedder="fake", telegram_token=TOKEN,
                  telegram_base_url=fake.base_url, admin_ids=[str(ADMIN)],
                  rate_limit_per_minute=3)
    values.update(kw)
    return Settings(**values)


def run(settings: Settings, engine: AnswerEngine, scenario, timeout: float = 30):
    async def main():
        tg = TelegramBot(settings, engine)
        app = tg.build()
        await start_telegram(app, settings, poll_timeout=1)
        try:
            return await scenario(tg, app)
        finally:
            await stop_telegram(app)
            tg.store.close()

    return asyncio.run(asyncio.wait_for(main(), timeout))


# ---- tests ---------------------------------------------------------------------------------
def test_start_registers_commands_and_helps(engine, data_dir, fake):
    async def scenario(tg, app):
        fake.message(2001, "/start")
        fake.message(2002, "/kehoach")
        await wait_until(lambda: fake.texts(2001) and fake.texts(2002))

    run(make_settings(data_dir, fake), engine, scenario)
    assert [m for m, _ in fake.calls][:1] == ["getMe"]
    cmds = fake.sent(method="setMyCommands")
    commands = {c["command"]: c["description"] for c in json.loads(cmds[0]["commands"])}
    assert {"start", "help", "kehoach", "han", "chitieu", "dangky", "huy", "xoa"} <= set(commands)
    assert "Nhiệm vụ" in commands["han"]
    help_text = fake.texts(2001)[0]
    assert "Ví dụ" in help_text and "/han" in help_text and html_safe(help_text)
    assert fake.sent(2001)[0]["parse_mode"] == "HTML"
    plans = fake.texts(2002)[0]
    assert "79/KH-UBND" in plans and "Trần Liễu" in plans and "02/10/2025" in plans


def test_questions_with_and_without_diacritics_and_feedback(engine, data_dir, fake):
    q1 = "Ai chủ trì triển khai cấp chứng thư số cho cán bộ phường Trần Liễu?"
    q2 = "Ai chu tri trien khai cap chung thu so cho can bo phuong Tran Lieu?"

    async def scenario(tg, app):
        fake.message(2101, q1)
        fake.message(2102, q2)
        await wait_until(lambda: fake.texts(2101) and fake.texts(2102))
        markup = json.loads(fake.sent(2101)[-1]["reply_markup"])
        buttons = {b["text"]: b["callback_data"]
                   for row in markup["inline_keyboard"] for b in row}
        assert {"👍", "👎"} <= set(buttons)
        assert all(len(d.encode()) <= 64 for d in buttons.values())
        fake.callback(2101, buttons["👍"])
        await wait_until(lambda: fake.sent(method="editMessageReplyMarkup"))
        fake.callback(2102, "m:expired-key")
        await wait_until(lambda: len(fake.sent(method="answerCallbackQuery")) >= 2)

    run(make_settings(data_dir, fake), engine, scenario)
    assert fake.sent(2101, "sendChatAction")[0]["action"] == "typing"
    for chat in (2101, 2102):
        reply = fake.texts(chat)[0]
        assert fake.sent(chat)[0]["parse_mode"] == "HTML"
        assert reply.startswith("<b>") and len(reply) <= 4096 and html_safe(reply)
        headline = reply.split("\n")[0]
        assert len(headline) > len("<b></b>")
    acks = [p.get("text", "") for p in fake.sent(method="answerCallbackQuery")]
    assert any("Cảm ơn" in a for a in acks) and any("hết hạn" in a for a in acks)
    edit = fake.sent(method="editMessageReplyMarkup")[0]
    assert "👍" not in json.loads(edit.get("reply_markup") or "{}").__repr__()
    votes = BotStore(data_dir / "bot.db").feedback()
    assert votes and votes[-1]["vote"] == 1 and votes[-1]["question"] == q1
    assert "2101" not in votes[-1]["user_hash"]


def test_more_sources_and_full_text_buttons(engine, data_dir, fake):
    """Buttons under an answer: the key maps to the stored answer (deterministic here, since
    which clauses an answer cites depends on the engine)."""
    segs = [s for s in engine.index.segments if s.kind == "text" and len(s.text) > 80][:3]
    cites = [engine.citation(s).model_dump() for s in segs[1:]]

    async def scenario(tg, app):
        key = tg.store.save_answer({"question": "q", "found": True, "more": cites,
                                    "segment_ids": [segs[0].id]})
        markup = tg.keyboard(key, more=True, full=True)
        data = {b.text: b.callback_data for row in markup.inline_keyboard for b in row}
        fake.callback(2201, data["Nguồn khác"])
        await wait_until(lambda: fake.texts(2201))
        fake.callback(2201, data["Toàn văn"])
        await wait_until(lambda: len(fake.texts(2201)) >= 2)

    run(make_settings(data_dir, fake), engine, scenario)
    more, full = fake.texts(2201)
    assert more.startswith("<b>Nguồn khác") and "<blockquote>" in more and html_safe(more)
    assert full.startswith("📄 <b>Kế hoạch") and html_safe(full) and len(full) <= 4096


def test_rate_limit_long_message_and_unknown(engine, data_dir, fake):
    async def scenario(tg, app):
        for i in range(5):
            fake.message(2301, f"Ai chủ trì việc số {i} ở xã Lộc Tân?")
        await wait_until(lambda: len(fake.texts(2301)) >= 4)
        await asyncio.sleep(0.3)  # nothing more should come
        fake.message(2302, ("Kế hoạch số 79 " * 700)[:9999] + "?")  # 10,000 characters
        fake.message(2303, "/khonglenh")
        await wait_until(lambda: fake.texts(2302) and fake.texts(2303))

    run(make_settings(data_dir, fake), engine, scenario)
    texts = fake.texts(2301)
    assert len(texts) == 4
    assert sum("nhanh" in t for t in texts) == 1
    assert "quá dài" in fake.texts(2302)[0] and "10000" in fake.texts(2302)[0]
    assert len(fake.sent(2302)) == 1
    assert "/help" in fake.texts(2303)[0]
    assert not any("Traceback" in t for _, p in fake.calls for t in [str(p)])


def test_admin_upload_and_refusals(engine, data_dir, fake, tmp_path):
    plan = (PLANS / "xa-loc-tan_16-KH-UBND.txt").read_bytes() + "\nPhụ lục bổ sung.\n".encode()

    async def scenario(tg, app):
        fake.document(ADMIN, "f1", "ke hoach loc tan (ban moi).txt", plan)
        fake.document(2401, "f2", "ke-hoach.txt", plan)
        fake.message(2402, "/xoa 16")
        fake.document(ADMIN, "f3", "virus.exe", b"MZ")
        await wait_until(lambda: fake.texts(ADMIN) and fake.texts(2401)
                         and fake.texts(2402) and len(fake.texts(ADMIN)) >= 2, timeout=20)
        fake.message(ADMIN, "/xoa 99999")
        await wait_until(lambda: len(fake.texts(ADMIN)) >= 3)

    n_docs = len(engine.documents())
    run(make_settings(data_dir, fake), engine, scenario)
    admin = fake.texts(ADMIN)
    report = next(t for t in admin if "✅" in t)
    assert "16/KH-UBND" in report and "đoạn" in report and "nhiệm vụ" in report
    assert any("Chỉ nhận tệp kế hoạch" in t and ".docx" in t and ".pdf" in t for t in admin)
    assert any("Không tìm thấy kế hoạch" in t for t in admin)
    assert "quản trị viên" in fake.texts(2401)[0] and "quản trị viên" in fake.texts(2402)[0]
    # the upload is the same plan (16/KH-UBND) under another name: it replaces the bundled
    # file instead of adding a second copy
    docs = engine.documents()
    assert fake.sent(method="download") and len(docs) == n_docs
    assert any(Path(d.path).name == "ke_hoach_loc_tan_ban_moi_.txt" for d in docs)
    uploads = list((data_dir / "uploads").iterdir())
    assert [p.name for p in uploads] == ["ke_hoach_loc_tan_ban_moi_.txt"]


def test_subscribe_digest_and_reschedule(engine, data_dir, fake):
    async def scenario(tg, app):
        fake.message(2501, "/dangky")
        fake.message(2504, "/dangky")
        fake.message(2502, "/han 30")
        fake.message(2503, "/chitieu 2030")
        fake.message(2503, "/chitieu abc")
        await wait_until(lambda: fake.texts(2501) and fake.texts(2504) and fake.texts(2502)
                         and len(fake.texts(2503)) >= 2)
        jobs = app.job_queue.get_jobs_by_name("digest")
        assert len(jobs) == 1  # one daily job for every subscriber
        assert str(jobs[0].trigger.timezone) == "Asia/Ho_Chi_Minh"
        # a flood limit on the first digest message is waited out (rate limiter); a server
        # error is tried again on a later pass: nobody misses the digest
        fake.fail("sendMessage", 429, retry_after=1)
        fake.fail("sendMessage", 500, retry_after=None, times=2)
        return await tg.send_digest(app.bot, retry_delay=0.1)

    result = run(make_settings(data_dir, fake), engine, scenario)
    assert result == {"subscribers": 2, "sent": 2, "missed": 0}
    failures = [m for m, _ in fake.calls if "!" in m]
    assert failures == ["sendMessage!429", "sendMessage!500", "sendMessage!500"]
    assert "Đã đăng ký" in fake.texts(2501)[0]
    for chat in (2501, 2504):
        digest = fake.texts(chat)[1]
        assert "Bản tin" in digest and "7 ngày" in digest and html_safe(digest)
    han = fake.texts(2502)[0]
    # the same list as asking "việc nào sắp đến hạn trong 30 ngày tới?" (dates vary by day)
    assert "đến hạn trong 30 ngày tới" in han and html_safe(han)
    assert "2030" in fake.texts(2503)[0] or "2030" in fake.texts(2503)[1]
    assert any("chitieu 2030" in t for t in fake.texts(2503))

    # a restart schedules the digest again; /huy takes the chat off the list
    async def restart(tg, app):
        assert len(app.job_queue.get_jobs_by_name("digest")) == 1
        n0 = len(fake.texts(2501))
        fake.message(2501, "/huy")
        await wait_until(lambda: len(fake.texts(2501)) > n0)

    run(make_settings(data_dir, fake), engine, restart)
    assert "hủy" in fake.texts(2501)[-1]
    assert BotStore(data_dir / "bot.db").subscribers("telegram") == ["2504"]


def test_allow_list_and_error_apology(engine, data_dir, fake):
    settings = make_settings(data_dir, fake, allowed_chats=["2601"])

    async def scenario(tg, app):
        def boom(question):
            raise RuntimeError("engine exploded")

        fake.message(2602, "/start")  # not allowed: ignored
        fake.message(2601, "/start")
        await wait_until(lambda: fake.texts(2601))
        tg.engine = type("Broken", (), {"ask": staticmethod(boom)})()
        fake.message(2601, "Ai chủ trì?")
        await wait_until(lambda: len(fake.texts(2601)) >= 2)
        tg.engine = engine

    run(settings, engine, scenario)
    assert fake.texts(2602) == []
    apology = fake.texts(2601)[1]
    assert "Xin lỗi" in apology and "exploded" not in apology


def test_token_is_redacted_from_logs(caplog):
    import logging

    from bot.common import install_redaction

    logger = logging.getLogger("httpx.test")
    flt = install_redaction([TOKEN])
    logger.addFilter(flt)
    with caplog.at_level(logging.WARNING):
        logger.warning("POST https://api.telegram.org/bot%s/getMe", TOKEN)
    assert TOKEN not in caplog.text and "***" in caplog.text
    assert logging.getLogger("httpx").level == logging.WARNING


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_webhook_mode(engine, data_dir, fake):
    import httpx

    port = free_port()
    settings = make_settings(data_dir, fake, webhook_url="https://bot.example.invalid/hooks",
                             webhook_secret="hook-secret_1", webhook_port=port)

    async def main():
        tg = TelegramBot(settings, engine)
        app = tg.build()
        await start_telegram(app, settings, listen="127.0.0.1")
        try:
            update = {"update_id": 1, "message": {
                "message_id": 1, "date": int(time.time()), "text": "/kehoach",
                "chat": {"id": 2701, "type": "private"},
                "entities": [{"type": "bot_command", "offset": 0, "length": 8}],
                "from": {"id": 2701, "is_bot": False, "first_name": "W"}}}
            url = f"http://127.0.0.1:{port}/telegram"
            async with httpx.AsyncClient(timeout=5) as http:
                bad = await http.post(url, json=update, headers={
                    "X-Telegram-Bot-Api-Secret-Token": "wrong"})
                good = await http.post(url, json=update, headers={
                    "X-Telegram-Bot-Api-Secret-Token": "hook-secret_1"})
            await wait_until(lambda: fake.texts(2701))
            return bad.status_code, good.status_code
        finally:
            await stop_telegram(app)
            tg.store.close()

    bad, good = asyncio.run(asyncio.wait_for(main(), 30))
    assert bad == 403 and good == 200
    hook = fake.sent(method="setWebhook")[0]
    assert hook["url"] == "https://bot.example.invalid/hooks/telegram"
    assert hook["secret_token"] == "hook-secret_1"
    assert "79/KH-UBND" in fake.texts(2701)[0]


# ---- groups, other updates, flood limits, start failures -----------------------------------
class Recorder:
    """The real engine, with the questions it was asked written down."""

    def __init__(self, engine: AnswerEngine) -> None:
        self._engine, self.questions = engine, []

    def ask(self, question: str, *args, **kwargs):
        self.questions.append(question)
        return self._engine.ask(question, *args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self._engine, name)


QUESTION = "Ai chủ trì triển khai cấp chứng thư số cho cán bộ phường Trần Liễu?"
GROUP = -1001234567


def test_group_answers_only_mentions_replies_and_own_commands(engine, data_dir, fake):
    recorder = Recorder(engine)

    async def scenario(tg, app):
        tg.engine = recorder
        fake.group_message(GROUP, 2801, QUESTION)                      # talk among members
        fake.group_message(GROUP, 2801, "/kehoach@other_bot")          # another bot's command
        fake.group_message(GROUP, 2801, "/lenhla")                     # maybe another bot's
        fake.group_message(GROUP, 2802, QUESTION, mention=True)
        await wait_until(lambda: len(fake.texts(GROUP)) >= 1)
        fake.group_message(GROUP, 2803, QUESTION, reply_to_bot=True)
        await wait_until(lambda: len(fake.texts(GROUP)) >= 2)
        fake.group_message(GROUP, 2804, "/kehoach@plan_bot")
        await wait_until(lambda: len(fake.texts(GROUP)) >= 3)
        fake.message(2805, QUESTION)                                   # the same, in private
        await wait_until(lambda: fake.texts(2805))
        await asyncio.sleep(0.5)  # nothing more may come

    run(make_settings(data_dir, fake, rate_limit_per_minute=10), engine, scenario)
    group = fake.texts(GROUP)
    assert len(group) == 3
    # the mention never reaches the engine: both group questions are the private one
    assert recorder.questions == [QUESTION, QUESTION, QUESTION]
    private_headline = fake.texts(2805)[0].split("\n")[0]
    assert [t.split("\n")[0] for t in group[:2]] == [private_headline] * 2
    assert "Không tìm thấy" not in private_headline
    assert "79/KH-UBND" in group[2]
    # answers in a group quote the question they answer
    assert all("reply_parameters" in p or "reply_to_message_id" in p for p in fake.sent(GROUP))


def test_edits_channel_posts_and_media(engine, data_dir, fake):
    async def scenario(tg, app):
        mid = fake.message(2901, QUESTION)
        await wait_until(lambda: fake.texts(2901))
        fake.edited(2901, mid, QUESTION + " (sửa)")
        fake.channel_post(-1009876, QUESTION)
        fake.media(2902, "photo")
        fake.media(2903, "voice")
        fake.media(2904, "sticker")
        fake.media(2905, "photo", caption=QUESTION)
        fake.message(2906, "Xin chào bạn")
        await wait_until(lambda: all(fake.texts(c) for c in (2902, 2903, 2904, 2905, 2906)))
        await asyncio.sleep(0.5)

    run(make_settings(data_dir, fake), engine, scenario)
    assert len(fake.texts(2901)) == 1  # the edit is not answered again
    assert fake.texts(-1009876) == []
    for chat in (2902, 2903, 2904):
        (line,) = fake.texts(chat)
        assert "chữ" in line and "ảnh" in line and "/help" in line
    assert "/han" in fake.texts(2906)[0] and "Ví dụ" in fake.texts(2906)[0]  # a greeting: help
    # a photo's caption is asked like a text
    assert fake.texts(2905)[0].split("\n")[0] == fake.texts(2901)[0].split("\n")[0]
    assert fake.allowed_updates == ["message", "callback_query"]


def test_flood_limit_is_waited_out(engine, data_dir, fake):
    async def scenario(tg, app):
        fake.fail("sendMessage", 429, retry_after=1)
        t0 = time.monotonic()
        fake.message(3001, "/kehoach")
        await wait_until(lambda: fake.texts(3001))
        return time.monotonic() - t0

    waited = run(make_settings(data_dir, fake), engine, scenario)
    assert [m for m, _ in fake.calls if m.startswith("sendMessage")][:2] == [
        "sendMessage!429", "sendMessage"]
    assert "79/KH-UBND" in fake.texts(3001)[0]
    assert waited >= 1.0  # retry_after was respected


def _run_bots(env_extra: dict, data_dir: Path, until=None, timeout: float = 90):
    """`run_bots` in its own process, as run_bot.py calls it; returns (code, output)."""
    import os
    import signal
    import subprocess

    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "ZALO_", "BOT_"))}
    env.update(PLAN_DATA_DIR=str(data_dir), PLAN_EMBEDDER="fake",
               NO_PROXY="127.0.0.1,localhost", **env_extra)
    which = env.pop("WHICH", "auto")
    code = f"import sys; from bot import run_bots; sys.exit(run_bots({which!r}))"
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        if until is not None:
            deadline = time.monotonic() + timeout
            while not until() and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.1)
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        out, _ = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            proc.kill()
    return proc.returncode, out


def test_bad_token_one_clear_line_and_nonzero_exit(data_dir, engine, fake):
    code, out = _run_bots({"WHICH": "telegram", "TELEGRAM_BOT_TOKEN": "999:wrong-token_x",
                           "TELEGRAM_BASE_URL": fake.base_url}, data_dir)
    assert code == 1
    errors = [line for line in out.splitlines() if "Lỗi" in line]
    assert len(errors) == 1 and "TELEGRAM_BOT_TOKEN" in errors[0] and "từ chối" in errors[0]
    assert "Traceback" not in out and "wrong-token" not in out


def test_unreachable_api_one_clear_line(data_dir, engine):
    port = free_port()  # nothing listens there
    code, out = _run_bots({"WHICH": "telegram", "TELEGRAM_BOT_TOKEN": TOKEN,
                           "TELEGRAM_BASE_URL": f"http://127.0.0.1:{port}/bot"}, data_dir)
    assert code == 1
    errors = [line for line in out.splitlines() if "Lỗi" in line]
    assert len(errors) == 1 and "Không kết nối được tới Telegram" in errors[0]
    assert "Traceback" not in out and TOKEN not in out


def test_one_front_end_failing_leaves_the_other_running(data_dir, engine, fake):
    from tests.fake_zalo import TOKEN as ZALO_TOKEN
    from tests.fake_zalo import FakeZalo

    with FakeZalo() as zalo:
        zalo.message("z9", "kehoach")
        code, out = _run_bots({"TELEGRAM_BOT_TOKEN": "999:wrong-token_x",
                               "TELEGRAM_BASE_URL": fake.base_url,
                               "ZALO_BOT_TOKEN": ZALO_TOKEN, "ZALO_BASE_URL": zalo.base_url},
                              data_dir, until=lambda: zalo.texts("z9"))
    assert "79/KH-UBND" in zalo.texts("z9")[0]
    assert code == 0
    errors = [line for line in out.splitlines() if "Lỗi" in line]
    assert len(errors) == 1 and "Telegram" in errors[0]
    assert "Traceback" not in out
