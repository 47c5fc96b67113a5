"""Domain rules of publishing without HTTP: permissions, status bodies, the version limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mcp_registry.services.publishing.authorization import require_publish
from mcp_registry.services.publishing.changes import parse_status_change
from mcp_registry.services.publishing.ownership import OwnershipChecker
from mcp_registry.services.publishing.rules import Publisher
from mcp_registry.shared.auth.permissions import Permission
from mcp_registry.shared.auth.tokens import RegistryClaims
from mcp_registry.shared.errors import BadRequest, Forbidden, InvalidInput
from mcp_registry.shared.storage.records import Actor
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase
from mcp_registry.shared.storage.sqlite.servers import SqliteServerStore
from tests.support.stores import Ticker

SCHEMA = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"
NOW = datetime(2025, 1, 1, tzinfo=UTC)


def _claims(*patterns: str) -> RegistryClaims:
    return RegistryClaims(
        auth_method="github-at",
        auth_method_sub="alice",
        permissions=tuple(Permission("publish", p) for p in patterns),
        issuer="i",
        audience="a",
        subject="github-at:alice",
        issued_at=NOW,
        expires_at=NOW + timedelta(minutes=5),
        jti="j",
        kid="k",
    )


def test_publish_permission_matching() -> None:
    require_publish(_claims("io.github.alice/*"), "io.github.alice/tools")
    require_publish(_claims("*"), "com.example/x")
    with pytest.raises(Forbidden, match="You do not have any publish permissions"):
        require_publish(_claims(), "io.github.alice/tools")
    with pytest.raises(Forbidden, match="GitHub login as 'bob'"):
        require_publish(_claims("io.github.alice/*"), "io.github.bob/x")
    # Matching is case-sensitive, like the official registry.
    with pytest.raises(Forbidden):
        require_publish(_claims("io.github.alice/*"), "io.github.Alice/x")


def test_status_bodies() -> None:
    change = parse_status_change({"status": "deprecated", "statusMessage": "old"})
    assert (change.status, change.message) == ("deprecated", "old")
    assert parse_status_change({"status": "active"}).message is None
    bodies: list[object] = [
        [],
        {"status": 1},
        {"status": "gone"},
        {"status": "deleted", "extra": 1},
    ]
    for bad in bodies:
        with pytest.raises(InvalidInput):
            parse_status_change(bad)
    with pytest.raises(BadRequest, match="cannot be provided when setting status to active"):
        parse_status_change({"status": "active", "statusMessage": "x"})


def test_version_limit_per_name(tmp_path: Path) -> None:
    store = SqliteServerStore(SqliteDatabase(str(tmp_path / "r.db")))
    store.init()
    try:
        publisher = Publisher(store, OwnershipChecker.disabled(), Ticker(), max_versions=3)
        actor = Actor("github-at:alice", "github-at")
        for i in range(3):
            doc = {"$schema": SCHEMA, "name": "io.github.alice/tools", "version": f"1.0.{i}"}
            publisher.publish({**doc, "description": "d"}, actor)
        with pytest.raises(BadRequest) as caught:
            publisher.publish(
                {
                    "$schema": SCHEMA,
                    "name": "io.github.alice/tools",
                    "version": "2.0.0",
                    "description": "d",
                },
                actor,
            )
        assert caught.value.detail == "Failed to publish server"
        assert "at most 3" in caught.value.errors[0].message
    finally:
        store.close()
