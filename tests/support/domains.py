"""The domains service under test, as the domains folder's ``domains`` fixture builds it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import falcon.testing

from mcp_registry.services.domains.policy import Policy
from mcp_registry.services.domains.recheck import Rechecker
from mcp_registry.services.domains.verification import DomainVerifier
from mcp_registry.shared.auth.configured import key_ring, token_issuer
from mcp_registry.shared.auth.permissions import Permission
from mcp_registry.shared.config import Settings
from mcp_registry.shared.storage.domain_port import DomainStore
from mcp_registry.shared.storage.port import ServerStore
from tests.support.dns_server import LocalDns
from tests.support.stores import T0

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
        self.now = T0

    def __call__(self) -> Any:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


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
