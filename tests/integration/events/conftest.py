"""The events tests check that no thread they start outlives them.

The nats-server and bridge fixtures (``nats_server``, ``make_bridge``) are shared by every
folder; they live in :mod:`tests.support.fixtures.nats`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest


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
