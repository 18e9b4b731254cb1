"""Rendering: Telegram HTML (escaped, ≤4096 chars a message) and Zalo plain text (≤2000).

The one place replies become platform text: everything from the plans or the user is
escaped here (`esc`), and lengths are counted as the platforms count them, in UTF-16 code
units (an emoji outside the BMP is two), so no message is ever refused for its length.
"""

from __future__ import annotations

import html
import re

from bot.commands import Reply

TELEGRAM_LIMIT = 4096
ZALO_LIMIT = 2000


def esc(text: object) -> str:
    return html.escape(str(text), quote=False)


def size(text: str) -> int:
    """Length as Telegram and Zalo count it: UTF-16 code units."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _fitting(text: str, limit: int) -> int:
    """How many leading characters of `text` fit in `limit` code units."""
    n = min(len(text), limit)
    while n > 0 and size(text[:n]) > limit:
        n -= max(1, (size(text[:n]) - limit) // 2)
    return n


# ---- splitting ---------------------------------------------------------------------------
# Where a piece may end, best first: a paragraph; before a list item or a source line (so a
# citation's source line and its «quote» under it stay in one message, and no item is cut
# in two); a line; a sentence; a word. A place counts only in the second half of the window,
# so no message is left nearly empty.
_ITEM_START = re.compile(r"\n(?=[•▪◦‣\-–+*] |📄|\d{1,3}[.)] |[a-zđ][.)] )")


def _cut(window: str) -> int:
    half = len(window) // 2
    paragraph = window.rfind("\n\n")
    items = [m.start() for m in _ITEM_START.finditer(window)]
    sentence = window.rfind(". ")
    for cut in (paragraph, items[-1] if items else -1, window.rfind("\n"),
                sentence + 1 if sentence >= 0 else -1, window.rfind(" ")):
        if cut >= half:
            return cut
    return max(1, len(window))


def split_text(text: str, limit: int) -> list[str]:
    """Plain text into pieces ≤ limit, cutting at a paragraph, an item, a line, a sentence
    or a space (`_cut`)."""
    text = text.strip()
    out: list[str] = []
    while size(text) > limit:
        window = text[:_fitting(text, limit)]
        cut = _cut(window)
        piece, text = text[:cut].rstrip(), text[cut:].lstrip()
        if piece:
            out.append(piece)
    if text:
        out.append(text)
    return out


def pack(blocks: list[str], limit: int, html_mode: bool) -> list[str]:
    """Join blocks with blank lines into messages ≤ limit. HTML blocks are never cut inside a
    tag: an oversized HTML block is flattened to escaped plain text and split."""
    messages: list[str] = []
    current = ""
    for block in (b for b in blocks if b and b.strip()):
        pieces = [block]
        if size(block) > limit:
            if html_mode:
                plain = html.unescape(re.sub(r"<[^>]+>", "", block))
                pieces = _escaped_pieces(plain, limit)
            else:
                pieces = split_text(block, limit)
        for piece in pieces:
            joined = f"{current}\n\n{piece}" if current else piece
            if size(joined) <= limit:
                current = joined
            else:
                messages.append(current)
                current = piece
    if current:
        messages.append(current)
    return messages


def _escaped_pieces(plain: str, limit: int) -> list[str]:
    """Split plain text so every escaped piece fits (escaping lengthens '&', '<', '>')."""
    out = []
    for piece in split_text(plain, limit // 2):
        escaped = esc(piece)
        if size(escaped) <= limit:
            out.append(escaped)
        else:
            out += [esc(p) for p in split_text(piece, limit // 5)]
    return out


# ---- command replies ------------------------------------------------------------------------
def reply_html(reply: Reply) -> list[str]:
    blocks = []
    if reply.title:
        blocks.append(f"<b>{esc(reply.title)}</b>")
    if reply.text:
        blocks.append(esc(reply.text))
    blocks += [f"• {esc(i)}" for i in reply.items]
    if reply.footer:
        blocks.append(f"<i>{esc(reply.footer)}</i>")
    return _tight(pack(blocks, TELEGRAM_LIMIT, html_mode=True))


def reply_text(reply: Reply) -> list[str]:
    blocks = [b for b in (reply.title, reply.text) if b]
    blocks += [f"• {i}" for i in reply.items]
    if reply.footer:
        blocks.append(reply.footer)
    return _tight(pack(blocks, ZALO_LIMIT, html_mode=False))


def _tight(messages: list[str]) -> list[str]:
    """List items one per line rather than one per paragraph."""
    return [m.replace("\n\n• ", "\n• ") for m in messages]


# ---- answers --------------------------------------------------------------------------------
def source_line(c) -> str:  # noqa: ANN001 - intents.models.Citation
    parts = [c.document]
    if c.section:
        parts.append(c.section)
    parts.append(f"trang {c.page}")
    return " · ".join(parts)


def answer_html(answer) -> list[str]:  # noqa: ANN001 - intents.models.Answer
    """Headline in bold, then the quoted clause and its source."""
    headline = answer.headline.strip() or "Không có câu trả lời."
    blocks = [f"<b>{esc(headline)}</b>"]
    if answer.citations and answer.intent != "list":  # a list's lines are its answer
        c = answer.citations[0]
        if c.quote:
            blocks.append(f"<blockquote>{esc(c.quote)}</blockquote>")
        blocks.append(f"📄 <i>{esc(source_line(c))}</i>")
    else:
        rest = answer.answer.strip()
        if rest.startswith(headline):
            rest = rest[len(headline):].strip()
        if rest:
            blocks.append(esc(rest))
    return pack(blocks, TELEGRAM_LIMIT, html_mode=True)


def answer_text(answer, has_more: bool = False) -> list[str]:  # noqa: ANN001
    """Zalo: the engine's plain answer (headline, quote, source), plus a hint for `tiep`."""
    text = answer.answer.strip() or answer.headline.strip() or "Không có câu trả lời."
    blocks = [text]
    if has_more:
        blocks.append("Gõ «tiep» để xem thêm nguồn khác.")
    return pack(blocks, ZALO_LIMIT, html_mode=False)


def citations_html(citations, title: str = "Nguồn khác:") -> list[str]:  # noqa: ANN001
    if not citations:
        return ["Không còn nguồn nào khác cho câu hỏi này."]
    blocks = [f"<b>{esc(title)}</b>"]
    for i, c in enumerate(citations, 1):
        quote = f"\n<blockquote>{esc(c.quote)}</blockquote>" if c.quote else ""
        blocks.append(f"{i}. 📄 <i>{esc(source_line(c))}</i>{quote}")
    return pack(blocks, TELEGRAM_LIMIT, html_mode=True)


def citations_text(citations, title: str = "Nguồn khác:") -> list[str]:  # noqa: ANN001
    if not citations:
        return ["Không còn nguồn nào khác cho câu hỏi này."]
    blocks = [title]
    for i, c in enumerate(citations, 1):
        quote = f"\n«{c.quote}»" if c.quote else ""
        blocks.append(f"{i}. 📄 {source_line(c)}{quote}")
    return pack(blocks, ZALO_LIMIT, html_mode=False)


def full_text_html(citation, text: str) -> list[str]:  # noqa: ANN001
    blocks = [f"📄 <b>{esc(source_line(citation))}</b>", esc(text.strip())]
    return pack(blocks, TELEGRAM_LIMIT, html_mode=True)


def plain_html(text: str) -> list[str]:
    return pack([esc(text)], TELEGRAM_LIMIT, html_mode=True)
