"""Rate limits hold across worker processes: two ``serve all`` processes on one database.

Each process runs one gunicorn worker; requests alternate between them, so a quota is only
respected when both count in the shared database. Windows are an hour long, and each test
starts well inside one (waiting out the last seconds of an hour if it must).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass

import pytest

from mcp_registry.shared.auth.configured import key_ring, token_issuer
from mcp_registry.shared.auth.permissions import Permission
from mcp_registry.shared.config import Settings
from tests.support.http import Reply, free_port, request
from tests.support.processes import CLI, run_cli, spawn, stop, wait_until_healthy
from tests.support.waiting import wait_until

JWT_SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
AUTH_QUOTA = 6
WRITE_QUOTA = 4
SCHEMA = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"


@dataclass
class Replicas:
    urls: list[str]
    settings: Settings

    def bearer(self, sub: str) -> dict[str, str]:
        minted = token_issuer(self.settings, key_ring(self.settings)).mint(
            auth_method="github-at",
            auth_method_sub=sub,
            permissions=(Permission("publish", f"io.github.{sub}/*"),),
        )
        return {"Authorization": f"Bearer {minted.token}", "Content-Type": "application/json"}


def wait_for_a_fresh_window() -> None:
    """Return at once unless the current hour ends within a minute; then wait it out."""
    wait_until(lambda: 3600 - time.time() % 3600 >= 60, timeout=70, what="a fresh hour window")


@pytest.fixture(scope="module")
def replicas(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replicas]:
    workdir = tmp_path_factory.mktemp("rate-limits")
    env = {
        **os.environ,
        "MCP_REGISTRY_DATA_DIR": str(workdir / "data"),
        "MCP_REGISTRY_DATABASE_URL": f"sqlite:///{workdir / 'registry.db'}",
        "MCP_REGISTRY_JWT_PRIVATE_KEY": JWT_SEED,
        "MCP_REGISTRY_ENABLE_ANONYMOUS_AUTH": "true",
        "MCP_REGISTRY_ENABLE_REGISTRY_VALIDATION": "false",
        "MCP_REGISTRY_WORKERS": "1",
        "MCP_REGISTRY_RATE_LIMIT_AUTH": f"{AUTH_QUOTA}/hour",
        "MCP_REGISTRY_RATE_LIMIT_WRITES": f"{WRITE_QUOTA}/hour",
    }
    env.pop("MCP_REGISTRY_NATS_URL", None)
    init = run_cli(["db", "init"], env)
    assert init.returncode == 0, init.stdout + init.stderr
    with ExitStack() as cleanup:
        children = []
        urls = []
        for name in ("replica-a", "replica-b"):
            port = free_port()
            child = spawn(name, [*CLI, "serve", "all", "--bind", f"127.0.0.1:{port}"], workdir, env)
            cleanup.callback(stop, child)
            children.append(child)
            urls.append(f"http://127.0.0.1:{port}")
        for url in urls:
            wait_until_healthy(url, children)
        yield Replicas(urls, Settings.from_env(env))


def publish(url: str, headers: dict[str, str], name: str, version: str) -> Reply:
    doc = {"$schema": SCHEMA, "name": name, "version": version, "description": "Test"}
    return request(url, "POST", "/v0/publish", headers=headers, body=json.dumps(doc).encode())


def test_the_auth_limit_is_shared_by_both_processes(replicas: Replicas) -> None:
    wait_for_a_fresh_window()
    a, b = replicas.urls
    for i in range(AUTH_QUOTA):
        reply = request([a, b][i % 2], "POST", "/v0/auth/none")
        assert reply.status == 200, reply.body
        assert reply.header("RateLimit-Policy") == f'"auth";q={AUTH_QUOTA};w=3600'
        assert (reply.header("RateLimit") or "").startswith(f'"auth";r={AUTH_QUOTA - 1 - i};t=')
    for url in (a, b):
        refused = request(url, "POST", "/v0/auth/none")
        assert refused.status == 429
        assert refused.header("Content-Type") == "application/problem+json"
        assert refused.json["status"] == 429
        retry_after = int(refused.header("Retry-After") or "0")
        assert 0 < retry_after <= 3600
        assert refused.header("RateLimit") == f'"auth";r=0;t={retry_after}'
    # verify-domain counts against the same address quota.
    assert request(a, "GET", "/v0/verify-domain").status == 429
    # Reads are not limited by default.
    reply = request(b, "GET", "/v0/servers")
    assert reply.status == 200
    assert reply.header("RateLimit") is None


def test_the_write_limit_is_per_identity_and_shared_by_both_processes(
    replicas: Replicas,
) -> None:
    wait_for_a_fresh_window()
    a, b = replicas.urls
    alice = replicas.bearer("alice")
    for i in range(WRITE_QUOTA):
        reply = publish([a, b][i % 2], alice, "io.github.alice/weather", f"1.0.{i}")
        assert reply.status == 200, reply.body
        assert reply.header("RateLimit-Policy") == f'"writes";q={WRITE_QUOTA};w=3600'
    refused = publish(b, alice, "io.github.alice/weather", "2.0.0")
    assert refused.status == 429
    assert "Rate limit exceeded" in refused.json["detail"]
    assert refused.header("Retry-After")
    # Another identity has its own quota.
    assert publish(a, replicas.bearer("bob"), "io.github.bob/weather", "1.0.0").status == 200
