"""The domains service against a local DNS server, over SQLite and MongoDB (mongomock here)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import falcon.testing
import pytest

from mcp_registry.services.domains.admin import DomainAdmin
from mcp_registry.services.domains.app import create_app
from mcp_registry.services.domains.dns_probe import DnsProbe
from mcp_registry.services.domains.recheck import Rechecker
from mcp_registry.services.domains.verification import DomainVerifier
from mcp_registry.shared.auth.configured import key_ring, token_verifier
from mcp_registry.shared.config import Settings
from mcp_registry.shared.storage.domain_factory import domain_store_for
from mcp_registry.shared.storage.domain_port import DomainStore
from mcp_registry.shared.storage.mongo import MongoServerStore
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.storage.sqlite import SqliteServerStore
from tests.support.dns_server import LocalDns
from tests.support.domains import POLICY, Domains, FakeClock
from tests.support.stores import AtomicMongomockClient, as_mongo_client

JWT_SEED = "bb2c6b424005acd5df47a9e2c87f446def86dd740c888ea3efb825b23f7ef47c"


@pytest.fixture
def dns() -> Iterator[LocalDns]:
    with LocalDns() as server:
        yield server


@pytest.fixture
def settings(dns: LocalDns, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=str(tmp_path / "data"),
        jwt_private_key=JWT_SEED,
        dns_nameservers=(dns.nameserver,),
        dns_timeout=1.0,
    )


@pytest.fixture(params=["sqlite", "mongodb"])
def server_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerStore]:
    """A fresh server store (the domain store lives beside it) on each backend."""
    store: ServerStore
    client: AtomicMongomockClient | None = None
    if request.param == "sqlite":
        store = SqliteServerStore(tmp_path / "registry.db")
    else:
        client = AtomicMongomockClient()
        store = MongoServerStore(as_mongo_client(client), "mcp_registry_test")
    store.init()
    yield store
    store.close()
    if client is not None:
        client.close()


@pytest.fixture
def domain_store(server_store: ServerStore) -> DomainStore:
    store = domain_store_for(server_store)
    store.init()
    return store


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def domains(
    settings: Settings,
    domain_store: DomainStore,
    server_store: ServerStore,
    dns: LocalDns,
    clock: FakeClock,
) -> Domains:
    probe = DnsProbe.from_settings(settings)
    verifier = DomainVerifier(domain_store, probe, POLICY, clock=clock)
    admin = DomainAdmin(domain_store, POLICY, clock=clock)
    tokens = token_verifier(settings, key_ring(settings, clock=clock), clock=clock)
    app = create_app(settings, verifier=verifier, admin=admin, tokens=tokens)
    rechecker = Rechecker(domain_store, probe, POLICY, clock=clock)
    return Domains(
        falcon.testing.TestClient(app),
        verifier,
        rechecker,
        domain_store,
        server_store,
        dns,
        clock,
        settings,
    )


@pytest.fixture
def silent_nameserver() -> Iterator[str]:
    """A UDP socket that never answers: lookups against it time out."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    try:
        yield f"127.0.0.1:{sock.getsockname()[1]}"
    finally:
        sock.close()
