"""Request/reply between services: queue groups share load, callers fail fast and clearly."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

import pytest

from mcp_registry.shared.errors import NotFound, RegistryError, UpstreamUnavailable
from mcp_registry.shared.event_model import request_subject
from mcp_registry.shared.events.embedded import EmbeddedNats
from tests.support.http import free_port
from tests.support.nats import BridgeFactory, serving

pytestmark = pytest.mark.nats

SUBJECT = request_subject("test", "echo")


def test_queue_group_members_share_requests(
    nats_server: EmbeddedNats, make_bridge: BridgeFactory
) -> None:
    served: Counter[str] = Counter()
    lock = threading.Lock()

    def responder(name: str) -> Any:
        def handle(payload: dict[str, Any]) -> dict[str, Any]:
            with lock:
                served[name] += 1
            return {"echo": payload["n"], "by": name}

        return handle

    for name in ("a", "b"):
        serving(make_bridge(nats_server.url, name=name), SUBJECT, responder(name), queue="echo")
    caller = make_bridge(nats_server.url, name="caller")
    assert caller.wait_connected(5)

    replies = [caller.request(SUBJECT, {"n": n}) for n in range(40)]

    assert [r["echo"] for r in replies] == list(range(40))
    assert sum(served.values()) == 40  # Each request answered once, by one member.
    assert served["a"] > 0
    assert served["b"] > 0


def test_timeout_raises_upstream_unavailable_fast(
    nats_server: EmbeddedNats, make_bridge: BridgeFactory
) -> None:
    release = threading.Event()

    def stuck(payload: dict[str, Any]) -> dict[str, Any]:
        release.wait(5)
        return {}

    serving(make_bridge(nats_server.url), SUBJECT, stuck, queue="echo")
    caller = make_bridge(nats_server.url)
    assert caller.wait_connected(5)
    started = time.monotonic()
    try:
        with pytest.raises(UpstreamUnavailable, match=r"did not answer within 0\.2s"):
            caller.request(SUBJECT, {}, timeout=0.2)
        elapsed = time.monotonic() - started
    finally:
        release.set()
    assert elapsed < 0.8, f"a 0.2s request took {elapsed:.2f}s"


def test_no_responders_raises_upstream_unavailable_at_once(
    nats_server: EmbeddedNats, make_bridge: BridgeFactory
) -> None:
    caller = make_bridge(nats_server.url)
    assert caller.wait_connected(5)
    started = time.monotonic()
    with pytest.raises(UpstreamUnavailable, match="no service is answering"):
        caller.request(SUBJECT, {}, timeout=5.0)
    assert time.monotonic() - started < 1.0  # Not the 5 s timeout.


def test_request_while_disconnected_raises_at_once(make_bridge: BridgeFactory) -> None:
    caller = make_bridge(f"nats://127.0.0.1:{free_port()}")
    started = time.monotonic()
    with pytest.raises(UpstreamUnavailable, match="not connected"):
        caller.request(SUBJECT, {}, timeout=5.0)
    assert time.monotonic() - started < 0.5


def test_responder_errors_reach_the_caller(
    nats_server: EmbeddedNats, make_bridge: BridgeFactory
) -> None:
    def handle(payload: dict[str, Any]) -> dict[str, Any]:
        if payload["case"] == "missing":
            raise NotFound(detail="no such grant")
        raise ValueError("a bug with a secret-ish detail")

    serving(make_bridge(nats_server.url), SUBJECT, handle, queue="echo")
    caller = make_bridge(nats_server.url)
    assert caller.wait_connected(5)

    with pytest.raises(NotFound, match="no such grant"):
        caller.request(SUBJECT, {"case": "missing"})
    with pytest.raises(RegistryError) as caught:
        caller.request(SUBJECT, {"case": "bug"})
    assert caught.value.status == 500
    assert "secret" not in caught.value.detail  # Internals stay in the responder's log.
