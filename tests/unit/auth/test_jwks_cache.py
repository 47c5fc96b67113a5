"""The shared JWKS cache: what is answered from memory, when it refetches, what a failure does."""

from __future__ import annotations

import logging
from collections.abc import Mapping

import pytest

from mcp_registry.shared.auth.jwks_cache import JwksCache
from mcp_registry.shared.errors import UpstreamUnavailable

INTERVAL = 10.0
MAX_AGE = 300.0


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeKeyServer:
    """Publishes ``keys``, or fails with ``UpstreamUnavailable`` while ``down``."""

    def __init__(self, keys: Mapping[str, str]) -> None:
        self.keys = dict(keys)
        self.down = False
        self.fetches = 0

    def __call__(self) -> Mapping[str, str]:
        self.fetches += 1
        if self.down:
            raise UpstreamUnavailable("Could not fetch http://keys.test/jwks: connection refused")
        return dict(self.keys)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def server() -> FakeKeyServer:
    return FakeKeyServer({"k1": "key-1"})


@pytest.fixture
def cache(server: FakeKeyServer, clock: FakeClock) -> JwksCache[str]:
    return JwksCache(
        server,
        source="http://keys.test/jwks",
        refresh_interval=INTERVAL,
        max_age=MAX_AGE,
        clock=clock,
    )


def test_known_kids_are_answered_from_memory(cache: JwksCache[str], server: FakeKeyServer) -> None:
    assert cache.key("k1") == "key-1"
    assert cache.key("k1") == "key-1"
    assert server.fetches == 1


def test_an_unknown_kid_refetches_at_most_once_per_interval(
    cache: JwksCache[str], server: FakeKeyServer, clock: FakeClock
) -> None:
    assert cache.key("k1") == "key-1"
    server.keys["k2"] = "key-2"
    clock.now += 1
    # Within the interval an unknown kid is unknown: no request (made-up kids cannot hammer).
    assert cache.key("k2") is None
    assert cache.key("made-up") is None
    assert server.fetches == 1
    clock.now += INTERVAL
    assert cache.key("k2") == "key-2"
    assert server.fetches == 2


def test_keys_older_than_max_age_are_refetched_and_removed_keys_stop_answering(
    cache: JwksCache[str], server: FakeKeyServer, clock: FakeClock
) -> None:
    assert cache.key("k1") == "key-1"
    server.keys = {"k2": "key-2"}
    clock.now += MAX_AGE - 1
    assert cache.key("k1") == "key-1"
    assert server.fetches == 1
    clock.now += 1
    assert cache.key("k1") is None
    assert server.fetches == 2


def test_without_max_age_known_keys_never_go_stale(server: FakeKeyServer, clock: FakeClock) -> None:
    cache = JwksCache(server, source="issuer", refresh_interval=INTERVAL, clock=clock)
    assert cache.key("k1") == "key-1"
    clock.now += 10 * MAX_AGE
    assert cache.key("k1") == "key-1"
    assert server.fetches == 1


def test_no_keys_yet_and_the_server_down_is_upstream_unavailable(
    cache: JwksCache[str], server: FakeKeyServer, clock: FakeClock
) -> None:
    server.down = True
    with pytest.raises(UpstreamUnavailable, match="connection refused"):
        cache.key("k1")
    # Still 503 while rate-limited, without another request.
    with pytest.raises(UpstreamUnavailable):
        cache.key("k1")
    assert server.fetches == 1
    server.down = False
    clock.now += INTERVAL
    assert cache.key("k1") == "key-1"


def test_a_failed_refresh_keeps_the_last_good_keys_and_logs(
    cache: JwksCache[str],
    server: FakeKeyServer,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert cache.key("k1") == "key-1"
    server.down = True
    clock.now += MAX_AGE
    with caplog.at_level(logging.WARNING, logger="mcp_registry.shared.auth.jwks_cache"):
        assert cache.key("k1") == "key-1"
    assert server.fetches == 2
    assert "keeping 1 cached key(s) of http://keys.test/jwks" in caplog.text
    assert "connection refused" in caplog.text
    # An unknown kid cannot be judged while the server is down: retryable, not 401.
    with pytest.raises(UpstreamUnavailable):
        cache.key("k2")
    server.down = False
    clock.now += INTERVAL
    assert cache.key("k2") is None
    assert cache.key("k1") == "key-1"
