"""Reading copies computed ahead of time: the bundled plans' lines, shipped with the code.

Decoding the five bundled OCR plans takes about 40 s of CPU, which a fresh clone paid
before its first answer. Their reading copies ship in `SHIPPED` (written by
`python -m retrieval.seed`), each under a key that hashes the line, its right context,
the kind of reading and the reading model's fingerprint: every input that decides a
decode (the code of `corpus/reading/`, the count files, the gazetteer and fuzzy-matching
versions, the clean plans the model has learned). A change to any of them makes the
entries miss, and the line is decoded again: slower, never a stale reading.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from corpus.reading.lm import SyllableLM

HERE = Path(__file__).resolve().parent
SHIPPED = HERE / "bundled_copies.json.gz"
KEY_CHARS = 20  # 80 bits of a sha256: no collision among a few thousand lines

_lock = threading.Lock()
_shipped: dict[str, str] | None = None
_fingerprint: tuple[tuple[int, int], str] | None = None  # (model state, its fingerprint)
_recording: dict[str, str] | None = None


def _code_and_data() -> bytes:
    """Every file and version a decode depends on besides the learned plans."""
    import importlib.metadata

    corpus = HERE.parent
    h = hashlib.sha256()
    for dist in ("vietnamadminunits", "rapidfuzz"):
        try:
            h.update(f"{dist} {importlib.metadata.version(dist)}\n".encode())
        except importlib.metadata.PackageNotFoundError:
            h.update(f"{dist} -\n".encode())
    data = corpus / "data"
    # the decoder and its model (not this file or the offline fitting: they decide no
    # reading), the modules that feed the model's words, and the count files
    files = [*(HERE / f for f in ("__init__.py", "decode.py", "channel.py", "lm.py")),
             corpus / "places.py", corpus / "normalize.py",
             corpus / "lexicon.py", data / "unigrams.tsv.gz", data / "bigrams.tsv.gz",
             data / "domain_text.txt", data / "agency_names.tsv", data / "ocr_channel.tsv",
             data / "ocr_shapes.tsv"]
    for f in files:
        h.update(f.name.encode() + b"\0" + (f.read_bytes() if f.exists() else b"-"))
    return h.digest()


_CODE: bytes | None = None


def fingerprint(lm: SyllableLM | None = None) -> str:
    """The reading model as it stands (`lm`, by default the shared one): its code and
    data, and the clean plans learned into it (their keys and how many times counts
    were added)."""
    global _fingerprint, _CODE
    from corpus.reading.lm import model

    shared = lm is None
    lm = model() if lm is None else lm
    state = (lm.version, len(lm.learned))
    got = _fingerprint
    if shared and got is not None and got[0] == state:
        return got[1]
    if _CODE is None:
        _CODE = _code_and_data()
    h = hashlib.sha256(_CODE)
    h.update(f"{lm.version}\n".encode())
    h.update("\n".join(sorted(lm.learned)).encode())
    if shared:
        _fingerprint = (state, h.hexdigest())
    return h.hexdigest()


def key(text: str, edits: bool, after: str, model_key: str | None = None) -> str:
    """The entry of one reading: the line, its right context, the kind of reading and the
    model's fingerprint (`model_key`, by default the shared model's)."""
    raw = "\x1f".join((model_key or fingerprint(), "ocr" if edits else "marks", after, text))
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:KEY_CHARS]


def shipped_keys() -> set[str]:
    return set(_load())


def _load() -> dict[str, str]:
    global _shipped
    if _shipped is None:
        with _lock:
            if _shipped is None:
                try:
                    data = json.loads(gzip.decompress(SHIPPED.read_bytes()))
                    _shipped = {k: v for k, v in data["copies"].items()
                                if isinstance(v, str)}
                except (OSError, ValueError, KeyError, TypeError, AttributeError):
                    _shipped = {}  # missing or damaged: every line is decoded
    return _shipped


def shipped(text: str, edits: bool, after: str) -> str | None:
    """The shipped reading copy of this line for the model as it stands, if any."""
    copies = _load()
    return copies.get(key(text, edits, after)) if copies else None


def remember(text: str, edits: bool, after: str, copy: str) -> None:
    """Called for every reading made; kept while `recording` is on (the seed build)."""
    rec = _recording
    if rec is not None:
        rec[key(text, edits, after)] = copy


def start_recording() -> None:
    """Keep every reading made from now on (lines already read in this process are read
    again, so none is left out)."""
    global _recording
    from corpus.reading import _restore, _restore_typed

    _restore.cache_clear()
    _restore_typed.cache_clear()
    _recording = {}


def write_recorded(path: Path = SHIPPED) -> int:
    """Write what was recorded since `start_recording` as the shipped copies; returns how
    many. Sorted, so the same readings give the same file."""
    global _recording, _shipped
    rec, _recording = _recording or {}, None
    body = json.dumps({"copies": dict(sorted(rec.items()))}, ensure_ascii=False,
                      separators=(",", ":"))
    path.write_bytes(gzip.compress(body.encode("utf-8"), mtime=0))
    _shipped = None
    return len(rec)


def load() -> None:
    """Read the shipped file and the fingerprint now (`bot.settle`), not on first use."""
    _load()
    fingerprint()
