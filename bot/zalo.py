"""Zalo Bot Platform front end (not the Official Account API).

API: `POST {base}/bot<token>/<method>` with a JSON body; every reply is
`{ok, result, error_code?, description?}`. `getUpdates` long-polls and returns ONE update
(ok:false, error_code 408 = nothing yet). No buttons, so commands are plain words:
`help`, `kehoach`, `han 30`, `chitieu 2030`, `tiep`.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import secrets
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bot import commands, format
from bot.common import EngineRunner, RateLimiter
from bot.storage import BotStore
from corpus.sanitize import clean_text

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Bot-Api-Secret-Token"
MAX_BODY = 64 * 1024  # a text update is a few hundred bytes
MAX_HEADER = 16 * 1024


class ZaloError(Exception):
    def __init__(self, method: str, code: int | None, description: str) -> None:
        super().__init__(f"{method}: {code} {description}")
        self.method, self.code, self.description = method, code, description


class ZaloClient:
    """A small typed client over httpx. The token is part of the URL: never log URLs."""

    def __init__(self, token: str, base_url: str = "https://bot-api.zaloplatforms.com",
                 poll_timeout: float = 30, client: httpx.AsyncClient | None = None) -> None:
        self._prefix = f"{base_url.rstrip('/')}/bot{token}/"
        self.poll_timeout = poll_timeout
        self._client = client or httpx.AsyncClient(
            timeout=httpx.Timeout(15, read=poll_timeout + 15))

    async def aclose(self) -> None:
        await self._client.aclose()

    async def call(self, method: str, **params: Any) -> Any:
        try:
            resp = await self._client.post(self._prefix + method, json=params)
            data = resp.json()
        except httpx.HTTPError as exc:
            # httpx messages may carry the URL (and so the token): keep only the kind
            raise ZaloError(method, None, type(exc).__name__) from None
        except ValueError:
            raise ZaloError(method, resp.status_code, "phản hồi không phải JSON") from None
        if not isinstance(data, dict) or not data.get("ok"):
            data = data if isinstance(data, dict) else {}
            raise ZaloError(method, data.get("error_code", resp.status_code),
                            str(data.get("description", "")))
        return data.get("result")

    async def get_me(self) -> dict:
        return await self.call("getMe")

    async def get_updates(self, timeout: float | None = None) -> dict | None:
        """One update, or None when the long poll ended without one (error 408)."""
        try:
            result = await self.call("getUpdates", timeout=int(timeout or self.poll_timeout))
        except ZaloError as exc:
            if exc.code == 408:
                return None
            raise
        if isinstance(result, list):  # be lenient: a list of updates → the first
            return result[0] if result else None
        return result or None

    async def send_message(self, chat_id: str, text: str) -> Any:
        return await self.call("sendMessage", chat_id=chat_id, text=text)

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> Any:
        return await self.call("sendChatAction", chat_id=chat_id, action=action)

    async def set_webhook(self, url: str, secret_token: str) -> Any:
        return await self.call("setWebhook", url=url, secret_token=secret_token)

    async def delete_webhook(self) -> Any:
        return await self.call("deleteWebhook")


@dataclass
class Incoming:
    event: str
    chat_id: str
    user_id: str
    text: str

    @classmethod
    def parse(cls, update: dict) -> Incoming | None:
        if not isinstance(update, dict):
            return None
        message = update.get("message") or {}
        chat = message.get("chat") or {}
        sender = message.get("from") or {}
        chat_id = chat.get("id") or sender.get("id")
        if not chat_id:
            return None
        return cls(event=str(update.get("event_name", "")), chat_id=str(chat_id),
                   user_id=str(sender.get("id") or chat_id), text=str(message.get("text") or ""))


class ZaloBot:
    def __init__(self, settings, engine, client: ZaloClient | None = None,  # noqa: ANN001
                 store: BotStore | None = None) -> None:
        if client is None and not settings.zalo_token:
            raise ValueError("thiếu ZALO_BOT_TOKEN")
        self.settings = settings
        self.engine = engine
        self.runner = EngineRunner(engine)
        self.client = client or ZaloClient(settings.zalo_token, settings.zalo_base_url)
        self.store = store or BotStore(Path(settings.data_dir) / "bot.db")
        self.limiter = RateLimiter(settings.rate_limit_per_minute)
        self.allowed = {str(c) for c in settings.allowed_chats}
        self.last_more: OrderedDict[str, list] = OrderedDict()  # user → next sources
        self._tasks: set[asyncio.Task] = set()

    # ---- one update ------------------------------------------------------------------------
    async def handle(self, update: dict) -> None:
        try:
            await self._handle(update)
        except Exception:  # noqa: BLE001 - one bad update must not stop the bot
            log.exception("zalo: error while handling an update")
            msg = Incoming.parse(update)
            if msg is not None:
                with contextlib.suppress(Exception):
                    await self.client.send_message(msg.chat_id, commands.ERROR)

    async def _handle(self, update: dict) -> None:
        msg = Incoming.parse(update)
        if msg is None or not msg.event.startswith("message."):
            return
        if self.allowed and msg.chat_id not in self.allowed:
            log.info("zalo: ignoring a chat not on the allow-list")
            return
        if not self.limiter.allow(msg.user_id):
            if self.limiter.should_notify(msg.user_id):
                await self.send(msg.chat_id, [commands.RATE_LIMITED.format(
                    secs=self.limiter.retry_after(msg.user_id))])
            return
        if msg.event != "message.text.received":
            await self.send(msg.chat_id, ["Hiện tôi chỉ đọc được tin nhắn chữ. Hãy gõ câu hỏi "
                                          "hoặc «help» để xem hướng dẫn."])
            return
        await self.send(msg.chat_id, await self.reply_for(msg))

    async def reply_for(self, msg: Incoming) -> list[str]:
        text = clean_text(msg.text)  # corpus.sanitize: surrogates, controls, floods
        if len(text) > commands.MAX_QUESTION:
            return [commands.TOO_LONG.format(n=len(text), limit=commands.MAX_QUESTION)]
        word, _, arg = text.partition(" ")
        word = word.lower().lstrip("/")
        if word in ("help", "start", "huongdan", "hướng dẫn") and not arg:
            return format.reply_text(commands.help_reply("zalo"))
        if word == "kehoach" and not arg:
            return format.reply_text(await self.runner.call(commands.plans_reply, self.engine))
        if word == "han" and (not arg or arg.strip().isdigit()):
            days = commands.parse_days(arg)
            if days is None:
                return [commands.BAD_DAYS]
            return format.reply_text(await self.runner.call(
                commands.deadlines_reply, self.engine, days))
        if word == "chitieu" and (not arg or arg.strip().isdigit()):
            year = commands.parse_year(arg)
            if year is None:
                return [commands.BAD_YEAR]
            return format.reply_text(await self.runner.call(
                commands.targets_reply, self.engine, year))
        if word in ("tiep", "tiếp") and not arg:
            more = self.last_more.pop(msg.user_id, None)
            if more is None:
                return ["Chưa có câu trả lời nào để xem thêm nguồn. Hãy đặt câu hỏi trước."]
            return format.citations_text(more)
        with contextlib.suppress(ZaloError):
            await self.client.send_chat_action(msg.chat_id, "typing")
        answer = await self.runner.call(self.engine.ask, text)
        if answer.more:
            self.last_more[msg.user_id] = list(answer.more)
            self.last_more.move_to_end(msg.user_id)
            while len(self.last_more) > 1000:
                self.last_more.popitem(last=False)
        else:
            self.last_more.pop(msg.user_id, None)
        return format.answer_text(answer, has_more=bool(answer.more))

    async def send(self, chat_id: str, chunks: list[str]) -> None:
        for chunk in chunks:
            for piece in format.split_text(chunk, format.ZALO_LIMIT):
                await self.client.send_message(chat_id, piece)

    def dispatch(self, update: dict) -> asyncio.Task:
        task = asyncio.create_task(self.handle(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def drain(self, timeout: float = 10) -> None:
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)

    # ---- long polling ----------------------------------------------------------------------
    async def poll(self, stop: asyncio.Event | None = None, max_updates: int | None = None,
                   poll_timeout: float | None = None) -> int:
        """Long-poll until `stop` is set (or `max_updates` handled); returns updates handled."""
        stop = stop or asyncio.Event()
        handled, backoff = 0, 1.0
        while not stop.is_set() and (max_updates is None or handled < max_updates):
            getter = asyncio.create_task(self.client.get_updates(poll_timeout))
            stopper = asyncio.create_task(stop.wait())
            done, _ = await asyncio.wait({getter, stopper}, return_when=asyncio.FIRST_COMPLETED)
            if getter not in done:
                getter.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await getter
                break
            stopper.cancel()
            try:
                update = getter.result()
            except ZaloError as exc:
                log.warning("zalo: getUpdates failed (%s %s); retrying in %.0fs",
                            exc.code, exc.description, backoff)
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(stop.wait(), backoff)
                backoff = min(backoff * 2, 30)
                continue
            backoff = 1.0
            if update:
                handled += 1
                self.dispatch(update)
        await self.drain()
        return handled

    # ---- webhook ---------------------------------------------------------------------------
    async def serve_webhook(self, secret: str, host: str = "0.0.0.0", port: int = 8443,
                            path: str = "/zalo", max_body: int = MAX_BODY) -> asyncio.Server:
        """A minimal HTTP/1.1 endpoint: the secret header is checked before the body is read."""
        expected = secret.encode()

        async def respond(writer: asyncio.StreamWriter, status: int, reason: str) -> None:
            body = json.dumps({"ok": 200 <= status < 300}).encode()
            writer.write(f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
                         f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                         + body)
            with contextlib.suppress(Exception):
                await writer.drain()

        async def on_connection(reader: asyncio.StreamReader,
                                writer: asyncio.StreamWriter) -> None:
            try:
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
                if len(head) > MAX_HEADER:
                    await respond(writer, 431, "Request Header Fields Too Large")
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, target, *_ = (lines[0].split(" ") + ["", ""])[:3]
                headers = {}
                for line in lines[1:]:
                    name, sep, value = line.partition(":")
                    if sep:
                        headers[name.strip().lower()] = value.strip()
                if method != "POST" or target.split("?")[0] != path:
                    await respond(writer, 404, "Not Found")
                    return
                given = headers.get(SECRET_HEADER.lower(), "").encode()
                if not hmac.compare_digest(given, expected):
                    await respond(writer, 403, "Forbidden")
                    return
                try:
                    length = int(headers.get("content-length", ""))
                except ValueError:
                    await respond(writer, 411, "Length Required")
                    return
                if length < 0 or length > max_body:
                    await respond(writer, 413, "Payload Too Large")
                    return
                body = await asyncio.wait_for(reader.readexactly(length), 10)
                try:
                    update = json.loads(body)
                except ValueError:
                    await respond(writer, 400, "Bad Request")
                    return
                await respond(writer, 200, "OK")
                self.dispatch(update)
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError,
                    ConnectionError):
                pass
            finally:
                writer.close()
                with contextlib.suppress(Exception):
                    await writer.wait_closed()

        return await asyncio.start_server(on_connection, host, port, limit=MAX_HEADER)


async def run_zalo(bot: ZaloBot, settings, stop: asyncio.Event,  # noqa: ANN001
                   port: int | None = None, host: str = "0.0.0.0") -> None:
    """Polling, or a webhook (setWebhook + local server) when BOT_WEBHOOK_URL is set."""
    try:
        if settings.webhook_url:
            secret = settings.webhook_secret or secrets.token_urlsafe(24)
            port = port or settings.webhook_port
            server = await bot.serve_webhook(secret, host=host, port=port)
            await bot.client.set_webhook(settings.webhook_url.rstrip("/") + "/zalo", secret)
            log.info("zalo: webhook on port %d, path /zalo", port)
            async with server:
                await stop.wait()
            await bot.drain()
        else:
            with contextlib.suppress(ZaloError):
                await bot.client.delete_webhook()  # polling needs no webhook set
            log.info("zalo: long polling")
            await bot.poll(stop)
    finally:
        await bot.client.aclose()
