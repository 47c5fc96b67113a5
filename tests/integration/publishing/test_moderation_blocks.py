"""Namespace blocks and takedowns over both backends: refused publishes, events, audit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mcp_registry.shared.auth.signing_keys import KeyRing
from mcp_registry.shared.config import Settings
from mcp_registry.shared.event_model import NAMESPACE_BLOCKED
from mcp_registry.shared.storage.factory import Stores
from tests.support.moderation import Moderated, fresh_stores, moderated_app
from tests.support.publishing import Tokens
from tests.support.server_json import server_json

SQUATTER = ("io.github.squatter/*",)
BLOCK = "/v0.1/admin/namespaces/io.github.squatter%2F*/block"


@pytest.fixture(params=["sqlite", "mongodb"])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stores]:
    with fresh_stores(str(request.param), tmp_path) as opened:
        yield opened


@pytest.fixture
def app(settings: Settings, keys: KeyRing, stores: Stores) -> Moderated:
    return moderated_app(settings, keys, stores)


def admin(tokens: Tokens) -> dict[str, str]:
    return tokens.bearer(edit=("*",), method="admin", sub="operator@host")


def publish(app: Moderated, tokens: Tokens, name: str, version: str = "1.0.0") -> int:
    doc = server_json(name=name, version=version)
    return app.post("/v0/publish", doc, tokens.bearer(SQUATTER, sub="squatter")).status_code


def test_a_blocked_namespace_refuses_publishing_with_the_reason(
    app: Moderated, tokens: Tokens
) -> None:
    assert publish(app, tokens, "io.github.squatter/one") == 200
    blocked = app.post(BLOCK, {"reason": "squatting on a brand"}, admin(tokens))
    assert blocked.status_code == 200, blocked.text
    assert blocked.json["pattern"] == "io.github.squatter/*"
    assert blocked.json["blockedBy"] == "admin:operator@host"
    assert blocked.json["hidden"] == []

    refused = app.post(
        "/v0/publish",
        server_json(name="io.github.squatter/two", version="1.0.0"),
        tokens.bearer(SQUATTER, sub="squatter"),
    )
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert "io.github.squatter/* is blocked" in refused.json["detail"]
    assert "squatting on a brand" in refused.json["detail"]
    # Existing entries stay readable unless the block hides them.
    assert app.stores.servers.get_version("io.github.squatter/one", "1.0.0") is not None

    listed = app.client.simulate_get("/v0.1/admin/namespaces", headers=admin(tokens))
    assert [b["pattern"] for b in listed.json["blocks"]] == ["io.github.squatter/*"]

    assert app.client.simulate_delete(BLOCK, headers=admin(tokens)).status_code == 204
    assert publish(app, tokens, "io.github.squatter/two") == 200
    assert app.client.simulate_delete(BLOCK, headers=admin(tokens)).status_code == 404


def test_blocking_emits_the_event_and_audits_who_and_why(app: Moderated, tokens: Tokens) -> None:
    assert app.post(BLOCK, {"reason": "malware"}, admin(tokens)).status_code == 200
    events = [e for e in app.stores.outbox.pending_events() if e.subject == NAMESPACE_BLOCKED]
    assert len(events) == 1
    assert events[0].payload == {
        "pattern": "io.github.squatter/*",
        "reason": "malware",
        "hide": False,
        "blockedBy": "admin:operator@host",
    }
    app.client.simulate_delete(BLOCK, headers=admin(tokens))
    audit = app.client.simulate_get(
        "/v0.1/admin/audit", params={"target": "io.github.squatter/*"}, headers=admin(tokens)
    )
    assert [(e["action"], e["subject"]) for e in audit.json["entries"]] == [
        ("namespace.unblock", "admin:operator@host"),
        ("namespace.block", "admin:operator@host"),
    ]
    assert audit.json["entries"][1]["detail"] == {"reason": "malware", "hide": False}


def test_hide_takes_every_version_down_and_the_publisher_cannot_restore_it(
    app: Moderated, tokens: Tokens
) -> None:
    for name, version in [
        ("io.github.squatter/one", "1.0.0"),
        ("io.github.squatter/one", "1.1.0"),
        ("io.github.squatter/two", "0.1.0"),
    ]:
        assert publish(app, tokens, name, version) == 200
    assert (
        app.post(
            "/v0/publish",
            server_json(name="io.github.alice/weather", version="1.0.0"),
            tokens.bearer(("io.github.alice/*",)),
        ).status_code
        == 200
    )

    blocked = app.post(BLOCK, {"reason": "malware in packages", "hide": True}, admin(tokens))
    assert blocked.status_code == 200
    assert blocked.json["hidden"] == ["io.github.squatter/one", "io.github.squatter/two"]
    for name in ("io.github.squatter/one", "io.github.squatter/two"):
        for record in app.stores.servers.list_versions(name):
            assert (record.status, record.status_message) == ("deleted", "malware in packages")
    assert app.stores.servers.list_versions("io.github.alice/weather")[0].status == "active"

    restore = app.client.simulate_patch(
        "/v0/servers/io.github.squatter%2Fone/status",
        json={"status": "active"},
        headers=tokens.bearer(SQUATTER, sub="squatter"),
    )
    assert restore.status_code == 403
    assert "malware in packages" in restore.json["detail"]
    # Each takedown is audited with the admin who blocked and the reason.
    entries = app.stores.database.audit_log(target="io.github.squatter/two")
    assert entries[0]["action"] == "status"
    assert entries[0]["subject"] == "admin:operator@host"
    assert entries[0]["detail"]["message"] == "malware in packages"


def test_an_admin_takedown_is_audited_with_who_and_why_and_shown_to_the_publisher(
    app: Moderated, tokens: Tokens
) -> None:
    alice = tokens.bearer(("io.github.alice/*",))
    assert (
        app.post(
            "/v0/publish", server_json(name="io.github.alice/weather", version="1.0.0"), alice
        ).status_code
        == 200
    )
    taken = app.client.simulate_patch(
        "/v0/servers/io.github.alice%2Fweather/versions/1.0.0/status",
        json={"status": "deleted", "statusMessage": "takedown: trademark complaint #12"},
        headers=admin(tokens),
    )
    assert taken.status_code == 200
    meta = taken.json["_meta"]["io.modelcontextprotocol.registry/official"]
    assert meta["statusMessage"] == "takedown: trademark complaint #12"
    audit = app.client.simulate_get(
        "/v0.1/admin/audit", params={"target": "io.github.alice/weather"}, headers=admin(tokens)
    ).json["entries"]
    assert audit[0]["action"] == "status"
    assert (audit[0]["subject"], audit[0]["authMethod"]) == ("admin:operator@host", "admin")
    assert audit[0]["detail"]["message"] == "takedown: trademark complaint #12"


def test_moderation_routes_need_an_admin_token(app: Moderated, tokens: Tokens) -> None:
    alice = tokens.bearer(("io.github.alice/*",), edit=("io.github.alice/*",))
    assert app.post(BLOCK, {"reason": "x"}, alice).status_code == 403
    assert app.client.simulate_get("/v0.1/admin/namespaces", headers=alice).status_code == 403
    assert app.client.simulate_get("/v0.1/admin/namespaces").status_code == 401
    assert app.client.simulate_get("/v0.1/admin/audit", headers=alice).status_code == 403


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v0.1/admin/namespaces/io.*.evil/block", {"reason": "x"}),
        (BLOCK, {}),
        (BLOCK, {"reason": "   "}),
        (BLOCK, {"reason": "x", "hide": "yes"}),
        (BLOCK, {"reason": "x", "extra": 1}),
        (BLOCK, {"reason": "x" * 501}),
    ],
)
def test_malformed_blocks_are_422(
    app: Moderated, tokens: Tokens, path: str, body: dict[str, object]
) -> None:
    result = app.post(path, body, admin(tokens))
    assert result.status_code == 422, result.text
