"""The Telegram webhook under hostile POSTs, and secrets in the log at DEBUG level.

The real python-telegram-bot Application in webhook mode (bot.telegram.start_telegram on
bot/webhook.py), against the fake Bot API on 127.0.0.1."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import socket
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.telegram import SECRET_HEADER, TelegramBot, start_telegram, stop_telegram  # noqa: E402
from intents import AnswerEngine  # noqa: E402
from retrieval import Settings  # noqa: E402
from tests.fake_telegram import TOKEN, FakeTelegram, wait_until  # noqa: E402

SECRET = "hook-secret_1"
BIG = 50 * 1024 * 1024


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("webhooks")


@pytest.fixture(scope="module")
def engine(data_dir: Path) -> AnswerEngine:
    return AnswerEngine.open(Settings(data_dir=data_dir, embedder="fake"))


@pytest.fixture
def fake():
    with FakeTelegram() as server:
        yield server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def webhook_settings(data_dir: Path, fake: FakeTelegram, secret: str = SECRET,
                     url: str = "https://bot.example.invalid/hooks") -> Settings:
    return Settings(data_dir=data_dir, embedder="fake", telegram_token=TOKEN,
                    telegram_base_url=fake.base_url, webhook_url=url, webhook_secret=secret,
                    webhook_port=free_port())


def with_webhook(settings: Settings, engine: AnswerEngine, scenario, timeout: float = 120):
    async def main():
        tg = TelegramBot(settings, engine)
        app = tg.build()
        await start_telegram(app, settings, listen="127.0.0.1")
        try:
            return await scenario(tg, app)
        finally:
            await stop_telegram(app)
            tg.store.close()

    return asyncio.run(asyncio.wait_for(main(), timeout))


def rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def stream_post(port: int, path: str, headers: dict[str, str], size: int) -> tuple[int, int]:
    """POST a `size`-byte body streamed in 1 MB chunks (never held whole). Returns the HTTP
    status and how many body bytes the server let in before it answered and closed."""
    head = f"POST {path} HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\n"
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    head += f"Content-Length: {size}\r\n\r\n"
    chunk = b" " * (1024 * 1024)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(head.encode())
        status_line = s.makefile("rb").readline().decode()  # answered before any body byte
        sent = 0
        try:
            while sent < size:
                sent += s.send(chunk[: min(len(chunk), size - sent)])
        except OSError:
            pass  # the server closed the connection: the body was never read
    return int(status_line.split()[1]), sent


def test_secret_checked_before_the_body_memory_flat(engine, data_dir, fake):
    settings = webhook_settings(data_dir, fake)
    port = settings.webhook_port

    async def scenario(tg, app):
        # warm up (first connection, code paths) before the baseline
        await asyncio.to_thread(stream_post, port, "/hooks/telegram", {}, 1024)
        before = rss_kb()
        results = []
        for i in range(20):
            headers = {} if i % 2 else {SECRET_HEADER: "wrong"}
            results.append(await asyncio.to_thread(stream_post, port, "/hooks/telegram",
                                                   headers, BIG))
        after = rss_kb()
        # the right secret but a body over the cap: 413, still unread
        too_big = await asyncio.to_thread(stream_post, port, "/hooks/telegram",
                                          {SECRET_HEADER: SECRET}, BIG)
        return results, too_big, after - before

    results, too_big, growth_kb = with_webhook(settings, engine, scenario)
    print(f"RSS growth {growth_kb} KB; most body bytes let in {max(s for _, s in results)}")
    assert [status for status, _ in results] == [403] * 20
    assert too_big[0] == 413
    # far less than one body got in (socket buffers), and memory stayed flat
    assert max(sent for _, sent in results + [too_big]) < BIG // 4
    assert growth_kb < 20 * 1024, f"RSS grew by {growth_kb} KB over 20 POSTs of 50 MB"


def test_bad_bodies_get_400_and_edits_are_not_answered(engine, data_dir, fake):
    settings = webhook_settings(data_dir, fake)
    base = f"http://127.0.0.1:{settings.webhook_port}"
    good = {"update_id": 10, "message": {
        "message_id": 10, "date": int(time.time()), "text": "/kehoach",
        "chat": {"id": 3101, "type": "private"},
        "entities": [{"type": "bot_command", "offset": 0, "length": 8}],
        "from": {"id": 3101, "is_bot": False, "first_name": "W"}}}
    edited = {"update_id": 11, "edited_message": {**good["message"], "edit_date": 1}}
    ok = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}

    async def scenario(tg, app):
        async with httpx.AsyncClient(timeout=5) as http:
            statuses = {
                "not json": (await http.post(base + "/hooks/telegram", content=b"{oops",
                                             headers=ok)).status_code,
                "not utf-8": (await http.post(base + "/telegram", content=b"\xff\xfe",
                                              headers=ok)).status_code,
                "not an update": (await http.post(base + "/telegram", json=[1, 2],
                                                  headers=ok)).status_code,
                "no update_id": (await http.post(base + "/telegram", json={"message": {}},
                                                 headers=ok)).status_code,
                "bad fields": (await http.post(base + "/telegram", json={
                    "update_id": 3, "message": {"chat": 5}}, headers=ok)).status_code,
                "edited": (await http.post(base + "/telegram", json=edited,
                                           headers=ok)).status_code,
                "good": (await http.post(base + "/hooks/telegram", json=good,
                                         headers=ok)).status_code,
                "wrong path": (await http.post(base + "/other", json=good,
                                               headers=ok)).status_code,
                "GET": (await http.get(base + "/telegram")).status_code,
            }
        await wait_until(lambda: fake.texts(3101))
        await asyncio.sleep(0.5)
        return statuses

    statuses = with_webhook(settings, engine, scenario)
    assert statuses == {"not json": 400, "not utf-8": 400, "not an update": 400,
                        "no update_id": 400, "bad fields": 400, "edited": 200, "good": 200,
                        "wrong path": 404, "GET": 405}
    assert len(fake.texts(3101)) == 1 and "79/KH-UBND" in fake.texts(3101)[0]
    hook = fake.sent(method="setWebhook")[0]
    assert hook["url"] == "https://bot.example.invalid/hooks/telegram"
    assert json.loads(hook["allowed_updates"]) == ["message", "callback_query"]


def test_no_secret_in_a_debug_log(engine, data_dir, fake):
    """BOT_WEBHOOK_SECRET with characters Telegram refuses: the secret actually sent is
    derived from it. Neither, nor the token, reaches a DEBUG log, whatever the logger or a
    handler added after the redaction was installed."""
    from bot.common import install_redaction
    from bot.telegram import webhook_secret

    raw = "my webhook secret: không dấu?"
    sent = webhook_secret(raw)
    assert sent != raw
    install_redaction([TOKEN, raw])
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    levels = {name: logging.getLogger(name).level for name in ("", "httpx", "httpcore",
                                                                 "telegram", "bot")}
    root.addHandler(handler)
    for name in levels:
        logging.getLogger(name).setLevel(logging.DEBUG)
    settings = webhook_settings(data_dir, fake, secret=raw)

    async def scenario(tg, app):
        logging.getLogger("bot.test").debug("the secret was %s", raw)
        try:
            raise RuntimeError(f"failed with {sent}")
        except RuntimeError:
            logging.getLogger("somewhere.else").exception("an error")

    try:
        with_webhook(settings, engine, scenario)
    finally:
        root.removeHandler(handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
    log = buffer.getvalue()
    assert "setWebhook" in log and "secret_token" in log  # the call was logged at DEBUG
    assert fake.sent(method="setWebhook")[0]["secret_token"] == sent
    for secret in (TOKEN, raw, sent):
        assert secret not in log
    assert "***" in log


def test_webhook_server_status_codes():
    """bot/webhook.py alone: 431 for a header flood, 411 without a length, 500 when a
    handler fails (the service retries), the URL's own path and the bare suffix."""
    from bot.webhook import WebhookServer, url_paths

    assert url_paths("https://h.example/a/b/zalo", "zalo") == ["/a/b/zalo", "/zalo"]
    assert url_paths("https://h.example/zalo", "zalo") == ["/zalo"]
    seen = []

    def handler(update):
        if update == {"boom": 1}:
            raise RuntimeError("a bug")
        seen.append(update)

    async def main():
        server = WebhookServer()
        server.add(["/a/zalo", "/zalo"], "X-S", "secret-12", handler, 1000)
        await server.start("127.0.0.1", 0)

        def status(raw: bytes) -> int:
            with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
                s.sendall(raw)
                return int(s.makefile("rb").readline().split()[1])

        def post(path: str, body: bytes, extra: bytes = b"") -> int:
            return status(f"POST {path} HTTP/1.1\r\nX-S: secret-12\r\n".encode() + extra
                          + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)

        try:
            return await asyncio.to_thread(lambda: [
                status(b"POST /zalo HTTP/1.1\r\nX-Flood: " + b"a" * 20_000 + b"\r\n\r\n"),
                status(b"POST /zalo HTTP/1.1\r\nX-S: secret-12\r\n\r\n"),
                post("/zalo", b'{"boom": 1}'),
                post("/a/zalo", b'{"ok": 1}'),
                post("/zalo", b'{"ok": 2}', b"Expect: 100-continue\r\n"),
            ])
        finally:
            await server.close()

    assert asyncio.run(main()) == [431, 411, 500, 200, 100]
    assert seen == [{"ok": 1}, {"ok": 2}]
