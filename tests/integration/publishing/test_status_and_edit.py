"""Status changes (one version, every version) and admin edits."""

from __future__ import annotations

from typing import Any

from mcp_registry.shared.api_items import OFFICIAL_META_KEY
from tests.support.publishing import MakePublishing, Publishing
from tests.support.server_json import MakeServerJson, server_json

NAME = "io.github.alice/weather"
ENC = "io.github.alice%2Fweather"
ALICE = ("io.github.alice/*",)


def _published(make: MakePublishing, *versions: str) -> Publishing:
    p = make()
    for version in versions:
        assert (
            p.publish(server_json(name=NAME, version=version), p.tokens.bearer(ALICE)).status_code
            == 200
        )
    return p


def _official(item: dict[str, Any]) -> dict[str, Any]:
    official: dict[str, Any] = item["_meta"][OFFICIAL_META_KEY]
    return official


def test_deprecate_one_version(make_publishing: MakePublishing) -> None:
    p = _published(make_publishing, "1.0.0")
    result = p.client.simulate_patch(
        f"/v0/servers/{ENC}/versions/1.0.0/status",
        json={"status": "deprecated", "statusMessage": "use 2.x"},
        headers=p.tokens.bearer(ALICE),
    )
    assert result.status_code == 200
    assert _official(result.json)["status"] == "deprecated"
    assert _official(result.json)["statusMessage"] == "use 2.x"


def test_deleting_the_latest_moves_latest_and_bumps_both(make_publishing: MakePublishing) -> None:
    p = _published(make_publishing, "1.0.0", "2.0.0")
    before = {r.version: r.seq for r in p.store.list_versions(NAME)}
    result = p.client.simulate_patch(
        f"/v0.1/servers/{ENC}/versions/2.0.0/status",
        json={"status": "deleted"},
        headers=p.tokens.bearer(ALICE),
    )
    assert result.status_code == 200
    after = {r.version: r for r in p.store.list_versions(NAME)}
    assert after["1.0.0"].is_latest
    assert not after["2.0.0"].is_latest
    assert all(after[v].seq > before[v] for v in before)


def test_status_rules(make_publishing: MakePublishing) -> None:
    p = _published(make_publishing, "1.0.0")
    path = f"/v0/servers/{ENC}/versions/1.0.0/status"
    token = p.tokens.bearer(ALICE)

    def patch(body: object, headers: dict[str, str] = token, at: str = path) -> int:
        return p.client.simulate_patch(at, json=body, headers=headers).status_code

    assert patch({"status": "gone"}) == 422
    assert patch({"status": "deprecated", "statusMessage": "x" * 501}) == 422
    assert patch({"status": "active", "statusMessage": "why"}) == 400
    assert patch({"status": "active"}) == 400  # nothing changes
    assert patch({"status": "deprecated"}, {}) == 401
    assert patch({"status": "deprecated"}, p.tokens.bearer(("io.github.bob/*",))) == 403
    assert patch({"status": "deprecated"}, at=f"/v0/servers/{ENC}/versions/9.9.9/status") == 404
    # edit permission alone may change status (admins)
    assert patch({"status": "deprecated"}, p.tokens.bearer(edit=("*",))) == 200


def test_status_of_every_version_at_once(make_publishing: MakePublishing) -> None:
    p = _published(make_publishing, "1.0.0", "1.1.0", "2.0.0")
    result = p.client.simulate_patch(
        f"/v0/servers/{ENC}/status",
        json={"status": "deprecated", "statusMessage": "moved"},
        headers=p.tokens.bearer(ALICE),
    )
    assert result.status_code == 200
    assert result.json["updatedCount"] == 3
    assert {_official(i)["status"] for i in result.json["servers"]} == {"deprecated"}
    again = p.client.simulate_patch(
        f"/v0/servers/{ENC}/status",
        json={"status": "deprecated", "statusMessage": "moved"},
        headers=p.tokens.bearer(ALICE),
    )
    assert again.status_code == 400
    unknown = p.client.simulate_patch(
        "/v0/servers/io.github.alice%2Fnone/status",
        json={"status": "deleted"},
        headers=p.tokens.bearer(ALICE),
    )
    assert unknown.status_code == 404
    audit = p.store.database.audit_log(target=NAME, limit=1)[0]
    assert audit["subject"] == "github-at:alice"


def test_admin_edit_needs_edit_and_keeps_identity(
    make_publishing: MakePublishing, make_server_json: MakeServerJson
) -> None:
    p = _published(make_publishing, "1.0.0")
    path = f"/v0/servers/{ENC}/versions/1.0.0"
    edited = make_server_json(name=NAME, version="1.0.0", title="Weather")
    admin = p.tokens.bearer(edit=("*",), method="oidc", sub="admin@example.com")
    assert (
        p.client.simulate_put(path, json=edited, headers=p.tokens.bearer(ALICE)).status_code == 403
    )
    result = p.client.simulate_put(path, json=edited, headers=admin)
    assert result.status_code == 200
    assert result.json["server"]["title"] == "Weather"
    assert _official(result.json)["isLatest"] is True
    renamed = make_server_json(name="io.github.alice/other", version="1.0.0")
    assert p.client.simulate_put(path, json=renamed, headers=admin).status_code == 400
    reversioned = make_server_json(name=NAME, version="1.0.1")
    assert p.client.simulate_put(path, json=reversioned, headers=admin).status_code == 400
    invalid = {"name": NAME}
    assert p.client.simulate_put(path, json=invalid, headers=admin).status_code == 422
    missing = f"/v0/servers/{ENC}/versions/3.0.0"
    assert p.client.simulate_put(missing, json=edited, headers=admin).status_code == 404
    entry = p.store.database.audit_log(target=NAME, limit=1)[0]
    assert (entry["action"], entry["auth_method"]) == ("edit", "oidc")
