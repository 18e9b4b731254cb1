"""Starting and stopping the Telegram application: long polling, or a webhook on
bot/webhook.py (the secret header checked before a capped body is read). A wrong token, an
unreachable API or a refused setting become one Vietnamese line (StartError)."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import secrets

from telegram import Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application

from bot.common import StartError, redact, redact_also
from bot.webhook import BadUpdate, WebhookServer, url_paths

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024  # an update is a few KB; a file is sent as a file_id, not inline
# what the bot acts on; Telegram sends nothing else (edits and channel posts stay away)
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]


def webhook_secret(secret: str | None) -> str | None:
    """Telegram accepts 1–256 chars of [A-Za-z0-9_-]; derive one from any other secret."""
    if not secret:
        return None
    if re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
        return secret
    return hashlib.sha256(secret.encode()).hexdigest()



def add_webhook_route(app: Application, server: WebhookServer, secret: str,
                      paths: list[str], max_body: int = MAX_BODY) -> None:
    """Telegram's POSTs on `server`: the secret header is checked before the body is read
    (bot/webhook.py); a body that is not an Update gets 400."""

    async def on_update(data) -> None:  # noqa: ANN001 - parsed JSON
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            raise BadUpdate("no update_id")
        try:
            update = Update.de_json(data, app.bot)
        except Exception as exc:  # noqa: BLE001 - any malformed field
            raise BadUpdate(type(exc).__name__) from None
        await app.update_queue.put(update)

    server.add(paths, SECRET_HEADER, secret, on_update, max_body, name="telegram")


async def start_telegram(app: Application, settings, poll_timeout: float = 30,  # noqa: ANN001
                         listen: str = "0.0.0.0", server: WebhookServer | None = None) -> None:
    """Initialize and start `app`: a webhook (the URL's path and /telegram on `server`, or on
    a server of its own on settings.webhook_port) when settings.webhook_url is set, long
    polling otherwise. A wrong token, an unreachable API or a refused setting raise
    StartError with one Vietnamese line."""
    try:
        await _start(app, settings, poll_timeout, listen, server)
    except BaseException as exc:
        with contextlib.suppress(Exception):
            await stop_telegram(app)
        if isinstance(exc, InvalidToken):
            raise StartError("Telegram từ chối TELEGRAM_BOT_TOKEN (token sai hoặc đã bị thu "
                             "hồi). Hãy lấy lại token từ @BotFather.") from None
        if isinstance(exc, NetworkError):
            raise StartError(f"Không kết nối được tới Telegram Bot API ({redact(str(exc))}). "
                             "Hãy kiểm tra mạng, proxy hoặc TELEGRAM_BASE_URL.") from None
        if isinstance(exc, TelegramError):
            raise StartError(f"Telegram từ chối khi khởi động: {redact(str(exc))}") from None
        if isinstance(exc, OSError):
            raise StartError(f"Không mở được cổng {settings.webhook_port} cho webhook "
                             f"Telegram ({exc.strerror}).") from None
        raise


async def _start(app: Application, settings, poll_timeout: float, listen: str,  # noqa: ANN001
                 server: WebhookServer | None) -> None:
    await app.initialize()
    if app.post_init is not None:  # Application.run_* would call it; we drive the app ourselves
        await app.post_init(app)
    await app.start()
    if not settings.webhook_url:
        await app.updater.start_polling(timeout=poll_timeout, allowed_updates=ALLOWED_UPDATES)
        log.info("telegram: long polling")
        return
    url = settings.webhook_url.rstrip("/") + "/telegram"
    secret = webhook_secret(settings.webhook_secret) or secrets.token_hex(16)
    redact_also(settings.webhook_secret, secret)  # the one actually sent, too
    if server is None:
        server = WebhookServer()
        await server.start(listen, settings.webhook_port)
        app.bot_data["webhook_server"] = server
    paths = url_paths(url, "telegram")
    add_webhook_route(app, server, secret, paths)
    await app.bot.set_webhook(url, secret_token=secret, allowed_updates=ALLOWED_UPDATES)
    log.info("telegram: webhook on port %d, path %s", server.port, " and ".join(paths))


async def stop_telegram(app: Application) -> None:
    server = app.bot_data.pop("webhook_server", None)
    if server is not None:
        await server.close()
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await app.shutdown()
    if app.post_shutdown is not None:
        await app.post_shutdown(app)
