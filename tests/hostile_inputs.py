"""Hostile question text, drawn from a `random.Random`: the property tier
(tests/test_robustness.py, through hypothesis' `st.randoms()`) and the timing bench
(bench/robustness.py, seeded) draw from the same generator.

Kinds: random code points (lone surrogates included), combining-mark floods, RTL and bidi
marks, control characters, emoji sequences, FTS/SQL metacharacters, HTML/Markdown, and any
mix of them with real question words, 0 to 20,000 characters.
"""

from __future__ import annotations

import random
import unicodedata

MAX_LEN = 20_000

WORDS = ["Ai chủ trì", "khi nào hoàn thành", "chỉ tiêu năm 2030", "bao nhiêu phần trăm",
         "phường", "xã", "Đảng ủy", "Kế hoạch 79/KH-UBND", "27-KH/ĐU", "số hóa hồ sơ",
         "chu tri", "hoan thanh", "ai ky", "những việc gì", "Văn phòng", "6 tháng",
         "15/6/2025", "95%", "ủy ban nhân dân", "chuyển đổi số", "dữ liệu", "q"]
META = ["'", '"', ";", "--", "*", "(", ")", "NEAR", "OR", "AND", "NOT", "NEAR/3", "MATCH",
        "%", "_", "\\", "/*", "*/", "' OR '1'='1", "'; DROP TABLE segments; --", "^", ":",
        "{", "}", "[", "]", "||", '""', "?", "${x}", "%s", "{0}", "(?:", ".*", "\\d+", "$1"]
MARKUP = ["<b>", "</b>", "<i>", "<a href='javascript:alert(1)'>", "</a>", "<script>",
          "</script>", "&amp;", "&lt;", "&#x202e;", "<blockquote>", "<pre>", "<code>",
          "**", "__", "~~", "`", "```", "[x](http://a.b)", "# ", "> ", "- ", "|", "<!--",
          "-->", "<![CDATA[", "]]>", "<", ">", "&", "\\*", "_*[`"]
BIDI = ["\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066",
        "\u2067", "\u2068", "\u2069", "\u061c", "\u05d0\u05d1", "مرحبا"]
EMOJI = ["🙂", "👍🏽", "🇻🇳", "👨‍👩‍👧", "🏳️‍🌈", "\u200d", "\ufe0f", "❤️", "🔥" * 5, "\U0001f9d1\u200d\U0001f4bb"]
CONTROL = ["\x00", "\x07", "\x08", "\x1b[31m", "\r", "\n", "\t", "\x7f", "\x85", "\u2028",
           "\u2029", "\ufeff", "\u200b", "\ufffe", "\uffff", "\U0010ffff"]
MARKS = [chr(c) for c in range(0x300, 0x370)] + ["\u0489", "\u20dd", "\u1ab0", "\ufe20"]


def _code_point(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.15:
        return chr(rng.randrange(0xD800, 0xE000))  # a lone surrogate
    if r < 0.5:
        return chr(rng.randrange(0x20, 0x250))
    if r < 0.8:
        return chr(rng.randrange(0x250, 0x3000))
    return chr(rng.randrange(0x3000, 0x110000))


def _zalgo(rng: random.Random, n: int) -> str:
    base = rng.choice(WORDS)
    out = []
    for ch in base:
        out.append(ch)
        out += rng.choices(MARKS, k=rng.randrange(0, max(1, n)))
    return "".join(out)


def _fragment(rng: random.Random) -> str:
    kind = rng.randrange(9)
    if kind == 0:
        return "".join(_code_point(rng) for _ in range(rng.randrange(1, 40)))
    if kind == 1:
        return _zalgo(rng, rng.choice([3, 30, 300]))
    if kind == 2:
        return rng.choice(BIDI) + rng.choice(WORDS) + rng.choice(BIDI)
    if kind == 3:
        return "".join(rng.choices(CONTROL, k=rng.randrange(1, 6)))
    if kind == 4:
        return "".join(rng.choices(EMOJI, k=rng.randrange(1, 6)))
    if kind == 5:
        return " ".join(rng.choices(META, k=rng.randrange(1, 6)))
    if kind == 6:
        return rng.choice(MARKUP) + rng.choice(WORDS) + rng.choice(MARKUP)
    if kind == 7:
        return unicodedata.normalize("NFD", rng.choice(WORDS))
    return rng.choice(WORDS)


def hostile_question(rng: random.Random) -> str:
    """One question: a mix of fragments, sometimes repeated up to 20,000 characters."""
    parts = [_fragment(rng) for _ in range(rng.randrange(0, 12))]
    text = rng.choice([" ", "", "\n"]).join(parts)
    shape = rng.random()
    if shape < 0.15 and text:  # long: the mix repeated to a random length up to the limit
        length = rng.randrange(0, MAX_LEN + 1)
        text = (text * (length // len(text) + 1))[:length]
    elif shape < 0.2:  # a pure flood of one kind
        text = rng.choice([_zalgo(rng, 2000), "<b>" * 3000, "\u202e" * 5000, "'" * 8000,
                           "🙂" * 4000, "\x00" * 10000, "a" * MAX_LEN])[:MAX_LEN]
    return text[:MAX_LEN]


def questions(n: int, seed: int = 57) -> list[str]:
    rng = random.Random(seed)
    return [hostile_question(rng) for _ in range(n)]
