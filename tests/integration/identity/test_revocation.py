"""Ending tokens: logout revokes the presented token, an admin revokes a subject's tokens.

The whole registry of one process (every service over one real SQLite file, as ``dev`` runs
it), twice over the same data directory: two replicas that share only the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import falcon.testing
import pytest

from mcp_registry.services.runtime.apps import build_composed
from mcp_registry.services.runtime.process import ProcessDeps
from mcp_registry.shared.auth.configured import key_ring, token_issuer
from mcp_registry.shared.auth.permissions import EDIT, PUBLISH, Permission
from mcp_registry.shared.clock import utcnow
from mcp_registry.shared.config import Settings
from tests.support.problems import problem_text

JWT_SEED = "1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100"
SCHEMA = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"
ANON = "io.modelcontextprotocol.anonymous"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=str(tmp_path / "data"),
        jwt_private_key=JWT_SEED,
        enable_anonymous_auth=True,
        enable_registry_validation=False,
    )


@pytest.fixture
def replicas(settings: Settings) -> Iterator[tuple[falcon.testing.TestClient, ...]]:
    deps = [ProcessDeps(settings), ProcessDeps(settings)]
    try:
        yield tuple(falcon.testing.TestClient(build_composed(d)) for d in deps)
    finally:
        for d in deps:
            d.close()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def doc(name: str, version: str) -> dict[str, Any]:
    return {"$schema": SCHEMA, "name": name, "version": version, "description": "Test"}


def login(client: falcon.testing.TestClient) -> str:
    result = client.simulate_post("/v0/auth/none")
    assert result.status_code == 200, result.text
    token: str = result.json["registry_token"]
    return token


def mint(settings: Settings, *perms: Permission, sub: str = "alice", later: int = 0) -> str:
    def clock() -> Any:
        return utcnow() + timedelta(seconds=later)

    issuer = token_issuer(settings, key_ring(settings), clock=clock)
    return issuer.mint(auth_method="github-at", auth_method_sub=sub, permissions=perms).token


def test_a_revoked_token_stops_working_on_every_replica(
    replicas: tuple[falcon.testing.TestClient, ...],
) -> None:
    one, two = replicas
    token = login(one)
    assert (
        one.simulate_post(
            "/v0/publish", json=doc(f"{ANON}/weather", "1.0.0"), headers=bearer(token)
        ).status_code
        == 200
    )
    revoked = one.simulate_post("/v0/auth/revoke", headers=bearer(token))
    assert revoked.status_code == 200, revoked.text
    assert revoked.json["revoked"] == "token"
    assert revoked.headers["cache-control"] == "no-store"
    for client in (one, two):
        refused = client.simulate_post(
            "/v0.1/publish", json=doc(f"{ANON}/weather", "1.0.1"), headers=bearer(token)
        )
        assert refused.status_code == 401
        assert "revoked" in problem_text(refused.json)
        status = client.simulate_patch(
            f"/v0/servers/{ANON}%2Fweather/versions/1.0.0/status",
            json={"status": "deprecated"},
            headers=bearer(token),
        )
        assert status.status_code == 401
    # Revoking twice: the token is no longer valid at all.
    assert two.simulate_post("/v0/auth/revoke", headers=bearer(token)).status_code == 401
    # Only that token: a new login publishes again.
    fresh = login(two)
    again = two.simulate_post(
        "/v0/publish", json=doc(f"{ANON}/weather", "1.0.1"), headers=bearer(fresh)
    )
    assert again.status_code == 200


def test_revoke_needs_a_valid_token(replicas: tuple[falcon.testing.TestClient, ...]) -> None:
    one, _ = replicas
    assert one.simulate_post("/v0/auth/revoke").status_code == 401
    assert one.simulate_post("/v0/auth/revoke", headers=bearer("x.y.z")).status_code == 401


def test_an_admin_revokes_every_token_of_a_subject(
    settings: Settings, replicas: tuple[falcon.testing.TestClient, ...]
) -> None:
    one, two = replicas
    alice = mint(settings, Permission(PUBLISH, "io.github.alice/*"))
    bob = mint(settings, Permission(PUBLISH, "io.github.bob/*"), sub="bob")
    admin = mint(settings, Permission(EDIT, "*"), sub="root")
    not_admin = one.simulate_post(
        "/v0/auth/revoke", json={"subject": "github-at:alice"}, headers=bearer(bob)
    )
    assert not_admin.status_code == 403
    bad = one.simulate_post("/v0/auth/revoke", json={"subject": 7}, headers=bearer(admin))
    assert bad.status_code == 422
    done = one.simulate_post(
        "/v0/auth/revoke", json={"subject": "github-at:alice"}, headers=bearer(admin)
    )
    assert done.status_code == 200, done.text
    assert done.json["revoked"] == "subject"
    refused = two.simulate_post(
        "/v0/publish", json=doc("io.github.alice/weather", "1.0.0"), headers=bearer(alice)
    )
    assert refused.status_code == 401
    ok = two.simulate_post(
        "/v0/publish", json=doc("io.github.bob/weather", "1.0.0"), headers=bearer(bob)
    )
    assert ok.status_code == 200, ok.text
    # A token issued after the cutoff (the next second on) works.
    later = mint(settings, Permission(PUBLISH, "io.github.alice/*"), later=2)
    fresh = two.simulate_post(
        "/v0/publish", json=doc("io.github.alice/weather", "1.0.0"), headers=bearer(later)
    )
    assert fresh.status_code == 200, fresh.text


def test_a_token_living_longer_than_this_registry_issues_is_refused(
    settings: Settings, replicas: tuple[falcon.testing.TestClient, ...]
) -> None:
    one, _ = replicas
    long_lived = Settings(
        data_dir=settings.data_dir, jwt_private_key=JWT_SEED, token_lifetime=30 * 86400
    )
    token = token_issuer(long_lived, key_ring(long_lived)).mint(
        auth_method="github-at",
        auth_method_sub="alice",
        permissions=(Permission(PUBLISH, "io.github.alice/*"),),
    )
    result = one.simulate_post(
        "/v0/publish", json=doc("io.github.alice/weather", "1.0.0"), headers=bearer(token.token)
    )
    assert result.status_code == 401
    assert "lifetime" in problem_text(result.json)
