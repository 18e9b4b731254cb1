"""Concurrency: simulated users talking to the real Telegram bot application (bot.telegram,
python-telegram-bot, long polling) through the fake Bot API server of the tests.

Each user is a thread that sends a question, waits for the bot's answer, then sends the
next ("closed loop"); with burst=True every user sends all questions at once instead. Every
answer carries feedback buttons whose key maps to the stored question, so each answer is
matched to the exact question it answers: the check is one answer per question, no more,
no less, and no other message (rate-limit notice, apology).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections import defaultdict
from pathlib import Path

from bench.common import latency_summary
from tests.fake_telegram import TOKEN, FakeTelegram


def _key(params: dict) -> str | None:
    markup = params.get("reply_markup")
    if not markup:
        return None
    data = json.loads(markup) if isinstance(markup, str) else markup
    for row in data.get("inline_keyboard", []):
        for b in row:
            cb = b.get("callback_data", "")
            if cb.startswith("u:"):
                return cb[2:]
    return None


def run(engine, data_dir: Path, questions: list[str], users: int = 50,  # noqa: ANN001
        per_user: int = 10, burst: bool = False, timeout: float = 600) -> dict:
    from bot.telegram import TelegramBot, start_telegram, stop_telegram
    from retrieval import Settings

    plan = {1_000_000 + u: [questions[(u * per_user + j) % len(questions)]
                            for j in range(per_user)] for u in range(users)}
    sent_at: dict[tuple[int, int], float] = {}  # (chat, j) -> time the question was injected
    messages: dict[int, list[tuple[float, dict]]] = defaultdict(list)
    arrived = threading.Condition()

    def on_call(method: str, params: dict, t: float) -> None:
        if method == "sendMessage":
            with arrived:
                messages[int(params["chat_id"])].append((t, params))
                arrived.notify_all()

    def user(chat: int, fake: FakeTelegram) -> None:
        for j, q in enumerate(plan[chat]):
            sent_at[(chat, j)] = time.monotonic()
            fake.message(chat, q)
            if burst:
                continue
            deadline = time.monotonic() + 120
            with arrived:
                while len(messages[chat]) <= j and time.monotonic() < deadline:
                    arrived.wait(1)

    async def main(fake: FakeTelegram) -> tuple[float, dict]:
        settings = Settings(data_dir=data_dir, telegram_token=TOKEN,
                            telegram_base_url=fake.base_url)
        tg = TelegramBot(settings, engine)
        app = tg.build()
        await start_telegram(app, settings, poll_timeout=1)
        try:
            t0 = time.monotonic()
            threads = [threading.Thread(target=user, args=(c, fake), daemon=True) for c in plan]
            for t in threads:
                t.start()
            total = users * per_user
            deadline = t0 + timeout
            while (sum(len(v) for v in list(messages.values())) < total
                   and time.monotonic() < deadline):
                await asyncio.sleep(0.05)
            wall = time.monotonic() - t0
            await asyncio.sleep(1.0)  # anything extra (a duplicate) would arrive now
            keys = {}
            for msgs in list(messages.values()):
                for _, params in msgs:
                    k = _key(params)
                    if k:
                        stored = tg.store.answer(k)
                        keys[k] = stored["question"] if stored else None
            return wall, keys
        finally:
            await stop_telegram(app)
            tg.store.close()

    with FakeTelegram() as fake:
        fake.listeners.append(on_call)
        wall, keys = asyncio.run(main(fake))
        actions = len(fake.sent(method="sendChatAction"))

    # match answers to questions: per chat, the stored question behind each answer's buttons
    reply_ms: list[float] = []
    answers_per_q: dict[tuple[int, int], int] = defaultdict(int)
    extra = 0
    for chat, msgs in messages.items():
        open_q = {j: q for j, q in enumerate(plan.get(chat, []))}
        for t, params in msgs:
            k = _key(params)
            q = keys.get(k) if k else None
            match = next((j for j, qq in sorted(open_q.items()) if qq == q), None)
            if match is None:
                extra += 1
                continue
            answers_per_q[(chat, match)] += 1
            reply_ms.append((t - sent_at[(chat, match)]) * 1000)
            del open_q[match]
    asked = users * per_user
    answered_once = sum(1 for c in plan for j in range(per_user) if answers_per_q[(c, j)] == 1)
    return {"mode": "burst" if burst else "closed loop", "users": users, "per_user": per_user,
            "questions": asked, "answered_exactly_once": answered_once,
            "unanswered": asked - answered_once, "extra_messages": extra,
            "typing_actions": actions, "wall_s": round(wall, 2),
            "throughput_qps": round(asked / wall, 1) if wall else None,
            "time_to_reply": latency_summary(reply_ms),
            "ok": answered_once == asked and extra == 0}
