"""Loaders: a file in, a `LoadedDocument` (blocks with page numbers) out.

One loader per format behind one interface, chosen by file suffix. Text files follow the
OCR convention of the bundled plans: a line that starts with exactly one space begins a
new page.

Reading is bounded before any parser sees a byte (`read_bounded`): only a regular file is
read (not a device, a FIFO, a socket or a directory), a symbolic link is followed only to a
file inside the folder the link is in, the size is checked with `stat` first and the read
stops at the limit whatever the file grows to. PDF and image loaders, whose libraries can
be driven into gigabytes or minutes by a crafted file, run in a worker process with memory
and time limits (corpus.sandbox). Text is refused when it is binary or has more lines than
any plan.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import stat
import unicodedata
from collections.abc import Callable
from pathlib import Path

from corpus.models import Block, LoadedDocument
from corpus.normalize import nfc

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_LINES = 200_000  # lines of a text plan; a 2,000-page plan has about 100,000
MAX_LINE_CHARS = 100_000  # one "line" longer than this is not prose
BINARY_SHARE = 0.01  # control characters and undecodable bytes in a text file
VIETNAMESE_SHARE = 0.5  # words shaped like Vietnamese syllables (check_language)


class LoadError(Exception):
    """A file that cannot be read; the message is Vietnamese and names the file."""


Loader = Callable[[Path, bytes], LoadedDocument]
_LOADERS: dict[str, Loader] = {}
_ISOLATED: set[str] = set()  # suffixes whose loader runs in the worker process


def register(*suffixes: str, isolated: bool = False) -> Callable[[Loader], Loader]:
    """`isolated`: the loader runs in a worker process with memory and time limits."""

    def wrap(fn: Loader) -> Loader:
        for s in suffixes:
            _LOADERS[s.lower()] = fn
            if isolated:
                _ISOLATED.add(s.lower())
        return fn

    return wrap


def loader_for(suffix: str) -> Loader | None:
    _import_optional_loaders()
    return _LOADERS.get(suffix.lower())


def progress() -> None:
    """Called by loaders once per page: the worker reports it to the parent, which
    enforces a time budget per page (corpus.sandbox). Outside a worker it does nothing."""
    if _progress_hook is not None:
        _progress_hook()


_progress_hook: Callable[[], None] | None = None


def supported_suffixes() -> list[str]:
    _import_optional_loaders()
    return sorted(_LOADERS)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _too_big(name: str, size: int) -> LoadError:
    return LoadError(f"Tệp «{name}» quá lớn ({size // (1024 * 1024)} MB; tối đa "
                     f"{MAX_FILE_BYTES // (1024 * 1024)} MB).")


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "một thư mục"
    if stat.S_ISFIFO(mode):
        return "một đường ống (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "một thiết bị"
    if stat.S_ISSOCK(mode):
        return "một socket"
    return "không phải tệp thường"


def check_path(path: str | Path) -> os.stat_result:
    """The `stat` of a plan file that may be read; else a LoadError saying why not.

    A symbolic link is followed only when it ends inside the folder that holds it (the folder
    given to ingest, or the named file's folder): a plans folder must not become a way to
    read `/etc/passwd` or a device."""
    p = Path(path)
    try:
        st = os.lstat(p)
    except OSError as exc:
        raise LoadError(f"Không tìm thấy tệp «{p.name}».") from exc
    if stat.S_ISLNK(st.st_mode):
        folder = p.absolute().parent.resolve()
        try:
            target = p.resolve(strict=True)
        except (OSError, RuntimeError) as exc:  # dangling or a loop of links
            raise LoadError(f"Tệp «{p.name}» là liên kết hỏng (không trỏ tới tệp nào).") from exc
        if not target.is_relative_to(folder):
            raise LoadError(f"Tệp «{p.name}» bị từ chối: là liên kết trỏ ra ngoài thư mục "
                            f"({target}).")
        st = os.stat(target)
    if not stat.S_ISREG(st.st_mode):
        raise LoadError(f"Tệp «{p.name}» bị từ chối: {_kind_of(st.st_mode)}, không phải "
                        "tệp văn bản thường.")
    return st


def read_bounded(path: str | Path, limit: int | None = None) -> bytes:
    """The bytes of a regular plan file, at most `limit` (MAX_FILE_BYTES) of them.

    The size is checked before reading, and again on the open file (it may have been
    swapped for something else in between); the read stops one byte past the limit
    whatever the file has grown to, so nothing is ever read whole unchecked."""
    p = Path(path)
    limit = MAX_FILE_BYTES if limit is None else limit
    st = check_path(p)
    if st.st_size > limit:
        raise _too_big(p.name, st.st_size)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(p, flags)
    except OSError as exc:
        if exc.errno in (errno.ENXIO, errno.EWOULDBLOCK):
            raise LoadError(f"Tệp «{p.name}» bị từ chối: không phải tệp thường.") from exc
        raise LoadError(f"Không mở được tệp «{p.name}»: {exc.strerror}.") from exc
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise LoadError(f"Tệp «{p.name}» bị từ chối: {_kind_of(st.st_mode)}, không phải "
                            "tệp văn bản thường.")
        if st.st_size > limit:
            raise _too_big(p.name, st.st_size)
        # the size stat gave first (no buffer of `limit` bytes), then on in steps if it grew
        parts: list[bytes] = []
        total, want = 0, min(limit, st.st_size) + 1
        while want > 0 and (chunk := f.read(want)):
            parts.append(chunk)
            total += len(chunk)
            want = min(1 << 20, limit + 1 - total)
        data = b"".join(parts)
    if len(data) > limit:
        raise _too_big(p.name, len(data))
    return data


def load_document(path: str | Path) -> LoadedDocument:
    """Read one plan file of any supported format."""
    p = Path(path)
    _import_optional_loaders()
    loader = _LOADERS.get(p.suffix.lower())
    check_path(p)
    if loader is None:
        raise LoadError(
            f"Tệp «{p.name}» có định dạng chưa hỗ trợ ({p.suffix or 'không có đuôi'}); "
            f"hỗ trợ: {', '.join(sorted(_LOADERS))}."
        )
    data = read_bounded(p)
    if not data:
        raise LoadError(f"Tệp «{p.name}» rỗng (0 byte).")
    try:
        if p.suffix.lower() in _ISOLATED and _progress_hook is None:
            from corpus.sandbox import load_isolated

            doc = load_isolated(p, data)
        else:
            doc = loader(p, data)
    except LoadError:
        raise
    except RecursionError as exc:
        raise LoadError(f"Tệp «{p.name}» bị từ chối: cấu trúc lồng nhau quá sâu.") from exc
    except MemoryError as exc:
        raise LoadError(f"Tệp «{p.name}» bị từ chối: cần quá nhiều bộ nhớ để đọc.") from exc
    except Exception as exc:  # a broken file must never take the process down
        raise LoadError(f"Không đọc được tệp «{p.name}»: {type(exc).__name__}: {exc}") from exc
    if not any(b.text.strip() for b in doc.blocks):
        raise LoadError(f"Tệp «{p.name}» không có nội dung chữ đọc được.")
    if len(doc.blocks) > MAX_LINES:
        raise LoadError(f"Tệp «{p.name}» có {len(doc.blocks)} dòng/đoạn; một kế hoạch không dài "
                        f"quá {MAX_LINES} dòng.")
    check_language(doc, p.name)
    return doc


# A folded Vietnamese syllable: onset, one to three vowels, coda. Needs no word list (and
# no second to load one): plans score 0.82-0.98 on it, English prose and code about 0.25,
# /etc/passwd under 0.15.
_SYLLABLE = re.compile(r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx])?"
                       r"[aeiouy]{1,3}(?:ng|nh|ch|[cmnpt])?")


def check_language(doc: LoadedDocument, name: str) -> None:
    """Refuse a file whose words are mostly not Vietnamese syllables: a configuration file,
    source code, a foreign document put in the plans folder by mistake."""
    from corpus.normalize import fold

    text = " ".join(b.text for b in doc.blocks[:5000])[:200_000]
    found = re.findall(r"[a-z]+", fold(text))
    if len(found) < 20:
        return
    share = sum(1 for w in found if _SYLLABLE.fullmatch(w)) / len(found)
    if share < VIETNAMESE_SHARE:
        raise LoadError(f"Tệp «{name}» không giống một văn bản kế hoạch tiếng Việt (chỉ "
                        f"{share:.0%} số từ có dạng âm tiết tiếng Việt).")


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
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise LoadError(f"Tệp «{name}» có vẻ là tệp nhị phân, không phải văn bản.") from exc
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


# one leading space opens a page; " | I. Kinh tế số" is a table row whose first cell is empty
_PAGE_START = re.compile(r"^ [^\s|]")


def check_text(text: str, name: str) -> None:
    """Refuse text no plan looks like: binary bytes decoded as text, too many lines, or a
    line far longer than prose (every later step reads lines)."""
    sample = text[:200_000]
    odd = sum(1 for ch in sample if ch == "\ufffd" or "\ud800" <= ch <= "\udfff" or (
        unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f\v"))
    if sample and odd > BINARY_SHARE * len(sample):
        raise LoadError(f"Tệp «{name}» có vẻ là tệp nhị phân, không phải văn bản "
                        f"({odd} ký tự điều khiển/lỗi mã trong {len(sample)} ký tự đầu).")
    lines = text.count("\n") + 1
    if lines > MAX_LINES:
        raise LoadError(f"Tệp «{name}» có {lines} dòng; một kế hoạch không dài quá "
                        f"{MAX_LINES} dòng.")
    longest = max((len(line) for line in text.split("\n")), default=0)
    if longest > MAX_LINE_CHARS:
        raise LoadError(f"Tệp «{name}» có một dòng dài {longest} ký tự; không phải văn bản "
                        "kế hoạch.")


@register(".txt", ".text", ".md")
def load_text(path: Path, data: bytes) -> LoadedDocument:
    # TCVN3/VNI are converted before NFC: composing first would merge the combining marks
    # Windows-1258 decoding makes of some legacy bytes with the letter before them
    decoded = decode_text(data, path.name)
    check_text(decoded, path.name)
    text = nfc(legacy_to_unicode(decoded))
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
