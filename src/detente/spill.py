"""A run of records written once in order and read back once in the same order.

Why: a sweep over millions of records (the clusterer's dated clusters of a hub dyad)
must not hold them, but it only ever needs them again in the order it wrote them. A
run is the cheapest store for that: sequential writes, one sequential read, no index.
It stays in memory while small and moves to an unnamed temporary file past
``memory_bytes`` (at once when that is 0), so small inputs never touch the disk and
large ones never fill memory.
The file has no name on disk and disappears when the run is read or dropped, so a
killed process leaves nothing behind.

Usage::

    run = SpillRun()
    for record in records_in_order:
        run.append(record)
    for record in run:   # once: reading consumes the run
        ...
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from typing import Any

#: Bytes a run keeps in memory before it moves to a temporary file.
DEFAULT_MEMORY_BYTES = 4 * 1024 * 1024
#: Records pickled together: large enough to amortise pickling, small enough to stream.
BLOCK = 1_024


class SpillRun:
    """Records (tuples of plain values) in the order they were appended; readable once."""

    def __init__(self, *, memory_bytes: int = DEFAULT_MEMORY_BYTES) -> None:
        # The run owns its file from here until it is read or closed: no ``with`` can span that.
        self._file: Any = (
            tempfile.SpooledTemporaryFile(max_size=memory_bytes)  # noqa: SIM115
            if memory_bytes > 0
            else tempfile.TemporaryFile()  # noqa: SIM115
        )
        self._block: list[tuple[Any, ...]] = []
        self._read = False
        self.count = 0

    def append(self, record: tuple[Any, ...]) -> None:
        if self._read:
            raise RuntimeError("a spill run cannot be written after it was read")
        self._block.append(record)
        self.count += 1
        if len(self._block) >= BLOCK:
            self._flush()

    def _flush(self) -> None:
        if self._block:
            pickle.dump(self._block, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self._block = []

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        if self._read:
            raise RuntimeError("a spill run can be read only once")
        self._read = True
        self._flush()
        self._file.seek(0)
        try:
            while True:
                try:
                    block = pickle.load(self._file)
                except EOFError:
                    return
                yield from block
        finally:
            self.close()

    def close(self) -> None:
        """Drop the run's memory or file now, rather than when it is garbage-collected."""
        self._block = []
        self._file.close()
