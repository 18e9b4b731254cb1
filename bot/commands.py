"""Command logic shared by Telegram and Zalo: what to say, independent of the markup.

Each function takes the engine and returns a `Reply` (a title, list items, or a message);
bot.format renders it as Telegram HTML or Zalo plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

DEFAULT_DAYS = 30
MAX_DAYS = 366
DIGEST_DAYS = 7
MAX_ITEMS = 40


@dataclass
class Reply:
    title: str = ""
    items: list[str] = field(default_factory=list)
    text: str = ""  # a paragraph (shown after the title, before the items)
    footer: str = ""


EXAMPLES = [
    "Ai chủ trì triển khai cấp chứng thư số cho cán bộ phường Trần Liễu?",
    "Đến năm 2030 xã Phong Thổ phấn đấu tỷ lệ dịch vụ công trực tuyến bao nhiêu?",
    "Khi nào xã Lộc Tân hoàn thành số hóa hồ sơ?",
]


PLATFORMS = ("telegram", "zalo", "terminal")


def help_reply(platform: str = "telegram") -> Reply:
    """The help of one front end: only the commands that front end has."""
    cmd = "/" if platform == "telegram" else ""
    items = [
        f"{cmd}kehoach — các kế hoạch đã nạp (số hiệu, địa phương, ngày ban hành)",
        f"{cmd}han [số ngày] — nhiệm vụ đến hạn trong N ngày tới (mặc định {DEFAULT_DAYS})",
        f"{cmd}chitieu <năm> — các chỉ tiêu của một năm, ví dụ {cmd}chitieu 2030",
    ]
    if platform == "telegram":
        items += ["/dangky, /huy — nhận / thôi nhận bản tin hạn công việc lúc 7:00 mỗi sáng"]
    else:
        items += ["tiep — xem thêm nguồn cho câu trả lời vừa rồi"]
    items += ["/xa <tên xã/phường> — chọn địa phương của bạn (/xa bỏ để bỏ chọn)",
              f"{cmd}help — xem lại hướng dẫn này"]
    if platform == "terminal":
        items += ["thoat — kết thúc (hoặc Ctrl+D)"]
    examples = "\n".join(f"• {e}" for e in EXAMPLES)
    return Reply(
        title="Trợ lý tra cứu kế hoạch thực hiện Nghị quyết 57-NQ/TW",
        text=("Hãy đặt câu hỏi về các kế hoạch: ai chủ trì, khi nào, chỉ tiêu bao nhiêu, "
              "làm gì. Tôi trả lời một dòng, kèm trích dẫn điều khoản và nguồn.\n\n"
              f"Ví dụ:\n{examples}\n\nCác lệnh:"),
        items=items)


def chat_key(platform: str, chat_id: object) -> str:
    """The key the engine keeps a chat's memory under (follow-ups, chosen locality)."""
    return f"{platform}:{chat_id}"


def place_reply(engine, chat: str, arg: str | None) -> Reply:  # noqa: ANN001
    """/xa <tên>: remember the chat's locality; /xa bỏ clears it; /xa alone shows it."""
    return Reply(text=engine.remember_place(chat, (arg or "").strip()).answer)


def start_payload_place(payload: str | None) -> str:
    """A /start deep-link payload ("xa_phong_tho", "phuong-tran-lieu") as a place name."""
    return " ".join((payload or "").replace("_", " ").replace("-", " ").split())


# What opens the help besides the command itself: greetings and "what can you do", as
# whole phrases (folded). A message made only of these and of polite words is a request
# for help; a question about a plan always has words outside them.
HELP_PHRASES = {
    "help", "start", "huong dan", "huongdan", "tro giup", "giup do", "menu",
    "xin chao", "chao", "hello", "hi", "alo", "chao buoi sang", "chao buoi chieu",
    "lam duoc gi", "co the lam gi", "lam gi duoc", "giup duoc gi", "la ai",
    "dung the nao", "su dung the nao", "cach dung", "cach su dung", "hoi gi",
    "hoi duoc gi", "co the hoi gi",
}
_POLITE = {"ban", "oi", "a", "nhe", "nha", "voi", "bot", "tro", "ly", "em", "anh", "chi",
           "toi", "minh", "cho", "hoi", "xin", "vay", "the", "duoc", "khong", "ko"}
_LONGEST = max(len(p.split()) for p in HELP_PHRASES)


def is_help_request(text: str) -> bool:
    """"Xin chào", "bạn làm được gì?", "hướng dẫn", "/help": the words are covered by
    help phrases and polite words, and at least one help phrase is there."""
    from corpus.normalize import fold

    tokens = re.findall(r"[a-z0-9]+", fold(text))
    if not tokens or len(tokens) > 12:
        return False
    i, found = 0, False
    while i < len(tokens):
        for n in range(min(_LONGEST, len(tokens) - i), 0, -1):
            if " ".join(tokens[i:i + n]) in HELP_PHRASES:
                i, found = i + n, True
                break
        else:
            if tokens[i] not in _POLITE:
                return False
            i += 1
    return found


@dataclass
class Command:
    name: str  # "help" | "kehoach" | "han" | "chitieu" | "tiep"
    arg: str = ""


_COMMANDS = {"kehoach": "kehoach", "han": "han", "chitieu": "chitieu", "tiep": "tiep",
             "help": "help", "start": "help", "huongdan": "help"}


def parse_command(text: str) -> Command | None:
    """A plain-word command ("kehoach", "han 30", "chitieu 2030", "tiep", "help"), with or
    without a leading "/", or a request for help; None for a question. A command word that
    starts a longer question ("han nop bao cao la khi nao?") is a question."""
    from corpus.normalize import fold

    word, _, arg = text.strip().partition(" ")
    name = _COMMANDS.get(fold(word).lstrip("/").split("@")[0])
    arg = arg.strip()
    if name in ("kehoach", "tiep", "help") and not arg:
        return Command(name)
    if name in ("han", "chitieu") and (not arg or re.fullmatch(r"[+-]?\d+", arg)):
        return Command(name, arg)
    if is_help_request(text):
        return Command("help")
    return None


def plans_reply(engine) -> Reply:  # noqa: ANN001 - intents.AnswerEngine
    docs = engine.documents()
    if not docs:
        return Reply(title="Chưa có kế hoạch nào được nạp.")
    items = []
    for d in docs:
        m = d.meta
        where = " ".join(x for x in (m.locality_kind, m.locality) if x) or m.issuer or "?"
        when = f", ngày {m.date}" if m.date else ""
        items.append(f"{m.number or d.id} — {where}{when}")
    return Reply(title=f"Đã nạp {len(docs)} kế hoạch:", items=items)


def parse_days(arg: str | None) -> int | None:
    """`han` argument: empty → default; a whole number 1..366; anything else → None."""
    if arg is None or not arg.strip():
        return DEFAULT_DAYS
    try:
        n = int(arg.strip())
    except ValueError:
        return None
    return n if 1 <= n <= MAX_DAYS else None


def parse_year(arg: str | None) -> int | None:
    try:
        y = int((arg or "").strip())
    except ValueError:
        return None
    return y if 2000 <= y <= 2100 else None


def _doc_labels(engine) -> dict[str, str]:  # noqa: ANN001
    out = {}
    for d in engine.documents():
        where = " ".join(x for x in (d.meta.locality_kind, d.meta.locality) if x)
        out[d.id] = f"KH {d.meta.number}" + (f", {where}" if where else "")
    return out


def deadlines_reply(engine, days: int, today: date | None = None,  # noqa: ANN001
                    title: str | None = None) -> Reply:
    """/han N and the daily digest: the same list as asking "việc nào sắp đến hạn trong N
    ngày tới?" (report dates included, old overdue items counted, not listed)."""
    answer = engine.ask(f"Việc nào sắp đến hạn trong {days} ngày tới?", today=today)
    return Reply(title=title or "", text=answer.answer)


def targets_reply(engine, year: int) -> Reply:  # noqa: ANN001
    facts = engine.targets_for_year(year)
    title = f"Chỉ tiêu năm {year}:"
    if not facts:
        return Reply(title=title, text=(
            f"Chưa tìm thấy chỉ tiêu nào cho năm {year} trong các kế hoạch đã nạp. "
            "Bạn có thể hỏi trực tiếp, ví dụ: «Đến năm 2030 tỷ lệ dịch vụ công trực tuyến "
            "là bao nhiêu?»"))
    labels = _doc_labels(engine)
    items = []
    for f in facts[:MAX_ITEMS]:
        value = f.values.get(str(year), "")
        lead = f" — chủ trì: {', '.join(f.lead)}" if f.lead else ""
        src = labels.get(f.doc_id, "")
        items.append(f"{f.text}: {value}{lead}" + (f" [{src}]" if src else ""))
    footer = f"… và {len(facts) - MAX_ITEMS} chỉ tiêu khác." if len(facts) > MAX_ITEMS else ""
    return Reply(title=title, items=items, footer=footer)


def digest_reply(engine, today: date | None = None) -> Reply:  # noqa: ANN001
    today = today or date.today()
    return deadlines_reply(engine, DIGEST_DAYS, today,
                           title=f"📅 Bản tin {today:%d/%m/%Y}: việc đến hạn trong "
                                 f"{DIGEST_DAYS} ngày tới")


def remove_reply(engine, ref: str) -> Reply:  # noqa: ANN001
    from corpus.plan_ref import PlanRefError, resolve_plan

    ref = ref.strip()
    if not ref:
        return Reply(text="Hãy ghi số hiệu hoặc địa phương của kế hoạch cần xóa, ví dụ: /xoa 79")
    try:
        doc = resolve_plan(engine.documents(), ref)
    except PlanRefError as exc:
        text = str(exc)
        return Reply(text=text[:1].upper() + text[1:])
    engine.remove(doc.id)
    return Reply(text=f"Đã xóa {doc.label()} khỏi chỉ mục.")


# what ingest did to a file, in the words the CLI and the bots show
STATUS_WORDS = {"added": "Đã nạp", "updated": "Đã cập nhật", "unchanged": "Không đổi",
                "superseded": "Đã thay thế", "error": "Lỗi"}


def ingest_reply(reports) -> Reply:  # noqa: ANN001 - list[IngestReport]
    items = []
    for r in reports:
        if r.status == "error" or r.document is None:
            items.append(f"❌ Không nạp được: {r.message or 'lỗi không rõ'}")
            continue
        m = r.document.meta
        where = " ".join(x for x in (m.locality_kind, m.locality) if x) or "?"
        verb = STATUS_WORDS.get(r.status, r.status)
        items.append(f"✅ {verb}: kế hoạch {m.number or '?'} — {where}; "
                     f"{r.segments} đoạn, {r.facts} nhiệm vụ/chỉ tiêu"
                     + (f". {r.message}" if r.message else ""))
    return Reply(items=items or ["Không có tệp nào được nạp."])


TOO_LONG = ("Tin nhắn quá dài ({n} ký tự). Hãy hỏi ngắn gọn, mỗi lần một ý "
            "(tối đa {limit} ký tự).")
RATE_LIMITED = "Bạn gửi hơi nhanh 🙂 Vui lòng đợi khoảng {secs} giây rồi hỏi tiếp."
ERROR = "Xin lỗi, đã có lỗi khi xử lý yêu cầu. Vui lòng thử lại sau."
NOT_ADMIN = "Xin lỗi, chỉ quản trị viên mới được nạp hoặc xóa kế hoạch."
BAD_DAYS = f"Số ngày không hợp lệ. Ví dụ: han 30 (từ 1 đến {MAX_DAYS} ngày)."
BAD_YEAR = "Hãy ghi năm cần xem, ví dụ: chitieu 2030."
MAX_QUESTION = 1000
