"""A fake Telegram Bot API server on 127.0.0.1 that records every call.

Shared by the Telegram tests (tests/test_bot_telegram.py) and the concurrency benchmark
(bench/concurrency.py): the real python-telegram-bot Application talks to it over HTTP,
nothing leaves the loopback interface.

    with FakeTelegram() as fake:
        settings = Settings(..., telegram_token=TOKEN, telegram_base_url=fake.base_url)
        fake.message(2001, "/start")            # inject an update (long polling picks it up)
        fake.texts(2001)                        # what the bot sent to that chat
        fake.listeners.append(fn)               # fn(method, params, monotonic_time) per call
        fake.fail("sendMessage", 429, retry_after=1)   # flood limit on the next call

As the Bot API documents: `getUpdates` hands out only the update types named in the last
`allowed_updates` given (getUpdates or setWebhook); an unknown token gets HTTP 401; a flood
limit is HTTP 429 with `parameters.retry_after`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse

from tests.fake_server import LocalServer

TOKEN = "123456:TEST-token_abc"
BOT_USER = {"id": 4242, "is_bot": True, "first_name": "PlanBot", "username": "plan_bot"}

Listener = Callable[[str, dict, float], None]


class _Server(ThreadingHTTPServer):
    request_queue_size = 256  # the default 5 resets connections when many users talk at once


class FakeTelegram(LocalServer):
    def __init__(self, token: str = TOKEN, max_poll_wait: float = 0.3) -> None:
        self.token = token
        self.max_poll_wait = max_poll_wait
        self.calls: list[tuple[str, dict]] = []
        self.pending: list[dict] = []
        self.new_update = threading.Condition()
        self.files: dict[str, bytes] = {}
        self.lock = threading.Lock()
        self.listeners: list[Listener] = []
        self._update_id = 0
        self._message_id = 500
        self.allowed_updates: list[str] | None = None  # None: every type
        self.failures: dict[str, list[tuple[int, int | None]]] = {}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def _send(self, status: int, payload: bytes, ctype: str = "application/json") -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(payload)  # a long poll given up at shutdown

            def do_GET(self) -> None:  # file downloads
                prefix = f"/file/bot{fake.token}/"
                path = unquote(urlparse(self.path).path)
                data = fake.files.get(path[len(prefix):]) if path.startswith(prefix) else None
                if data is None:
                    self._send(404, b"not found", "text/plain")
                else:
                    fake.record("download", {"path": path[len(prefix):]})
                    self._send(200, data, "application/octet-stream")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                path = urlparse(self.path).path
                prefix = f"/bot{fake.token}/"
                if not path.startswith(prefix):
                    self._send(401, json.dumps({"ok": False, "error_code": 401,
                                                "description": "Unauthorized"}).encode())
                    return
                method = path[len(prefix):]
                ctype = self.headers.get("Content-Type", "")
                if "json" in ctype:
                    params = json.loads(raw or b"{}")
                else:
                    params = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                failure = fake.next_failure(method)
                if failure is not None:
                    code, retry_after = failure
                    fake.record(f"{method}!{code}", params)
                    error = {"ok": False, "error_code": code, "description":
                             f"Too Many Requests: retry after {retry_after}" if code == 429
                             else "Internal Server Error"}
                    if retry_after is not None:
                        error["parameters"] = {"retry_after": retry_after}
                    self._send(code, json.dumps(error).encode())
                    return
                result = fake.handle(method, params)
                self._send(200, json.dumps({"ok": True, "result": result}).encode())

        self._serve(Handler, _Server)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def record(self, method: str, params: dict) -> None:
        now = time.monotonic()
        with self.lock:
            self.calls.append((method, params))
            listeners = list(self.listeners)
        for fn in listeners:
            fn(method, params, now)

    def fail(self, method: str, code: int = 429, times: int = 1,
             retry_after: int | None = 1) -> None:
        """The next `times` calls of `method` fail with `code` (429: a flood limit)."""
        with self.lock:
            self.failures.setdefault(method, []).extend([(code, retry_after)] * times)

    def next_failure(self, method: str) -> tuple[int, int | None] | None:
        with self.lock:
            queue = self.failures.get(method)
            return queue.pop(0) if queue else None

    def _allowed(self, update: dict) -> bool:
        kinds = self.allowed_updates
        return not kinds or any(k in update for k in kinds)

    def handle(self, method: str, params: dict):
        for key in ("allowed_updates",):
            if method in ("getUpdates", "setWebhook") and params.get(key) is not None:
                value = params[key]
                self.allowed_updates = json.loads(value) if isinstance(value, str) else value
        if method == "getMe":
            self.record(method, params)
            return BOT_USER
        if method == "getUpdates":
            # real semantics: updates stay until a later call confirms them with `offset`
            offset = int(params.get("offset") or 0)
            limit = int(params.get("limit") or 100)
            wait = min(float(params.get("timeout") or 0), self.max_poll_wait)
            deadline = time.monotonic() + wait
            with self.new_update:
                while True:
                    self.pending = [u for u in self.pending if u["update_id"] >= offset]
                    left = deadline - time.monotonic()
                    ready = [u for u in self.pending if self._allowed(u)]
                    if ready or left <= 0:
                        return ready[:limit]
                    self.new_update.wait(left)
        if method == "sendMessage":
            with self.lock:
                self._message_id += 1
                mid = self._message_id
            chat_id = int(params["chat_id"])
            result = {"message_id": mid, "date": int(time.time()), "from": BOT_USER,
                      "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
                      "text": params.get("text", "")}
            self.record(method, params)
            return result
        self.record(method, params)
        if method == "getFile":
            fid = params["file_id"]
            return {"file_id": fid, "file_unique_id": fid, "file_size": 10,
                    "file_path": f"documents/{fid}"}
        return True

    # ---- injecting updates ----
    def put(self, update: dict) -> None:
        with self.new_update:
            self.pending.append(update)
            self.new_update.notify_all()

    def _next_id(self) -> int:
        with self.lock:
            self._update_id += 1
            return self._update_id

    def message(self, user: int, text: str | None = None, **extra) -> int:
        """Inject a private message from `user`; returns its update id (= message id)."""
        uid = self._next_id()
        msg = {"message_id": uid, "date": int(time.time()),
               "chat": {"id": user, "type": "private"},
               "from": {"id": user, "is_bot": False, "first_name": f"U{user}"}, **extra}
        if text is not None:
            msg["text"] = text
            if text.startswith("/"):
                cmd = text.split()[0]
                msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(cmd)}]
        self.put({"update_id": uid, "message": msg})
        return uid

    def group_message(self, chat: int, user: int, text: str, mention: bool = False,
                      reply_to_bot: bool = False, chat_type: str = "supergroup") -> int:
        """A message in a group: `mention` puts "@<bot> " in front (with its entity, as
        Telegram does); `reply_to_bot` makes it a reply to one of the bot's messages."""
        uid = self._next_id()
        entities = []
        if mention:
            handle = "@" + BOT_USER["username"]
            text = f"{handle} {text}"
            entities.append({"type": "mention", "offset": 0, "length": len(handle)})
        elif text.startswith("/"):
            cmd = text.split()[0]
            entities.append({"type": "bot_command", "offset": 0, "length": len(cmd)})
        msg = {"message_id": uid, "date": int(time.time()), "text": text,
               "chat": {"id": chat, "type": chat_type, "title": "Tổ công tác"},
               "from": {"id": user, "is_bot": False, "first_name": f"U{user}"}}
        if entities:
            msg["entities"] = entities
        if reply_to_bot:
            msg["reply_to_message"] = {"message_id": 400, "date": int(time.time()),
                                       "from": BOT_USER, "chat": msg["chat"],
                                       "text": "Câu trả lời trước"}
        self.put({"update_id": uid, "message": msg})
        return uid

    def edited(self, user: int, message_id: int, text: str) -> None:
        """The user edited message `message_id` (an edited_message update)."""
        uid = self._next_id()
        self.put({"update_id": uid, "edited_message": {
            "message_id": message_id, "date": int(time.time()) - 5,
            "edit_date": int(time.time()), "text": text,
            "chat": {"id": user, "type": "private"},
            "from": {"id": user, "is_bot": False, "first_name": f"U{user}"}}})

    def channel_post(self, chat: int, text: str) -> None:
        uid = self._next_id()
        self.put({"update_id": uid, "channel_post": {
            "message_id": uid, "date": int(time.time()), "text": text,
            "chat": {"id": chat, "type": "channel", "title": "Kênh"}}})

    def media(self, user: int, kind: str, caption: str | None = None) -> int:
        """A photo, voice message or sticker from `user`."""
        fid = {"file_id": f"{kind}{user}", "file_unique_id": f"u{kind}{user}"}
        content = {"photo": {"photo": [{**fid, "width": 90, "height": 90}]},
                   "voice": {"voice": {**fid, "duration": 3}},
                   "sticker": {"sticker": {**fid, "width": 512, "height": 512,
                                           "is_animated": False, "is_video": False,
                                           "type": "regular"}}}[kind]
        if caption is not None:
            content["caption"] = caption
        return self.message(user, None, **content)

    def callback(self, user: int, data: str, message_id: int = 1) -> None:
        uid = self._next_id()
        self.put({"update_id": uid, "callback_query": {
            "id": f"cb{uid}", "chat_instance": "ci", "data": data,
            "from": {"id": user, "is_bot": False, "first_name": f"U{user}"},
            "message": {"message_id": message_id, "date": int(time.time()), "from": BOT_USER,
                        "chat": {"id": user, "type": "private"}, "text": "answer"}}})

    def document(self, user: int, file_id: str, name: str, data: bytes) -> None:
        self.files[f"documents/{file_id}"] = data
        self.message(user, document={"file_id": file_id, "file_unique_id": file_id,
                                     "file_name": name, "mime_type": "text/plain",
                                     "file_size": len(data)})

    # ---- reading what the bot did ----
    def sent(self, chat: int | None = None, method: str = "sendMessage") -> list[dict]:
        with self.lock:
            return [p for m, p in self.calls if m == method
                    and (chat is None or str(p.get("chat_id")) == str(chat))]

    def texts(self, chat: int) -> list[str]:
        return [p["text"] for p in self.sent(chat)]


async def wait_until(pred: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the bot")
        await asyncio.sleep(0.05)
