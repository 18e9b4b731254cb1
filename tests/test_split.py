"""A long reply split into messages ends each message at an item's or a citation's end: a
source line keeps its «quote», a numbered item is never cut in two, on every front end
(Zalo and the terminal print the plain text, Telegram splits its escaped text the same way)."""

from __future__ import annotations

import re

from bot import format as fmt
from bot.terminal import _text
from intents.models import Answer, Citation

ITEM = re.compile(r"^(?:\d{1,3}\. 📄|• )")


def _cited_list(n: int = 30) -> str:
    """A list answer the way the engine writes one: a head line, then numbered sources each
    with its quote on the next line (📄 counts two units on Zalo and Telegram)."""
    items = [f"{i}. 📄 Kế hoạch {i}/KH-UBND · II. Nhiệm vụ › {i}. Số hóa · trang {i}\n"
             f"«Rà soát, số hóa hồ sơ, tài liệu lưu trữ còn giá trị của Ủy ban nhân dân xã "
             f"để khai thác trên môi trường mạng; mục {i}.»" for i in range(1, n + 1)]
    return "Các nhiệm vụ đã giao:\n" + "\n".join(items)


def _pieces_start_at_items(pieces: list[str]) -> None:
    assert len(pieces) >= 2
    for piece in pieces[1:]:
        assert ITEM.match(piece), piece[:60]
    for piece in pieces:  # each source line with its quote under it
        lines = piece.splitlines()
        for a, b in zip(lines, lines[1:], strict=False):
            if "📄" in a:
                assert b.startswith("«"), (a, b)
        assert "📄" not in lines[-1]


def test_a_long_cited_list_is_cut_between_items() -> None:
    text = _cited_list()
    pieces = fmt.split_text(text, fmt.ZALO_LIMIT)
    assert all(fmt.size(p) <= fmt.ZALO_LIMIT for p in pieces)
    _pieces_start_at_items(pieces)
    assert re.sub(r"\s+", " ", " ".join(pieces)) == re.sub(r"\s+", " ", text)


def test_zalo_and_the_terminal_send_whole_citations() -> None:
    text = _cited_list(40)
    long = Answer(question="q", intent="list", found=True, headline="Các nhiệm vụ đã giao:",
                  answer=text)
    messages = fmt.answer_text(long)
    assert all(fmt.size(m) <= fmt.ZALO_LIMIT for m in messages)
    _pieces_start_at_items(messages)
    shown = _text(messages)  # the terminal prints the same messages one after the other
    assert all(f"{i}. 📄 Kế hoạch {i}/KH-UBND" in shown for i in range(1, 41))


def test_telegram_splits_an_oversized_block_between_items() -> None:
    messages = fmt.full_text_html(Citation(document="d", section="s", page=1, quote=""),
                                  _cited_list(150))
    assert all(fmt.size(m) <= fmt.TELEGRAM_LIMIT for m in messages)
    _pieces_start_at_items(messages[1:])


def test_bullets_are_items_too() -> None:
    text = "Việc đến hạn:\n" + "\n".join(
        f"• Nhiệm vụ {i}: tổ chức tập huấn kỹ năng số cơ bản cho cán bộ, công chức\n"
        f"  Hạn: tháng {i % 12 + 1}/2026" for i in range(60))
    pieces = fmt.split_text(text, 1000)
    assert all(p.startswith("• ") for p in pieces[1:])
    assert all(fmt.size(p) <= 1000 for p in pieces)


def test_a_sentence_cut_keeps_its_full_stop() -> None:
    pieces = fmt.split_text("Câu thứ nhất khá dài. Câu thứ hai còn dài hơn nữa nhiều", 30)
    assert pieces[0] == "Câu thứ nhất khá dài."
    assert not pieces[1].startswith(".")
