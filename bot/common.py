"""Small pieces shared by the chat front ends: rate limit, token redaction, engine access."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import TypeVar
from urllib.parse import quote

T = TypeVar("T")


class RateLimiter:
    """Per-key sliding window: at most `limit` events in the last `window` seconds."""

    def __init__(self, limit: int, window: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._events: dict[str, deque[float]] = {}
        self._notified: dict[str, float] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        if self.limit <= 0:
            return True
        now = self.clock()
        with self._lock:
            q = self._events.setdefault(key, deque())
            while q and now - q[0] >= self.window:
                q.popleft()
            if len(q) >= self.limit:
                return False
            q.append(now)
            if len(self._events) > 10_000:  # forget idle users
                for k in [k for k, v in self._events.items() if not v or now - v[-1] >= self.window]:
                    self._events.pop(k, None)
                    self._notified.pop(k, None)
            return True

    def should_notify(self, key: str) -> bool:
        """Say "slow down" once per window, not on every rejected message."""
        now = self.clock()
        with self._lock:
            last = self._notified.get(key)
            if last is not None and now - last < self.window:
                return False
            self._notified[key] = now
            return True

    def retry_after(self, key: str) -> int:
        q = self._events.get(key)
        if not q:
            return 0
        return max(1, int(self.window - (self.clock() - q[0])) + 1)


class StartError(Exception):
    """A front end cannot start (bad token, unreachable service, bad setting). The message is
    one Vietnamese line for the operator; no traceback is shown for it."""


def _variants(secret: str) -> set[str]:
    # a token also appears URL-quoted in request lines ("123:abc" → "123%3Aabc")
    return {secret, quote(secret, safe=""), quote(secret)}


class RedactFilter(logging.Filter):
    """Replaces secrets (bot tokens, webhook secrets) in log records. Installed as the log
    record factory by `install_redaction`, it sees every record of every logger at every
    level before any handler does, handlers added later included."""

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        super().__init__()
        self.secrets: list[str] = []
        self.add(*secrets)

    def add(self, *secrets: str | None) -> None:
        """Redact these too (e.g. a secret derived at start, or generated)."""
        found = set(self.secrets)
        for s in secrets:
            if s:
                found |= {v for v in _variants(s) if len(v) >= 4}
        # longest first, so a secret that contains another is replaced whole
        self.secrets = sorted(found, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for s in self.secrets:
            if s in text:
                text = text.replace(s, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken record must still be logged
            message = str(record.msg)
        clean = self.redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


_REDACT = RedactFilter()
_factory_installed = False


def install_redaction(secrets: Iterable[str | None]) -> RedactFilter:
    """Redact `secrets` from every log record, whatever its logger, level or handler.

    The filter runs in the record factory (so records of child loggers and handlers added
    later are covered) and on the root's handlers; httpx is quieted to WARNING because it
    logs every request URL, token included."""
    global _factory_installed
    _REDACT.add(*secrets)
    if not _factory_installed:
        previous = logging.getLogRecordFactory()

        def factory(*args, **kwargs) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            _REDACT.filter(record)
            return record

        logging.setLogRecordFactory(factory)
        _factory_installed = True
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    root = logging.getLogger()
    for handler in root.handlers:
        if _REDACT not in handler.filters:
            handler.addFilter(_REDACT)
    return _REDACT


def redact(text: str) -> str:
    """`text` without any secret known to the redaction (for messages printed, not logged)."""
    return _REDACT.redact(text)


def redact_also(*secrets: str | None) -> None:
    """Add secrets made at run time (the webhook secret actually sent, a generated one)."""
    _REDACT.add(*secrets)


class EngineRunner:
    """Runs blocking engine calls in a worker thread, off the event loop.

    No lock here: the engine is shared by every front end of the process and is safe from
    many threads (retrieval.index: questions read one view of the index at once, an ingest
    builds the next one beside it and swaps it in), so a question is answered while an
    upload is being read, and no two bots hold two locks over one engine."""

    def __init__(self, engine) -> None:  # noqa: ANN001 - intents.AnswerEngine
        self.engine = engine

    def call_sync(self, fn: Callable[..., T], *args, **kwargs) -> T:
        return fn(*args, **kwargs)

    async def call(self, fn: Callable[..., T], *args, **kwargs) -> T:
        return await asyncio.to_thread(self.call_sync, fn, *args, **kwargs)
