"""The deployment's NATS users against a real nats-server: least privilege holds.

Only the writers (publishing, domains, the relay) may publish events; discovery may only
subscribe to them; grants requests reach only domains. The server loads the chart's own
authorization file, so this is what a cluster enforces.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nats
import pytest

from mcp_registry.services.webhooks.consumer import consume
from mcp_registry.shared.errors import UpstreamUnavailable
from mcp_registry.shared.event_model import DOMAINS_GRANTS, SERVER_PUBLISHED, new_event
from mcp_registry.shared.events.credentials import NatsCredentials
from mcp_registry.shared.events.nats_users import render_authorization
from tests.support.nats import BridgeFactory
from tests.support.nats_auth import AUTHORIZATION_FILE, SecuredNats, start_secured_nats
from tests.support.tls import TestCA
from tests.support.waiting import wait_until

pytestmark = pytest.mark.nats

NOW = datetime(2025, 6, 1, tzinfo=UTC)


@pytest.fixture
def secured(tmp_path: Path) -> Iterator[SecuredNats]:
    running = start_secured_nats(tmp_path / "nats")
    try:
        yield running
    finally:
        running.server.stop()


def test_the_chart_ships_the_generated_authorization() -> None:
    assert AUTHORIZATION_FILE.read_text(encoding="utf-8") == render_authorization()


async def _publish_as(url: str, subject: str) -> list[str]:
    """Publish one message as the URL's user; the errors the server reported meanwhile."""
    errors: list[str] = []

    async def on_error(exc: Exception) -> None:
        errors.append(str(exc))

    nc = await nats.connect(url, allow_reconnect=False, connect_timeout=2, error_cb=on_error)
    try:
        await nc.publish(subject, b"{}")
        await nc.flush(timeout=2)
        for _ in range(200):
            if errors:
                break
            await asyncio.sleep(0.01)
    finally:
        await nc.close()
    return errors


def test_discovery_may_not_publish_events(secured: SecuredNats) -> None:
    errors = asyncio.run(_publish_as(secured.url_for("discovery"), SERVER_PUBLISHED))
    assert any("permissions violation for publish" in e.lower() for e in errors), errors


def test_identity_may_not_publish_events(secured: SecuredNats) -> None:
    errors = asyncio.run(_publish_as(secured.url_for("identity"), SERVER_PUBLISHED))
    assert any("permissions violation for publish" in e.lower() for e in errors), errors


def test_discovery_may_not_ask_for_grants(secured: SecuredNats) -> None:
    errors = asyncio.run(_publish_as(secured.url_for("discovery"), DOMAINS_GRANTS))
    assert any("permissions violation for publish" in e.lower() for e in errors), errors


def test_a_wrong_password_is_refused(secured: SecuredNats, make_bridge: BridgeFactory) -> None:
    bridge = make_bridge(
        secured.server.url, credentials=NatsCredentials(user="relay", password="wrong")
    )
    assert not bridge.wait_connected(1)
    log = secured.server.log_path
    wait_until(
        lambda: 'authentication error - user "relay"' in log.read_text().lower(), what="the refusal"
    )


def test_the_relay_stores_events_that_discovery_receives(
    secured: SecuredNats, make_bridge: BridgeFactory
) -> None:
    received: list[tuple[str, dict[str, Any]]] = []
    discovery = make_bridge(secured.url_for("discovery"), name="discovery")
    discovery.subscribe("registry.events.server.>", lambda s, p: received.append((s, p)))
    assert discovery.wait_connected(5)
    # Credentials from the settings rather than the URL: the chart's way.
    relay = make_bridge(
        secured.server.url,
        name="relay",
        credentials=NatsCredentials(user="relay", password=secured.passwords["relay"]),
    )
    assert relay.wait_connected(5)
    relay.ensure_stream()
    event = new_event(SERVER_PUBLISHED, {"name": "io.github.a/b", "version": "1.0.0"}, now=NOW)
    relay.publish_event(event)  # Returns once JetStream acknowledged it.
    wait_until(lambda: bool(received), what="discovery to receive the event")
    assert received == [(SERVER_PUBLISHED, {"name": "io.github.a/b", "version": "1.0.0"})]


def test_identity_asks_domains_for_grants(secured: SecuredNats, make_bridge: BridgeFactory) -> None:
    domains = make_bridge(secured.url_for("domains"), name="domains")
    domains.reply(DOMAINS_GRANTS, lambda payload: {"echo": payload}, queue="domains")
    assert domains.wait_connected(5)
    for name in ("identity", "publishing"):
        asker = make_bridge(secured.url_for(name), name=name)
        assert asker.wait_connected(5)
        assert asker.request(DOMAINS_GRANTS, {"subject": name}, timeout=2) == {
            "echo": {"subject": name}
        }


def test_discovery_cannot_answer_grants(secured: SecuredNats, make_bridge: BridgeFactory) -> None:
    impostor = make_bridge(secured.url_for("discovery"), name="impostor")
    impostor.reply(DOMAINS_GRANTS, lambda payload: {"granted": ["*"]}, queue="domains")
    assert impostor.wait_connected(5)
    identity = make_bridge(secured.url_for("identity"), name="identity")
    assert identity.wait_connected(5)
    with pytest.raises(UpstreamUnavailable):
        identity.request(DOMAINS_GRANTS, {"subject": "x"}, timeout=0.5)


def test_clients_verify_the_servers_certificate(tmp_path: Path, make_bridge: BridgeFactory) -> None:
    ca = TestCA(tmp_path)
    ca.server_context("localhost")
    running = start_secured_nats(
        tmp_path / "nats", cert_file=tmp_path / "localhost.pem", key_file=tmp_path / "localhost.key"
    )
    try:
        url = running.server.url.replace("127.0.0.1", "localhost")
        password = running.passwords["relay"]
        trusting = make_bridge(
            url,
            name="trusting",
            credentials=NatsCredentials(
                user="relay", password=password, tls=True, ca_file=str(ca.ca_file)
            ),
        )
        assert trusting.wait_connected(5)
        trusting.ensure_stream()
        distrusting = make_bridge(
            url, name="distrusting", credentials=NatsCredentials(user="relay", password=password)
        )
        assert not distrusting.wait_connected(1)
    finally:
        running.server.stop()


def test_the_charts_own_configuration_with_tls(tmp_path: Path, make_bridge: BridgeFactory) -> None:
    """The nats.conf the chart renders (users and TLS) loads in nats-server and enforces both."""
    pytest.importorskip("helm_python", reason="helm-python-sdk (the Helm engine)")
    import secrets

    from mcp_registry.shared.events.embedded import EmbeddedNats
    from mcp_registry.shared.events.nats_users import USERS
    from tests.unit.deploy.repo import FULLNAME, by_kind, load_values, objects, render

    config = by_kind(objects(render(load_values("hardened"))), "ConfigMap")[f"{FULLNAME}-nats"]
    ca = TestCA(tmp_path)
    ca.server_context("localhost")
    certs = tmp_path / "nats-tls"
    certs.mkdir()
    (certs / "tls.crt").write_bytes((tmp_path / "localhost.pem").read_bytes())
    (certs / "tls.key").write_bytes((tmp_path / "localhost.key").read_bytes())
    (certs / "ca.crt").write_bytes(ca.ca_file.read_bytes())
    conf_dir = tmp_path / "etc-nats"
    conf_dir.mkdir()
    for name, text in config["data"].items():
        (conf_dir / name).write_text(text.replace("/etc/nats-tls/", f"{certs}/"))
    passwords = {u.name: "p" + secrets.token_hex(16) for u in USERS}
    server = EmbeddedNats(
        tmp_path / "store",
        config_file=conf_dir / "nats.conf",
        environment={u.password_variable: passwords[u.name] for u in USERS},
    )
    server.start()
    try:
        url = server.url.replace("127.0.0.1", "localhost")

        def credentials(user: str) -> NatsCredentials:
            return NatsCredentials(
                user=user, password=passwords[user], tls=True, ca_file=str(ca.ca_file)
            )

        relay = make_bridge(url, name="relay", credentials=credentials("relay"))
        assert relay.wait_connected(5)
        relay.ensure_stream()
        discovery = make_bridge(url, name="discovery", credentials=credentials("discovery"))
        assert discovery.wait_connected(5)
        with pytest.raises(UpstreamUnavailable):
            # No permission on the stream API: JetStream never answers discovery.
            discovery.ensure_stream(timeout=1)
    finally:
        server.stop()


def test_the_webhooks_worker_consumes_events_and_may_not_publish_them(
    secured: SecuredNats, make_bridge: BridgeFactory
) -> None:
    relay = make_bridge(
        secured.server.url,
        name="relay",
        credentials=NatsCredentials(user="relay", password=secured.passwords["relay"]),
    )
    assert relay.wait_connected(5)
    relay.ensure_stream()
    event = new_event(SERVER_PUBLISHED, {"name": "io.github.a/b", "version": "1.0.0"}, now=NOW)
    relay.publish_event(event)
    stop = threading.Event()
    seen: list[tuple[str, str]] = []

    def handle(event_id: str, subject: str) -> None:
        seen.append((event_id, subject))
        stop.set()

    # The worker's own consumer loop, with the webhooks user's credentials from the settings.
    credentials = NatsCredentials(user="webhooks", password=secured.passwords["webhooks"])
    worker = threading.Thread(
        target=consume,
        args=(secured.server.url, "webhooks-permissions", handle, stop),
        kwargs={"credentials": credentials},
        daemon=True,
    )
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "the webhooks user could not consume the stream"
    assert seen == [(event.id, SERVER_PUBLISHED)]
    errors = asyncio.run(_publish_as(secured.url_for("webhooks"), SERVER_PUBLISHED))
    assert any("permissions violation for publish" in e.lower() for e in errors), errors
