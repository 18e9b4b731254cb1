"""Hostile files through ingest: verdict, peak memory, time, message, and the
index answering the same known questions afterwards. Writes bench/HOSTILE.md.

    python bench/hostile.py [--only zip-bomb-lying,fifo] [--keep DIR]

Each file is put in a plans folder of its own, and a child process opens the index as
`run_bot.py ingest` does and ingests that folder (fake embedder: refusing a file never
embeds). Peak RSS is the child's high-water mark, the loader worker it starts
(corpus.sandbox) included, read by a wrapper from RUSAGE_CHILDREN; times are the ingest
call alone, the whole child, and its CPU time. After each file a fresh engine over the same data directory asks
the known questions and its answers are compared with those before any hostile file.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from intents import AnswerEngine  # noqa: E402
from retrieval import Settings  # noqa: E402
from tests import plan_fixtures as F  # noqa: E402

LIMIT_MB, LIMIT_S = 300, 10.0
KNOWN = ["Ai chủ trì số hóa hồ sơ ở phường Trần Liễu?", "chi tieu nam 2030 cua xa Phong Tho",
         "Kế hoạch 16 của xã Lộc Tân ban hành ngày nào?", "Đảng ủy xã An Hảo giao việc gì?",
         "Bình Tân khi nào hoàn thành chuyển đổi số?"]


# ---- the files --------------------------------------------------------------------------------
def _docx_with(document_xml: bytes) -> bytes:
    """A minimal Word package around `document_xml`."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml",
                    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                    'package/2006/content-types"><Default Extension="rels" ContentType='
                    '"application/vnd.openxmlformats-package.relationships+xml"/><Default '
                    'Extension="xml" ContentType="application/xml"/><Override PartName='
                    '"/word/document.xml" ContentType="application/vnd.openxmlformats-'
                    'officedocument.wordprocessingml.document.main+xml"/></Types>')
        zf.writestr("_rels/.rels",
                    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats'
                    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
                    'schemas.openxmlformats.org/officeDocument/2006/relationships/'
                    'officeDocument" Target="word/document.xml"/></Relationships>')
        zf.writestr("word/document.xml", document_xml)
    return buf.getvalue()


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def zip_bomb_lying(p: Path) -> None:
    """document.xml inflates to 2 GB of zeros; both directories declare 1,000 bytes."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = b"0" * (1 << 20)
    deflated = b"".join(comp.compress(chunk) for _ in range(2048)) + comp.flush()
    name = b"word/document.xml"
    crc, declared = 0, 1000
    local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(deflated),
                        declared, len(name), 0) + name
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc,
                          len(deflated), declared, len(name), 0, 0, 0, 0, 0, 0) + name
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 1, 1, len(central),
                      len(local) + len(deflated), 0)
    p.write_bytes(local + deflated + central + end)


def zip_bomb_honest(p: Path) -> None:
    F.write_zip_bomb(p, size=1024 * 1024 * 1024)


def sparse_txt(p: Path) -> None:
    with open(p, "wb") as f:
        f.truncate(1024 * 1024 * 1024)


def link_dev_zero(p: Path) -> None:
    p.symlink_to("/dev/zero")


def link_out_of_folder(p: Path) -> None:
    outside = p.parent.parent / "outside"
    outside.mkdir(exist_ok=True)
    target = outside / "ke-hoach.txt"
    F.write_text(target)
    p.symlink_to(target)


def link_etc_passwd(p: Path) -> None:
    p.symlink_to("/etc/passwd")


def dangling_link(p: Path) -> None:
    p.symlink_to(p.parent / "khong-co.txt")


def fifo(p: Path) -> None:
    os.mkfifo(p)


def directory(p: Path) -> None:
    p.mkdir()


def passwd_like(p: Path) -> None:
    p.write_text("".join(f"user{i}:x:{1000 + i}:{1000 + i}:User {i},,,:/home/user{i}:"
                         "/bin/bash\n" for i in range(200)), encoding="utf-8")


def empty(p: Path) -> None:
    p.write_bytes(b"")


def binary_txt(p: Path) -> None:
    p.write_bytes(random.Random(1).randbytes(2 * 1024 * 1024))


def utf16_garbage(p: Path) -> None:
    p.write_bytes(b"\xff\xfe" + random.Random(2).randbytes(1024 * 1024))


def million_lines(p: Path) -> None:
    p.write_bytes(b"a\n" * 3_000_000)


def one_long_line(p: Path) -> None:
    p.write_bytes(("Kế hoạch chuyển đổi số " * 1_800_000).encode("utf-8")[:45 * 1024 * 1024])


def truncated_docx(p: Path) -> None:
    F.write_docx(p)
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])


def old_doc_renamed(p: Path) -> None:
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + b"WordDocument" * 100)


def nested_xml_docx(p: Path) -> None:
    depth = 100_000
    body = b"<w:sdt><w:sdtContent>" * depth + b"</w:sdtContent></w:sdt>" * depth
    p.write_bytes(_docx_with(f'<w:document {W_NS}><w:body>'.encode() + body
                             + b"</w:body></w:document>"))


def billion_laughs_docx(p: Path) -> None:
    ents = ['<!ENTITY a0 "ha">'] + [f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">'
                                    for i in range(1, 10)]
    xml = (f'<?xml version="1.0"?><!DOCTYPE w:document [{"".join(ents)}]>'
           f'<w:document {W_NS}><w:body><w:p><w:r><w:t>&a9;</w:t></w:r></w:p></w:body>'
           '</w:document>')
    p.write_bytes(_docx_with(xml.encode()))


def paragraph_flood_docx(p: Path) -> None:
    """60 MB of empty paragraphs (compresses to ~60 KB): millions of XML elements."""
    body = b"<w:p/>" * 10_000_000
    p.write_bytes(_docx_with(f'<w:document {W_NS}><w:body>'.encode() + body
                             + b"</w:body></w:document>"))


def many_members_docx(p: Path) -> None:
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("word/document.xml", "<x/>")
        for i in range(20_000):
            zf.writestr(f"word/media/x{i}.png", b"")


def encrypted_pdf(p: Path) -> None:
    F.write_pdf(p, password="matkhau")


def not_a_pdf(p: Path) -> None:
    p.write_bytes(b"%PDF-1.7\n" + random.Random(3).randbytes(100_000))


def truncated_pdf(p: Path) -> None:
    F.write_pdf(p)
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 3])


def _pdf(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def huge_page_pdf(p: Path) -> None:
    """A 200 × 200 inch page holding only an image: a scan to render at 300 dpi would be
    60,000 × 60,000 pixels."""
    pixels = zlib.compress(b"\xff" * 100 * 100)
    content = b"q 14400 0 0 14400 0 0 cm /Im0 Do Q"
    p.write_bytes(_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14400 14400] /Contents 4 0 R "
        b"/Resources << /XObject << /Im0 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream",
        f"<< /Type /XObject /Subtype /Image /Width 100 /Height 100 /ColorSpace /DeviceGray "
        f"/BitsPerComponent 8 /Filter /FlateDecode /Length {len(pixels)} >>\nstream\n".encode()
        + pixels + b"\nendstream",
    ]))


def pdf_many_pages(p: Path) -> None:
    n = 20_000
    kids = " ".join(f"{i + 3} 0 R" for i in range(n))
    pages = [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"] * n
    p.write_bytes(_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                        f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode(), *pages]))


def pdf_nested_arrays(p: Path) -> None:
    depth = 200_000
    p.write_bytes(_pdf([b"<< /Type /Catalog /Pages 2 0 R /X " + b"[" * depth + b"]" * depth
                        + b" >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]))


def pdf_stream_bomb(p: Path) -> None:
    """A page whose content stream inflates to 1 GB (of spaces) from 1 MB."""
    comp = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    data = b"".join(comp.compress(chunk) for _ in range(1024)) + comp.flush()
    p.write_bytes(_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        f"<< /Length {len(data)} /Filter /FlateDecode >>\nstream\n".encode() + data
        + b"\nendstream",
    ]))


def png_bomb(p: Path) -> None:
    """A PNG that declares 50,000 × 50,000 pixels in a few KB."""
    width = height = 50_000
    raw = zlib.compressobj(9)
    row = b"\x00" + b"\x00" * (width // 8)
    data = b"".join(raw.compress(row) for _ in range(height)) + raw.flush()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(
            ">I", zlib.crc32(kind + body))

    p.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height,
                                                                     1, 0, 0, 0, 0))
                  + chunk(b"IDAT", data) + chunk(b"IEND", b""))


def truncated_png(p: Path) -> None:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (2000, 2000), 255).save(buf, "PNG")
    p.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])


KINDS: list[tuple[str, str, Callable[[Path], None]]] = [
    ("zip-bomb-lying", "bom.docx", zip_bomb_lying),
    ("zip-bomb-declared", "bom-khai.docx", zip_bomb_honest),
    ("sparse-1gb-txt", "thua.txt", sparse_txt),
    ("link-dev-zero", "zero.txt", link_dev_zero),
    ("link-out-of-folder", "ngoai.txt", link_out_of_folder),
    ("link-etc-passwd", "passwd.txt", link_etc_passwd),
    ("dangling-link", "hong.txt", dangling_link),
    ("fifo", "ong.txt", fifo),
    ("directory-named-txt", "thu-muc.txt", directory),
    ("passwd-like-txt", "nguoi-dung.txt", passwd_like),
    ("empty", "rong.txt", empty),
    ("binary-garbage-txt", "rac.txt", binary_txt),
    ("utf16-garbage-txt", "rac16.txt", utf16_garbage),
    ("3M-lines-txt", "dong.txt", million_lines),
    ("45MB-one-line-txt", "mot-dong.txt", one_long_line),
    ("truncated-docx", "cut.docx", truncated_docx),
    ("old-doc-renamed", "cu.docx", old_doc_renamed),
    ("nested-xml-docx", "long-nhau.docx", nested_xml_docx),
    ("billion-laughs-docx", "cuoi.docx", billion_laughs_docx),
    ("paragraph-flood-docx", "doan.docx", paragraph_flood_docx),
    ("20k-members-docx", "nhieu.docx", many_members_docx),
    ("encrypted-pdf", "matkhau.pdf", encrypted_pdf),
    ("not-a-pdf", "gia.pdf", not_a_pdf),
    ("truncated-pdf", "cut.pdf", truncated_pdf),
    ("huge-page-pdf", "to.pdf", huge_page_pdf),
    ("20k-pages-pdf", "trang.pdf", pdf_many_pages),
    ("nested-arrays-pdf", "mang.pdf", pdf_nested_arrays),
    ("stream-bomb-pdf", "luong.pdf", pdf_stream_bomb),
    ("png-decompression-bomb", "anh.png", png_bomb),
    ("truncated-png", "anh-cut.png", truncated_png),
]


# ---- running ---------------------------------------------------------------------------------
_WRAPPER = ("import resource, subprocess, sys\n"
            "r = subprocess.run(sys.argv[2:])\n"
            "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
            "open(sys.argv[1], 'w').write(f'{u.ru_maxrss} {u.ru_utime + u.ru_stime}')\n"
            "sys.exit(r.returncode)\n")
# the ingest process: opens the index as `run_bot.py ingest` does, then times the ingest alone
_INGEST = ("import json, sys, time\n"
           "from pathlib import Path\n"
           "from intents import AnswerEngine\n"
           "from retrieval import Settings\n"
           "from retrieval.index import plan_files\n"
           "engine = AnswerEngine.open(Settings(data_dir=Path(sys.argv[1]), embedder='fake'),"
           " sync=False)\n"
           "t = time.perf_counter()\n"
           "[r] = engine.ingest(plan_files([Path(sys.argv[2])]))\n"
           "print(json.dumps({'status': r.status, 'message': r.message,"
           " 'ingest_s': time.perf_counter() - t}, ensure_ascii=False))\n")


def ingest_child(data: Path, path: Path) -> dict:
    """Ingest in a child; its peak RSS is read by a wrapper process from RUSAGE_CHILDREN,
    which holds the largest of the child and the descendants it reaped (the worker)."""
    env = {**os.environ, "PLAN_EMBEDDER": "fake", "PYTHONPATH": str(ROOT)}
    peak_file = path.parent.parent / "peak.txt"
    t = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-c", _WRAPPER, str(peak_file), sys.executable,
                               "-c", _INGEST, str(data), str(path)], capture_output=True,
                              env=env, cwd=ROOT, timeout=300)
        out, err, code = done.stdout, done.stderr, done.returncode
    except subprocess.TimeoutExpired as exc:
        out, err, code = exc.stdout or b"", exc.stderr or b"", "timeout"
    seconds = time.perf_counter() - t
    peak_kb, cpu = (peak_file.read_text().split() if peak_file.exists() else (0, 0))
    lines = [json.loads(x) for x in out.decode("utf-8", "replace").splitlines()
             if x.strip().startswith("{")]
    tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
    report = lines[0] if lines else {"status": "no report", "message": tail[0]}
    return {"status": report.get("status"), "message": report.get("message") or "",
            "peak_mb": round(int(peak_kb) / 1024, 1), "seconds": round(seconds, 2),
            "ingest_s": round(report.get("ingest_s", seconds), 2),
            "cpu_s": round(float(cpu), 2), "exit": code}


def answers(data: Path) -> list[tuple]:
    engine = AnswerEngine.open(Settings(data_dir=data, embedder="fake"), sync=False)
    out = []
    for q in KNOWN:
        a = engine.ask(q)
        out.append((a.found, a.headline, tuple((c.document, c.page) for c in a.citations)))
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="")
    ap.add_argument("--keep", default="")
    args = ap.parse_args()
    only = set(filter(None, args.only.split(",")))
    work = Path(args.keep or tempfile.mkdtemp(prefix="hostile-"))
    data = work / "data"
    AnswerEngine.open(Settings(data_dir=data, embedder="fake"))  # the bundled plans
    baseline = answers(data)
    docs_before = len(AnswerEngine.open(Settings(data_dir=data, embedder="fake"),
                                        sync=False).documents())
    rows = []
    for kind, name, make in KINDS:
        if only and kind not in only:
            continue
        folder = work / kind / "plans"
        shutil.rmtree(folder.parent, ignore_errors=True)
        folder.mkdir(parents=True)
        path = folder / name
        make(path)
        r = ingest_child(data, folder)  # the folder, as an administrator ingests one
        same = answers(data) == baseline
        docs = len(AnswerEngine.open(Settings(data_dir=data, embedder="fake"),
                                     sync=False).documents())
        r.update(kind=kind, file=name, index_same=same and docs == docs_before,
                 ok=r["status"] == "error" and r["peak_mb"] < LIMIT_MB
                 and r["ingest_s"] < LIMIT_S and same and docs == docs_before)
        rows.append(r)
        print(json.dumps(r, ensure_ascii=False), flush=True)
        shutil.rmtree(folder.parent, ignore_errors=True)
    write_table(rows)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if all(r["ok"] for r in rows) else 1


def write_table(rows: list[dict]) -> None:
    import platform

    lines = [
        "# Hostile files",
        "",
        "`python bench/hostile.py` — each file alone in a plans folder, ingested by a child "
        "process that opens the index as `run_bot.py ingest` does and ingests the folder "
        "(fake embedder: a refused file is never embedded). Peak RSS: the child's "
        "high-water mark (RUSAGE_CHILDREN of a wrapper), its loader worker (corpus.sandbox) "
        "included. *Ingest s*: wall time of `ingest()` alone (reading, the worker, the "
        "refusal); *process s*: the whole child, Python start and index open included; "
        "*CPU s*: user+system time of the child and its worker, which the load of the "
        "machine does not inflate. *Index same*: a fresh engine gives the "
        "same answers (found, headline, citations) to "
        f"{len(KNOWN)} known questions as before any hostile file, with the same number "
        f"of plans. Limits: {LIMIT_MB} MB and {LIMIT_S:g} s.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
        " while other jobs shared the CPU.",
        "",
        "| # | kind | file | verdict | peak RSS MB | ingest s | process s | CPU s | index same "
        "| message |",
        "| ---: | --- | --- | --- | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for i, r in enumerate(rows, 1):
        verdict = "refused" if r["status"] == "error" else r["status"]
        msg = str(r["message"]).replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {i} | {r['kind']} | `{r['file']}` | {verdict} | {r['peak_mb']} | "
                     f"{r['ingest_s']} | {r['seconds']} | {r['cpu_s']} | "
                     f"{'yes' if r['index_same'] else 'NO'} | {msg} |")
    worst_mb = max((r["peak_mb"] for r in rows), default=0)
    worst_s = max((r["ingest_s"] for r in rows), default=0)
    lines += ["", f"{sum(r['ok'] for r in rows)}/{len(rows)} refused within the limits; "
                  f"largest peak {worst_mb} MB, longest {worst_s} s.", ""]
    (ROOT / "bench" / "HOSTILE.md").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
