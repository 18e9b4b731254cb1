"""The bot's own state in `<data_dir>/bot.db`: feedback, digest subscriptions, button keys.

User ids are stored only as keyed hashes (HMAC-SHA256). The key never enters the database:
it comes from the environment (Settings.user_hash_key: BOT_HASH_KEY, else derived from the
bot token), so a copy of bot.db alone does not let anyone test guessed user ids against the
hashes. Without a key (no bot configured) a random key for the life of the process is used.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    answer_key TEXT NOT NULL,
    question TEXT NOT NULL,
    vote INTEGER NOT NULL,          -- +1 useful, -1 not useful
    user_hash TEXT NOT NULL,
    platform TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (answer_key, user_hash)
);
CREATE TABLE IF NOT EXISTS subscriptions (
    platform TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (platform, chat_id)
);
CREATE TABLE IF NOT EXISTS answers (
    key TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    created_at REAL NOT NULL
);
"""

log = logging.getLogger(__name__)

MAX_ANSWERS = 5000  # button keys kept; older buttons answer "expired"


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


class BotStore:
    def __init__(self, path: Path, key: bytes | None = None) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)
        # an older version kept a salt here, beside the hashes it protected
        self._db.execute("DELETE FROM meta WHERE key='salt'")
        if key is None:
            log.info("no BOT_HASH_KEY or bot token: user hashes hold for this process only")
        self._key = key or secrets.token_bytes(32)

    @classmethod
    def for_settings(cls, settings) -> BotStore:  # noqa: ANN001 - retrieval.Settings
        """`<data_dir>/bot.db` with the user-hash key of the settings."""
        return cls(Path(settings.data_dir) / "bot.db", key=settings.user_hash_key)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _exec(self, sql: str, params: tuple = ()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    # ---- users ------------------------------------------------------------------------
    def user_hash(self, platform: str, user_id: object) -> str:
        """User ids are never stored in clear, nor in a form a copy of the database can test
        guesses against (the key is not in it)."""
        return hmac.new(self._key, f"{platform}:{user_id}".encode(),
                        hashlib.sha256).hexdigest()[:24]

    # ---- answers behind buttons ---------------------------------------------------------
    def save_answer(self, data: dict[str, Any]) -> str:
        key = secrets.token_urlsafe(8)  # 11 chars: "m:<key>" is far below 64 bytes
        self._exec("INSERT INTO answers(key, data, created_at) VALUES (?, ?, ?)",
                   (key, json.dumps(data, ensure_ascii=False), time.time()))
        self._exec("DELETE FROM answers WHERE key NOT IN "
                   "(SELECT key FROM answers ORDER BY created_at DESC LIMIT ?)", (MAX_ANSWERS,))
        return key

    def answer(self, key: str) -> dict[str, Any] | None:
        rows = self._exec("SELECT data FROM answers WHERE key=?", (key,))
        return json.loads(rows[0][0]) if rows else None

    # ---- feedback ---------------------------------------------------------------------
    def add_feedback(self, answer_key: str, question: str, vote: int, user_hash: str,
                     platform: str = "telegram") -> None:
        self._exec(
            "INSERT INTO feedback(answer_key, question, vote, user_hash, platform, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(answer_key, user_hash) DO UPDATE SET "
            "vote=excluded.vote, created_at=excluded.created_at",
            (answer_key, question, 1 if vote > 0 else -1, user_hash, platform, _now()))

    def feedback(self) -> list[dict[str, Any]]:
        rows = self._exec("SELECT question, vote, user_hash, platform, created_at FROM feedback "
                          "ORDER BY id")
        return [dict(zip(("question", "vote", "user_hash", "platform", "created_at"), r,
                         strict=True)) for r in rows]

    # ---- subscriptions ------------------------------------------------------------------
    def subscribe(self, platform: str, chat_id: object) -> bool:
        """True when newly subscribed."""
        with self._lock:
            cur = self._db.execute(
                "INSERT OR IGNORE INTO subscriptions(platform, chat_id, created_at) "
                "VALUES (?, ?, ?)", (platform, str(chat_id), _now()))
            return cur.rowcount > 0

    def unsubscribe(self, platform: str, chat_id: object) -> bool:
        with self._lock:
            cur = self._db.execute("DELETE FROM subscriptions WHERE platform=? AND chat_id=?",
                                   (platform, str(chat_id)))
            return cur.rowcount > 0

    def subscribers(self, platform: str) -> list[str]:
        return [r[0] for r in self._exec(
            "SELECT chat_id FROM subscriptions WHERE platform=? ORDER BY created_at", (platform,))]
