"""Lists of up to ``size`` items from any iterable: the unit streamed reads and writes work in.

Python 3.12's ``itertools.batched`` does this; detente still runs on 3.11.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

T = TypeVar("T")


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk
