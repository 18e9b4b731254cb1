"""A chat's memory through the real bot libraries against the fake Telegram and Zalo servers:
follow-ups on another locality and another year, "tiếp" on a long list, a remembered
locality, a greeting and "help" (intents.conversation)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.telegram import TelegramBot, start_telegram, stop_telegram  # noqa: E402
from bot.zalo import ZaloBot, ZaloClient  # noqa: E402
from intents import AnswerEngine  # noqa: E402
from intents.conversation import Conversations, asks_more, place_statement, small_talk  # noqa: E402
from retrieval import Settings  # noqa: E402
from tests.fake_telegram import TOKEN as TG_TOKEN  # noqa: E402
from tests.fake_telegram import FakeTelegram, wait_until  # noqa: E402
from tests.fake_zalo import TOKEN as ZL_TOKEN  # noqa: E402
from tests.fake_zalo import FakeZalo  # noqa: E402

LIST_QUESTION = "Phòng Văn hóa - Xã hội chủ trì những việc gì?"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("conversation")


@pytest.fixture(scope="module")
def engine(data_dir: Path) -> AnswerEngine:
    return AnswerEngine.open(Settings(data_dir=data_dir, embedder="fake"))


def telegram(engine: AnswerEngine, data_dir: Path, scenario, timeout: float = 60):
    with FakeTelegram() as fake:
        settings = Settings(data_dir=data_dir, embedder="fake", telegram_token=TG_TOKEN,
                            telegram_base_url=fake.base_url, rate_limit_per_minute=100)

        async def main():
            tg = TelegramBot(settings, engine)
            app = tg.build()
            await start_telegram(app, settings, poll_timeout=1)
            try:
                await scenario(fake)
            finally:
                await stop_telegram(app)
                tg.store.close()

        asyncio.run(asyncio.wait_for(main(), timeout))
        return fake


def zalo(engine: AnswerEngine, data_dir: Path, scenario, timeout: float = 60):
    with FakeZalo() as fake:
        settings = Settings(data_dir=data_dir, embedder="fake", zalo_token=ZL_TOKEN,
                            zalo_base_url=fake.base_url, rate_limit_per_minute=100)
        bot = ZaloBot(settings, engine, client=ZaloClient(ZL_TOKEN, fake.base_url,
                                                          poll_timeout=1))

        async def main():
            stop = asyncio.Event()
            loop = asyncio.create_task(bot.poll(stop))
            try:
                await scenario(fake)
            finally:
                stop.set()
                await asyncio.wait_for(loop, 5)
                await bot.client.aclose()

        asyncio.run(asyncio.wait_for(main(), timeout))
        return fake


async def say(fake, chat, text: str, n: int) -> str:
    """Send a message and wait for the n-th reply of that chat (1-based)."""
    fake.message(chat, text)
    await wait_until(lambda: len(fake.texts(chat)) >= n, timeout=30)
    return fake.texts(chat)[n - 1]


# ---- telegram ---------------------------------------------------------------------------------
def test_telegram_follow_ups_on_locality_and_year(engine, data_dir):
    replies: dict[str, str] = {}

    async def scenario(fake):
        replies["first"] = await say(fake, 4001, "binh tan ty le dvc truc tuyen toan trinh "
                                     "2030 bn %", 1)
        replies["year"] = await say(fake, 4001, "thế năm 2035?", 2)
        replies["place"] = await say(fake, 4001, "còn Trần Liễu thì sao?", 3)
        replies["other"] = await say(fake, 4002, "ai phối hợp?", 1)  # another chat: no memory

    telegram(engine, data_dir, scenario)
    assert "90%" in replies["first"] and "Bình Tân" in replies["first"]
    assert "2035" in replies["year"] and "Bình Tân" in replies["year"]
    assert "100%" in replies["year"].split("\n")[0]
    assert "Trần Liễu" in replies["place"]
    assert "Bạn hỏi về việc nào" in replies["other"]


def test_telegram_greeting_help_and_tiep_on_a_long_list(engine, data_dir):
    replies: dict[str, str] = {}

    async def scenario(fake):
        replies["hi"] = await say(fake, 4101, "xin chào", 1)
        replies["help"] = await say(fake, 4101, "help", 2)
        replies["list"] = await say(fake, 4101, LIST_QUESTION, 3)
        replies["next"] = await say(fake, 4101, "tiếp", 4)

    fake = telegram(engine, data_dir, scenario)
    assert "Ví dụ" in replies["hi"]
    assert "Ví dụ" in replies["help"] and "/xa" in replies["help"]
    # small talk is answered without a search: no clause is quoted
    assert "📄" not in replies["hi"] and "📄" not in replies["help"]
    assert "việc" in replies["list"] and "tiếp" in replies["list"]
    assert "Tiếp theo" in replies["next"] and "•" in replies["next"]
    assert not set(replies["next"].split("\n")[2:4]) & set(replies["list"].split("\n"))
    assert len(fake.texts(4101)) == 4


def test_telegram_remembered_locality_and_deep_link(engine, data_dir):
    replies: dict[str, str] = {}

    async def scenario(fake):
        replies["set"] = await say(fake, 4201, "/xa Phong Thổ", 1)
        replies["q"] = await say(fake, 4201, "ty le dan so truong thanh co chu ky so la bn", 2)
        replies["clear"] = await say(fake, 4201, "/xa bỏ", 3)
        replies["unknown"] = await say(fake, 4201, "/xa Hoàng Sa", 4)
        replies["start"] = await say(fake, 4202, "/start xa_loc_tan", 1)
        await wait_until(lambda: len(fake.texts(4202)) >= 2, timeout=30)

    fake = telegram(engine, data_dir, scenario)
    assert "Đã chọn xã Phong Thổ" in replies["set"]
    assert "Theo địa phương bạn đã chọn: xã Phong Thổ" in replies["q"]
    assert "%" in replies["q"] and "Không tìm thấy" not in replies["q"]
    assert "Đã bỏ chọn" in replies["clear"]
    assert "Chưa có kế hoạch nào" in replies["unknown"]
    assert "Lộc Tân" in replies["start"] and "Ví dụ" in fake.texts(4202)[1]


# ---- zalo -------------------------------------------------------------------------------------
def test_zalo_follow_up_place_greeting_and_help(engine, data_dir):
    replies: dict[str, str] = {}

    async def scenario(fake):
        replies["hi"] = await say(fake, "z1", "chào bạn", 1)
        replies["help"] = await say(fake, "z1", "trợ giúp", 2)
        replies["first"] = await say(fake, "z1", "binh tan ty le dvc truc tuyen toan trinh "
                                     "2030 bn %", 3)
        replies["year"] = await say(fake, "z1", "thế năm 2035?", 4)
        replies["place"] = await say(fake, "z1", "còn Trần Liễu thì sao?", 5)
        replies["set"] = await say(fake, "z2", "/xa Phong Thổ", 1)
        replies["q"] = await say(fake, "z2", "ty le dan so truong thanh co chu ky so la bn", 2)
        replies["list"] = await say(fake, "z3", LIST_QUESTION, 1)
        replies["next"] = await say(fake, "z3", "tiep", 2)

    zalo(engine, data_dir, scenario)
    assert "Ví dụ" in replies["hi"] and "Ví dụ" in replies["help"]
    assert "90%" in replies["first"]
    assert "2035" in replies["year"] and "100%" in replies["year"]
    assert "Trần Liễu" in replies["place"]
    assert "Đã chọn xã Phong Thổ" in replies["set"] and "Theo địa phương" in replies["q"]
    assert "Tiếp theo" in replies["next"]


# ---- the pieces -------------------------------------------------------------------------------
def test_greeting_and_help_through_the_engine_without_a_search(engine):
    hi = engine.ask("xin chào", chat="e1")
    assert hi.headline.startswith("Xin chào") and "Ví dụ" in hi.answer and not hi.citations
    what = engine.ask("bạn làm được gì?", chat="e1")
    assert "Ví dụ" in what.answer and not what.citations


def test_small_talk_is_only_a_whole_message():
    assert small_talk("xin chao") == "greeting"
    assert small_talk("cam on ban nhe") == "thanks"
    assert small_talk("ban lam duoc gi") == "help" and small_talk("tro giup") == "help"
    assert small_talk("xin chao, ai chu tri so hoa ho so o tran lieu") == ""
    assert asks_more("tiep") and asks_more("xem them") and not asks_more("tiep nhan ho so")
    assert place_statement("toi o xa phong tho") == "xa phong tho"
    assert place_statement("toi muon hoi ve xa phong tho") == ""


def test_conversations_keep_the_most_recent_chats():
    chats = Conversations(size=2)
    chats.get("a").place = "xã A"
    chats.get("b")
    chats.get("c")
    assert chats.get("a").place == ""  # forgotten, a fresh state


def test_a_place_without_a_loaded_plan_is_named(engine):
    a = engine.ask("phuong ben thanh ai chu tri cap chung thu so")
    assert not a.found and "Bến Thành" in a.headline and "Chưa có kế hoạch" in a.headline
    chosen = engine.remember_place("e2", "Bến Thành")
    assert "Chưa có kế hoạch nào" in chosen.answer and "Bến Thành" in chosen.answer
