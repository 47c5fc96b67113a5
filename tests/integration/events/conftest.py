"""Fixtures for tests against a real nats-server: the server, bridges, and leak checks."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mcp_registry.shared.events.bridge import NatsBridge
from mcp_registry.shared.events.embedded import EmbeddedNats
from tests.support.nats import BridgeFactory, start_nats


@pytest.fixture
def nats_server(tmp_path: Path) -> Iterator[EmbeddedNats]:
    """A running JetStream server with its own store dir, stopped after the test."""
    server = start_nats(tmp_path)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def make_bridge() -> Iterator[BridgeFactory]:
    """Build started bridges (fast reconnects for tests); all are closed after the test."""
    bridges: list[NatsBridge] = []

    def make(url: str, **options: Any) -> NatsBridge:
        options.setdefault("name", f"test-{len(bridges)}")
        options.setdefault("reconnect_wait", 0.1)
        options.setdefault("connect_timeout", 1.0)
        bridge = NatsBridge(url, **options)
        bridges.append(bridge)
        bridge.start()
        return bridge

    try:
        yield make
    finally:
        for bridge in bridges:
            bridge.close()


@pytest.fixture(autouse=True)
def _no_leaked_threads() -> Iterator[None]:
    """Every thread a test starts (loop threads, handler pools) must be gone afterwards."""
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 5.0
    leaked = [t for t in threading.enumerate() if t not in before and t.is_alive()]
    while leaked and time.monotonic() < deadline:
        time.sleep(0.02)
        leaked = [t for t in leaked if t.is_alive()]
    assert not leaked, f"threads left running: {[t.name for t in leaked]}"
