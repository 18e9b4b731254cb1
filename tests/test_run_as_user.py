"""Run the bots as a new user would: `python run_bot.py telegram|zalo` in its own process,
pointed at a fake Bot API server on 127.0.0.1 through TELEGRAM_BASE_URL / ZALO_BASE_URL."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fake_telegram import TOKEN, FakeTelegram
from fake_zalo import TOKEN as ZALO_TOKEN
from fake_zalo import FakeZalo

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "Ai chủ trì triển khai cấp chứng thư số cho cán bộ phường Trần Liễu?"


def _start(which: str, env_extra: dict[str, str], data_dir: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "ZALO_"))}
    env.update(PLAN_DATA_DIR=str(data_dir), PLAN_EMBEDDER="fake", **env_extra)
    return subprocess.Popen([sys.executable, "run_bot.py", which], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _wait(pred, proc: subprocess.Popen, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not pred():
        if proc.poll() is not None:
            raise AssertionError(f"bot exited early:\n{proc.stdout.read()}")
        if time.monotonic() > deadline:
            raise AssertionError("no reply from the bot process")
        time.sleep(0.2)


def _stop(proc: subprocess.Popen) -> str:
    proc.send_signal(signal.SIGINT)
    try:
        out, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out or ""


def _first_line(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text).strip().splitlines()[0]


def test_run_bot_telegram_answers_through_base_url(tmp_path) -> None:
    with FakeTelegram() as fake:
        proc = _start("telegram", {"TELEGRAM_BOT_TOKEN": TOKEN,
                                   "TELEGRAM_BASE_URL": fake.base_url}, tmp_path)
        try:
            fake.message(3001, QUESTION)
            _wait(lambda: any("Không tìm thấy" in t or "chủ trì" in t
                              for t in fake.texts(3001)), proc)
            reply = next(t for t in fake.texts(3001) if "chủ trì" in t or "Không" in t)
            assert _first_line(reply).startswith("Phòng Văn hóa - Xã hội")
        finally:
            log = _stop(proc)
    assert TOKEN not in log  # the token never reaches the log


def test_run_bot_zalo_answers_through_base_url(tmp_path) -> None:
    with FakeZalo() as fake:
        proc = _start("zalo", {"ZALO_BOT_TOKEN": ZALO_TOKEN,
                               "ZALO_BASE_URL": fake.base_url}, tmp_path)
        try:
            fake.message("u-77", QUESTION)
            _wait(lambda: bool(fake.texts("u-77")), proc)
            assert _first_line(fake.texts("u-77")[0]).startswith("Phòng Văn hóa - Xã hội")
        finally:
            log = _stop(proc)
    assert ZALO_TOKEN not in log


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch) -> None:
    # the bots talk to 127.0.0.1 directly, whatever proxy the machine has
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
