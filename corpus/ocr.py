"""OCR with Tesseract and its Vietnamese model, for scanned PDFs and photographed pages.

Tesseract is called as a program (no Python binding to install): one process per page
image, two pages at a time, each process single-threaded (`OMP_THREAD_LIMIT=1`): on a
2-core machine that is about four times faster than letting one process use OpenMP.

Debian/Ubuntu: `apt-get install tesseract-ocr tesseract-ocr-vie`.
"""

from __future__ import annotations

import functools
import io
import math
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from corpus.loaders import LoadError, progress, register, sha256_bytes
from corpus.models import Block, LoadedDocument
from corpus.normalize import nfc

TESSERACT_PACKAGES = "tesseract-ocr tesseract-ocr-vie"
LANG = "vie"
DPI = 300
PAGE_TIMEOUT_S = 180
WORKERS = 2
MIN_WIDTH = 1600  # smaller images (photos, low-resolution scans) are enlarged first
MAX_PAGES = 300
MAX_PIXELS = 25_000_000  # a page image: A4 at 500 dpi is 23 million; larger is refused


class OcrUnavailable(LoadError):
    """Tesseract or its Vietnamese model is not installed."""


@functools.lru_cache(maxsize=1)
def _languages(exe: str) -> frozenset[str]:
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True,
                             timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.strip() for line in (out.stdout + out.stderr).splitlines()[1:])


def unavailable_reason() -> str | None:
    """None when OCR can run; else what is missing, in Vietnamese, with the packages."""
    exe = shutil.which("tesseract")
    if exe is None:
        return (f"chưa cài Tesseract OCR; hãy cài gói: apt-get install {TESSERACT_PACKAGES}")
    if LANG not in _languages(exe):
        return (f"Tesseract chưa có mô hình tiếng Việt; hãy cài gói: apt-get install "
                f"{TESSERACT_PACKAGES}")
    return None


def require_ocr(name: str) -> None:
    reason = unavailable_reason()
    if reason:
        raise OcrUnavailable(f"Tệp «{name}» là bản quét (ảnh), cần nhận dạng chữ nhưng {reason}.")


def prepare(image: Any) -> Any:
    """Grayscale, upright (EXIF), and large enough for Tesseract to read."""
    from PIL import ImageOps

    image = ImageOps.exif_transpose(image).convert("L")
    if image.width < MIN_WIDTH:
        factor = MIN_WIDTH / image.width
        image = image.resize((MIN_WIDTH, round(image.height * factor)))
    return image


def ocr_image(image: Any) -> str:
    """The text Tesseract reads on one page image (blank lines between paragraphs)."""
    exe = shutil.which("tesseract") or "tesseract"
    with tempfile.TemporaryDirectory(prefix="plan-ocr-") as tmp:
        src = Path(tmp) / "page.png"
        prepare(image).save(src, dpi=(DPI, DPI))
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        try:
            out = subprocess.run([exe, str(src), "stdout", "-l", LANG, "--dpi", str(DPI)],
                                 capture_output=True, timeout=PAGE_TIMEOUT_S, env=env,
                                 check=False)
        except subprocess.TimeoutExpired as exc:
            raise LoadError(f"Nhận dạng chữ một trang quá {PAGE_TIMEOUT_S} giây.") from exc
    if out.returncode != 0:
        err = out.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        raise LoadError(f"Tesseract báo lỗi: {err[0]}")
    return nfc(out.stdout.decode("utf-8", "replace"))


def ocr_images(images: Iterable[Any]) -> list[str]:
    """Pages in order, read two at a time; images are taken from `images` as they are
    needed (a generator renders or decodes one page at a time)."""
    from corpus.sandbox import ocr_next

    out: list[str] = []
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        pending = []
        for image in images:
            ocr_next()
            pending.append(pool.submit(ocr_image, image))
            if len(pending) >= WORKERS:
                out.append(pending.pop(0).result())
                progress()
        for fut in pending:
            out.append(fut.result())
            progress()
    return out


def text_blocks(pages: list[str], first_line: int = 1) -> list[Block]:
    """OCR page texts as line blocks (page numbers from the page order)."""
    blocks: list[Block] = []
    for page_no, text in enumerate(pages, start=1):
        for line in text.splitlines():
            blocks.append(Block(text=line.strip(), page=page_no,
                                line=first_line + len(blocks)))
    return blocks


def _open_image(data: bytes, name: str) -> Any:
    """The image, its size checked before any pixel is decoded (a small file can declare
    a 100,000 × 100,000 image: a decompression bomb)."""
    from PIL import Image, UnidentifiedImageError

    try:
        img = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        raise LoadError(f"Ảnh «{name}» quá lớn (số điểm ảnh vượt giới hạn an toàn).") from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise LoadError(f"Tệp «{name}» không phải ảnh đọc được ({exc}).") from exc
    w, h = img.size
    if w * h > MAX_PIXELS and img.format == "JPEG":
        # a 50-megapixel phone photo: JPEG decodes at 1/2, 1/4 or 1/8 scale for free
        scale = math.ceil(math.sqrt(w * h / MAX_PIXELS))
        img.draft("L", (w // scale, h // scale))
    _check_size(img, name)
    return img


def _check_size(img: Any, name: str) -> None:
    w, h = img.size
    if w * h > MAX_PIXELS or w <= 0 or h <= 0:
        raise LoadError(f"Ảnh «{name}» bị từ chối: {w} × {h} điểm ảnh, vượt giới hạn an toàn "
                        f"{MAX_PIXELS // 1_000_000} triệu điểm ảnh một trang (dấu hiệu «bom "
                        "giải nén»).")


def _frames(img: Any, name: str) -> Iterator[Any]:
    """Pages one at a time, each decoded only when OCR reaches it."""
    from PIL import ImageSequence

    for n, frame in enumerate(ImageSequence.Iterator(img)):
        if n >= MAX_PAGES:
            return
        _check_size(frame, name)
        try:
            yield frame.copy()
        except OSError as exc:
            raise LoadError(f"Ảnh «{name}» bị hỏng ở trang {n + 1} ({exc}).") from exc


@register(".png", ".jpg", ".jpeg", ".tif", ".tiff", isolated=True)
def load_image(path: Path, data: bytes) -> LoadedDocument:
    """A photographed or scanned page (a multi-page TIFF is several pages)."""
    img = _open_image(data, path.name)
    try:
        img.load()  # the first frame decodes: a truncated file fails here, with a message
    except OSError as exc:
        raise LoadError(f"Ảnh «{path.name}» bị hỏng, không đọc được ({exc}).") from exc
    require_ocr(path.name)
    from corpus.loaders_pdf import drop_running_lines

    texts = ocr_images(_frames(img, path.name))
    pages = drop_running_lines([t.splitlines() for t in texts])
    blocks = text_blocks(["\n".join(p) for p in pages])
    return LoadedDocument(path=str(path), sha256=sha256_bytes(data), format="image-ocr",
                          blocks=blocks, pages=len(texts),
                          warnings=["Văn bản được nhận dạng từ ảnh (OCR); có thể sai chính tả."])
