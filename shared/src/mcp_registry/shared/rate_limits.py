"""Rate limits: policies (``N/second|minute|hour``), fixed-window counting, and the headers.

Counters live in the registry's database (:class:`RateCounterStore`), so a limit holds
across every worker and replica. A window is fixed (``floor(now / seconds)``): simple, one
atomic increment per request, and at worst twice the quota across a window boundary, which
is what fixed windows trade for that simplicity. Headers follow the IETF httpapi
``RateLimit-Policy`` / ``RateLimit`` structured fields (``"writes";q=60;w=60`` and
``"writes";r=59;t=42``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from mcp_registry.shared.errors import RegistryError
from mcp_registry.shared.storage.rate_counter_port import RateCounterStore

UNITS: dict[str, int] = {"second": 1, "minute": 60, "hour": 3600}


class TooManyRequests(RegistryError):
    """A rate limit is exhausted; ``Retry-After`` says when its window ends."""

    status = 429
    title = "Too Many Requests"


@dataclass(frozen=True)
class RateLimit:
    """At most ``quota`` requests per ``window`` seconds, named ``name`` in headers."""

    name: str
    quota: int
    window: int

    @classmethod
    def parse(cls, name: str, text: str) -> RateLimit | None:
        """``N/second``, ``N/minute`` or ``N/hour`` (``N`` ≥ 1); None for an empty text.

        Raises ``ValueError`` for anything else.
        """
        text = text.strip()
        if not text:
            return None
        count, sep, unit = text.partition("/")
        seconds = UNITS.get(unit.strip().lower())
        if not sep or seconds is None or not count.strip().isdigit() or int(count) < 1:
            raise ValueError(f"expected N/second, N/minute or N/hour, got {text!r}")
        return cls(name, int(count), seconds)

    @property
    def policy_header(self) -> str:
        """The ``RateLimit-Policy`` field value."""
        return f'"{self.name}";q={self.quota};w={self.window}'


@dataclass(frozen=True)
class Decision:
    """The outcome of one counted request."""

    limit: RateLimit
    count: int
    reset: int
    """Seconds until the window ends (at least 1)."""

    @property
    def allowed(self) -> bool:
        return self.count <= self.limit.quota

    @property
    def remaining(self) -> int:
        return max(0, self.limit.quota - self.count)

    def headers(self) -> dict[str, str]:
        """``RateLimit-Policy`` and ``RateLimit`` (plus ``Retry-After`` when refused)."""
        headers = {
            "RateLimit-Policy": self.limit.policy_header,
            "RateLimit": f'"{self.limit.name}";r={self.remaining};t={self.reset}',
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.reset)
        return headers

    def require_allowed(self) -> None:
        """Raise :class:`TooManyRequests` (with the headers) when the quota is used up."""
        if self.allowed:
            return
        raise TooManyRequests(
            f"Rate limit exceeded: at most {self.limit.quota} requests per "
            f"{self.limit.window} seconds ({self.limit.name}). Retry after {self.reset} seconds",
            headers=self.headers(),
        )


class Limiter:
    """Counts requests against limits in the shared counter store."""

    def __init__(
        self, counters: RateCounterStore, *, clock: Callable[[], float] = time.time
    ) -> None:
        self._counters = counters
        self._clock = clock

    def hit(self, limit: RateLimit, who: str) -> Decision:
        """Count one request of ``who`` against ``limit``."""
        now = self._clock()
        window = int(now // limit.window)
        ends = (window + 1) * limit.window
        count = self._counters.hit(
            f"{limit.name}:{who}",
            window=window,
            expires_at=datetime.fromtimestamp(ends, UTC),
        )
        return Decision(limit, count, max(1, math.ceil(ends - now)))
