"""A fake Telegram Bot API server on 127.0.0.1 that records every call.

Shared by the Telegram tests (tests/test_bot_telegram.py) and the concurrency benchmark
(bench/concurrency.py): the real python-telegram-bot Application talks to it over HTTP,
nothing leaves the loopback interface.

    with FakeTelegram() as fake:
        settings = Settings(..., telegram_token=TOKEN, telegram_base_url=fake.base_url)
        fake.message(2001, "/start")            # inject an update (long polling picks it up)
        fake.texts(2001)                        # what the bot sent to that chat
        fake.listeners.append(fn)               # fn(method, params, monotonic_time) per call
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

    def handle(self, method: str, params: dict):
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
                    if self.pending or left <= 0:
                        return list(self.pending[:limit])
                    self.new_update.wait(left)
        if method == "sendMessage":
            with self.lock:
                self._message_id += 1
                mid = self._message_id
            result = {"message_id": mid, "date": int(time.time()), "from": BOT_USER,
                      "chat": {"id": int(params["chat_id"]), "type": "private"},
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
