"""Timestamps as stored by every backend: integer microseconds since the Unix epoch, UTC.

Integers keep the full microsecond precision (BSON dates only hold milliseconds) and compare
correctly in SQL and in MongoDB queries, so ``updated_at > ?`` and index ordering are exact.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_MICROSECOND = timedelta(microseconds=1)


def to_micros(moment: datetime) -> int:
    """Microseconds since the epoch of an aware ``moment``; ``ValueError`` for a naive one.

    A naive datetime is refused rather than guessed: the store cannot know its zone.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime given to the store: {moment!r}")
    return (moment - EPOCH) // _ONE_MICROSECOND


def from_micros(micros: int) -> datetime:
    """The aware UTC datetime of ``micros`` (inverse of :func:`to_micros`)."""
    return EPOCH + timedelta(microseconds=micros)
