"""A worker process for the loaders whose libraries a crafted file can drive into gigabytes
or minutes (PDF parsing and rendering, image decoding, OCR).

The parent sends the file's bytes on stdin; the worker sets its own limits first
(`RLIMIT_AS`: address space, so resident memory can never pass it; `RLIMIT_CPU`), runs the
registered loader and prints the `LoadedDocument` as JSON. Loaders call
`corpus.loaders.progress()` once per page; the worker passes each call on as a line, and
the parent kills the worker when a page (or opening the file) takes longer than
`PAGE_BUDGET_S`, when the whole file takes longer than `FILE_BUDGET_S`, or when the limits
end it. The page budget is a backstop, generous for a machine under load (a plan's DOCX
took over 4 s to open at a load average of 25 on 2 cores): the hostile files of
bench/HOSTILE.md are refused by their own checks or the memory limit well before it. Whatever happens to the worker, the parent gets a `LoadError` naming the file and
the reason, and its own memory never holds more than the file and the result.

    python -m corpus.sandbox NAME < file   (what the parent runs)
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

from corpus.loaders import LoadError
from corpus.models import LoadedDocument

MEMORY_MB = int(os.environ.get("PLAN_WORKER_MEMORY_MB", "256"))
PAGE_BUDGET_S = float(os.environ.get("PLAN_WORKER_PAGE_S", "10"))  # OCR: OCR_PAGE_BUDGET_S
OCR_PAGE_BUDGET_S = 120.0  # Tesseract on one 300-dpi page on a slow machine
FILE_BUDGET_S = 1800.0
CPU_S = 1800
MAX_REPLY_BYTES = 128 * 1024 * 1024  # the document as JSON; a plan is a few MB
_TICK = "\x1etick"
_OCR = "\x1eocr"  # the next page is read by OCR: its budget is OCR_PAGE_BUDGET_S


class _Limits:
    """The worker's own limits, set before any loader code runs."""

    @staticmethod
    def apply() -> None:
        try:
            import resource
        except ImportError:  # not POSIX: the parent's time budgets remain
            return
        limit = MEMORY_MB * 1024 * 1024
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or hard > limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        if hard == resource.RLIM_INFINITY or hard > CPU_S:
            resource.setrlimit(resource.RLIMIT_CPU, (CPU_S, CPU_S))


def _package_root() -> str:
    import corpus

    return str(Path(corpus.__file__).resolve().parent.parent)


def _reason(code: int, stderr: str) -> str:
    if code == -signal.SIGKILL or "MemoryError" in stderr or "Cannot allocate" in stderr \
            or "std::bad_alloc" in stderr:
        return f"cần quá {MEMORY_MB} MB bộ nhớ để đọc"
    if code in (-signal.SIGXCPU, 128 + signal.SIGXCPU):
        return f"đọc quá {CPU_S} giây CPU"
    last = stderr.strip().splitlines()[-1:] or [f"mã thoát {code}"]
    return f"trình đọc dừng bất thường ({last[0][:200]})"


def load_isolated(path: Path, data: bytes) -> LoadedDocument:
    """Run the loader of `path`'s format on `data` in a worker process with limits."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [_package_root(), *filter(None, [os.environ.get("PYTHONPATH")])]),
        "OMP_THREAD_LIMIT": "1", "OPENBLAS_NUM_THREADS": "1", "MALLOC_ARENA_MAX": "2"}
    proc = subprocess.Popen([sys.executable, "-m", "corpus.sandbox", str(path)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    try:
        return _talk(proc, path.name, data)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def _talk(proc: subprocess.Popen, name: str, data: bytes) -> LoadedDocument:
    assert proc.stdin and proc.stdout and proc.stderr
    try:
        proc.stdin.write(data)
        proc.stdin.close()
    except BrokenPipeError:
        pass  # the worker died at start: its exit code says why below
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ, "out")
    sel.register(proc.stderr, selectors.EVENT_READ, "err")
    out, err = bytearray(), bytearray()
    started = time.monotonic()
    budget = PAGE_BUDGET_S
    page_deadline = started + budget
    ticks = 0  # the first says the worker started; until the second, it opens the file
    open_streams = 2
    while open_streams:
        now = time.monotonic()
        wait = min(page_deadline, started + FILE_BUDGET_S) - now
        if wait <= 0:
            proc.kill()
            whole = now - started >= FILE_BUDGET_S
            stage = "đọc cả tệp" if whole else "mở tệp" if ticks < 2 else "đọc một trang"
            raise LoadError(f"Tệp «{name}» bị từ chối: {stage} quá "
                            f"{FILE_BUDGET_S if whole else budget:g} giây.")
        for key, _ in sel.select(timeout=wait):
            chunk = os.read(key.fileobj.fileno(), 65536)
            if not chunk:
                sel.unregister(key.fileobj)
                open_streams -= 1
                continue
            if key.data == "err":
                err += chunk[-65536:]
                del err[:-65536]
                continue
            out += chunk
            if len(out) > MAX_REPLY_BYTES:
                proc.kill()
                raise LoadError(f"Tệp «{name}» bị từ chối: nội dung đọc được quá lớn.")
            # progress lines come before the result; each one restarts the page budget
            while out.startswith(b"\x1e") and b"\n" in out:
                line, _, rest = bytes(out).partition(b"\n")
                out = bytearray(rest)
                ticks += 1
                budget = OCR_PAGE_BUDGET_S if line.decode() == _OCR else PAGE_BUDGET_S
                page_deadline = time.monotonic() + budget
    code = proc.wait()
    stderr = err.decode("utf-8", "replace")
    if code != 0 or not out:
        raise LoadError(f"Tệp «{name}» bị từ chối: {_reason(code, stderr)}.")
    reply = json.loads(out)
    if "error" in reply:
        raise LoadError(reply["error"])
    return LoadedDocument.model_validate(reply["document"])


# ---- the worker side --------------------------------------------------------------------------
def _emit(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    _Limits.apply()
    from corpus import loaders

    path = Path(argv[0])
    data = sys.stdin.buffer.read()
    loaders._progress_hook = lambda: _emit(_TICK)
    loader = loaders.loader_for(path.suffix)
    _emit(_TICK)  # started and imported: the budget of the first stage starts now
    try:
        if loader is None:
            raise LoadError(f"Tệp «{path.name}» có định dạng chưa hỗ trợ.")
        doc = loader(path, data)
        if len(doc.blocks) > loaders.MAX_LINES:
            raise LoadError(f"Tệp «{path.name}» có {len(doc.blocks)} dòng/đoạn; một kế hoạch "
                            f"không dài quá {loaders.MAX_LINES} dòng.")
        reply = {"document": json.loads(doc.model_dump_json())}
    except LoadError as exc:
        reply = {"error": str(exc)}
    except MemoryError:
        reply = {"error": f"Tệp «{path.name}» bị từ chối: cần quá {MEMORY_MB} MB bộ nhớ "
                          "để đọc."}
    except RecursionError:
        reply = {"error": f"Tệp «{path.name}» bị từ chối: cấu trúc lồng nhau quá sâu."}
    except Exception as exc:  # a broken file: the parent turns this into a message
        if "alloc" in str(exc).lower():  # a library's own out-of-memory error
            reply = {"error": f"Tệp «{path.name}» bị từ chối: cần quá {MEMORY_MB} MB bộ nhớ "
                              "để đọc."}
        else:
            reply = {"error": f"Không đọc được tệp «{path.name}»: {type(exc).__name__}: "
                              f"{str(exc)[:300]}"}
    _emit(json.dumps(reply, ensure_ascii=False))
    return 0


def ocr_next() -> None:
    """Called before a page is read by OCR: that page gets the longer OCR budget."""
    if _in_worker():
        _emit(_OCR)


def _in_worker() -> bool:
    from corpus import loaders

    return loaders._progress_hook is not None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
