"""Telegram front end (python-telegram-bot v22): thin handlers over the answer engine.

    app = TelegramBot(settings, engine).build()
    await start_telegram(app, settings)   # long polling, or a webhook when BOT_WEBHOOK_URL is set
    ...
    await stop_telegram(app)
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import logging
import re
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import (
    Forbidden,
    RetryAfter,
    TelegramError,
)
from telegram.ext import (
    AIORateLimiter,
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
from bot.telegram_start import (  # noqa: F401 - the front end's API, started here
    ALLOWED_UPDATES,
    SECRET_HEADER,
    start_telegram,
    stop_telegram,
    webhook_secret,
)
from corpus.loaders import supported_suffixes
from corpus.sanitize import clean_text

log = logging.getLogger(__name__)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DIGEST_TIME = dtm.time(7, 0, tzinfo=TZ)
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # what the Bot API lets a bot download
GROUPS = (ChatType.GROUP, ChatType.SUPERGROUP)
DIGEST_PASSES = 3  # a subscriber the digest could not reach is tried again, twice

NOT_TEXT = ("Tôi chỉ đọc câu hỏi bằng chữ (và tệp kế hoạch .txt, .docx, .pdf do quản trị "
            "viên gửi); ảnh, tin nhắn thoại, nhãn dán thì tôi chưa đọc được. Hãy gõ câu hỏi, "
            "hoặc /help để xem cách hỏi.")
MEDIA = (filters.PHOTO | filters.VOICE | filters.AUDIO | filters.VIDEO | filters.VIDEO_NOTE
         | filters.Sticker.ALL | filters.ANIMATION | filters.LOCATION | filters.CONTACT)

COMMANDS = [
    ("start", "Giới thiệu và ví dụ câu hỏi"),
    ("help", "Hướng dẫn sử dụng"),
    ("kehoach", "Các kế hoạch đã nạp"),
    ("han", "Nhiệm vụ đến hạn trong N ngày tới, ví dụ /han 30"),
    ("chitieu", "Chỉ tiêu của một năm, ví dụ /chitieu 2030"),
    ("xa", "Chọn xã/phường của bạn, ví dụ /xa Phong Thổ (/xa bỏ để bỏ chọn)"),
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


def mention_pattern(username: str) -> re.Pattern:
    return re.compile(rf"@{re.escape(username)}(?![A-Za-z0-9_])", re.IGNORECASE)


def addressed(message, bot_id: int, username: str) -> bool:  # noqa: ANN001 - telegram.Message
    """In a group or supergroup the bot answers only commands meant for it, messages that
    mention it, and replies to it; in a private chat, everything."""
    if message.chat.type not in GROUPS:
        return True
    reply = message.reply_to_message
    if reply is not None and reply.from_user is not None and reply.from_user.id == bot_id:
        return True
    entities = (message.parse_entities() if message.text is not None
                else message.parse_caption_entities())
    for entity, text in entities.items():
        if entity.type == "bot_command" and entity.offset == 0:
            target = text.partition("@")[2]
            return not target or target.lower() == username.lower()
        if entity.type == "text_mention" and entity.user is not None \
                and entity.user.id == bot_id:
            return True
    return bool(mention_pattern(username).search(message.text or message.caption or ""))


def question_of(message, bot_id: int, username: str) -> str:  # noqa: ANN001
    """The text (or a photo's caption) without the bot's mention, so "@bot Ai chủ trì …"
    reaches the engine as "Ai chủ trì …"."""
    text = message.text if message.text is not None else (message.caption or "")
    entities = (message.parse_entities(["text_mention"]) if message.text is not None
                else message.parse_caption_entities(["text_mention"]))
    for entity, name in entities.items():
        if entity.user is not None and entity.user.id == bot_id:
            text = text.replace(name, " ", 1)
    text = mention_pattern(username).sub(" ", text)
    return re.sub(r"\s+", " ", text).strip(" ,:;-–—")


class TelegramBot:
    def __init__(self, settings, engine, store: BotStore | None = None,  # noqa: ANN001
                 base_file_url: str | None = None, flood_limits: bool = True) -> None:
        self.settings = settings
        self.engine = engine
        self.runner = EngineRunner(engine)
        self.store = store or BotStore(Path(settings.data_dir) / "bot.db")
        self.limiter = RateLimiter(settings.rate_limit_per_minute)
        self.base_file_url = base_file_url or file_url_for(settings.telegram_base_url)
        self.admins = {str(a) for a in settings.admin_ids}
        self.allowed = {str(c) for c in settings.allowed_chats}
        self.flood_limits = flood_limits

    # ---- building ------------------------------------------------------------------------
    def build(self) -> Application:
        if not self.settings.telegram_token:
            raise ValueError("thiếu TELEGRAM_BOT_TOKEN")
        builder = (ApplicationBuilder()
                   .token(self.settings.telegram_token)
                   .base_url(self.settings.telegram_base_url)
                   .base_file_url(self.base_file_url)
                   .concurrent_updates(True)
                   .post_init(self.post_init))
        if self.flood_limits:
            # Telegram's flood limits (30 messages/s overall, 20/min per group); a 429 with
            # retry_after is waited out and the request sent again
            builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
        app = builder.build()
        app.add_handler(TypeHandler(Update, self.guard), group=-1)
        for name, fn in (("start", self.cmd_start), ("help", self.cmd_help),
                         ("xa", self.cmd_place),
                         ("kehoach", self.cmd_plans), ("han", self.cmd_deadlines),
                         ("chitieu", self.cmd_targets), ("dangky", self.cmd_subscribe),
                         ("huy", self.cmd_unsubscribe), ("xoa", self.cmd_remove)):
            app.add_handler(CommandHandler(name, fn))
        app.add_handler(CallbackQueryHandler(self.on_button))
        app.add_handler(MessageHandler(filters.Document.ALL, self.on_document))
        app.add_handler(MessageHandler(MEDIA, self.on_media))
        app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, self.on_text))
        app.add_handler(MessageHandler(filters.COMMAND, self.cmd_unknown))
        app.add_error_handler(self.on_error)
        app.bot_data["bot"] = self
        return app

    async def post_init(self, app: Application) -> None:
        await app.bot.set_my_commands([BotCommand(n, d) for n, d in COMMANDS])
        self.schedule_digest(app)
        log.info("telegram: %d digest subscriptions", len(self.store.subscribers("telegram")))

    def schedule_digest(self, app: Application) -> None:
        """One daily job sends the digest to every subscriber in turn (see send_digest)."""
        if app.job_queue is None:
            log.warning("telegram: no job queue (install python-telegram-bot[job-queue])")
            return
        if not app.job_queue.get_jobs_by_name("digest"):
            app.job_queue.run_daily(self.digest_job, DIGEST_TIME, name="digest")

    def is_admin(self, update: Update) -> bool:
        user = update.effective_user
        return user is not None and str(user.id) in self.admins

    # ---- guard: what the bot answers, allow-list and rate limit ------------------------------
    async def guard(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.message is None and update.callback_query is None:
            # an edited message (answered already), a channel post: not for the bot
            log.debug("telegram: ignoring an update that is not a new message")
            raise ApplicationHandlerStop
        if update.message is not None and not addressed(update.message, context.bot.id,
                                                        context.bot.username):
            raise ApplicationHandlerStop  # group talk not meant for the bot
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
        text = question_of(update.effective_message, context.bot.id, context.bot.username)
        if not text or commands.is_help_request(text):  # "@bot", "xin chào", "hướng dẫn"
            await self.cmd_help(update, context)
            return
        await self.answer(update, context, text)

    async def on_media(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A photo with a caption is asked as its caption; other media get one line on what
        the bot reads."""
        text = question_of(update.effective_message, context.bot.id, context.bot.username)
        if text:
            await self.answer(update, context, text)
        else:
            await update.effective_message.reply_text(NOT_TEXT)

    async def answer(self, update: Update, context: ContextTypes.DEFAULT_TYPE,
                     text: str) -> None:
        message = update.effective_message
        text = clean_text(text)  # corpus.sanitize: surrogates, controls, floods
        if len(text) > commands.MAX_QUESTION:
            await message.reply_text(commands.TOO_LONG.format(n=len(text),
                                                              limit=commands.MAX_QUESTION))
            return
        await context.bot.send_chat_action(message.chat_id, ChatAction.TYPING)
        answer = await self.runner.call(self.engine.ask, text,
                                        chat=commands.chat_key("telegram", message.chat_id))
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

    async def cmd_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        # a deep link t.me/<bot>?start=xa_phong_tho also chooses the chat's locality
        place = commands.start_payload_place(" ".join(context.args or []))
        if place:
            await self.cmd_place(update, context, place)
        await self.cmd_help(update, context)

    async def cmd_place(self, update: Update, context: ContextTypes.DEFAULT_TYPE,
                        place: str | None = None) -> None:
        arg = place if place is not None else " ".join(context.args or [])
        chat = commands.chat_key("telegram", update.effective_chat.id)
        await self.send_reply(update, await self.runner.call(commands.place_reply, self.engine,
                                                             chat, arg))

    async def cmd_unknown(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message.chat.type in GROUPS and not mention_pattern(context.bot.username).search(
                (message.text or "").split()[0]):
            return  # "/lenh" in a group may be another bot's command
        await message.reply_text("Lệnh không có. Gõ /help để xem các lệnh.")

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
        self.schedule_digest(context.application)
        await update.effective_message.reply_text(
            ("Đã đăng ký" if new else "Bạn đã đăng ký từ trước") +
            ": mỗi sáng 7:00 tôi sẽ gửi các việc đến hạn trong 7 ngày tới. Gõ /huy để thôi.")

    async def cmd_unsubscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        removed = self.store.unsubscribe("telegram", update.effective_chat.id)
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
        await self.send_digest(context.bot)

    async def send_digest(self, bot, retry_delay: float = 5.0) -> dict[str, int]:  # noqa: ANN001
        """The digest is made once and sent to the subscribers one after another (the rate
        limiter spaces them within Telegram's limits). A subscriber that could not be reached
        (flood limit, network) is tried again on a later pass from the part it missed; one
        that blocked the bot is unsubscribed; whoever is still missed is logged."""
        chats = [int(c) for c in self.store.subscribers("telegram")]
        if not chats:
            return {"subscribers": 0, "sent": 0, "missed": 0}
        reply = await self.runner.call(commands.digest_reply, self.engine)
        chunks = format.reply_html(reply)
        next_part = dict.fromkeys(chats, 0)
        for attempt in range(DIGEST_PASSES):
            for chat_id in [c for c, i in next_part.items() if i < len(chunks)]:
                try:
                    while next_part[chat_id] < len(chunks):
                        await bot.send_message(chat_id, chunks[next_part[chat_id]],
                                               parse_mode=ParseMode.HTML,
                                               disable_web_page_preview=True)
                        next_part[chat_id] += 1
                except Forbidden:
                    log.info("telegram: a subscriber blocked the bot; unsubscribing")
                    self.store.unsubscribe("telegram", chat_id)
                    next_part.pop(chat_id)
                except RetryAfter as exc:
                    await asyncio.sleep(seconds(exc.retry_after))
                except TelegramError as exc:
                    log.warning("telegram: digest to a subscriber failed (%s)",
                                type(exc).__name__)
            if all(i >= len(chunks) for i in next_part.values()):
                break
            if attempt < DIGEST_PASSES - 1:
                await asyncio.sleep(retry_delay * 2 ** attempt)
        missed = sum(i < len(chunks) for i in next_part.values())
        sent = len(next_part) - missed
        if missed:
            log.warning("telegram: the digest missed %d of %d subscribers after %d tries",
                        missed, len(chats), DIGEST_PASSES)
        log.info("telegram: digest sent to %d of %d subscribers", sent, len(chats))
        return {"subscribers": len(chats), "sent": sent, "missed": missed}

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


def seconds(value) -> float:  # noqa: ANN001 - int or timedelta, by PTB version and setting
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


