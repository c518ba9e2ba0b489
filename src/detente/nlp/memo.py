"""A memo that forgets what a long run has stopped using.

Why: the attribute ruler and the lemmatizer remember one answer per kind of token, and news
keeps bringing kinds never seen before (new names, new numbers). A memo that keeps them all
grows with the corpus; one emptied when full forgets the common words along with the rare ones.
Two generations avoid both: answers go into the young one; when it is full it becomes the old
one and the previous old one is dropped; an answer found in the old one moves back into the
young. Whatever is asked for again within a generation stays, and the memo never holds more
than two generations.
"""

from __future__ import annotations

from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class GenerationalMemo(Generic[K, V]):
    """At most ``2 * size`` remembered answers; ``None`` is not an answer (it means "not known")."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError(f"a memo generation holds at least one answer, not {size}")
        self.size = size
        self._young: dict[K, V] = {}
        self._old: dict[K, V] = {}

    def get(self, key: K) -> V | None:
        value = self._young.get(key)
        if value is None:
            value = self._old.get(key)
            if value is not None:
                self.put(key, value)
        return value

    def put(self, key: K, value: V) -> None:
        young = self._young
        young[key] = value
        if len(young) >= self.size:
            self._old, self._young = young, {}

    def __len__(self) -> int:
        """Answers held (one asked for again after a turnover is held in both generations)."""
        return len(self._young) + len(self._old)
