"""Time in one place: UTC, RFC 3339 formatting and strict parsing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]
"""A zero-argument callable returning an aware UTC ``datetime``; injected so tests control time."""


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def format_rfc3339(moment: datetime) -> str:
    """``2025-01-02T03:04:05.123456Z``: UTC, microseconds kept so ordering survives a round trip.

    ``isoformat`` rather than ``strftime``: same text for every year from 1000 on, and several
    times faster (a list page formats a timestamp per entry). A moment already in UTC (every
    stored one) is formatted without converting it first.
    """
    utc = moment if moment.tzinfo is UTC else moment.astimezone(UTC)
    # An aware UTC datetime's isoformat ends in "+00:00": exactly six characters to replace.
    return utc.isoformat("T", "microseconds")[:-6] + "Z"


def parse_rfc3339(text: str) -> datetime:
    """Parse an RFC 3339 timestamp with an explicit offset or ``Z``; raise ``ValueError`` otherwise.

    Naive timestamps are refused: a poller's ``updated_since`` must say which zone it means.
    """
    if not isinstance(text, str) or "T" not in text.upper():
        raise ValueError(f"not an RFC 3339 timestamp: {text!r}")
    value = text.strip()
    if value[-1:] in ("z", "Z"):
        value = value[:-1] + "+00:00"
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"timestamp has no UTC offset: {text!r}")
    return parsed.astimezone(UTC)
