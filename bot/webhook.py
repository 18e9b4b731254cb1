"""One small HTTP/1.1 endpoint for the chat services' webhooks (Telegram and Zalo).

Each route has its own path, secret header and body cap. The secret is compared before a
single byte of the body is read and the declared length is checked against the cap, so a
stranger's 100 MB POST costs a header's worth of memory. A body that is not JSON, or not an
update the route understands, gets 400; the service only retries on 5xx.

    server = WebhookServer()
    await server.start("0.0.0.0", 8443)
    server.add(["/hooks/zalo", "/zalo"], "X-Bot-Api-Secret-Token", secret, on_update)
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import inspect
import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

MAX_HEADER = 16 * 1024
READ_TIMEOUT = 10.0

Handler = Callable[[Any], Awaitable[None] | None]


class BadUpdate(ValueError):
    """Raised by a route's handler for a body that is JSON but not an update: HTTP 400."""


@dataclass
class Route:
    name: str
    secret_header: str
    secret: bytes
    handler: Handler
    max_body: int


def url_paths(url: str, suffix: str) -> list[str]:
    """The local paths a webhook URL is served at: the URL's own path (no proxy needed)
    and the bare suffix (a proxy that strips the prefix still works)."""
    path = urlsplit(url).path or "/"
    short = "/" + suffix.strip("/")
    return [path] if path == short else [path, short]


class WebhookServer:
    """Routes by exact path; unknown paths get 404, other methods 405."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.server: asyncio.Server | None = None

    def add(self, paths: Iterable[str], secret_header: str, secret: str, handler: Handler,
            max_body: int, name: str = "") -> None:
        route = Route(name or secret_header, secret_header.lower(), secret.encode(), handler,
                      max_body)
        for path in paths:
            self.routes[path] = route

    @property
    def port(self) -> int:
        assert self.server is not None and self.server.sockets
        return self.server.sockets[0].getsockname()[1]

    async def start(self, host: str, port: int) -> asyncio.Server:
        self.server = await asyncio.start_server(self._on_connection, host, port,
                                                 limit=MAX_HEADER)
        return self.server

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
            with contextlib.suppress(Exception):
                await self.server.wait_closed()
            self.server = None

    # ---- one request ----------------------------------------------------------------------
    async def _on_connection(self, reader: asyncio.StreamReader,
                             writer: asyncio.StreamWriter) -> None:
        try:
            try:
                status = await self._serve_one(reader, writer)
            except asyncio.LimitOverrunError:
                status = (431, "Request Header Fields Too Large")
            except (asyncio.IncompleteReadError, TimeoutError, ConnectionError):
                return  # the client went away or was too slow: nothing to answer
            except Exception:  # noqa: BLE001 - a handler's bug: the service will retry
                log.exception("webhook: error while handling a request")
                status = (500, "Internal Server Error")
            await _respond(writer, *status)
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _serve_one(self, reader: asyncio.StreamReader,
                         writer: asyncio.StreamWriter) -> tuple[int, str]:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), READ_TIMEOUT)
        lines = head.decode("latin-1").split("\r\n")
        method, target, *_ = (lines[0].split(" ") + ["", ""])[:3]
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if sep:
                headers[name.strip().lower()] = value.strip()
        route = self.routes.get(target.split("?")[0])
        if route is None:
            return 404, "Not Found"
        if method != "POST":
            return 405, "Method Not Allowed"
        given = headers.get(route.secret_header, "").encode("latin-1")
        if not hmac.compare_digest(given, route.secret):
            log.info("webhook %s: refused a request without the right secret", route.name)
            return 403, "Forbidden"
        if "chunked" in headers.get("transfer-encoding", "").lower():
            return 411, "Length Required"
        try:
            length = int(headers.get("content-length", ""))
        except ValueError:
            return 411, "Length Required"
        if length < 0 or length > route.max_body:
            return 413, "Payload Too Large"
        if headers.get("expect", "").lower() == "100-continue":
            writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            await writer.drain()
        body = await asyncio.wait_for(reader.readexactly(length), READ_TIMEOUT)
        try:
            update = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            log.info("webhook %s: a body that is not JSON (HTTP 400)", route.name)
            return 400, "Bad Request"
        try:
            result = route.handler(update)
            if inspect.isawaitable(result):
                await result
        except BadUpdate as exc:
            log.info("webhook %s: not an update (%s); HTTP 400", route.name, exc)
            return 400, "Bad Request"
        return 200, "OK"


async def _respond(writer: asyncio.StreamWriter, status: int, reason: str) -> None:
    body = json.dumps({"ok": 200 <= status < 300}).encode()
    writer.write(f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
                 f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
    with contextlib.suppress(Exception):
        await writer.drain()
