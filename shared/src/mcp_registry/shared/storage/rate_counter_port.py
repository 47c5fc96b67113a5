"""Fixed-window request counters shared by every worker and replica (rate limits).

A counter is identified by ``key`` (the limit's name and who is counted, e.g.
``writes:github:alice``) and the start of its window; it lives until ``expires_at`` (the end
of its window), after which it is purged.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class RateCounterStore(Protocol):
    """Where rate-limit counters live: the registry's own database."""

    def init(self) -> None:
        """Create tables or indexes (idempotent)."""
        ...

    def hit(self, key: str, *, window: int, expires_at: datetime, cost: int = 1) -> int:
        """Add ``cost`` to the counter of ``key`` in ``window`` (atomically, across processes)
        and return its value afterwards."""
        ...
