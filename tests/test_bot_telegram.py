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
    assert fake.sent(method="download") and len(engine.documents()) == n_docs + 1
    uploads = list((data_dir / "uploads").iterdir())
    assert [p.name for p in uploads] == ["ke_hoach_loc_tan_ban_moi_.txt"]


def test_subscribe_digest_and_reschedule(engine, data_dir, fake):
    async def scenario(tg, app):
        fake.message(2501, "/dangky")
        fake.message(2502, "/han 30")
        fake.message(2503, "/chitieu 2030")
        fake.message(2503, "/chitieu abc")
        await wait_until(lambda: fake.texts(2501) and fake.texts(2502)
                         and len(fake.texts(2503)) >= 2)
        jobs = app.job_queue.get_jobs_by_name("digest:2501")
        assert len(jobs) == 1
        assert str(jobs[0].trigger.timezone) == "Asia/Ho_Chi_Minh"
        app.job_queue.run_once(tg.digest_job, 0.1, chat_id=2501)
        await wait_until(lambda: len(fake.texts(2501)) >= 2)

    run(make_settings(data_dir, fake), engine, scenario)
    assert "Đã đăng ký" in fake.texts(2501)[0]
    digest = fake.texts(2501)[1]
    assert "Bản tin" in digest and "7 ngày" in digest and html_safe(digest)
    han = fake.texts(2502)[0]
    # the same list as asking "việc nào sắp đến hạn trong 30 ngày tới?" (dates vary by day)
    assert "đến hạn trong 30 ngày tới" in han and html_safe(han)
    assert "2030" in fake.texts(2503)[0] or "2030" in fake.texts(2503)[1]
    assert any("chitieu 2030" in t for t in fake.texts(2503))

    # a restart re-schedules the persisted subscription; /huy removes it
    async def restart(tg, app):
        assert len(app.job_queue.get_jobs_by_name("digest:2501")) == 1
        n0 = len(fake.texts(2501))
        fake.message(2501, "/huy")
        await wait_until(lambda: len(fake.texts(2501)) > n0)
        await asyncio.sleep(0.1)
        assert not [j for j in app.job_queue.jobs() if j.name == "digest:2501" and j.enabled
                    and not j.removed]

    run(make_settings(data_dir, fake), engine, restart)
    assert "hủy" in fake.texts(2501)[-1]
    assert BotStore(data_dir / "bot.db").subscribers("telegram") == []


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
