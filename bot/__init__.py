"""Chat front ends over the answer engine: Telegram and the Zalo Bot Platform.

    from bot import run_bots
    run_bots("auto")          # whichever of TELEGRAM_BOT_TOKEN / ZALO_BOT_TOKEN are set
    run_bots("telegram")      # or "zalo"
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from pathlib import Path

log = logging.getLogger(__name__)

__all__ = ["run_bots"]


def run_bots(which: str = "auto", data_dir: str | Path | None = None) -> int:
    """Run the bots until Ctrl+C / SIGTERM. Returns a process exit code."""
    from bot.common import install_redaction
    from retrieval import Settings

    overrides = {"data_dir": Path(data_dir)} if data_dir else {}
    settings = Settings.from_env(**overrides)
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    redact = install_redaction([settings.telegram_token, settings.zalo_token,
                                settings.webhook_secret])

    want_tg = which in ("telegram", "auto") and bool(settings.telegram_token)
    want_zl = which in ("zalo", "auto") and bool(settings.zalo_token)
    if which == "telegram" and not want_tg:
        print("Lỗi: chưa đặt TELEGRAM_BOT_TOKEN.")
        return 2
    if which == "zalo" and not want_zl:
        print("Lỗi: chưa đặt ZALO_BOT_TOKEN.")
        return 2
    if which not in ("telegram", "zalo", "auto"):
        print(f"Lỗi: không biết bot «{which}» (telegram | zalo | auto).")
        return 2
    if not (want_tg or want_zl):
        print("Lỗi: chưa đặt TELEGRAM_BOT_TOKEN hoặc ZALO_BOT_TOKEN.")
        return 2
    if want_tg and settings.webhook_url:
        try:
            import tornado  # noqa: F401 - python-telegram-bot's webhook server
        except ImportError:
            print('Lỗi: chế độ webhook cần: pip install "python-telegram-bot[webhooks]"')
            return 2

    from intents import AnswerEngine

    log.info("opening the answer engine (data dir %s)", settings.data_dir)
    try:
        engine = AnswerEngine.open(settings)
        asyncio.run(_serve(settings, engine, want_tg, want_zl))
    except KeyboardInterrupt:
        return 0
    except Exception as exc:  # noqa: BLE001 - one clear message, the traceback goes to the log
        log.error("bots stopped", exc_info=True)
        print(f"Lỗi: bot dừng ({type(exc).__name__}: {redact.redact(str(exc))})")
        return 1
    return 0


async def _serve(settings, engine, want_tg: bool, want_zl: bool) -> None:  # noqa: ANN001
    from bot.storage import BotStore

    store = BotStore.for_settings(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)

    app = None
    zalo_task = None
    try:
        if want_tg:
            from bot.telegram import TelegramBot, start_telegram

            app = TelegramBot(settings, engine, store).build()
            await start_telegram(app, settings)
        if want_zl:
            from bot.zalo import ZaloBot, run_zalo

            # both bots on webhooks: Zalo listens on the next port
            port = settings.webhook_port + 1 if (want_tg and settings.webhook_url) else None
            zalo_task = asyncio.create_task(run_zalo(ZaloBot(settings, engine, store=store),
                                                     settings, stop, port))
        log.info("bots running; press Ctrl+C to stop")
        if zalo_task is not None:
            waiter = asyncio.create_task(stop.wait())
            await asyncio.wait({zalo_task, waiter}, return_when=asyncio.FIRST_COMPLETED)
            stop.set()
            waiter.cancel()
            await zalo_task  # re-raises a crash of the Zalo loop
        else:
            await stop.wait()
    finally:
        stop.set()
        if app is not None:
            from bot.telegram import stop_telegram

            await stop_telegram(app)
        store.close()
