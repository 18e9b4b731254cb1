"""Loaders for every format a commune has: DOCX, text PDF, old encodings, broken files; and
ingestion that loses nothing. Fixtures are built at test time (tests/plan_fixtures.py)."""

from __future__ import annotations

import json
import os
import signal
import struct
import subprocess
import sys
import time
import tracemalloc
import unicodedata
import zipfile
import zlib
from pathlib import Path

import plan_fixtures as F
import pytest

from corpus import loaders
from corpus.legacy import detect, to_unicode
from corpus.loaders import LoadError, decode_text, load_document
from corpus.loaders_docx import Numbering, format_number
from corpus.loaders_pdf import running_indexes
from corpus.normalize import fold
from corpus.pipeline import read_plan
from intents import AnswerEngine
from retrieval import Settings
from retrieval.index import Index, plan_files

ROOT = Path(__file__).resolve().parent.parent
PLANS = ROOT / "corpus" / "plans"
needs_font = pytest.mark.skipif(F.unicode_font() is None,
                                reason="no TTF with Vietnamese glyphs (fonts-dejavu-core)")

# (question, what the headline starts with) for every format of the test plan
QUESTIONS = [
    ("Ở xã Tân Phú, ai chủ trì số hóa hồ sơ, tài liệu lưu trữ?", "Văn phòng HĐND và UBND"),
    ("Phong trào Bình dân học vụ số của xã Tân Phú phải hoàn thành khi nào?", "tháng 12/2025"),
    ("Ai chủ trì tổ chức tập huấn kỹ năng số cho cán bộ, công chức của xã Tân Phú?",
     "Phòng Nội vụ"),
    ("Xã Tân Phú phải xây dựng cơ sở dữ liệu đất đai khi nào?", "năm 2026"),
]


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("formats")
    out = {"txt": F.write_text(d / "plan.txt"), "docx": F.write_docx(d / "plan.docx"),
           "tcvn3": F.write_tcvn3(d / "plan-tcvn3.txt")}
    if F.unicode_font() is not None:
        pytest.importorskip("fpdf")
        out["pdf"] = F.write_pdf(d / "plan.pdf")
    return out


@pytest.fixture(scope="module")
def plans(files):
    return {k: read_plan(p) for k, p in files.items()}


def _texts(doc) -> list[str]:
    return [b.text for b in doc.blocks if b.text]


# ---- DOCX ----------------------------------------------------------------------------------
def test_docx_numbering_and_heading_styles(files) -> None:
    doc = load_document(files["docx"])
    by_text = {b.text: b for b in doc.blocks}
    assert by_text["I. MỤC ĐÍCH, YÊU CẦU"].style == "Heading 1"
    assert by_text["II. NHIỆM VỤ VÀ GIẢI PHÁP"].style == "Heading 1"
    assert by_text["2. Yêu cầu"].style == "Heading 2"
    assert by_text["1. Số hóa hồ sơ, tài liệu lưu trữ của xã"].style == "Heading 2"
    assert "- Cơ quan chủ trì: Văn phòng HĐND và UBND xã." in by_text  # bullet list


def test_docx_table_rows_keep_their_cells(files) -> None:
    doc = load_document(files["docx"])
    rows = [b for b in doc.blocks if b.kind == "row"]
    assert [r.cells for r in rows] == [F.TABLE_HEADER, *F.TABLE_ROWS]
    first = doc.blocks.index(rows[0])
    assert doc.blocks[first:first + len(rows)] == rows  # one block per row, nothing between


def test_docx_layout_tables_read_as_lines_and_headers_ignored(files) -> None:
    texts = _texts(load_document(files["docx"]))
    assert texts[:3] == F.HEADER_LEFT and "Nguyễn Văn An" in texts
    assert not any("ĐẦU TRANG" in t or "CHÂN TRANG" in t for t in texts)


def test_docx_pages_are_estimated_when_word_recorded_none(files) -> None:
    doc = load_document(files["docx"])
    assert doc.page_estimated and doc.format == "docx"
    page = {b.text: b.page for b in doc.blocks}
    assert page["I. MỤC ĐÍCH, YÊU CẦU"] == 1 and page["III. TỔ CHỨC THỰC HIỆN"] == 2


def test_docx_rendered_page_breaks_are_real_pages(tmp_path) -> None:
    import docx

    path = F.write_docx(tmp_path / "rendered.docx")
    document = docx.Document(str(path))
    for p in document.paragraphs:
        if p.text.startswith(("Rà soát", "Căn cứ")):
            p.runs[0]._r.insert(0, p.runs[0]._r.makeelement(
                "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
                "lastRenderedPageBreak", {}))
    document.save(str(path))
    doc = load_document(path)
    assert not doc.page_estimated and doc.pages == 3
    page = {b.text: b.page for b in doc.blocks}
    assert page["1. Số hóa hồ sơ, tài liệu lưu trữ của xã"] == 1
    assert page["- Cơ quan chủ trì: Văn phòng HĐND và UBND xã."] == 2
    assert page["III. TỔ CHỨC THỰC HIỆN"] == 2 and page["Nơi nhận:"] == 3


def test_word_numbering_formats() -> None:
    assert [format_number(n, "upperRoman") for n in (1, 4, 9, 14)] == ["I", "IV", "IX", "XIV"]
    assert format_number(3, "lowerLetter") == "c" and format_number(27, "lowerLetter") == "aa"
    num = Numbering()
    from corpus.loaders_docx import _Level

    num.levels["a"] = {0: _Level(1, "upperRoman", "%1."), 1: _Level(1, "decimal", "%1.%2."),
                       2: _Level(1, "lowerLetter", "%3)")}
    num.nums["7"] = "a"
    labels = [num.label("7", lvl) for lvl in (0, 1, 2, 2, 1, 0, 1)]
    assert labels == ["I.", "I.1.", "a)", "b)", "I.2.", "II.", "II.1."]


# ---- PDF -----------------------------------------------------------------------------------
@needs_font
def test_pdf_real_pages_tables_and_no_running_lines(files) -> None:
    doc = load_document(files["pdf"])
    assert doc.format == "pdf" and doc.pages == 2 and not doc.page_estimated
    texts = _texts(doc)
    assert not any(t.startswith(("Trang ", "UBND xã Tân Phú - Kế hoạch")) for t in texts)
    rows = [b for b in doc.blocks if b.kind == "row"]
    assert [r.cells for r in rows] == [F.TABLE_HEADER, *F.TABLE_ROWS]  # wrapped cells joined
    assert all(r.page == 2 for r in rows)
    page = {b.text: b.page for b in doc.blocks}
    assert page["I. MỤC ĐÍCH, YÊU CẦU"] == 1 and page["III. TỔ CHỨC THỰC HIỆN"] == 2


def test_running_headers_footers_and_page_numbers() -> None:
    pages = [["UBND xã A - Kế hoạch 12", "Nội dung một", "thân", "- 1 -"],
             ["UBND xã A - Kế hoạch 12", "Nội dung hai", None, "- 2 -"],
             ["UBND xã A - Kế hoạch 12", "Nội dung ba", "Trang 3/3"]]
    assert running_indexes(pages) == [{0, 3}, {0, 3}, {0, 2}]
    assert running_indexes([["Tiêu đề", "5"]]) == [{1}]  # one page: only the bare number


@needs_font
def test_encrypted_pdf_is_refused_clearly(tmp_path) -> None:
    path = F.write_pdf(tmp_path / "khoa.pdf", password="bimat")
    with pytest.raises(LoadError, match="khoa.pdf.*mật khẩu"):
        load_document(path)


# ---- broken files --------------------------------------------------------------------------
def _ole(tmp_path: Path, name: str, body: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512 + body)
    return p


def _broken(tmp_path: Path) -> list[tuple[Path, str]]:
    """(file, words its message must contain)."""
    (tmp_path / "rong.docx").write_bytes(b"")
    (tmp_path / "hong.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%EOF")
    (tmp_path / "gia.pdf").write_bytes(b"<html>not a pdf</html>")
    (tmp_path / "gia.docx").write_text("Kế hoạch số 1", encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "nen.docx", "w") as zf:
        zf.writestr("readme.txt", "x")
    (tmp_path / "bang.xls").write_bytes(b"\x09\x08")
    with zipfile.ZipFile(tmp_path / "dohong.docx", "w") as zf:
        zf.writestr("word/document.xml", "<w:document")  # no content types, broken XML
    return [
        (tmp_path / "rong.docx", "rỗng"),
        (tmp_path / "hong.pdf", "PDF bị hỏng"),
        (tmp_path / "gia.pdf", "không phải tệp PDF"),
        (tmp_path / "gia.docx", "không phải tệp Word"),
        (tmp_path / "nen.docx", "không phải văn bản Word"),
        (F.write_zip_bomb(tmp_path / "bom.docx"), "bom zip"),
        (_ole(tmp_path, "cu.docx", b"WordDocument"), "Word 97-2003"),
        (_ole(tmp_path, "matkhau.docx", "EncryptedPackage".encode("utf-16-le")), "mật khẩu"),
        (tmp_path / "bang.xls", "chưa hỗ trợ"),
        (tmp_path / "dohong.docx", "tệp Word bị hỏng"),
    ]


def test_every_broken_file_gets_a_vietnamese_message_naming_it(tmp_path) -> None:
    for path, words in _broken(tmp_path):
        with pytest.raises(LoadError) as err:
            load_document(path)
        assert f"«{path.name}»" in str(err.value) and words in str(err.value), str(err.value)


def test_zip_bomb_by_total_size(tmp_path, monkeypatch) -> None:
    import corpus.loaders_docx as ld

    path = F.write_docx(tmp_path / "lon.docx")
    monkeypatch.setattr(ld, "MAX_XML_BYTES", 10_000)  # in this process: the container step
    with pytest.raises(LoadError, match="bom zip"):
        ld.read_container(path.name, path.read_bytes())


def test_file_over_the_size_limit(tmp_path, monkeypatch) -> None:
    path = F.write_text(tmp_path / "dai.txt")
    monkeypatch.setattr(loaders, "MAX_FILE_BYTES", 100)
    with pytest.raises(LoadError, match="dai.txt.*quá lớn"):
        load_document(path)


# ---- encodings -----------------------------------------------------------------------------
def test_tcvn3_text_file_reads_as_unicode(files) -> None:
    got = _texts(load_document(files["tcvn3"]))
    want = [line.strip() for line in F.plan_text().splitlines() if line.strip()]
    assert [t.casefold() for t in got] == [t.casefold() for t in want]
    assert "KẾ HOẠCH" in got and got[1].endswith("Độc lập - Tự do - Hạnh phúc")


def test_vni_text_converts() -> None:
    vni = ("Keá hoaïch thöïc hieän Nghò quyeát soá 57-NQ/TW cuûa Boä Chính trò veà ñoät phaù "
           "phaùt trieån khoa hoïc, coâng ngheä, ñoåi môùi saùng taïo. UÛY BAN NHAÂN DAÂN")
    assert detect(vni) == "vni"
    assert to_unicode(vni) == ("Kế hoạch thực hiện Nghị quyết số 57-NQ/TW của Bộ Chính trị về "
                               "đột phá phát triển khoa học, công nghệ, đổi mới sáng tạo. "
                               "ỦY BAN NHÂN DÂN")


def test_legacy_conversion_is_a_no_op_on_unicode() -> None:
    for p in PLANS.glob("*.txt"):
        text = p.read_text(encoding="utf-8")
        assert detect(text) == "" and to_unicode(text) == text, p.name
    clean = F.plan_text()
    assert to_unicode(clean) == clean
    nfd = unicodedata.normalize("NFD", clean)
    assert to_unicode(nfd) == nfd


def _cp1258(text: str) -> bytes:
    """Windows-1258 keeps the tone marks as combining characters."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out).encode("cp1258")


@pytest.mark.parametrize("encode", [
    _cp1258,
    lambda t: t.encode("utf-16"),
    lambda t: t.encode("utf-16-le"),
    lambda t: t.encode("utf-8-sig"),
])
def test_non_utf8_text_files(tmp_path, encode) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(encode(F.plan_text()))
    assert _texts(load_document(path)) == _texts(load_document(F.write_text(tmp_path / "u.txt")))


def test_cp1258_decodes_to_combining_marks_then_nfc() -> None:
    raw = decode_text(_cp1258("Kế hoạch"))
    assert raw != "Kế hoạch" and unicodedata.normalize("NFC", raw) == "Kế hoạch"


# ---- the same plan in every format ---------------------------------------------------------
# (lead, one of the coordinating agencies, due date) of each task in the test plan
TASKS = [("Văn phòng HĐND và UBND", "Phòng Kinh tế", "2025-09-30"),
         ("Phòng Văn hóa - Xã hội", "Đoàn Thanh niên", "2025-12-31"),
         ("Văn phòng HĐND và UBND", "Công an xã", "2025-06-30"),
         ("Phòng Nội vụ", "Phòng Văn hóa - Xã hội", "2025-10-31"),
         ("Phòng Kinh tế", "Văn phòng HĐND và UBND", "2026-12-31"),
         ("Phòng Kinh tế", "Đoàn Thanh niên", None)]


def test_every_format_gives_the_same_structure_and_facts(plans) -> None:
    for fmt, plan in plans.items():
        tasks = [f for f in plan.facts if f.kind == "task"]
        for lead, support, due in TASKS:
            assert any(f.lead == [lead] and support in f.support and f.due_date == due
                       for f in tasks), (fmt, lead, due)
        assert plan.document.meta.number == "12/KH-UBND", fmt
        rows = [s for s in plan.segments if s.kind == "row" and s.text[:1].isdigit()]
        assert [s.page for s in rows] == [2, 2, 2, 2], fmt
        assert all(s.heading_path == ["Phụ lục: PHỤ LỤC"] and s.table_header and
                   fold(s.table_header).startswith("stt") for s in rows), fmt
    structured = [plans[k] for k in ("docx", "pdf") if k in plans]
    for plan in structured:  # the same rows, cell for cell, from DOCX and PDF tables
        assert [s.text for s in plan.segments if s.kind == "row"] == [
            s.text for s in structured[0].segments if s.kind == "row"]


def test_task_table_facts_from_docx(plans) -> None:
    land = next(f for f in plans["docx"].facts
                if f.kind == "task" and fold(f.text).startswith("xay dung co so du lieu"))
    assert land.lead == ["Phòng Kinh tế"] and land.support == ["Văn phòng HĐND và UBND"]
    assert land.due_date == "2026-12-31"


@pytest.fixture(scope="module")
def engines(files, tmp_path_factory) -> dict[str, AnswerEngine]:
    out = {}
    for fmt, path in files.items():
        data = tmp_path_factory.mktemp(f"engine-{fmt}")
        out[fmt] = AnswerEngine.open(Settings(data_dir=data, embedder="fake", plans=[path]))
    return out


@pytest.mark.parametrize("question,start", QUESTIONS)
def test_who_and_when_in_every_format(engines, question, start) -> None:
    headlines = {}
    for fmt, engine in engines.items():
        a = engine.ask(question)
        assert a.found and a.headline.startswith(start), (fmt, a.headline)
        cite = a.citations[0]
        assert "12/KH-UBND" in cite.document and cite.page in (1, 2) and cite.quote
        headlines[fmt] = a.headline
    assert headlines["docx"] == headlines["txt"]  # the DOCX of a plan answers as its text


def test_docx_citations_carry_the_same_pages_as_the_text(engines) -> None:
    for q, _ in QUESTIONS:
        t, d = engines["txt"].ask(q).citations[0], engines["docx"].ask(q).citations[0]
        assert (t.section, t.page) == (d.section, d.page)


# ---- ingestion -----------------------------------------------------------------------------
def _index(data: Path, plans: list[Path]) -> Index:
    return Index.open(Settings(data_dir=data, embedder="fake", plans=plans), sync=False)


def test_reingest_unchanged_does_nothing_and_changed_replaces(tmp_path) -> None:
    src = tmp_path / "plans"
    src.mkdir()
    path = F.write_docx(src / "plan.docx")
    idx = _index(tmp_path / "data", [src])
    first = idx.ingest([path])[0]
    assert first.status == "added" and first.format == "docx" and first.pages == 2
    before = (idx.store.counts(), [s.id for s in idx.segments])
    again = idx.ingest([path])[0]
    assert again.status == "unchanged"
    assert (idx.store.counts(), [s.id for s in idx.segments]) == before
    F.TABLE_ROWS.append(  # a changed plan: one more task row
["5", "Lắp đặt camera giám sát an ninh tại các ngã ba trung tâm xã",
                         "Công an xã", "Phòng Kinh tế", "Năm 2027"])
    try:
        F.write_docx(path)
    finally:
        F.TABLE_ROWS.pop()
    changed = idx.ingest([path])[0]
    assert changed.status == "updated"
    assert idx.store.counts()["documents"] == 1
    assert any("camera" in s.text for s in idx.segments)
    assert not set(before[1]) <= {s.id for s in idx.segments}  # old rows replaced
    assert len([f for f in idx.facts if f.kind == "task"]) == len(TASKS) + 1


def test_unreadable_files_leave_the_index_and_other_plans_alone(tmp_path) -> None:
    idx = _index(tmp_path / "data", [])
    good = F.write_docx(tmp_path / "tot.docx")
    idx.ingest([good])
    before = idx.store.counts()
    sub = tmp_path / "hong"
    sub.mkdir()
    broken = [p for p, _ in _broken(sub)]
    reports = idx.ingest([*broken, good])
    assert [r.status for r in reports] == ["error"] * len(broken) + ["unchanged"]
    for p, r in zip(broken, reports, strict=False):
        assert f"«{p.name}»" in r.message
    assert idx.store.counts() == before


def test_failed_write_keeps_the_previous_version(tmp_path, monkeypatch) -> None:
    import sqlite3

    import sqlite_utils

    path = F.write_text(tmp_path / "plan.txt")
    idx = _index(tmp_path / "data", [])
    idx.ingest([path])
    before = [s.id for s in idx.store.segments()]
    path.write_text(F.plan_text().replace("Tháng 9/2025", "Tháng 11/2025"), encoding="utf-8")
    real = sqlite_utils.db.Table.insert_all

    def failing(self, *a, **kw):
        if self.name == "facts":
            raise sqlite3.OperationalError("disk I/O error")
        return real(self, *a, **kw)

    monkeypatch.setattr(sqlite_utils.db.Table, "insert_all", failing)
    report = idx.ingest([path])[0]
    assert report.status == "error" and "bản cũ được giữ nguyên" in report.message
    assert [s.id for s in idx.store.segments()] == before


_KILL_CHILD = """
import os, signal, sys
sys.path.insert(0, {root!r})
import sqlite_utils
from retrieval import Settings
from retrieval.index import Index, plan_files
real = sqlite_utils.db.Table.insert_all
def dying(self, *a, **kw):
    if self.name == "facts":
        os.kill(os.getpid(), signal.SIGKILL)  # killed mid-transaction
    return real(self, *a, **kw)
sqlite_utils.db.Table.insert_all = dying
idx = Index.open(Settings(data_dir={data!r}, embedder="fake", plans=[]), sync=False)
idx.ingest([{path!r}])
"""


def test_killed_mid_ingest_leaves_the_previous_index_usable(tmp_path) -> None:
    path = F.write_text(tmp_path / "plan.txt")
    data = tmp_path / "data"
    idx = _index(data, [])
    idx.ingest([path])
    before = ([s.id for s in idx.store.segments()], idx.store.counts())
    del idx
    path.write_text(F.plan_text().replace("Tháng 9/2025", "Tháng 11/2025"), encoding="utf-8")
    script = _KILL_CHILD.format(root=str(ROOT), data=str(data), path=str(path))
    proc = subprocess.run([sys.executable, "-c", script], timeout=120, capture_output=True)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    again = _index(data, [])
    assert ([s.id for s in again.store.segments()], again.store.counts()) == before
    assert again.dense is not None and len(again.dense.ids) == before[1]["segments"]
    assert again.ingest([path])[0].status == "updated"  # and the next run finishes the job


def test_damaged_dense_index_is_rebuilt(tmp_path) -> None:
    path = F.write_text(tmp_path / "plan.txt")
    idx = _index(tmp_path / "data", [])
    idx.ingest([path])
    (tmp_path / "data" / "dense.faiss").write_bytes(b"half-written")
    (tmp_path / "data" / "dense.faiss.tmp").write_bytes(b"left over by a crash")
    again = _index(tmp_path / "data", [])
    assert again.dense is not None and len(again.dense.ids) == len(again.segments)


def test_cli_ingest_json_reports_each_file(files, tmp_path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for fmt in ("docx", "pdf", "tcvn3"):
        if fmt in files:
            (src / files[fmt].name).write_bytes(files[fmt].read_bytes())
    (src / "hong.pdf").write_bytes(b"%PDF-1.4 broken")
    env = {**os.environ, "PLAN_DATA_DIR": str(tmp_path / "data"), "PLAN_EMBEDDER": "fake"}
    out = subprocess.run([sys.executable, str(ROOT / "run_bot.py"), "ingest", "--json",
                          str(src)], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 1, out.stderr  # one file could not be read
    rows = {Path(r["path"]).name: r for r in map(json.loads, out.stdout.splitlines())}
    assert rows["hong.pdf"]["status"] == "error" and "hong.pdf" in rows["hong.pdf"]["message"]
    docx_row = rows["plan.docx"]
    assert docx_row["format"] == "docx" and docx_row["pages"] == 2
    assert docx_row["page_estimated"] and docx_row["warnings"]
    assert docx_row["segments"] > 10 and docx_row["facts"] >= len(TASKS)
    if "pdf" in files:
        pdf_row = rows["plan.pdf"]
        assert pdf_row["format"] == "pdf" and pdf_row["pages"] == 2
        assert not pdf_row["page_estimated"] and pdf_row["facts"] >= len(TASKS)


# ---- bounded reading (issue 14) -----------------------------------------------------------
def _hostile(folder: Path) -> list[tuple[Path, str]]:
    """Files a plans folder must refuse before reading them, and the reason each names."""
    folder.mkdir(parents=True, exist_ok=True)
    outside = folder.parent / "ngoai-thu-muc"
    outside.mkdir(exist_ok=True)
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    (folder / "ngoai.txt").symlink_to(F.write_text(outside / "ke-hoach.txt"))
    (folder / "hong.txt").symlink_to(folder / "khong-co.txt")
    os.mkfifo(folder / "ong.txt")
    (folder / "thu-muc.txt").mkdir()
    with open(folder / "thua.txt", "wb") as f:
        f.truncate(1024 * 1024 * 1024)  # sparse: 1 GB that occupies nothing
    return [(folder / "zero.txt", "ra ngoài thư mục"), (folder / "passwd.txt", "ra ngoài thư mục"),
            (folder / "ngoai.txt", "ra ngoài thư mục"), (folder / "hong.txt", "liên kết hỏng"),
            (folder / "ong.txt", "FIFO"), (folder / "thu-muc.txt", "thư mục"),
            (folder / "thua.txt", "quá lớn")]


def test_links_devices_and_huge_files_are_refused_before_reading(tmp_path) -> None:
    for path, words in _hostile(tmp_path / "plans"):
        with pytest.raises(LoadError) as err:
            loaders.read_bounded(path)
        assert f"«{path.name}»" in str(err.value) and words in str(err.value), str(err.value)


def test_a_link_inside_its_folder_is_read(tmp_path) -> None:
    real = F.write_text(tmp_path / "ke-hoach-that.txt")
    (tmp_path / "ban-sao.txt").symlink_to(real.name)
    assert loaders.read_bounded(tmp_path / "ban-sao.txt") == real.read_bytes()
    assert load_document(tmp_path / "ban-sao.txt").blocks


def test_the_read_stops_at_the_limit_whatever_the_file_grows_to(tmp_path, monkeypatch) -> None:
    """stat says small, the file is larger when read (it grew, or it was swapped)."""
    path = tmp_path / "lon.txt"
    path.write_bytes(b"x" * 5000)
    real_fstat = os.fstat
    monkeypatch.setattr(loaders.os, "fstat", lambda fd: os.stat_result(
        (*real_fstat(fd)[:6], 10, *real_fstat(fd)[7:])))
    monkeypatch.setattr(loaders.os, "lstat", lambda p: os.stat_result(
        (*os.stat(p)[:6], 10, *os.stat(p)[7:])))
    with pytest.raises(LoadError, match="quá lớn"):
        loaders.read_bounded(path, limit=1000)


def test_a_plans_folder_of_hostile_entries_is_ingested_with_a_message_each(tmp_path) -> None:
    idx = _index(tmp_path / "data", [])
    folder = tmp_path / "plans"
    expected = dict((p.name, w) for p, w in _hostile(folder))
    F.write_text(folder / "tot.txt")
    started = time.perf_counter()
    reports = idx.ingest(plan_files([folder]))
    assert time.perf_counter() - started < 60  # nothing is read whole (1 GB, /dev/zero)
    by_name = {Path(r.path).name: r for r in reports}
    assert by_name["tot.txt"].status == "added"
    for name, words in expected.items():
        assert by_name[name].status == "error" and words in by_name[name].message, name
    assert [d.path for d in idx.documents.values()] == [str((folder / "tot.txt").resolve())]


def _lying_zip(path: Path, inflated: int, declared: int = 1000) -> Path:
    """A .docx whose document.xml inflates to `inflated` bytes while both zip directories
    declare `declared` (what Python's zipfile would trust)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = b"0" * (1 << 20)
    deflated = b"".join(comp.compress(chunk) for _ in range(inflated >> 20)) + comp.flush()
    name = b"word/document.xml"
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, 0, len(deflated),
                        declared, len(name), 0) + name
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, 0, len(deflated),
                          declared, len(name), 0, 0, 0, 0, 0, 0) + name
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central),
                      len(local) + len(deflated), 0)
    path.write_bytes(local + deflated + central + end)
    return path


def test_zip_members_inflate_against_a_budget_whatever_the_headers_say(tmp_path) -> None:
    import corpus.loaders_docx as ld

    path = _lying_zip(tmp_path / "bom.docx", 256 * 1024 * 1024)
    data = path.read_bytes()
    started = time.perf_counter()
    tracemalloc.start()
    try:
        with pytest.raises(LoadError, match="bom.docx.*bom zip"):
            ld.read_container(path.name, data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 10
    assert peak < 3 * ld.MAX_XML_BYTES  # inflated no further than the budget, not 256 MB


def _docx_part(xml: str) -> bytes:
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", xml)
    return buf.getvalue()


def test_xml_entities_in_a_docx_are_refused() -> None:
    import corpus.loaders_docx as ld

    laughs = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;">]>'
              "<d>&b;</d>")
    with pytest.raises(LoadError, match="cuoi.docx.*DOCTYPE/ENTITY"):
        ld.read_container("cuoi.docx", _docx_part(laughs))


def test_deeply_nested_docx_is_refused_with_a_message(tmp_path) -> None:
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    depth = 50_000
    xml = (f"<w:document {w}><w:body>" + "<w:sdt><w:sdtContent>" * depth
           + "</w:sdtContent></w:sdt>" * depth + "</w:body></w:document>")
    path = tmp_path / "long-nhau.docx"
    path.write_bytes(_docx_part(xml))
    with pytest.raises(LoadError, match="long-nhau.docx"):
        load_document(path)


def test_the_worker_enforces_its_time_budget(tmp_path, monkeypatch) -> None:
    from corpus import sandbox

    path = F.write_docx(tmp_path / "cham.docx")
    monkeypatch.setattr(sandbox, "PAGE_BUDGET_S", 0.001)
    with pytest.raises(LoadError, match="cham.docx.*quá 0.001 giây"):
        load_document(path)


def test_the_worker_enforces_its_memory_limit(tmp_path, monkeypatch) -> None:
    """A PDF whose content stream inflates to 512 MB: the worker (here limited to 160 MB)
    runs out, and the parent says so; the parent's own memory stays where it was."""
    comp = zlib.compressobj(9)
    data = b"".join(comp.compress(b" " * (1 << 20)) for _ in range(512)) + comp.flush()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
               f"<< /Length {len(data)} /Filter /FlateDecode >>\nstream\n".encode() + data
               + b"\nendstream"]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n"
            "%%EOF\n").encode()
    path = tmp_path / "luong.pdf"
    path.write_bytes(bytes(out))
    monkeypatch.setenv("PLAN_WORKER_MEMORY_MB", "160")
    tracemalloc.start()
    try:
        with pytest.raises(LoadError, match="luong.pdf.*bộ nhớ"):
            load_document(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 3 * len(out) + 10 * 1024 * 1024  # the file and a reply, nothing inflated


def test_text_that_is_not_a_plan_is_refused(tmp_path) -> None:
    cases = {
        "rac.txt": (bytes(range(256)) * 400, "nhị phân"),
        "dong.txt": (b"a\n" * (loaders.MAX_LINES + 5), "dòng"),
        "mot-dong.txt": (b"x" * (loaders.MAX_LINE_CHARS + 5), "dài"),
        "passwd.txt": ("".join(f"user{i}:x:{1000 + i}:100:User:/home/user{i}:/bin/bash\n"
                               for i in range(50)).encode(), "tiếng Việt"),
    }
    for name, (data, words) in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(LoadError) as err:
            load_document(tmp_path / name)
        assert f"«{name}»" in str(err.value) and words in str(err.value), str(err.value)
