"""A chat's short memory: follow-ups, a remembered locality, small talk.

The same in the terminal, Telegram and Zalo: the front end passes a chat key with each
message (`AnswerEngine.ask(text, chat="telegram:42")`) and the engine keeps one `ChatState`
per key (the most recent chats only).

- Small talk (greetings, thanks, "bạn làm được gì", "help", "trợ giúp") gets the help text
  with examples, with no search.
- A follow-up is a message that asks without saying about what ("còn Phong Thổ thì
  sao?", "thế năm 2025?", "ai phối hợp?", "hạn khi nào?"): the last question's topic is
  carried into it, with the slots the follow-up gives replacing the old ones.
- "tiếp" / "xem thêm" shows more of the last list, or the next sources; "chi tiết hơn" the
  whole clause of the last answer.
- A locality set with `/xa <tên>`, a deep link, or "tôi ở xã …" scopes later questions
  that name none; replies say so, and `/xa bỏ` clears it.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from intents.models import Answer, Citation, Query

MAX_CHATS = 5000  # chats remembered; the oldest is forgotten first
MEMORY_SECONDS = 30 * 60  # a follow-up refers to a question asked in the last half hour
PAGE = 8  # list lines per reply; "tiếp" shows the next ones

EXAMPLES = [
    "Ai chủ trì cấp chứng thư số cho cán bộ ở phường Trần Liễu?",
    "phong tho chi tieu dvctt 2030 bn %",
    "Khi nào xã Bình Tân phải thành lập Ban Chỉ đạo?",
    "Còn xã Lộc Tân thì sao?  (hỏi tiếp câu trước cho nơi khác)",
]
HELP_TITLE = "Trợ lý tra cứu kế hoạch thực hiện Nghị quyết 57-NQ/TW"
HELP_TEXT = (
    "Tôi trả lời câu hỏi về các kế hoạch đã nạp: ai chủ trì, ai phối hợp, khi nào phải xong, "
    "chỉ tiêu bao nhiêu, làm những gì — một dòng trả lời, kèm trích dẫn điều khoản và nguồn. "
    "Gõ có dấu hay không dấu, viết tắt (dvctt, cds, bn…) đều được.\n\n"
    "Ví dụ:\n" + "\n".join(f"• {e}" for e in EXAMPLES) + "\n\n"
    "Hỏi tiếp: «thế năm 2025?», «ai phối hợp?», «hạn khi nào?», «tiếp» (xem thêm), "
    "«chi tiết hơn».\n"
    "Chọn địa phương của bạn: /xa <tên xã/phường> (hoặc «tôi ở xã …»); /xa bỏ để bỏ chọn."
)

_GREETING = re.compile(r"(?:xin )?chao(?: ban| bot| anh| chi| em| tro ly| ca nha)?(?: a)?|"
                       r"hi|hello|alo|hey|chao buoi (?:sang|chieu|toi)")
_THANKS = re.compile(r"(?:cam on|thanks?|thank you|tks|thks|ok cam on)(?: ban| nhe| nhieu| a| bot)*")
_HELP = re.compile(r"/?(?:help|start|tro giup|huong dan|giup do|menu)|"
                   r"(?:ban|bot|tro ly|em) (?:lam|giup|biet|tra loi) (?:duoc )?(?:gi|nhung gi)"
                   r"(?: (?:cho toi|cho minh))?|(?:ban|bot) la ai|hoi (?:duoc )?(?:gi|nhu the nao)|"
                   r"dung (?:the nao|nhu the nao|ra sao)|cach (?:dung|hoi)")
_MORE = re.compile(r"(?:xem )?(?:tiep|them)(?: di| nua| theo)?|con nua(?: khong)?|"
                   r"(?:xem )?nguon khac")
_DETAIL = re.compile(r"(?:noi )?(?:chi tiet|cu the|ro)(?: hon)?(?: di| duoc khong)?|"
                     r"(?:xem )?toan van|day du")
# "tôi ở xã Phong Thổ", "mình làm ở phường …", "em thuộc xã …"
_I_AM_AT = re.compile(r"^(?:toi|em|minh|anh|chi|chung toi) (?:dang )?(?:o|lam(?: viec)? o|"
                      r"cong tac (?:o|tai)|thuoc|tai) (.+)$")
# words of a follow-up that ask on with the same topic: "còn … thì sao", "thế …", "vậy …"
_FOLLOW_CUE = re.compile(r"^(?:con|the|vay|the con|con ve|the thi|vay thi|con voi)\b|"
                         r"\bthi sao\b|\bthe nao\b$|\bra sao\b$")


def small_talk(search: str) -> str:
    """"greeting" | "thanks" | "help" for a message that is only that, else ""."""
    s = re.sub(r"[^\w/ ]", " ", search).strip()
    s = re.sub(r"\s+", " ", s)
    if _HELP.fullmatch(s):
        return "help"
    if _GREETING.fullmatch(s):
        return "greeting"
    if _THANKS.fullmatch(s):
        return "thanks"
    return ""


def asks_more(search: str) -> bool:
    return bool(_MORE.fullmatch(_plain(search)))


def asks_detail(search: str) -> bool:
    return bool(_DETAIL.fullmatch(_plain(search)))


def place_statement(search: str) -> str:
    """The place in "tôi ở xã …" (search form), or ""."""
    m = _I_AM_AT.match(_plain(search))
    return m.group(1) if m else ""


def _plain(search: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w/ ]", " ", search)).strip()


def help_answer(question: str, kind: str = "help") -> Answer:
    lead = {"greeting": "Xin chào! ", "thanks": "Rất vui được giúp bạn. "}.get(kind, "")
    text = f"{lead}{HELP_TITLE}.\n\n{HELP_TEXT}"
    return Answer(question=question, intent="unknown", found=False,
                  headline=f"{lead}{HELP_TITLE}".strip(), answer=text)


@dataclass
class ChatState:
    last: Query | None = None  # the last question understood (after follow-up merging)
    asked_at: float = 0.0
    answer: Answer | None = None  # the last answer
    pending: list[str] = field(default_factory=list)  # list lines not shown yet
    sources: list[Citation] = field(default_factory=list)  # next sources not shown yet
    place: str = ""  # remembered locality, as shown ("xã Phong Thổ")
    place_ids: list[str] = field(default_factory=list)  # its plans

    def recent(self) -> Query | None:
        if self.last is None or time.monotonic() - self.asked_at > MEMORY_SECONDS:
            return None
        return self.last

    def remember(self, query: Query, answer: Answer, pending: list[str]) -> None:
        self.last, self.asked_at, self.answer = query, time.monotonic(), answer
        self.pending = pending
        self.sources = list(answer.more)


class Conversations:
    """Chat states by chat key, the most recently used kept."""

    def __init__(self, size: int = MAX_CHATS) -> None:
        self.size = size
        self._chats: OrderedDict[str, ChatState] = OrderedDict()
        self._lock = threading.Lock()  # the bots ask from several threads at once

    def get(self, key: str) -> ChatState:
        with self._lock:
            state = self._chats.pop(key, None) or ChatState()
            self._chats[key] = state
            while len(self._chats) > self.size:
                self._chats.popitem(last=False)
            return state

    def clear(self, key: str) -> None:
        with self._lock:
            self._chats.pop(key, None)


def is_follow_up(query: Query, search: str) -> bool:
    """A question that names no topic of its own: only slots (a place, a year, a role) or a
    question word, or one opened by "còn …"/"thế …"."""
    return not query.terms or (bool(_FOLLOW_CUE.search(search)) and len(query.terms) <= 1
                               and not query.phrases)


def carry_over(new: Query, prev: Query, place_words: dict[str, str]) -> str:
    """The follow-up written out as a full question (search form): the previous topic, the
    follow-up's own slots in place of the old ones. `place_words` maps plan ids to their
    locality (search form)."""
    topic = [*prev.terms]
    asks = _question_part(new) or _question_part(prev)
    places = new.localities or new.doc_ids or prev.localities or prev.doc_ids
    years = new.years or prev.years
    where = " ".join(dict.fromkeys(place_words.get(d, "") for d in places))
    parts = [asks, " ".join(topic), " ".join(map(str, years)), f"o {where}" if where else ""]
    return " ".join(p for p in parts if p).strip()


_ASKING = re.compile(
    r"\b(?:ai (?:chu tri|phoi hop|theo doi|phu trach|lo|lam)|ai|co quan nao|don vi nao|"
    r"phoi hop|chu tri|khi nao|bao gio|han (?:chot|khi nao)|thoi han|bao nhieu|"
    r"chi tieu|ty le|lam gi|nhung viec (?:gi|nao)|nhu the nao)\b")


def _question_part(q: Query) -> str:
    """The words of a question that ask (not what about): "ai phối hợp", "hạn khi nào"."""
    found = _ASKING.findall(q.search)
    return " ".join(dict.fromkeys(found))
