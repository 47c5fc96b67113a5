"""Rate counters on both backends: atomic per window, separate per key, across stores."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from mcp_registry.shared.rate_limits import Limiter, RateLimit
from mcp_registry.shared.storage.factory import Stores
from tests.support.moderation import fresh_stores


@pytest.fixture(params=["sqlite", "mongodb"])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stores]:
    with fresh_stores(str(request.param), tmp_path) as opened:
        yield opened


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_quota_is_counted_per_key_and_window(stores: Stores) -> None:
    clock = Clock(4_000_000_000.5)
    limiter = Limiter(stores.rate_counters, clock=clock)
    limit = RateLimit("auth", 2, 60)
    first, second, third = (limiter.hit(limit, "198.51.100.1") for _ in range(3))
    assert [d.allowed for d in (first, second, third)] == [True, True, False]
    assert (first.remaining, second.remaining, third.remaining) == (1, 0, 0)
    # 4_000_000_000.5 is 40.5 s into its minute (and in the future, so a TTL index keeps it).
    assert third.reset == 20
    assert limiter.hit(limit, "198.51.100.2").allowed
    clock.now += 20
    assert limiter.hit(limit, "198.51.100.1").count == 1


def test_concurrent_hits_are_each_counted_once(stores: Stores) -> None:
    limiter = Limiter(stores.rate_counters, clock=Clock(4_000_003_600.0))
    limit = RateLimit("writes", 1000, 3600)
    with ThreadPoolExecutor(max_workers=8) as pool:
        counts = list(pool.map(lambda _: limiter.hit(limit, "github:alice").count, range(40)))
    assert sorted(counts) == list(range(1, 41))
