"""The terminal chat: the bots' commands and answers on stdin/stdout.

    TerminalChat(engine).run()          # reads lines until «thoát» or end of input

It understands what the Zalo bot understands (plain words, and the Telegram spelling with
"/" too, since an answer may say "gõ /kehoach"): help / «hướng dẫn» / a greeting,
`kehoach`, `han [N]`, `chitieu <năm>`, `tiep`. The replies are bot.commands' texts with the
help of the terminal itself, so a reply never names a command the terminal does not have.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot import commands, format
from corpus.normalize import fold

QUIT = {"thoat", "exit", "quit", "q", "bye", "tam biet"}
PROMPT = "❓ "


def _text(chunks: list[str]) -> str:
    return "\n\n".join(c.strip() for c in chunks if c.strip())


CHAT = "terminal"  # the engine's memory of this chat (follow-ups, chosen locality)


class TerminalChat:
    def __init__(self, engine) -> None:  # noqa: ANN001 - intents.AnswerEngine
        self.engine = engine
        self._more: list = []  # further sources of the last answer, for `tiep`

    def banner(self) -> str:
        docs = self.engine.documents()
        loaded = ", ".join(d.label() for d in docs) or "chưa có kế hoạch nào"
        return (f"Trợ lý kế hoạch NQ 57 — đã nạp: {loaded}\n"
                "Gõ câu hỏi (có dấu hoặc không dấu); «help» để xem các lệnh, «thoát» để "
                "kết thúc.\n")

    def reply(self, line: str) -> str | None:
        """The reply to one line; None to end the chat, "" for an empty line."""
        text = line.strip()
        if not text:
            return ""
        if fold(text).strip(" .!").lstrip("/") in QUIT:  # "/thoat" as a Telegram user types it
            return None
        if len(text) > commands.MAX_QUESTION:
            return commands.TOO_LONG.format(n=len(text), limit=commands.MAX_QUESTION)
        place = re.match(r"/(?:xa|xã)\b\s*(.*)$", text, re.IGNORECASE)
        if place:  # "/xa Phong Thổ", as the help says; "xã Phong Thổ …" is a question
            return _text(format.reply_text(commands.place_reply(self.engine, CHAT,
                                                                place.group(1))))
        cmd = commands.parse_command(text)
        if cmd is not None:
            return self._command(cmd)
        if re.fullmatch(r"/\S+", text):  # a command word that is none: not a question
            return f"Không có lệnh «{text}».\n\n" + self._command(commands.Command("help"))
        answer = self.engine.ask(text, chat=CHAT)
        self._more = list(answer.more or [])
        return _text(format.answer_text(answer, has_more=bool(self._more)))

    def _command(self, cmd: commands.Command) -> str:
        if cmd.name == "help":
            return _text(format.reply_text(commands.help_reply("terminal")))
        if cmd.name == "kehoach":
            return _text(format.reply_text(commands.plans_reply(self.engine)))
        if cmd.name == "han":
            days = commands.parse_days(cmd.arg)
            if days is None:
                return commands.BAD_DAYS
            return _text(format.reply_text(commands.deadlines_reply(self.engine, days)))
        if cmd.name == "chitieu":
            year = commands.parse_year(cmd.arg)
            if year is None:
                return commands.BAD_YEAR
            return _text(format.reply_text(commands.targets_reply(self.engine, year)))
        # tiep: the next sources; else the chat's memory (a list's next lines) in the engine
        more, self._more = self._more, []
        if not more:
            answer = self.engine.ask("tiếp", chat=CHAT)
            return _text(format.answer_text(answer))
        return _text(format.citations_text(more))

    def run(self, read: Callable[[str], str] = input,
            write: Callable[[str], None] = print) -> int:
        write(self.banner())
        while True:
            try:
                line = read(PROMPT)
            except (EOFError, KeyboardInterrupt):
                write("")
                return 0
            out = self.reply(line)
            if out is None:
                return 0
            if out:
                write("\n" + out + "\n")
