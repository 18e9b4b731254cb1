"""The reader's version: a fingerprint of the code and data that turn a file into a plan.

    reader_version() -> "3f9a…" (16 hex digits)

A plan stored by an older reader is read again on the next ingest of its file even when
the file did not change: segments, facts and metadata are parsed once, at ingest, so an
upgraded reader would otherwise answer from what the old one read.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

_ROOT = Path(__file__).parent
# what reading depends on: the package's code and data; shipped reading copies are keyed by
# their own fingerprint and only save time, so they are left out
_SKIP = {"bundled_copies.json.gz"}


@functools.cache
def reader_version() -> str:
    h = hashlib.sha256()
    for path in sorted(_ROOT.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.name in _SKIP \
                or path.suffix in (".pyc", ".md"):
            continue
        if path.parent.name == "plans" and not path.name.endswith(".meta.json"):
            continue  # a bundled plan's own text: its file's hash already says it changed
        h.update(str(path.relative_to(_ROOT)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]
