"""The change log behind the change feed: every server change, at a position in commit order.

Why a log of its own and not the ``seq`` of the records: a ``seq`` is taken inside a write,
before it commits, so on MongoDB two concurrent writes can become visible out of order (the
one holding seq 6 commits before the one holding 5), and a reader that resumed after 6 would
never see 5. The outbox relay (one per database) is the sequencer instead: it appends each
server event to this log in the order it finds the events committed, and only a committed
event can be found. A position is therefore given out only after its change committed, each
append is visible before the next is made, and a reader resuming after position ``p`` sees
every change appended later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class NewChange:
    """A change to append: ``key`` identifies it (event id and version), so appending the
    same change twice is a no-op; ``server`` is the ServerResponse after the change."""

    key: str
    type: str
    name: str
    version: str
    at: datetime
    server: dict[str, Any]


@dataclass(frozen=True)
class ChangeRecord:
    """A change in the log, at ``position`` (1, 2, 3, … in the order they were appended)."""

    position: int
    type: str
    name: str
    version: str
    at: datetime
    server: dict[str, Any]


class ChangeLog(Protocol):
    """The append-only change log on a backend's database.

    Contract:

    - :meth:`append` gives each new change the next position, in the order given; a change
      whose ``key`` is already in the log is skipped;
    - appends are visible in position order: once a reader sees position ``p``, every
      position below ``p`` is visible too (no gap is ever filled later);
    - positions are never reused; entries survive restarts (they are in the database).
    """

    def init(self) -> None:
        """Create the table/collection and indexes (idempotent)."""
        ...

    def append(self, changes: Sequence[NewChange]) -> int:
        """Append the changes not yet in the log; return how many were appended."""
        ...

    def read(self, after: int, limit: int) -> list[ChangeRecord]:
        """Up to ``limit`` changes with a position greater than ``after``, in position order."""
        ...

    def head(self) -> int:
        """The greatest position appended so far (0 for an empty log)."""
        ...

    def for_event(self, event_id: str) -> list[ChangeRecord]:
        """The changes appended for the outbox event ``event_id`` (keys ``<id>:<version>``)."""
        ...
