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
from mcp_registry.shared.storage.domain_port import DomainStore
from mcp_registry.shared.storage.factory import Stores, mongo_stores, sqlite_stores
from mcp_registry.shared.storage.mongo.database import MongoDatabase
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase
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
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stores]:
    """A fresh database on each backend with its server and domain stores, initialized."""
    client: AtomicMongomockClient | None = None
    opened: Stores
    if request.param == "sqlite":
        opened = sqlite_stores(SqliteDatabase(tmp_path / "registry.db"))
    else:
        client = AtomicMongomockClient()
        opened = mongo_stores(MongoDatabase(as_mongo_client(client), "mcp_registry_test"))
    opened.init()
    yield opened
    opened.close()
    if client is not None:
        client.close()


@pytest.fixture
def server_store(stores: Stores) -> ServerStore:
    """The server store beside the domain store (same database, outbox and audit log)."""
    return stores.servers


@pytest.fixture
def domain_store(stores: Stores) -> DomainStore:
    return stores.domains


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
