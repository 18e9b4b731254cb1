"""A fake Zalo Bot Platform API on 127.0.0.1 that records every call.

Shared by the Zalo tests (tests/test_bot_zalo.py) and the run-as-user test: `getUpdates`
long-polls and returns one update or error 408; every response is {ok, result, …}.

    with FakeZalo() as fake:
        fake.message("u-1", "han 30")     # inject an update
        fake.texts("u-1")                 # what the bot sent to that chat
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler

from tests.fake_server import LocalServer

TOKEN = "zalo-TEST-token-789"


class FakeZalo(LocalServer):
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []
        self.pending: list[dict] = []
        self.cond = threading.Condition()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                prefix = f"/bot{TOKEN}/"
                if not self.path.startswith(prefix):
                    body = {"ok": False, "error_code": 401, "description": "Unauthorized"}
                else:
                    body = fake.handle(self.path[len(prefix):], json.loads(raw or b"{}"))
                payload = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(payload)  # a long poll given up at shutdown

        self._serve(Handler)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def handle(self, method: str, params: dict) -> dict:
        if method == "getUpdates":
            deadline = time.monotonic() + min(float(params.get("timeout", 0)), 0.3)
            with self.cond:
                while not self.pending and time.monotonic() < deadline:
                    self.cond.wait(deadline - time.monotonic())
                if self.pending:
                    return {"ok": True, "result": self.pending.pop(0)}
            return {"ok": False, "error_code": 408, "description": "Request timeout"}
        with self.cond:
            self.calls.append((method, params))
        if method == "sendMessage":
            text = params.get("text", "")
            if not 1 <= len(text) <= 2000:
                return {"ok": False, "error_code": 400, "description": "text length"}
            return {"ok": True, "result": {"message_id": f"m{len(self.calls)}",
                                           "date": int(time.time() * 1000)}}
        return {"ok": True, "result": True}

    def message(self, user: str, text: str, event: str = "message.text.received") -> None:
        update = {"event_name": event, "message": {
            "from": {"id": user, "display_name": f"U{user}", "is_bot": False},
            "chat": {"id": user, "chat_type": "PRIVATE"}, "text": text,
            "message_id": f"in{time.monotonic_ns()}", "date": int(time.time() * 1000)}}
        with self.cond:
            self.pending.append(update)
            self.cond.notify_all()

    def texts(self, chat: str) -> list[str]:
        with self.cond:
            return [p["text"] for m, p in self.calls if m == "sendMessage"
                    and p["chat_id"] == chat]

    def actions(self, chat: str) -> list[str]:
        with self.cond:
            return [p["action"] for m, p in self.calls if m == "sendChatAction"
                    and p["chat_id"] == chat]
