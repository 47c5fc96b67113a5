"""The domains service against a local DNS server, over SQLite and MongoDB (mongomock here)."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import falcon.testing
import pytest

from mcp_registry.services.domains.admin import DomainAdmin
from mcp_registry.services.domains.app import create_app
from mcp_registry.services.domains.dns_probe import DnsProbe
from mcp_registry.services.domains.policy import Policy
from mcp_registry.services.domains.recheck import Rechecker
from mcp_registry.services.domains.verification import DomainVerifier
from mcp_registry.shared.auth.configured import key_ring, token_issuer, token_verifier
from mcp_registry.shared.auth.permissions import Permission
from mcp_registry.shared.config import Settings
from mcp_registry.shared.storage.domain_port import DomainStore
from mcp_registry.shared.storage.factory import Stores
from mcp_registry.shared.storage.mongo.changes import MongoChangeLog
from mcp_registry.shared.storage.mongo.database import MongoDatabase
from mcp_registry.shared.storage.mongo.domains import MongoDomainStore
from mcp_registry.shared.storage.mongo.mirror import MongoMirrorStateStore
from mcp_registry.shared.storage.mongo.servers import MongoServerStore
from mcp_registry.shared.storage.mongo.webhooks import MongoWebhookStore
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.storage.sqlite.changes import SqliteChangeLog
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase
from mcp_registry.shared.storage.sqlite.domains import SqliteDomainStore
from mcp_registry.shared.storage.sqlite.mirror import SqliteMirrorStateStore
from mcp_registry.shared.storage.sqlite.servers import SqliteServerStore
from mcp_registry.shared.storage.sqlite.webhooks import SqliteWebhookStore
from tests.support.dns_server import LocalDns
from tests.support.stores import AtomicMongomockClient, as_mongo_client

JWT_SEED = "bb2c6b424005acd5df47a9e2c87f446def86dd740c888ea3efb825b23f7ef47c"
POLICY = Policy(
    challenge_ttl=timedelta(hours=1),
    recheck_interval=timedelta(hours=24),
    retry_interval=timedelta(hours=1),
    revoke_after_failures=3,
    grace_period=timedelta(hours=72),
)


class FakeClock:
    """A settable clock; starts at the time the server store's tests use."""

    def __init__(self) -> None:
        from tests.support.stores import T0

        self.now = T0

    def __call__(self) -> Any:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


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
        sqlite = SqliteDatabase(tmp_path / "registry.db")
        opened = Stores(
            sqlite,
            SqliteServerStore(sqlite),
            SqliteDomainStore(sqlite),
            SqliteChangeLog(sqlite),
            SqliteWebhookStore(sqlite),
            SqliteMirrorStateStore(sqlite),
        )
    else:
        client = AtomicMongomockClient()
        mongo = MongoDatabase(as_mongo_client(client), "mcp_registry_test")
        opened = Stores(
            mongo,
            MongoServerStore(mongo),
            MongoDomainStore(mongo),
            MongoChangeLog(mongo),
            MongoWebhookStore(mongo),
            MongoMirrorStateStore(mongo),
        )
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


@dataclass
class Domains:
    """The service under test, its parts, and a way to act as someone."""

    client: falcon.testing.TestClient
    verifier: DomainVerifier
    rechecker: Rechecker
    store: DomainStore
    server_store: ServerStore
    dns: LocalDns
    clock: FakeClock
    settings: Settings

    def token(self, method: str = "github-at", sub: str = "alice", *, admin: bool = False) -> str:
        keys = key_ring(self.settings, clock=self.clock)
        permissions = (Permission("edit", "*"),) if admin else ()
        issuer = token_issuer(self.settings, keys, clock=self.clock)
        return issuer.mint(auth_method=method, auth_method_sub=sub, permissions=permissions).token

    def call(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        as_: str = "alice",
        admin: bool = False,
        prefix: str = "/v0",
    ) -> falcon.testing.Result:
        headers = {"Authorization": f"Bearer {self.token(sub=as_, admin=admin)}"}
        return self.client.simulate_request(method, prefix + path, json=body, headers=headers)

    def start(self, domain: str, *, as_: str = "alice") -> str:
        """Start a challenge and return the TXT value to publish."""
        result = self.call("POST", "/verify-domain", {"domain": domain}, as_=as_)
        assert result.status_code == 200, result.text
        value: str = result.json["record"]["value"]
        return value

    def verify(self, domain: str, *, as_: str = "alice") -> None:
        """Start, publish the record at the apex, confirm."""
        self.dns.txt[domain] = [self.start(domain, as_=as_)]
        result = self.call("POST", "/verify-domain/check", {"domain": domain}, as_=as_)
        assert result.status_code == 200, result.text


MakeDomains = Callable[..., Domains]


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
