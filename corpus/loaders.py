"""Loaders: a file in, a `LoadedDocument` (blocks with page numbers) out.

One loader per format behind one interface, chosen by file suffix. Text files follow the
OCR convention of the bundled plans: a line that starts with exactly one space begins a
new page.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from corpus.models import Block, LoadedDocument
from corpus.normalize import nfc

MAX_FILE_BYTES = 50 * 1024 * 1024


class LoadError(Exception):
    """A file that cannot be read; the message is Vietnamese and names the file."""


Loader = Callable[[Path, bytes], LoadedDocument]
_LOADERS: dict[str, Loader] = {}


def register(*suffixes: str) -> Callable[[Loader], Loader]:
    def wrap(fn: Loader) -> Loader:
        for s in suffixes:
            _LOADERS[s.lower()] = fn
        return fn

    return wrap


def supported_suffixes() -> list[str]:
    _import_optional_loaders()
    return sorted(_LOADERS)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def load_document(path: str | Path) -> LoadedDocument:
    """Read one plan file of any supported format."""
    p = Path(path)
    if not p.exists() or not p.is_file():
        raise LoadError(f"Không tìm thấy tệp «{p.name}».")
    size = p.stat().st_size
    if size == 0:
        raise LoadError(f"Tệp «{p.name}» rỗng (0 byte).")
    if size > MAX_FILE_BYTES:
        raise LoadError(
            f"Tệp «{p.name}» quá lớn ({size // (1024 * 1024)} MB; tối đa "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB)."
        )
    _import_optional_loaders()
    loader = _LOADERS.get(p.suffix.lower())
    if loader is None:
        raise LoadError(
            f"Tệp «{p.name}» có định dạng chưa hỗ trợ ({p.suffix or 'không có đuôi'}); "
            f"hỗ trợ: {', '.join(sorted(_LOADERS))}."
        )
    data = p.read_bytes()
    try:
        doc = loader(p, data)
    except LoadError:
        raise
    except Exception as exc:  # a broken file must never take the process down
        raise LoadError(f"Không đọc được tệp «{p.name}»: {type(exc).__name__}: {exc}") from exc
    if not any(b.text.strip() for b in doc.blocks):
        raise LoadError(f"Tệp «{p.name}» không có nội dung chữ đọc được.")
    return doc


def legacy_to_unicode(text: str) -> str:
    """TCVN3/VNI text as Unicode (corpus.legacy), when that module is present."""
    try:
        from corpus.legacy import to_unicode
    except ImportError:
        return text
    return to_unicode(text)


def _import_optional_loaders() -> None:
    """DOCX/PDF/image loaders live in their own modules and register themselves on import."""
    for mod in ("corpus.loaders_docx", "corpus.loaders_pdf", "corpus.ocr"):
        with contextlib.suppress(ImportError):
            __import__(mod)


def decode_text(data: bytes, name: str = "") -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16, else Windows-1258."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if b"\x00" in data[:4096]:
        # UTF-16 without BOM: every other byte is zero for Latin text
        even_zero = data[1:4096:2].count(0) > len(data[1:4096:2]) * 0.3
        try:
            return data.decode("utf-16-le" if even_zero else "utf-16-be")
        except UnicodeDecodeError as exc:
            raise LoadError(f"Tệp «{name}» có vẻ là tệp nhị phân, không phải văn bản.") from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1258", errors="replace")


_PAGE_START = re.compile(r"^ \S")


@register(".txt", ".text", ".md")
def load_text(path: Path, data: bytes) -> LoadedDocument:
    # TCVN3/VNI are converted before NFC: composing first would merge the combining marks
    # Windows-1258 decoding makes of some legacy bytes with the letter before them
    text = nfc(legacy_to_unicode(decode_text(data, path.name)))
    blocks: list[Block] = []
    page = 1
    for i, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r\n")
        if i > 1 and _PAGE_START.match(line):
            page += 1
        blocks.append(Block(text=line.strip(), page=page, line=i))
    return LoadedDocument(
        path=str(path), sha256=sha256_bytes(data), format="txt", blocks=blocks, pages=page
    )
