"""Mirroring a second local registry over real HTTP: with its change feed and without one
(``updated_since``), namespace filters, kept timestamps, status changes, latest flips,
upstream errors that back off and delete nothing, and the 409 for local publishes."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import falcon.testing
import pytest

from mcp_registry.services.discovery.app import create_app as discovery_app
from mcp_registry.services.discovery.change_signal import ChangeSignal
from mcp_registry.services.mirror.sync import Mirror
from mcp_registry.services.mirror.upstream import Upstream
from mcp_registry.services.mirror.worker import run_worker
from mcp_registry.services.publishing.app import create_app as publishing_app
from mcp_registry.shared.change_sequencer import SequencingOutbox
from mcp_registry.shared.config import Settings
from mcp_registry.shared.extensions import MIRROR_META_KEY
from mcp_registry.shared.storage.factory import Stores, open_database
from tests.support.registry_tokens import JWT_SEED, TokenMinter
from tests.support.server_json import server_json
from tests.support.stores import ACTOR, Ticker, at, new_version
from tests.support.waiting import wait_until
from tests.support.wsgi_server import served

SCHEMA = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"


@dataclass
class Registry:
    stores: Stores
    clock: Ticker

    def publish(self, name: str, version: str) -> None:
        self.stores.servers.publish(new_version(name, version), actor=ACTOR, now=self.clock())

    def sequence(self) -> None:
        """The relay's first step (the feed's sequencer), without NATS."""
        source = SequencingOutbox(self.stores.outbox, self.stores.servers, self.stores.changes)
        events = source.pending_events(1000)
        source.mark_events_sent([e.id for e in events], now=self.clock())


@pytest.fixture
def registries(tmp_path: Path) -> Iterator[tuple[Registry, Registry]]:
    opened = []
    for name in ("upstream", "local"):
        stores = open_database(f"sqlite:///{tmp_path / name}.db")
        stores.init()
        opened.append(stores)
    yield Registry(opened[0], Ticker(at(0))), Registry(opened[1], Ticker(at(100_000)))
    for stores in opened:
        stores.close()


def _serve(stack: ExitStack, upstream: Registry, *, with_feed: bool) -> str:
    app = discovery_app(
        Settings(),
        store=upstream.stores.servers,
        changes=upstream.stores.changes if with_feed else None,
    )
    return stack.enter_context(served(app))


def _mirror(local: Registry, url: str, namespaces: tuple[str, ...] = ()) -> Mirror:
    return Mirror(
        local.stores.servers,
        local.stores.mirror,
        Upstream(url, timeout=5),
        namespaces=namespaces,
        clock=local.clock,
    )


@pytest.mark.parametrize("with_feed", [True, False], ids=["change-feed", "updated-since"])
def test_versions_statuses_and_latest_flips_arrive(
    registries: tuple[Registry, Registry], with_feed: bool
) -> None:
    upstream, local = registries
    upstream.publish("io.github.alice/weather", "1.0.0")
    upstream.publish("com.example/other", "0.1.0")
    upstream.sequence()
    with ExitStack() as stack:
        url = _serve(stack, upstream, with_feed=with_feed)
        mirror = _mirror(local, url, namespaces=("io.github.*",))
        first = mirror.sync_once()
        assert first.error is None
        assert first.new == 1
        mirrored = local.stores.servers.get_version("io.github.alice/weather", "1.0.0")
        assert mirrored is not None
        original = upstream.stores.servers.get_version("io.github.alice/weather", "1.0.0")
        assert original is not None
        assert mirrored.published_at == original.published_at  # upstream's time kept
        assert mirrored.server["_meta"][MIRROR_META_KEY]["source"] == url
        assert local.stores.servers.get_version("com.example/other", "0.1.0") is None

        # A new version (the latest flips) and a status change upstream.
        upstream.publish("io.github.alice/weather", "1.1.0")
        upstream.stores.servers.set_status(
            "io.github.alice/weather",
            "1.0.0",
            "deprecated",
            "old",
            actor=ACTOR,
            now=upstream.clock(),
        )
        upstream.sequence()
        second = mirror.sync_once()
        assert second.error is None
        assert second.new == 1
        assert second.updated == 1
        old = local.stores.servers.get_version("io.github.alice/weather", "1.0.0")
        latest = local.stores.servers.get_latest("io.github.alice/weather")
        assert old is not None
        assert old.status == "deprecated"
        assert old.status_message == "old"
        assert latest is not None
        assert latest.version == "1.1.0"
        state = local.stores.mirror.get(url)
        assert state is not None
        assert state["mode"] == ("feed" if with_feed else "updated_since")
        assert state["lastError"] is None
        # Caught up: nothing new the next time.
        third = mirror.sync_once()
        assert (third.new, third.updated) == (0, 0)


def test_an_unreachable_upstream_backs_off_and_deletes_nothing(
    registries: tuple[Registry, Registry],
) -> None:
    upstream, local = registries
    upstream.publish("io.github.alice/weather", "1.0.0")
    upstream.sequence()
    with ExitStack() as stack:
        url = _serve(stack, upstream, with_feed=True)
        mirror = _mirror(local, url)
        assert mirror.sync_once().error is None
    # The upstream is gone now.
    failed = mirror.sync_once()
    assert failed.error is not None
    assert local.stores.servers.get_version("io.github.alice/weather", "1.0.0") is not None
    state = local.stores.mirror.get(url)
    assert state is not None
    assert state["failures"] == 1
    assert state["lastError"] == failed.error
    assert state["lastSync"] is not None
    # Visible on discovery's /metrics (the worker serves no HTTP).
    app = discovery_app(Settings(), store=local.stores.servers, mirror=local.stores.mirror)
    metrics = falcon.testing.TestClient(app).simulate_get("/metrics").text
    assert f'mcp_registry_mirror_failures{{source="{url}"}} 1.0' in metrics
    assert "mcp_registry_mirror_last_sync_timestamp_seconds" in metrics


def test_local_publishes_into_a_mirrored_name_are_refused(
    registries: tuple[Registry, Registry], tmp_path: Path
) -> None:
    upstream, local = registries
    upstream.publish("io.github.alice/weather", "1.0.0")
    upstream.sequence()
    with ExitStack() as stack:
        url = _serve(stack, upstream, with_feed=True)
        assert _mirror(local, url).sync_once().new == 1
    cases = [
        (False, "io.github.alice/weather", 409),
        (False, "io.github.alice/private", 200),  # a local entry beside the mirrored ones
        (True, "io.github.alice/weather", 200),
    ]
    for n, (allow, name, expected) in enumerate(cases):
        settings = Settings(
            data_dir=str(tmp_path / "data"), jwt_private_key=JWT_SEED, mirror_allow_overrides=allow
        )
        tokens = TokenMinter(settings)
        app = publishing_app(settings, store=local.stores.servers, verifier=tokens.verifier())
        client = falcon.testing.TestClient(app)
        doc = server_json(name=name, version=f"2.0.{n}")
        doc["$schema"] = SCHEMA
        result = client.simulate_post(
            "/v0/publish", json=doc, headers=tokens.bearer(publish=("io.github.alice/*",))
        )
        assert result.status_code == expected, result.text


def test_the_worker_long_polls_an_upstream_feed(registries: tuple[Registry, Registry]) -> None:
    upstream, local = registries
    signal = ChangeSignal()
    app = discovery_app(
        Settings(),
        store=upstream.stores.servers,
        changes=upstream.stores.changes,
        change_signal=signal,
    )
    stop = threading.Event()
    with served(app) as url:
        mirror = Mirror(
            local.stores.servers,
            local.stores.mirror,
            Upstream(url, timeout=5),
            namespaces=(),
            clock=local.clock,
            wait=2.0,
        )
        worker = threading.Thread(target=run_worker, args=(mirror, 60.0, stop))
        worker.start()
        try:
            wait_until(lambda: mirror.long_polls, what="the first pull done, in feed mode")
            wait_until(lambda: signal.waiting == 1, what="the mirror waiting at the feed head")
            committed = time.monotonic()
            upstream.publish("io.github.alice/weather", "3.0.0")
            upstream.sequence()
            signal.notify()  # what the NATS event does in a deployment
            wait_until(
                lambda: (
                    local.stores.servers.get_version("io.github.alice/weather", "3.0.0") is not None
                ),
                timeout=5,
                what="the change mirrored",
            )
            assert time.monotonic() - committed < 1.0  # not an interval (60 s) later
        finally:
            stop.set()
            signal.notify()
            worker.join(15)
