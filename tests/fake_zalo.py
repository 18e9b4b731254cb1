"""A fake Zalo Bot Platform API on 127.0.0.1 that records every call and behaves as the
platform documents it:

- every reply is `{ok, result}` or `{ok: false, error_code, description}` with the same HTTP
  status (401 for a wrong token, 429 over quota);
- `getUpdates` long-polls and returns one update or error 408;
- `setWebhook` needs an https URL and a `secret_token` of 8–256 characters;
- `sendMessage` takes 1–2000 characters;
- a webhook delivery is a POST of `{"ok": true, "result": <update>}` with the header
  `X-Bot-Api-Secret-Token` (`deliver`).

    with FakeZalo() as fake:
        fake.message("u-1", "han 30")     # inject an update
        fake.texts("u-1")                 # what the bot sent to that chat
        fake.fail("sendMessage", 429, times=2)
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler

import httpx

from tests.fake_server import LocalServer

TOKEN = "zalo-TEST-token-789"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
BOT_INFO = {"id": "1459232241454765289", "account_name": "bot.PlanBot",
            "account_type": "BASIC", "can_join_groups": False}
REASONS = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 408: "Request timeout",
           429: "Quota exceeded", 500: "Internal Server Error", 502: "Bad Gateway",
           503: "Service Unavailable"}


class FakeZalo(LocalServer):
    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[tuple[str, dict]] = []
        self.pending: list[dict] = []
        self.failures: dict[str, list[int]] = {}
        self.webhook: dict | None = None
        self.cond = threading.Condition()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                prefix = f"/bot{fake.token}/"
                if not self.path.startswith(prefix):
                    body = _error(401)
                else:
                    body = fake.handle(self.path[len(prefix):], json.loads(raw or b"{}"))
                payload = json.dumps(body).encode()
                self.send_response(200 if body["ok"] else body["error_code"])
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(payload)  # a long poll given up at shutdown

        self._serve(Handler)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def fail(self, method: str, code: int, times: int = 1) -> None:
        """The next `times` calls of `method` fail with `code` (429 quota, 5xx …)."""
        with self.cond:
            self.failures.setdefault(method, []).extend([code] * times)

    def handle(self, method: str, params: dict) -> dict:
        with self.cond:
            queue = self.failures.get(method)
            code = queue.pop(0) if queue else None
        if code is not None:
            with self.cond:
                self.calls.append((f"{method}!{code}", params))
            return _error(code)
        if method == "getUpdates":
            deadline = time.monotonic() + min(float(params.get("timeout", 0)), 0.3)
            with self.cond:
                while not self.pending and time.monotonic() < deadline:
                    self.cond.wait(deadline - time.monotonic())
                if self.pending:
                    return {"ok": True, "result": self.pending.pop(0)}
            return _error(408)
        with self.cond:
            self.calls.append((method, params))
        if method == "getMe":
            return {"ok": True, "result": BOT_INFO}
        if method == "sendMessage":
            text = params.get("text", "")
            if not params.get("chat_id") or not 1 <= len(text) <= 2000:
                return _error(400, "text must be 1-2000 characters")
            return {"ok": True, "result": {"message_id": f"m{len(self.calls)}",
                                           "date": int(time.time() * 1000)}}
        if method == "setWebhook":
            url, secret = str(params.get("url", "")), str(params.get("secret_token", ""))
            if not url.startswith("https://") or not 8 <= len(secret) <= 256:
                return _error(400, "url must be https, secret_token 8-256 characters")
            self.webhook = {"url": url, "secret_token": secret}
            return {"ok": True, "result": {"url": url, "updated_at": int(time.time() * 1000)}}
        if method == "deleteWebhook":
            self.webhook = None
            return {"ok": True, "result": {"url": "", "updated_at": int(time.time() * 1000)}}
        return {"ok": True, "result": True}

    # ---- updates ----
    @staticmethod
    def update(user: str, text: str | None = None, event: str | None = "message.text.received",
               **content) -> dict:
        """An update as the platform sends it; `event=None` leaves `event_name` out."""
        message = {"from": {"id": user, "display_name": f"U{user}", "is_bot": False},
                   "chat": {"id": user, "chat_type": "PRIVATE"},
                   "message_id": f"in{time.monotonic_ns()}", "date": int(time.time() * 1000),
                   **content}
        if text is not None:
            message["text"] = text
        update = {"message": message}
        if event is not None:
            update["event_name"] = event
        return update

    def message(self, user: str, text: str | None, event: str | None = "message.text.received",
                **content) -> None:
        with self.cond:
            self.pending.append(self.update(user, text, event, **content))
            self.cond.notify_all()

    def deliver(self, local_url: str, update: dict, secret: str | None = None) -> int:
        """POST `update` to a bot's webhook as Zalo does: wrapped in {ok, result}, with the
        secret given to setWebhook in X-Bot-Api-Secret-Token. Returns the HTTP status."""
        secret = secret if secret is not None else (self.webhook or {}).get("secret_token", "")
        resp = httpx.post(local_url, json={"ok": True, "result": update},
                          headers={SECRET_HEADER: secret}, timeout=5)
        return resp.status_code

    # ---- reading what the bot did ----
    def texts(self, chat: str) -> list[str]:
        with self.cond:
            return [p["text"] for m, p in self.calls if m == "sendMessage"
                    and p["chat_id"] == chat]

    def actions(self, chat: str) -> list[str]:
        with self.cond:
            return [p["action"] for m, p in self.calls if m == "sendChatAction"
                    and p["chat_id"] == chat]

    def methods(self) -> list[str]:
        with self.cond:
            return [m for m, _ in self.calls]


def _error(code: int, description: str | None = None) -> dict:
    return {"ok": False, "error_code": code, "description": description or REASONS.get(code, "")}
