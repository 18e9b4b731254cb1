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

__all__ = ["run_bots", "settle"]


def settle() -> None:
    """Before a long-running front end serves: the process's one-time loads (word lists,
    reading model and its shipped copies, agency and place names), so the first user does
    not wait for them, and then everything loaded so far moved out of the cyclic
    collector's sight (gc.freeze):
    those objects live as long as the process, and a full collection walked all of them,
    up to 80 ms paid by whichever question happened to trigger it (bench/ROBUSTNESS.md)."""
    import gc

    from corpus import agencies, lexicon, places
    from corpus.reading import copies, lm

    lexicon.syllables(), lexicon.syllable_pairs(), lexicon.accented_syllables()
    lm.model()
    copies.load()  # the shipped reading copies and the model's fingerprint
    # any name loads the tables; unaccented, so the tolerant reading's tables load too
    agencies.find_agencies("so tai chinh tinh"), places.find_places("xã Tân Phú")
    gc.collect()
    gc.freeze()


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
    from intents import AnswerEngine

    log.info("opening the answer engine (data dir %s)", settings.data_dir)
    previous = None
    with contextlib.suppress(ValueError):  # not in the main thread: leave signals alone
        # SIGTERM while the engine opens stops as cleanly as Ctrl+C (_serve takes over later)
        previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        engine = AnswerEngine.open(settings)
        settle()
        return asyncio.run(_serve(settings, engine, want_tg, want_zl))
    except KeyboardInterrupt:
        return 0
    except Exception as exc:  # noqa: BLE001 - one clear message, the traceback goes to the log
        log.error("bots stopped", exc_info=True)
        print(f"Lỗi: bot dừng ({type(exc).__name__}: {redact.redact(str(exc))})")
        return 1
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _interrupt(signum, frame) -> None:  # noqa: ANN001
    raise KeyboardInterrupt


async def _serve(settings, engine, want_tg: bool, want_zl: bool) -> int:  # noqa: ANN001
    """Start each wanted front end; one that cannot start (bad token, unreachable service,
    bad webhook secret) prints one line and the other runs on. Returns the exit code: 1 when
    none could start, 0 after a clean stop."""
    from bot.common import StartError
    from bot.storage import BotStore
    from bot.webhook import WebhookServer

    store = BotStore.for_settings(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)

    def failed(name: str, exc: BaseException) -> None:
        print(f"Lỗi ({name}): {exc}", flush=True)

    app = None
    zalo_task = None
    server = None
    try:
        if settings.webhook_url:
            # one port for both bots, one path each (<URL>/telegram, <URL>/zalo)
            server = WebhookServer()
            try:
                await server.start("0.0.0.0", settings.webhook_port)
            except OSError as exc:
                print(f"Lỗi: không mở được cổng {settings.webhook_port} cho webhook "
                      f"({exc.strerror}); đặt BOT_WEBHOOK_PORT khác.", flush=True)
                return 1
        if want_tg:
            from bot.telegram import TelegramBot, start_telegram

            candidate = TelegramBot(settings, engine, store).build()
            try:
                await start_telegram(candidate, settings, server=server)
                app = candidate
            except StartError as exc:
                failed("Telegram", exc)
        if want_zl:
            from bot.zalo import ZaloBot, serve_zalo, start_zalo

            zbot = ZaloBot(settings, engine, store=store)
            try:
                await start_zalo(zbot, settings, server=server)
                zalo_task = asyncio.create_task(serve_zalo(zbot, settings, stop))
            except StartError as exc:
                await zbot.client.aclose()
                failed("Zalo", exc)
        if app is None and zalo_task is None:
            return 1
        log.info("bots running; press Ctrl+C to stop")
        waiter = asyncio.create_task(stop.wait())
        pending = {waiter} | ({zalo_task} if zalo_task is not None else set())
        done, _ = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        if zalo_task in done and zalo_task.exception() is not None and app is not None:
            # the Zalo loop crashed: Telegram goes on
            log.error("zalo: stopped", exc_info=zalo_task.exception())
            await stop.wait()
        stop.set()
        waiter.cancel()
        if zalo_task is not None:
            await zalo_task  # re-raises a crash of the Zalo loop when it was the only bot
        return 0
    finally:
        stop.set()
        if app is not None:
            from bot.telegram import stop_telegram

            await stop_telegram(app)
        if server is not None:
            await server.close()
        store.close()
