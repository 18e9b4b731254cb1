"""The Zalo Bot Platform front end against a fake Bot API on 127.0.0.1: long polling
(one update per getUpdates, 408 when idle), plain-word commands, and the webhook endpoint."""

from __future__ import annotations

import asyncio
import socket
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fake_telegram import wait_until  # noqa: E402
from fake_zalo import TOKEN, FakeZalo  # noqa: E402

from bot import format  # noqa: E402
from bot.zalo import SECRET_HEADER, ZaloBot, ZaloClient  # noqa: E402
from intents import AnswerEngine  # noqa: E402
from retrieval import Settings  # noqa: E402

SECRET = "s3cret-webhook-token"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("zalobot")


@pytest.fixture(scope="module")
def engine(data_dir: Path) -> AnswerEngine:
    return AnswerEngine.open(Settings(data_dir=data_dir, embedder="fake"))


@pytest.fixture
def fake():
    with FakeZalo() as server:
        yield server


def make_bot(engine: AnswerEngine, data_dir: Path, fake: FakeZalo, **kw) -> ZaloBot:
    settings = Settings(data_dir=data_dir, embedder="fake", zalo_token=TOKEN,
                        zalo_base_url=fake.base_url, **kw)
    client = ZaloClient(TOKEN, fake.base_url, poll_timeout=1)
    return ZaloBot(settings, engine, client=client)


def polling(bot: ZaloBot, scenario, timeout: float = 30):
    """Run the real polling loop while `scenario` drives the fake server; stop it after."""
    async def main():
        stop = asyncio.Event()
        loop = asyncio.create_task(bot.poll(stop))
        try:
            await scenario()
        finally:
            stop.set()
            handled = await asyncio.wait_for(loop, 5)
            await bot.client.aclose()
        return handled

    return asyncio.run(asyncio.wait_for(main(), timeout))


def test_polling_commands_questions_and_tiep(engine, data_dir, fake):
    bot = make_bot(engine, data_dir, fake)

    async def scenario():
        fake.message("u1", "help")
        await wait_until(lambda: fake.texts("u1"))
        fake.message("u1", "kehoach")
        await wait_until(lambda: len(fake.texts("u1")) >= 2)
        fake.message("u2", "tiep")  # nothing asked yet
        fake.message("u3", "han 30")
        fake.message("u4", "chitieu 2030")
        fake.message("u5", "han abc")  # not a command: treated as a question, no crash
        await wait_until(lambda: fake.texts("u2") and fake.texts("u3") and fake.texts("u4")
                         and fake.texts("u5"))
        fake.message("u6", "Ai chủ trì triển khai cấp chứng thư số cho cán bộ phường Trần Liễu?")
        await wait_until(lambda: fake.texts("u6"))
        fake.message("u6", "tiep")
        await wait_until(lambda: len(fake.texts("u6")) >= 2)
        fake.message("u7", "x" * 10_000)
        fake.message("u8", "", event="message.sticker.received")
        await wait_until(lambda: fake.texts("u7") and fake.texts("u8"))

    handled = polling(bot, scenario)
    assert handled == 10
    every = [p["text"] for m, p in fake.calls if m == "sendMessage"]
    assert every and all(1 <= len(t) <= 2000 for t in every)
    assert "<b>" not in "".join(every)  # plain text on Zalo
    help_text, plans = fake.texts("u1")[:2]
    assert "kehoach" in help_text and "tiep" in help_text and "Ví dụ" in help_text
    assert "79/KH-UBND" in plans and "Trần Liễu" in plans and "5 kế hoạch" in plans
    assert "Chưa có câu trả lời" in fake.texts("u2")[0]
    assert "30 ngày" in fake.texts("u3")[0]
    assert "2030" in fake.texts("u4")[0]
    assert fake.texts("u5")[0]
    assert fake.actions("u6") == ["typing"]
    answer, more = fake.texts("u6")[:2]
    assert answer.strip()
    if "tiep" in answer:
        assert more.startswith("Nguồn khác") and "📄" in more
    else:
        assert "Chưa có câu trả lời" in more or "Không còn" in more
    assert "quá dài" in fake.texts("u7")[0] and "10000" in fake.texts("u7")[0]
    assert "tin nhắn chữ" in fake.texts("u8")[0]


def test_rate_limit_and_allow_list(engine, data_dir, fake):
    bot = make_bot(engine, data_dir, fake, rate_limit_per_minute=3, allowed_chats=["r1"])

    async def scenario():
        for _ in range(5):
            fake.message("r1", "kehoach")
        fake.message("intruder", "kehoach")
        await wait_until(lambda: len(fake.texts("r1")) >= 4)
        await asyncio.sleep(0.4)

    polling(bot, scenario)
    texts = fake.texts("r1")
    assert len(texts) == 4 and sum("nhanh" in t for t in texts) == 1
    assert fake.texts("intruder") == []


def test_polling_survives_server_errors(engine, data_dir, fake):
    """A wrong token gives ok:false (not 408): the loop logs, backs off, and stops cleanly."""
    bot = make_bot(engine, data_dir, fake)
    bot.client = ZaloClient("wrong-token", fake.base_url, poll_timeout=1)

    async def scenario():
        await asyncio.sleep(0.5)

    assert polling(bot, scenario) == 0


def http_raw(port: int, request: bytes) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(request)
        status_line = s.makefile("rb").readline().decode()
    return int(status_line.split()[1])


def test_webhook_secret_and_size(engine, data_dir, fake):
    bot = make_bot(engine, data_dir, fake)
    update = {"event_name": "message.text.received", "message": {
        "from": {"id": "w1"}, "chat": {"id": "w1", "chat_type": "PRIVATE"},
        "text": "kehoach", "message_id": "1", "date": 1}}

    async def main():
        server = await bot.serve_webhook(SECRET, host="127.0.0.1", port=0, max_body=4096)
        port = server.sockets[0].getsockname()[1]
        url = f"http://127.0.0.1:{port}/zalo"
        async with server, httpx.AsyncClient(timeout=5) as http:
            wrong = await http.post(url, json=update, headers={SECRET_HEADER: "nope"})
            missing = await http.post(url, json=update)
            # the secret is checked before the body is read: a huge declared body that is
            # never sent is refused at once
            no_body = await asyncio.to_thread(
                http_raw, port, b"POST /zalo HTTP/1.1\r\nHost: x\r\n"
                b"Content-Length: 50000000\r\n\r\n")
            too_big = await asyncio.to_thread(
                http_raw, port, b"POST /zalo HTTP/1.1\r\nHost: x\r\n" +
                f"{SECRET_HEADER}: {SECRET}\r\nContent-Length: 50000000\r\n\r\n".encode())
            wrong_path = await http.post(url + "x", json=update, headers={SECRET_HEADER: SECRET})
            assert fake.texts("w1") == []
            ok = await http.post(url, json=update, headers={SECRET_HEADER: SECRET})
            await wait_until(lambda: fake.texts("w1"))
            await bot.drain()
        await bot.client.aclose()
        return wrong.status_code, missing.status_code, no_body, too_big, \
            wrong_path.status_code, ok.status_code

    statuses = asyncio.run(asyncio.wait_for(main(), 20))
    assert statuses == (403, 403, 403, 413, 404, 200)
    assert len(fake.texts("w1")) == 1 and "79/KH-UBND" in fake.texts("w1")[0]


def test_plain_text_splitting():
    long = "\n".join(f"Dòng {i}: " + "nội dung kế hoạch " * 8 for i in range(200))
    parts = format.split_text(long, format.ZALO_LIMIT)
    assert len(parts) > 1 and all(len(p) <= format.ZALO_LIMIT for p in parts)
    assert "".join("".join(parts).split()) == "".join(long.split())
    html_parts = format.pack(["<b>tiêu đề</b>", format.esc("a < b & c " * 2000)],
                             format.TELEGRAM_LIMIT, html_mode=True)
    assert all(len(p) <= format.TELEGRAM_LIMIT for p in html_parts) and len(html_parts) > 1
    assert "< b" not in "".join(html_parts)


def test_run_bots_auto_starts_both_and_stops_on_sigterm(fake, tmp_path):
    """`run_bots("auto")` as run_bot.py calls it: both bots in one process, logs without
    tokens, a clean exit on SIGTERM."""
    import os
    import signal
    import subprocess

    from test_bot_telegram import TOKEN as TG_TOKEN
    from test_bot_telegram import FakeTelegram

    with FakeTelegram() as tg:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": TG_TOKEN, "TELEGRAM_BASE_URL": tg.base_url,
               "ZALO_BOT_TOKEN": TOKEN, "ZALO_BASE_URL": fake.base_url,
               "PLAN_DATA_DIR": str(tmp_path), "PLAN_EMBEDDER": "fake"}
        for key in ("BOT_WEBHOOK_URL", "BOT_ALLOWED_CHATS", "BOT_RATE_LIMIT"):
            env.pop(key, None)
        code = "import sys; from bot import run_bots; sys.exit(run_bots('auto'))"
        proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            fake.message("z1", "kehoach")
            tg.message(77, "/kehoach")
            deadline = time.monotonic() + 40
            while not (fake.texts("z1") and tg.texts(77)) and time.monotonic() < deadline \
                    and proc.poll() is None:
                time.sleep(0.1)
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=20)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 0, err[-2000:]
    assert "79/KH-UBND" in fake.texts("z1")[0] and "79/KH-UBND" in tg.texts(77)[0]
    assert "long polling" in err
    assert TOKEN not in out + err and TG_TOKEN not in out + err


def test_run_bots_without_token_fails_clearly(monkeypatch, capsys):
    from bot import run_bots

    for key in ("TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    assert run_bots("telegram") == 2 and run_bots("zalo") == 2 and run_bots("auto") == 2
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().out


def test_run_zalo_webhook_mode(engine, data_dir, fake):
    from bot.zalo import run_zalo

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = Settings(data_dir=data_dir, embedder="fake", zalo_token=TOKEN,
                        zalo_base_url=fake.base_url, webhook_url="https://bot.example.invalid/",
                        webhook_secret=SECRET, webhook_port=port)
    bot = ZaloBot(settings, engine, client=ZaloClient(TOKEN, fake.base_url, poll_timeout=1))
    update = {"event_name": "message.text.received", "message": {
        "from": {"id": "h1"}, "chat": {"id": "h1", "chat_type": "PRIVATE"}, "text": "help"}}

    async def main():
        stop = asyncio.Event()
        task = asyncio.create_task(run_zalo(bot, settings, stop, host="127.0.0.1"))
        await wait_until(lambda: any(m == "setWebhook" for m, _ in fake.calls))
        async with httpx.AsyncClient(timeout=5) as http:
            r = await http.post(f"http://127.0.0.1:{port}/zalo", json=update,
                                headers={SECRET_HEADER: SECRET})
        await wait_until(lambda: fake.texts("h1"))
        stop.set()
        await asyncio.wait_for(task, 5)
        return r.status_code

    assert asyncio.run(asyncio.wait_for(main(), 20)) == 200
    hook = next(p for m, p in fake.calls if m == "setWebhook")
    assert hook == {"url": "https://bot.example.invalid/zalo", "secret_token": SECRET}
    assert "kehoach" in fake.texts("h1")[0]
