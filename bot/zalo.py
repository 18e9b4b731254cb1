"""Zalo Bot Platform front end (not the Official Account API).

API: `POST {base}/bot<token>/<method>` with a JSON body; every reply is
`{ok, result, error_code?, description?}` (401 a wrong token, 429 over quota). `getUpdates`
long-polls and returns ONE update (ok:false, error_code 408 = nothing yet). A webhook POST
carries the header `X-Bot-Api-Secret-Token` (8–256 characters, given to `setWebhook`) and
its body is wrapped like an API reply: `{"ok": true, "result": {"event_name": …, "message":
…}}`; the bare update is accepted too. No buttons, so commands are plain words: `help`
(or "hướng dẫn", "xin chào": commands.parse_command), `kehoach`, `han 30`, `chitieu 2030`, `tiep`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import secrets
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bot import commands, format
from bot.common import EngineRunner, RateLimiter, StartError, redact_also
from bot.storage import BotStore
from bot.webhook import WebhookServer, url_paths
from corpus.sanitize import clean_text

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Bot-Api-Secret-Token"
MAX_BODY = 64 * 1024  # a text update is a few hundred bytes
SECRET_MIN, SECRET_MAX = 8, 256  # what setWebhook accepts
RETRY_CODES = {None, 408, 429}  # None: the request did not get an answer (network)

NOT_TEXT = ("Hiện tôi chỉ đọc được tin nhắn chữ (ảnh, nhãn dán, tin nhắn thoại thì chưa). "
            "Hãy gõ câu hỏi, hoặc «hướng dẫn» để xem cách hỏi.")


class ZaloError(Exception):
    def __init__(self, method: str, code: int | None, description: str) -> None:
        super().__init__(f"{method}: {code} {description}")
        self.method, self.code, self.description = method, code, description

    @property
    def retryable(self) -> bool:
        return self.code in RETRY_CODES or (self.code is not None and self.code >= 500)


class ZaloClient:
    """A small typed client over httpx. The token is part of the URL: never log URLs."""

    def __init__(self, token: str, base_url: str = "https://bot-api.zaloplatforms.com",
                 poll_timeout: float = 30, client: httpx.AsyncClient | None = None,
                 retry_delay: float = 1.0, attempts: int = 4) -> None:
        self._prefix = f"{base_url.rstrip('/')}/bot{token}/"
        self.poll_timeout = poll_timeout
        self.retry_delay = retry_delay
        self.attempts = attempts
        self._client = client or httpx.AsyncClient(
            timeout=httpx.Timeout(15, read=poll_timeout + 15))

    async def aclose(self) -> None:
        await self._client.aclose()

    async def call(self, method: str, **params: Any) -> Any:
        try:
            resp = await self._client.post(self._prefix + method, json=params)
        except httpx.HTTPError as exc:
            # httpx messages may carry the URL (and so the token): keep only the kind
            raise ZaloError(method, None, type(exc).__name__) from None
        try:
            data = resp.json()
        except ValueError:
            raise ZaloError(method, resp.status_code, "phản hồi không phải JSON") from None
        if not isinstance(data, dict) or not data.get("ok") or resp.status_code >= 400:
            data = data if isinstance(data, dict) else {}
            raise ZaloError(method, data.get("error_code") or resp.status_code,
                            str(data.get("description", "")))
        return data.get("result")

    async def call_retrying(self, method: str, attempts: int | None = None,
                            **params: Any) -> Any:
        """`call`, retried with exponential back-off on network errors, 429 and 5xx."""
        attempts = attempts or self.attempts
        for attempt in range(attempts):
            try:
                return await self.call(method, **params)
            except ZaloError as exc:
                if not exc.retryable or attempt == attempts - 1:
                    raise
                delay = self.retry_delay * 2 ** attempt
                log.warning("zalo: %s failed (%s %s); retrying in %.1fs", method, exc.code,
                            exc.description, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def get_me(self) -> dict:
        return await self.call_retrying("getMe")

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
        return await self.call_retrying("sendMessage", chat_id=chat_id, text=text)

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> Any:
        return await self.call("sendChatAction", chat_id=chat_id, action=action)

    async def set_webhook(self, url: str, secret_token: str) -> Any:
        return await self.call_retrying("setWebhook", url=url, secret_token=secret_token)

    async def delete_webhook(self) -> Any:
        return await self.call_retrying("deleteWebhook")


def unwrap(body: Any) -> dict | None:
    """The update in a webhook body: `{"ok": true, "result": {...}}` or the update itself."""
    if isinstance(body, dict) and "message" not in body and isinstance(body.get("result"),
                                                                       dict):
        body = body["result"]
    return body if isinstance(body, dict) else None


def kind_of(event: str, message: dict) -> str:
    """text | image | sticker | voice | other. From `event_name` when the update has one
    (message.<kind>.received); by content otherwise, as the official SDK's filters route."""
    m = re.fullmatch(r"message\.(\w+)\.received", event)
    if m:
        return m.group(1) if m.group(1) in ("text", "image", "sticker", "voice") else "other"
    if event:
        return "event"  # user.follow and the like: not a message
    if message.get("text"):
        return "text"
    if message.get("photo_url") or message.get("photo"):
        return "image"
    if message.get("sticker"):
        return "sticker"
    if message.get("voice_url") or message.get("voice"):
        return "voice"
    return "other"


@dataclass
class Incoming:
    kind: str
    chat_id: str
    user_id: str
    text: str

    @classmethod
    def parse(cls, body: Any) -> Incoming | None:
        update = unwrap(body)
        if update is None:
            return None
        message = update.get("message")
        if not isinstance(message, dict):
            return None
        chat = message.get("chat") if isinstance(message.get("chat"), dict) else {}
        sender = message.get("from") if isinstance(message.get("from"), dict) else {}
        chat_id = chat.get("id") or sender.get("id")
        if not chat_id:
            return None
        kind = kind_of(str(update.get("event_name") or ""), message)
        text = message.get("text") or (message.get("caption") if kind == "image" else "")
        return cls(kind=kind, chat_id=str(chat_id), user_id=str(sender.get("id") or chat_id),
                   text=str(text or ""))


def describe(body: Any) -> str:
    """What a dropped update looked like, without its content (it may be a user's text)."""
    if isinstance(body, dict):
        inner = unwrap(body)
        keys = sorted(inner) if isinstance(inner, dict) else []
        return f"keys {sorted(body)}" + (f", update keys {keys}" if inner is not body else "")
    return type(body).__name__


def check_secret(secret: str) -> None:
    if not SECRET_MIN <= len(secret) <= SECRET_MAX:
        raise StartError(
            f"BOT_WEBHOOK_SECRET dài {len(secret)} ký tự, nhưng Zalo chỉ nhận khóa bí mật "
            f"webhook dài từ {SECRET_MIN} đến {SECRET_MAX} ký tự. Hãy đặt một chuỗi ngẫu nhiên "
            f"dài hơn (hoặc bỏ trống để bot tự tạo).")


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
    async def handle(self, update: Any) -> None:
        try:
            await self._handle(update)
        except Exception:  # noqa: BLE001 - one bad update must not stop the bot
            log.exception("zalo: error while handling an update")
            msg = Incoming.parse(update)
            if msg is not None:
                with contextlib.suppress(Exception):
                    await self.client.send_message(msg.chat_id, commands.ERROR)

    async def _handle(self, update: Any) -> None:
        msg = Incoming.parse(update)
        if msg is None or msg.kind == "event":
            log.info("zalo: dropped an update that is not a message (%s)", describe(update))
            return
        if self.allowed and msg.chat_id not in self.allowed:
            log.info("zalo: ignoring a chat not on the allow-list")
            return
        if not self.limiter.allow(msg.user_id):
            if self.limiter.should_notify(msg.user_id):
                await self.send(msg.chat_id, [commands.RATE_LIMITED.format(
                    secs=self.limiter.retry_after(msg.user_id))])
            return
        if not msg.text.strip():  # a sticker, a voice message, an image without caption
            await self.send(msg.chat_id, [NOT_TEXT])
            return
        await self.send(msg.chat_id, await self.reply_for(msg))

    async def reply_for(self, msg: Incoming) -> list[str]:
        text = clean_text(msg.text)  # corpus.sanitize: surrogates, controls, floods
        if len(text) > commands.MAX_QUESTION:
            return [commands.TOO_LONG.format(n=len(text), limit=commands.MAX_QUESTION)]
        command = commands.parse_command(text)  # one reader for the bots and the terminal
        name, arg = (command.name, command.arg) if command else ("", "")
        if name == "help":
            return format.reply_text(commands.help_reply("zalo"))
        if name == "kehoach":
            return format.reply_text(await self.runner.call(commands.plans_reply, self.engine))
        if name == "han":
            days = commands.parse_days(arg)
            if days is None:
                return [commands.BAD_DAYS]
            return format.reply_text(await self.runner.call(
                commands.deadlines_reply, self.engine, days))
        if name == "chitieu":
            year = commands.parse_year(arg)
            if year is None:
                return [commands.BAD_YEAR]
            return format.reply_text(await self.runner.call(
                commands.targets_reply, self.engine, year))
        chat = commands.chat_key("zalo", msg.chat_id)
        place = re.match(r"/(?:xa|xã)\b\s*(.*)$", text, re.IGNORECASE)
        if place:  # "/xa Phong Thổ"; "xã Phong Thổ …" without the slash is a question
            return format.reply_text(await self.runner.call(commands.place_reply, self.engine,
                                                            chat, place.group(1)))
        if name == "tiep" and msg.user_id in self.last_more:
            # the next sources of the last answer; else the chat's memory (a list's next
            # lines, or "nothing asked yet") in the engine
            return format.citations_text(self.last_more.pop(msg.user_id))
        with contextlib.suppress(ZaloError):
            await self.client.send_chat_action(msg.chat_id, "typing")
        answer = await self.runner.call(self.engine.ask, text, chat=chat)
        if answer.more:
            self.last_more[msg.user_id] = list(answer.more)
            self.last_more.move_to_end(msg.user_id)
            while len(self.last_more) > 1000:
                self.last_more.popitem(last=False)
        else:
            self.last_more.pop(msg.user_id, None)
        return format.answer_text(answer, has_more=bool(answer.more))

    async def send(self, chat_id: str, chunks: list[str]) -> None:
        """Every piece is sent (with retries in the client); one that still fails is logged
        and the rest of the answer goes on."""
        failed = 0
        for chunk in chunks:
            for piece in format.split_text(chunk, format.ZALO_LIMIT):
                try:
                    await self.client.send_message(chat_id, piece)
                except ZaloError as exc:
                    failed += 1
                    log.warning("zalo: a part of a reply was not delivered (%s %s)",
                                exc.code, exc.description)
        if failed:
            log.warning("zalo: %d part(s) of a reply lost after retries", failed)

    def dispatch(self, update: Any) -> asyncio.Task:
        task = asyncio.create_task(self.handle(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def drain(self, timeout: float = 10) -> None:
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)

    # ---- start -----------------------------------------------------------------------------
    async def check_token(self) -> dict:
        """getMe: a wrong token (401) or an unreachable service stops the Zalo bot with one
        Vietnamese line."""
        try:
            return await self.client.get_me()
        except ZaloError as exc:
            if exc.code in (401, 403, 404):
                raise StartError(
                    f"Zalo từ chối ZALO_BOT_TOKEN ({exc.code}: token sai hoặc đã bị đặt lại). "
                    "Hãy lấy lại token trong Zalo Bot Manager.") from None
            if exc.code is None:
                raise StartError(
                    f"Không kết nối được tới Zalo Bot API ({exc.description}). Hãy kiểm tra "
                    "mạng, tường lửa hoặc ZALO_BASE_URL.") from None
            raise StartError(f"Zalo Bot API trả lỗi khi kiểm tra token "
                             f"({exc.code}: {exc.description}).") from None

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
    def add_route(self, server: WebhookServer, secret: str, paths: list[str],
                  max_body: int = MAX_BODY) -> None:
        def on_update(body: Any) -> None:
            self.dispatch(body)  # answered 200 at once; the reply goes out by sendMessage

        server.add(paths, SECRET_HEADER, secret, on_update, max_body, name="zalo")

    async def serve_webhook(self, secret: str, host: str = "0.0.0.0", port: int = 8443,
                            path: str = "/zalo", max_body: int = MAX_BODY) -> asyncio.Server:
        """A webhook endpoint of its own: the secret header is checked before the body is
        read, bodies over `max_body` are refused."""
        server = WebhookServer()
        self.add_route(server, secret, [path], max_body)
        return await server.start(host, port)


async def start_zalo(bot: ZaloBot, settings, server: WebhookServer | None = None,  # noqa: ANN001
                     host: str = "0.0.0.0", port: int | None = None) -> WebhookServer | None:
    """Check the webhook secret and the token (getMe); in webhook mode register the route on
    `server` (or on a server of our own, returned, on `port`) and call setWebhook (retried on
    network errors); in polling mode remove any webhook. Raises StartError (one Vietnamese
    line) when the bot cannot start."""
    secret = None
    if settings.webhook_url:
        secret = settings.webhook_secret or secrets.token_urlsafe(24)
        redact_also(secret)
        check_secret(secret)
    await bot.check_token()
    if not settings.webhook_url:
        with contextlib.suppress(ZaloError):
            await bot.client.delete_webhook()  # polling needs no webhook set
        log.info("zalo: long polling")
        return None
    url = settings.webhook_url.rstrip("/") + "/zalo"
    own = None
    if server is None:
        server = own = WebhookServer()
        try:
            await server.start(host, port or settings.webhook_port)
        except OSError as exc:
            raise StartError(f"Không mở được cổng {port or settings.webhook_port} cho webhook "
                             f"Zalo ({exc.strerror}).") from None
    paths = url_paths(url, "zalo")
    bot.add_route(server, secret, paths)
    try:
        await bot.client.set_webhook(url, secret)
    except ZaloError as exc:
        if own is not None:
            await own.close()
        raise StartError(f"Zalo không nhận webhook {url} ({exc.code or 'mạng'}: "
                         f"{exc.description or 'không kết nối được'}).") from None
    log.info("zalo: webhook on port %d, path %s", server.port, " and ".join(paths))
    return own


async def serve_zalo(bot: ZaloBot, settings, stop: asyncio.Event) -> None:  # noqa: ANN001
    """Answer until `stop` is set: long polling, or the webhook route already registered."""
    try:
        if settings.webhook_url:
            await stop.wait()
            await bot.drain()
        else:
            await bot.poll(stop)
    finally:
        await bot.client.aclose()


async def run_zalo(bot: ZaloBot, settings, stop: asyncio.Event,  # noqa: ANN001
                   port: int | None = None, host: str = "0.0.0.0") -> None:
    """start_zalo then serve_zalo, on a webhook server of its own in webhook mode."""
    own = None
    try:
        own = await start_zalo(bot, settings, host=host, port=port)
    except BaseException:
        await bot.client.aclose()
        raise
    try:
        await serve_zalo(bot, settings, stop)
    finally:
        if own is not None:
            await own.close()
