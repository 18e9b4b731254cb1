"""Telegram front end (python-telegram-bot v22): thin handlers over the answer engine.

    app = TelegramBot(settings, engine).build()
    await start_telegram(app, settings)   # long polling, or a webhook when BOT_WEBHOOK_URL is set
    ...
    await stop_telegram(app)
"""

from __future__ import annotations

import datetime as dtm
import hashlib
import logging
import re
import secrets
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import Forbidden
from telegram.ext import (
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import commands, format
from bot.common import EngineRunner, RateLimiter
from bot.storage import BotStore
from corpus.loaders import supported_suffixes
from corpus.sanitize import clean_text

log = logging.getLogger(__name__)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DIGEST_TIME = dtm.time(7, 0, tzinfo=TZ)
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # what the Bot API lets a bot download

COMMANDS = [
    ("start", "Giới thiệu và ví dụ câu hỏi"),
    ("help", "Hướng dẫn sử dụng"),
    ("kehoach", "Các kế hoạch đã nạp"),
    ("han", "Nhiệm vụ đến hạn trong N ngày tới, ví dụ /han 30"),
    ("chitieu", "Chỉ tiêu của một năm, ví dụ /chitieu 2030"),
    ("dangky", "Nhận bản tin hạn công việc lúc 7:00 hằng ngày"),
    ("huy", "Thôi nhận bản tin hằng ngày"),
    ("xoa", "Xóa một kế hoạch (quản trị viên)"),
]


def file_url_for(base_url: str) -> str:
    """https://api.telegram.org/bot → https://api.telegram.org/file/bot (same for a local server)."""
    base = base_url.rstrip("/")
    if base.endswith("/bot"):
        return base[: -len("/bot")] + "/file/bot"
    return base + "/file/bot"


def webhook_secret(secret: str | None) -> str | None:
    """Telegram accepts 1–256 chars of [A-Za-z0-9_-]; derive one from any other secret."""
    if not secret:
        return None
    if re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
        return secret
    return hashlib.sha256(secret.encode()).hexdigest()


class TelegramBot:
    def __init__(self, settings, engine, store: BotStore | None = None,  # noqa: ANN001
                 base_file_url: str | None = None) -> None:
        self.settings = settings
        self.engine = engine
        self.runner = EngineRunner(engine)
        self.store = store or BotStore(Path(settings.data_dir) / "bot.db")
        self.limiter = RateLimiter(settings.rate_limit_per_minute)
        self.base_file_url = base_file_url or file_url_for(settings.telegram_base_url)
        self.admins = {str(a) for a in settings.admin_ids}
        self.allowed = {str(c) for c in settings.allowed_chats}

    # ---- building ------------------------------------------------------------------------
    def build(self) -> Application:
        if not self.settings.telegram_token:
            raise ValueError("thiếu TELEGRAM_BOT_TOKEN")
        app = (ApplicationBuilder()
               .token(self.settings.telegram_token)
               .base_url(self.settings.telegram_base_url)
               .base_file_url(self.base_file_url)
               .concurrent_updates(True)
               .post_init(self.post_init)
               .build())
        app.add_handler(TypeHandler(Update, self.guard), group=-1)
        for name, fn in (("start", self.cmd_help), ("help", self.cmd_help),
                         ("kehoach", self.cmd_plans), ("han", self.cmd_deadlines),
                         ("chitieu", self.cmd_targets), ("dangky", self.cmd_subscribe),
                         ("huy", self.cmd_unsubscribe), ("xoa", self.cmd_remove)):
            app.add_handler(CommandHandler(name, fn))
        app.add_handler(CallbackQueryHandler(self.on_button))
        app.add_handler(MessageHandler(filters.Document.ALL, self.on_document))
        app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, self.on_text))
        app.add_handler(MessageHandler(filters.COMMAND, self.cmd_unknown))
        app.add_error_handler(self.on_error)
        app.bot_data["bot"] = self
        return app

    async def post_init(self, app: Application) -> None:
        await app.bot.set_my_commands([BotCommand(n, d) for n, d in COMMANDS])
        for chat_id in self.store.subscribers("telegram"):
            self.schedule_digest(app, int(chat_id))
        log.info("telegram: %d digest subscriptions scheduled",
                 len(self.store.subscribers("telegram")))

    def schedule_digest(self, app: Application, chat_id: int) -> None:
        if app.job_queue is None:
            log.warning("telegram: no job queue (install python-telegram-bot[job-queue])")
            return
        name = f"digest:{chat_id}"
        for job in app.job_queue.get_jobs_by_name(name):
            job.schedule_removal()
        app.job_queue.run_daily(self.digest_job, DIGEST_TIME, chat_id=chat_id, name=name)

    def is_admin(self, update: Update) -> bool:
        user = update.effective_user
        return user is not None and str(user.id) in self.admins

    # ---- guard: allow-list and rate limit ----------------------------------------------------
    async def guard(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat, user = update.effective_chat, update.effective_user
        if self.allowed and chat is not None and str(chat.id) not in self.allowed \
                and not self.is_admin(update):
            log.info("telegram: ignoring update from a chat not on the allow-list")
            raise ApplicationHandlerStop
        if user is None:
            return
        key = str(user.id)
        if self.limiter.allow(key):
            return
        if self.limiter.should_notify(key):
            text = commands.RATE_LIMITED.format(secs=self.limiter.retry_after(key))
            if update.callback_query is not None:
                await update.callback_query.answer(text)
            elif update.effective_message is not None:
                await update.effective_message.reply_text(text)
        raise ApplicationHandlerStop

    # ---- helpers -------------------------------------------------------------------------------
    async def send_html(self, update: Update, chunks: list[str],
                        markup: InlineKeyboardMarkup | None = None) -> None:
        message = update.effective_message
        for i, chunk in enumerate(chunks):
            last = i == len(chunks) - 1
            await message.reply_text(chunk, parse_mode=ParseMode.HTML,
                                     reply_markup=markup if last else None,
                                     disable_web_page_preview=True)

    async def send_reply(self, update: Update, reply: commands.Reply) -> None:
        await self.send_html(update, format.reply_html(reply))

    @staticmethod
    def keyboard(key: str, more: bool, full: bool, feedback: bool = True) -> InlineKeyboardMarkup:
        rows = []
        first = []
        if more:
            first.append(InlineKeyboardButton("Nguồn khác", callback_data=f"m:{key}"))
        if full:
            first.append(InlineKeyboardButton("Toàn văn", callback_data=f"t:{key}"))
        if first:
            rows.append(first)
        if feedback:
            rows.append([InlineKeyboardButton("👍", callback_data=f"u:{key}"),
                         InlineKeyboardButton("👎", callback_data=f"d:{key}")])
        return InlineKeyboardMarkup(rows)

    # ---- questions -----------------------------------------------------------------------------
    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        text = clean_text(message.text)  # corpus.sanitize: surrogates, controls, floods
        if len(text) > commands.MAX_QUESTION:
            await message.reply_text(commands.TOO_LONG.format(n=len(text),
                                                              limit=commands.MAX_QUESTION))
            return
        await context.bot.send_chat_action(message.chat_id, ChatAction.TYPING)
        answer = await self.runner.call(self.engine.ask, text)
        data = {"question": answer.question, "found": answer.found,
                "more": [c.model_dump() for c in answer.more],
                "segment_ids": list(answer.segment_ids)}
        key = self.store.save_answer(data)
        markup = self.keyboard(key, more=bool(answer.more), full=bool(answer.segment_ids))
        await self.send_html(update, format.answer_html(answer), markup)

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        action, _, key = (query.data or "").partition(":")
        data = self.store.answer(key) if key else None
        if data is None:
            await query.answer("Nút này đã hết hạn, bạn hãy hỏi lại nhé.")
            return
        if action in ("u", "d"):
            self.store.add_feedback(key, data["question"], 1 if action == "u" else -1,
                                    self.store.user_hash("telegram", query.from_user.id))
            await query.answer("Cảm ơn bạn đã góp ý!")
            if query.message is not None:
                rest = self.keyboard(key, more=bool(data["more"]),
                                     full=bool(data["segment_ids"]), feedback=False)
                await query.edit_message_reply_markup(rest if rest.inline_keyboard else None)
            return
        await query.answer()
        if action == "m":
            from intents.models import Citation

            chunks = format.citations_html([Citation(**c) for c in data["more"]])
        elif action == "t":
            chunks = await self.runner.call(self._full_text, data["segment_ids"])
        else:
            return
        for chunk in chunks:
            await context.bot.send_message(query.message.chat.id if query.message else
                                           query.from_user.id, chunk,
                                           parse_mode=ParseMode.HTML,
                                           disable_web_page_preview=True)

    def _full_text(self, segment_ids: list[str]) -> list[str]:
        seg = self.engine.segment(segment_ids[0]) if segment_ids else None
        if seg is None:
            return ["Không còn tìm thấy điều khoản này (kế hoạch có thể đã được cập nhật)."]
        return format.full_text_html(self.engine.citation(seg), seg.text)

    # ---- commands ----------------------------------------------------------------------------
    async def cmd_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.send_reply(update, commands.help_reply("telegram"))

    async def cmd_unknown(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text("Lệnh không có. Gõ /help để xem các lệnh.")

    async def cmd_plans(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.send_reply(update, await self.runner.call(commands.plans_reply, self.engine))

    async def cmd_deadlines(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        days = commands.parse_days(" ".join(context.args or []))
        if days is None:
            await update.effective_message.reply_text(commands.BAD_DAYS.replace("han", "/han"))
            return
        await self.send_reply(update, await self.runner.call(
            commands.deadlines_reply, self.engine, days))

    async def cmd_targets(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        year = commands.parse_year(" ".join(context.args or []))
        if year is None:
            await update.effective_message.reply_text(
                commands.BAD_YEAR.replace("chitieu", "/chitieu"))
            return
        await self.send_reply(update, await self.runner.call(
            commands.targets_reply, self.engine, year))

    async def cmd_subscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat_id = update.effective_chat.id
        new = self.store.subscribe("telegram", chat_id)
        self.schedule_digest(context.application, chat_id)
        await update.effective_message.reply_text(
            ("Đã đăng ký" if new else "Bạn đã đăng ký từ trước") +
            ": mỗi sáng 7:00 tôi sẽ gửi các việc đến hạn trong 7 ngày tới. Gõ /huy để thôi.")

    async def cmd_unsubscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat_id = update.effective_chat.id
        removed = self.store.unsubscribe("telegram", chat_id)
        if context.job_queue is not None:
            for job in context.job_queue.get_jobs_by_name(f"digest:{chat_id}"):
                job.schedule_removal()
        await update.effective_message.reply_text(
            "Đã hủy nhận bản tin hằng ngày." if removed else "Bạn chưa đăng ký bản tin.")

    async def cmd_remove(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not self.is_admin(update):
            await update.effective_message.reply_text(commands.NOT_ADMIN)
            return
        ref = " ".join(context.args or [])
        await self.send_reply(update, await self.runner.call(
            commands.remove_reply, self.engine, ref))

    # ---- plan upload (admins) ------------------------------------------------------------------
    async def on_document(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if not self.is_admin(update):
            await message.reply_text(commands.NOT_ADMIN)
            return
        doc = message.document
        name = safe_filename(doc.file_name or "ke-hoach.txt")
        suffixes = supported_suffixes()  # whatever loaders this install has (OCR: images)
        if Path(name).suffix.lower() not in suffixes:
            await message.reply_text("Chỉ nhận tệp kế hoạch " + ", ".join(suffixes) + ".")
            return
        if doc.file_size and doc.file_size > MAX_UPLOAD_BYTES:
            await message.reply_text("Tệp quá lớn (tối đa 20 MB).")
            return
        await context.bot.send_chat_action(message.chat_id, ChatAction.UPLOAD_DOCUMENT)
        uploads = Path(self.settings.data_dir) / "uploads"
        uploads.mkdir(parents=True, exist_ok=True)
        tmp = uploads / f".{uuid.uuid4().hex}{Path(name).suffix.lower()}"
        dest = uploads / name
        try:
            tg_file = await doc.get_file()
            await tg_file.download_to_drive(tmp)
            tmp.replace(dest)  # same name again → the plan is updated, not duplicated
        finally:
            tmp.unlink(missing_ok=True)
        reports = await self.runner.call(self.engine.ingest, [dest])
        await self.send_reply(update, commands.ingest_reply(reports))

    # ---- daily digest ----------------------------------------------------------------------
    async def digest_job(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat_id = context.job.chat_id
        reply = await self.runner.call(commands.digest_reply, self.engine)
        try:
            for chunk in format.reply_html(reply):
                await context.bot.send_message(chat_id, chunk, parse_mode=ParseMode.HTML)
        except Forbidden:
            log.info("telegram: a subscriber blocked the bot; unsubscribing")
            self.store.unsubscribe("telegram", chat_id)
            context.job.schedule_removal()

    # ---- errors ----------------------------------------------------------------------------
    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("telegram: error while handling an update", exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat is not None:
            try:
                await context.bot.send_message(update.effective_chat.id, commands.ERROR)
            except Exception:  # noqa: BLE001 - the apology is best effort
                log.warning("telegram: could not send the apology")


def safe_filename(name: str) -> str:
    name = Path(name.replace("\\", "/")).name
    name = re.sub(r"[^\w.\-]+", "_", name, flags=re.UNICODE).strip("._") or "ke-hoach.txt"
    return name[:120]


# ---- running ---------------------------------------------------------------------------------
async def start_telegram(app: Application, settings, poll_timeout: float = 30,  # noqa: ANN001
                         listen: str = "0.0.0.0") -> None:
    """Initialize and start `app`: a webhook (path /telegram, secret header checked by
    python-telegram-bot) when settings.webhook_url is set, long polling otherwise."""
    await app.initialize()
    if app.post_init is not None:  # Application.run_* would call it; we drive the app ourselves
        await app.post_init(app)
    await app.start()
    if settings.webhook_url:
        base = settings.webhook_url.rstrip("/")
        await app.updater.start_webhook(
            listen=listen, port=settings.webhook_port, url_path="telegram",
            webhook_url=f"{base}/telegram", allowed_updates=Update.ALL_TYPES,
            secret_token=webhook_secret(settings.webhook_secret) or secrets.token_hex(16))
        log.info("telegram: webhook on port %d, path /telegram", settings.webhook_port)
    else:
        await app.updater.start_polling(timeout=poll_timeout, allowed_updates=Update.ALL_TYPES)
        log.info("telegram: long polling")


async def stop_telegram(app: Application) -> None:
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await app.shutdown()
    if app.post_shutdown is not None:
        await app.post_shutdown(app)
