"""bot/format.py: the one place replies are rendered. Telegram HTML is escaped there (text
from the plans and from the user can hold '<', '&', tags), and every message fits the
platform's length counted in UTF-16 code units."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from bot import format as fmt
from bot.commands import Reply
from intents.models import Answer, Citation

ALLOWED = {"b", "i", "blockquote"}  # what the renderer itself writes


class _Tags(HTMLParser):
    """Tags and text of a Telegram message, to check that only the renderer's tags exist
    and that they are balanced."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:  # noqa: ANN001
        self.tags.append(tag)
        self.stack.append(tag)

    def handle_endtag(self, tag) -> None:  # noqa: ANN001
        assert self.stack and self.stack[-1] == tag, f"unbalanced </{tag}>"
        self.stack.pop()

    def handle_data(self, data) -> None:  # noqa: ANN001
        self.text.append(data)


def parse_message(message: str) -> _Tags:
    p = _Tags()
    p.feed(message)
    p.close()
    assert not p.stack, f"unclosed {p.stack}"
    assert set(p.tags) <= ALLOWED, p.tags
    return p


def check_telegram(messages: list[str]) -> None:
    assert messages and all(m.strip() for m in messages)
    for m in messages:
        assert fmt.size(m) <= fmt.TELEGRAM_LIMIT
        parse_message(m)
        m.encode("utf-8")  # sendable: no lone surrogate


def check_zalo(messages: list[str]) -> None:
    assert messages and all(m.strip() for m in messages)
    for m in messages:
        assert fmt.size(m) <= fmt.ZALO_LIMIT
        m.encode("utf-8")


def answer(headline: str, quote: str = "", rest: str = "") -> Answer:
    cites = [Citation(document="Kế hoạch 79/KH-UBND <b>", section="II & III", page=3,
                      quote=quote)] if quote else []
    return Answer(question="q", intent="what", found=bool(cites), headline=headline,
                  answer=f"{headline}\n{rest}".strip(), citations=cites)


INJECTIONS = ["<script>alert(1)</script>", "<a href='javascript:x'>bấm</a>", "</b><b>",
              "a < b && c > d", "&amp;lt;", "<blockquote>", "<i>nghiêng", "]]><!--",
              "<b>đậm</b>"]


@pytest.mark.parametrize("text", INJECTIONS)
def test_telegram_escapes_text_from_the_plans_and_the_user(text) -> None:
    msgs = fmt.answer_html(answer(f"Trả lời {text}", quote=f"Trích {text}"))
    check_telegram(msgs)
    shown = "".join(parse_message(m).text[0] for m in msgs[:1])
    assert text in "".join("".join(parse_message(m).text) for m in msgs)  # shown as typed
    assert shown.startswith("Trả lời")
    check_telegram(fmt.plain_html(text))
    check_telegram(fmt.reply_html(Reply(title=text, items=[text], text=text, footer=text)))
    check_telegram(fmt.citations_html([Citation(document=text, section=text, page=1,
                                                quote=text)]))


def test_zalo_keeps_the_text_as_typed() -> None:
    msgs = fmt.answer_text(answer("<b>x</b> & y", quote="q"))
    check_zalo(msgs)
    assert "<b>x</b> & y" in msgs[0]


@pytest.mark.parametrize("unit", ["a", "&", "<", "🙂", "👨‍👩‍👧", "ệ", "\n", " "])
def test_long_replies_split_within_the_limit_in_utf16_units(unit) -> None:
    body = unit * 9000
    check_telegram(fmt.answer_html(answer(body, quote=body)))
    check_telegram(fmt.full_text_html(Citation(document="d", section="s", page=1,
                                               quote=""), body))
    check_zalo(fmt.answer_text(answer(body, quote=body)))
    check_zalo(fmt.citations_text([Citation(document=body, section="", page=1, quote=body)]))


def test_emoji_count_double_towards_the_limit() -> None:
    assert fmt.size("🙂") == 2 and fmt.size("ệ") == 1
    pieces = fmt.split_text("🙂" * 3000, 4096)
    assert all(fmt.size(p) <= 4096 for p in pieces) and "".join(pieces) == "🙂" * 3000


def test_a_section_label_stops_before_ocr_debris() -> None:
    from intents.cite import label

    # a stamp read into the appendix's heading: the label keeps what a reader can use
    assert label("Phụ lục: (Kèm theo Kế hoạch số 79/KH- %L,r/;ﬁ’) 5 \\{\\2&)731") == (
        "Phụ lục: (Kèm theo Kế hoạch số 79/KH-…")
    # codes, shares and brackets are not debris
    for heading in ("Phụ lục: (Kèm theo Kế hoạch số 144/KH-UBND ngày 24/11/2025)",
                    "2. Sở KH&CN; 100% (2025)", "3.4. Lĩnh vực logistics"):
        assert label(heading) == heading
    assert label("%;/{") == ""  # nothing legible: no label, the citation says where else
