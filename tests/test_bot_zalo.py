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
            deadline = time.monotonic() + 150  # a loaded machine opens the engine slowly
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


# ---- the platform as documented: wrapped bodies, routing by content, start checks, retries --
QUESTION = "Ai chủ trì triển khai cấp chứng thư số cho cán bộ phường Trần Liễu?"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def webhook_settings(data_dir: Path, fake: FakeZalo, url: str, secret: str = SECRET,
                     **kw) -> Settings:
    return Settings(data_dir=data_dir, embedder="fake", zalo_token=TOKEN,
                    zalo_base_url=fake.base_url, webhook_url=url, webhook_secret=secret,
                    webhook_port=free_port(), **kw)


def test_webhook_wrapped_bodies_and_the_urls_own_path(engine, data_dir, fake, caplog):
    """Zalo posts {"ok": true, "result": update}; the URL's path is served as it is (no proxy
    that strips it), and /zalo still works behind one that does."""
    from bot.zalo import run_zalo

    settings = webhook_settings(data_dir, fake, "https://bot.example.invalid/hooks/")
    bot = ZaloBot(settings, engine, client=ZaloClient(TOKEN, fake.base_url, poll_timeout=1))
    base = f"http://127.0.0.1:{settings.webhook_port}"

    async def main():
        stop = asyncio.Event()
        task = asyncio.create_task(run_zalo(bot, settings, stop, host="127.0.0.1"))
        await wait_until(lambda: fake.webhook is not None)
        statuses = [
            await asyncio.to_thread(fake.deliver, base + "/hooks/zalo",
                                    fake.update("w1", "kehoach")),
            await asyncio.to_thread(fake.deliver, base + "/zalo", fake.update("w2", QUESTION)),
            # the bare update (as some proxies forward it) is read too
            await asyncio.to_thread(lambda: httpx.post(
                base + "/hooks/zalo", json=fake.update("w3", "kehoach"),
                headers={SECRET_HEADER: SECRET}).status_code),
            # a follow event is not a message: dropped, and the log says so
            await asyncio.to_thread(fake.deliver, base + "/hooks/zalo",
                                    {"event_name": "user.follow", "follower": {"id": "w4"}}),
            await asyncio.to_thread(fake.deliver, base + "/hooks/zalo", {"x": 1}, "wrong"),
        ]
        await wait_until(lambda: fake.texts("w1") and fake.texts("w2") and fake.texts("w3"))
        await bot.drain()
        stop.set()
        await asyncio.wait_for(task, 5)
        return statuses

    with caplog.at_level("INFO", logger="bot.zalo"):
        statuses = asyncio.run(asyncio.wait_for(main(), 30))
    assert statuses == [200, 200, 200, 200, 403]
    assert fake.webhook == {"url": "https://bot.example.invalid/hooks/zalo",
                            "secret_token": SECRET}
    assert "79/KH-UBND" in fake.texts("w1")[0] and "79/KH-UBND" in fake.texts("w3")[0]
    assert fake.texts("w2")[0].startswith("Phòng Văn hóa - Xã hội")
    assert "dropped" in caplog.text and "follower" in caplog.text


def test_updates_without_event_name_are_routed_by_content(engine, data_dir, fake):
    bot = make_bot(engine, data_dir, fake)

    async def scenario():
        fake.message("e1", QUESTION, event=None)
        fake.message("e2", None, event=None, photo_url="https://f.zdn.vn/a.jpg",
                     caption=QUESTION)
        fake.message("e3", None, event="message.image.received", photo="https://f.zdn.vn/b.jpg",
                     caption="hướng dẫn")
        fake.message("e4", None, event=None, sticker="d063f44dc80821567819")
        fake.message("e5", None, event="message.voice.received", voice_url="https://v/a.aac")
        fake.message("e6", "Hướng dẫn")
        fake.message("e7", "huong dan")
        await wait_until(lambda: all(fake.texts(f"e{i}") for i in range(1, 8)))

    polling(bot, scenario)
    assert fake.texts("e1")[0].startswith("Phòng Văn hóa - Xã hội")
    assert fake.texts("e2")[0].split("\n")[0] == fake.texts("e1")[0].split("\n")[0]
    for chat in ("e3", "e6", "e7"):
        assert "kehoach" in fake.texts(chat)[0] and "Ví dụ" in fake.texts(chat)[0]
    for chat in ("e4", "e5"):
        assert "tin nhắn chữ" in fake.texts(chat)[0]


def test_a_short_secret_is_refused_at_start(engine, data_dir, fake):
    from bot.common import StartError
    from bot.zalo import run_zalo

    settings = webhook_settings(data_dir, fake, "https://bot.example.invalid/", secret="1234567")
    bot = ZaloBot(settings, engine, client=ZaloClient(TOKEN, fake.base_url, poll_timeout=1))
    with pytest.raises(StartError) as err:
        asyncio.run(run_zalo(bot, settings, asyncio.Event(), host="127.0.0.1"))
    message = str(err.value)
    assert "BOT_WEBHOOK_SECRET" in message and "7 ký tự" in message and "8 đến 256" in message
    assert "setWebhook" not in fake.methods()  # refused before anything was registered


def test_wrong_token_is_fatal_with_one_line(engine, data_dir, fake, monkeypatch, capsys):
    from bot import run_bots

    for key in ("TELEGRAM_BOT_TOKEN", "BOT_WEBHOOK_URL", "BOT_WEBHOOK_SECRET"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("ZALO_BOT_TOKEN", "wrong-zalo-token-1")
    monkeypatch.setenv("ZALO_BASE_URL", fake.base_url)
    monkeypatch.setenv("PLAN_DATA_DIR", str(data_dir))
    monkeypatch.setenv("PLAN_EMBEDDER", "fake")
    assert run_bots("zalo") == 1
    out = capsys.readouterr()
    lines = [line for line in (out.out + out.err).splitlines() if "Lỗi" in line]
    assert len(lines) == 1 and "401" in lines[0] and "ZALO_BOT_TOKEN" in lines[0]
    assert "Traceback" not in out.out + out.err and "wrong-zalo-token-1" not in out.out


def test_sending_retries_and_a_lost_part_does_not_lose_the_rest(engine, data_dir, fake):
    bot = make_bot(engine, data_dir, fake)
    bot.client.retry_delay = 0.01
    long = [f"Phần {i}: " + "nội dung " * 300 for i in range(3)]  # 3 parts of ~2,700 chars

    async def main():
        fake.fail("sendMessage", 429, times=2)  # quota: waited out
        await bot.send("s1", ["Xin chào"])
        fake.fail("sendMessage", 503, times=bot.client.attempts)  # the first part is lost
        await bot.send("s2", long)
        await bot.client.aclose()

    asyncio.run(asyncio.wait_for(main(), 20))
    assert fake.texts("s1") == ["Xin chào"]
    got = fake.texts("s2")
    expected = [p for c in long for p in format.split_text(c, format.ZALO_LIMIT)]
    assert got == expected[1:] and len(expected) >= 4
    assert fake.methods().count("sendMessage!503") == bot.client.attempts


class FlakyNetwork(httpx.AsyncHTTPTransport):
    """The first `drops` requests never reach the server (connection refused)."""

    def __init__(self, drops: int) -> None:
        super().__init__()
        self.drops = drops

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.drops > 0:
            self.drops -= 1
            raise httpx.ConnectError("connection refused", request=request)
        return await super().handle_async_request(request)


def test_set_webhook_is_retried_on_network_errors(engine, data_dir, fake):
    from bot.zalo import run_zalo

    settings = webhook_settings(data_dir, fake, "https://bot.example.invalid/")
    transport = FlakyNetwork(0)
    client = ZaloClient(TOKEN, fake.base_url, poll_timeout=1, retry_delay=0.01,
                        client=httpx.AsyncClient(transport=transport))
    bot = ZaloBot(settings, engine, client=client)

    async def main():
        stop = asyncio.Event()
        await bot.check_token()
        transport.drops = 2  # setWebhook: refused twice, then a 502
        fake.fail("setWebhook", 502)
        task = asyncio.create_task(run_zalo(bot, settings, stop, host="127.0.0.1"))
        await wait_until(lambda: fake.webhook is not None)
        stop.set()
        await asyncio.wait_for(task, 5)

    asyncio.run(asyncio.wait_for(main(), 20))
    assert fake.methods() == ["getMe", "getMe", "setWebhook!502", "setWebhook"]
    assert fake.webhook == {"url": "https://bot.example.invalid/zalo", "secret_token": SECRET}


def test_unreachable_api_is_one_line(engine, data_dir):
    from bot.common import StartError

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    settings = Settings(data_dir=data_dir, embedder="fake", zalo_token=TOKEN,
                        zalo_base_url=f"http://127.0.0.1:{port}")
    bot = ZaloBot(settings, engine, client=ZaloClient(TOKEN, settings.zalo_base_url,
                                                      retry_delay=0.01))
    with pytest.raises(StartError) as err:
        asyncio.run(bot.check_token())
    assert "Không kết nối được tới Zalo" in str(err.value) and TOKEN not in str(err.value)
