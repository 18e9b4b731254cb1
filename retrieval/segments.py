"""The index's segments, held by column: what every question scores or filters on lives in
numpy arrays, the text is read from SQLite for the few segments a question looks at.

At 10,000 plans (1.33M segments) the pydantic `Segment` objects alone took 4.1 GB
(bench/RESULTS.md); these columns take about 50 bytes a segment. Segments are ordered by
plan, so each plan is one contiguous range of positions and a plan filter is a slice.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import overload

import numpy as np

from corpus.models import Segment

KINDS = ("text", "heading", "row", "header")
YEAR_MIN, YEAR_MAX = 2020, 2059  # the years a question can ask about (intents.detect)
_YEAR = re.compile(r"20[2-5]\d")
CACHE_SIZE = 4096  # materialised segments kept: a question looks at a few dozen
Fetch = Callable[[list[str]], list[Segment]]  # segment ids -> the segments still stored


def year_bits(years: Iterable[int | str]) -> int:
    """The years as a bit mask (bit 0 = 2020), the form of `SegmentTable.years`."""
    bits = 0
    for y in years:
        if YEAR_MIN <= int(y) <= YEAR_MAX:
            bits |= 1 << (int(y) - YEAR_MIN)
    return bits


def heading_years(heading_path: list[str], group: str | None) -> int:
    """Years named in a segment's heading path and table group row, as a bit mask."""
    return year_bits(_YEAR.findall(" ".join([*heading_path, group or ""])))


@dataclass
class Columns:
    """Per-segment columns, appended row by row while the store is read."""

    ids: list[str] = field(default_factory=list)
    doc_ids: list[str] = field(default_factory=list)  # one per plan, in table order
    doc_index: list[int] = field(default_factory=list)
    kinds: list[int] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    last_rowid: int = 0
    _years_of: dict[tuple[str, str | None], int] = field(default_factory=dict, repr=False)

    SQL = "rowid, id, doc_id, kind, heading_path, grp"  # what add() takes, in order

    def add(self, rowid: int, seg_id: str, doc_id: str, kind: str, heading_path: str,
            group: str | None) -> None:
        if not self.doc_ids or self.doc_ids[-1] != doc_id:
            self.doc_ids.append(doc_id)
        self.ids.append(seg_id)
        self.doc_index.append(len(self.doc_ids) - 1)
        self.kinds.append(KINDS.index(kind) if kind in KINDS else 0)
        key = (heading_path, group)  # a plan's clauses share a few dozen headings
        years = self._years_of.get(key)
        if years is None:
            years = self._years_of[key] = heading_years(json.loads(heading_path or "[]"), group)
        self.years.append(years)
        self.last_rowid = rowid


class SegmentTable(Sequence[Segment]):
    """Segments by position. `fetch(ids)` returns full `Segment`s (from SQLite); a segment
    another process deleted since the table was read is simply not returned."""

    def __init__(self, cols: Columns, fetch: Fetch, before: SegmentTable | None = None) -> None:
        """The segments of `cols`, after those of `before` when given (a plan added)."""
        ids = np.asarray([s.encode() for s in cols.ids] or [b""], dtype="S")[:len(cols.ids)]
        doc_index = np.asarray(cols.doc_index, dtype=np.int32)
        kinds = np.asarray(cols.kinds, dtype=np.int8)
        years = np.asarray(cols.years, dtype=np.int64)
        self.doc_ids = list(cols.doc_ids)
        if before is not None:
            ids, kinds, years = (np.concatenate([before.ids, ids]),
                                 np.concatenate([before.kinds, kinds]),
                                 np.concatenate([before.years, years]))
            doc_index = np.concatenate([before.doc_index, doc_index + len(before.doc_ids)])
            self.doc_ids = before.doc_ids + self.doc_ids
        self.ids, self.doc_index, self.kinds, self.years = ids, doc_index, kinds, years
        self.last_rowid = cols.last_rowid or (before.last_rowid if before else 0)
        self._sorted = np.argsort(self.ids, kind="stable").astype(np.int32)
        self._sorted_ids = self.ids[self._sorted]  # searched directly: 10x a sorter=
        bounds = np.searchsorted(self.doc_index, np.arange(len(self.doc_ids) + 1))
        self.ranges = {d: (int(bounds[i]), int(bounds[i + 1]))
                       for i, d in enumerate(self.doc_ids)}
        self._fetch = fetch
        self._cache: OrderedDict[int, Segment] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def empty(cls) -> SegmentTable:
        return cls(Columns(), lambda ids: [])

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, i: int) -> Segment: ...
    @overload
    def __getitem__(self, i: slice) -> list[Segment]: ...

    def __getitem__(self, i: int | slice) -> Segment | list[Segment]:
        if isinstance(i, slice):
            return self.many(range(len(self))[i])
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        got = self.many([i])
        if not got:
            raise KeyError(f"segment {self.id(i)} is no longer in the store")
        return got[0]

    def __iter__(self) -> Iterator[Segment]:
        for start in range(0, len(self), 500):
            yield from self.many(range(start, min(len(self), start + 500)))

    def id(self, i: int) -> str:
        return self.ids[i].decode()

    def position(self, seg_id: str) -> int | None:
        key = seg_id.encode()
        j = int(np.searchsorted(self._sorted_ids, key))
        if j < len(self) and self._sorted_ids[j] == key:
            return int(self._sorted[j])
        return None

    def doc_of(self, i: int) -> str:
        return self.doc_ids[self.doc_index[i]]

    def spans(self, doc_ids: Iterable[str] | None) -> list[tuple[int, int]]:
        """Position ranges of the given plans (all positions for None), in table order."""
        if doc_ids is None:
            return [(0, len(self))]
        return sorted(self.ranges[d] for d in set(doc_ids) if d in self.ranges)

    def many(self, positions: Iterable[int]) -> list[Segment]:
        """Segments at these positions, in that order, read from the store once each."""
        return [s for s in self._many([int(p) for p in positions]) if s is not None]

    def _many(self, positions: list[int]) -> list[Segment | None]:
        wanted = list(dict.fromkeys(positions))
        with self._lock:
            have = {p: self._cache[p] for p in wanted if p in self._cache}
        missing = [p for p in wanted if p not in have]
        if missing:
            found = {s.id: s for s in self._fetch([self.id(p) for p in missing])}
            have.update((p, found[self.id(p)]) for p in missing if self.id(p) in found)
        with self._lock:
            for p in wanted[-CACHE_SIZE:]:
                if p in have:
                    self._cache[p] = have[p]
                    self._cache.move_to_end(p)
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return [have.get(p) for p in positions]

    def at(self, positions: Iterable[int]) -> dict[int, Segment]:
        """The segments still stored at these positions, by position."""
        positions = [int(p) for p in positions]
        return {p: s for p, s in zip(positions, self._many(positions), strict=True)
                if s is not None}

    def get(self, seg_id: str) -> Segment | None:
        p = self.position(seg_id)
        got = self.many([p]) if p is not None else []
        return got[0] if got else None
