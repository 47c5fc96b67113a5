"""When a failed delivery is tried again: soon at first (a receiver that blinked recovers
within seconds), then spaced out, up to a bounded number of attempts."""

from __future__ import annotations

RETRY_DELAYS: tuple[float, ...] = (2.0, 10.0, 60.0, 300.0, 1800.0, 3600.0, 7200.0)
"""Seconds after the 1st, 2nd, … failed attempt; the last value repeats."""


def retry_delay(failed_attempts: int) -> float:
    """Seconds to wait after ``failed_attempts`` (≥ 1) failures before the next attempt."""
    index = min(max(failed_attempts, 1), len(RETRY_DELAYS)) - 1
    return RETRY_DELAYS[index]
