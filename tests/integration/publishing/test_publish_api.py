"""``POST /publish`` and ``POST /validate``: status codes, bodies, rules (DESIGN §9)."""

from __future__ import annotations

import falcon.testing
import pytest

from mcp_registry.services.discovery.app import create_app as create_discovery
from mcp_registry.shared.api_items import OFFICIAL_META_KEY, PUBLISHER_META_KEY
from mcp_registry.shared.config import Settings
from tests.support.publishing import MakePublishing
from tests.support.server_json import MakeServerJson

NAME = "io.github.alice/weather"
ALICE = ("io.github.alice/*",)
PROBLEM = "application/problem+json"


@pytest.mark.parametrize("prefix", ["/v0", "/v0.1"])
def test_publish_returns_the_item(
    make_publishing: MakePublishing, prefix: str, make_server_json: MakeServerJson
) -> None:
    p = make_publishing()
    result = p.client.simulate_post(
        f"{prefix}/publish",
        json=make_server_json(name=NAME, version="1.0.0"),
        headers=p.tokens.bearer(ALICE),
    )
    assert result.status_code == 200
    assert result.json["server"] == make_server_json(name=NAME, version="1.0.0")
    official = result.json["_meta"][OFFICIAL_META_KEY]
    assert official["status"] == "active"
    assert official["isLatest"] is True
    assert set(official) >= {"publishedAt", "updatedAt", "statusChangedAt"}


def test_missing_or_bad_token_is_401(
    make_publishing: MakePublishing, make_server_json: MakeServerJson
) -> None:
    p = make_publishing()
    doc = make_server_json(name=NAME, version="1.0.0")
    for headers in ({}, {"Authorization": "Basic x"}, {"Authorization": "Bearer not-a-jwt"}):
        result = p.publish(doc, headers)
        assert result.status_code == 401
        assert result.headers["content-type"] == PROBLEM
        assert result.json["status"] == 401
    assert p.store.count_versions(NAME) == 0


def test_other_namespace_is_403_listing_what_the_token_may_publish(
    make_publishing: MakePublishing,
    make_server_json: MakeServerJson,
) -> None:
    p = make_publishing()
    result = p.publish(
        make_server_json(name="io.github.bob/x", version="1.0.0"), p.tokens.bearer(ALICE)
    )
    assert result.status_code == 403
    detail = result.json["detail"]
    assert "You do not have permission to publish this server" in detail
    assert "io.github.alice/*" in detail
    assert "io.github.bob/x" in detail


def test_custom_namespace_without_domain_grant_is_403_with_a_hint(
    make_publishing: MakePublishing,
    make_server_json: MakeServerJson,
) -> None:
    p = make_publishing()
    result = p.publish(
        make_server_json(name="com.example/tools", version="1.0.0"), p.tokens.bearer(ALICE)
    )
    assert result.status_code == 403
    assert "example.com" in result.json["detail"]
    assert "verify-domain" in result.json["detail"]
    granted = p.tokens.bearer(("com.example/*", "com.example.*"), method="dns", sub="example.com")
    assert (
        p.publish(make_server_json(name="com.example/tools", version="1.0.0"), granted).status_code
        == 200
    )
    assert (
        p.publish(
            make_server_json(name="com.example.api/tools", version="1.0.0"), granted
        ).status_code
        == 200
    )


def test_edit_permission_alone_does_not_publish(
    make_publishing: MakePublishing, make_server_json: MakeServerJson
) -> None:
    p = make_publishing()
    result = p.publish(make_server_json(name=NAME, version="1.0.0"), p.tokens.bearer(edit=("*",)))
    assert result.status_code == 403


def test_invalid_server_json_is_422_with_locations(
    make_publishing: MakePublishing, make_server_json: MakeServerJson
) -> None:
    p = make_publishing()
    doc = make_server_json(name=NAME, version="1.0.0", websiteUrl="ftp://x")
    doc.pop("description")
    result = p.publish(doc, p.tokens.bearer(ALICE))
    assert result.status_code == 422
    assert result.headers["content-type"] == PROBLEM
    locations = {e.get("location") for e in result.json["errors"]}
    assert "body.description" in locations


def test_malformed_json_is_422(make_publishing: MakePublishing) -> None:
    p = make_publishing()
    result = p.client.simulate_post(
        "/v0/publish", body=b"{nope", headers={**p.tokens.bearer(ALICE), "Content-Type": "x"}
    )
    assert result.status_code == 422


def test_publisher_meta_over_4_kib_is_400(
    make_publishing: MakePublishing, make_server_json: MakeServerJson
) -> None:
    p = make_publishing()
    doc = make_server_json(
        name=NAME, version="1.0.0", _meta={PUBLISHER_META_KEY: {"blob": "x" * 5000}}
    )
    result = p.publish(doc, p.tokens.bearer(ALICE))
    assert result.status_code == 400
    assert result.json["detail"] == "Failed to publish server"
    assert "4096 bytes" in result.json["errors"][0]["message"]
    small = make_server_json(
        name=NAME, version="1.0.1", _meta={PUBLISHER_META_KEY: {"blob": "x" * 1000}}
    )
    assert p.publish(small, p.tokens.bearer(ALICE)).status_code == 200


def test_duplicate_version_is_400_and_versions_are_immutable(
    make_publishing: MakePublishing,
    make_server_json: MakeServerJson,
) -> None:
    p = make_publishing()
    assert (
        p.publish(make_server_json(name=NAME, version="1.0.0"), p.tokens.bearer(ALICE)).status_code
        == 200
    )
    changed = make_server_json(name=NAME, version="1.0.0", title="Changed")
    result = p.publish(changed, p.tokens.bearer(ALICE))
    assert result.status_code == 400
    assert result.json["detail"] == "Failed to publish server"
    assert result.json["errors"][0]["message"].startswith(
        "invalid version: cannot publish duplicate version"
    )
    stored = p.store.get_version(NAME, "1.0.0")
    assert stored is not None
    assert "title" not in stored.server


def test_a_remote_url_belongs_to_one_name(
    make_publishing: MakePublishing, make_server_json: MakeServerJson
) -> None:
    p = make_publishing()
    remotes = [{"type": "streamable-http", "url": "https://mcp.example.com/mcp"}]
    token = p.tokens.bearer(("io.github.alice/*",))
    assert (
        p.publish(make_server_json(name=NAME, version="1.0.0", remotes=remotes), token).status_code
        == 200
    )
    # The same name may keep its URL in later versions...
    assert (
        p.publish(make_server_json(name=NAME, version="1.1.0", remotes=remotes), token).status_code
        == 200
    )
    # ...another name may not take it.
    result = p.publish(
        make_server_json(name="io.github.alice/other", version="1.0.0", remotes=remotes), token
    )
    assert result.status_code == 400
    assert result.json["detail"] == "Failed to publish server"
    assert "already used by server io.github.alice/weather" in result.json["errors"][0]["message"]


def test_newest_semver_is_latest_and_discovery_serves_it_at_once(
    make_publishing: MakePublishing,
    make_server_json: MakeServerJson,
) -> None:
    p = make_publishing()
    discovery = falcon.testing.TestClient(create_discovery(Settings(), store=p.store))
    path = "/v0/servers/io.github.alice%2Fweather/versions/latest"
    for version in ("1.0.0", "2.0.0", "1.5.0"):
        assert (
            p.publish(
                make_server_json(name=NAME, version=version), p.tokens.bearer(ALICE)
            ).status_code
            == 200
        )
        assert discovery.simulate_get(path).json["server"]["version"] == (
            "1.0.0" if version == "1.0.0" else "2.0.0"
        )
    latest = [r.version for r in p.store.list_versions(NAME) if r.is_latest]
    assert latest == ["2.0.0"]


def test_every_publish_is_audited_with_who_and_how(
    make_publishing: MakePublishing, make_server_json: MakeServerJson
) -> None:
    p = make_publishing()
    token = p.tokens.bearer(ALICE, method="github-oidc", sub="alice")
    assert p.publish(make_server_json(name=NAME, version="1.0.0"), token).status_code == 200
    (entry,) = p.store.database.audit_log(target=NAME)
    assert entry["action"] == "publish"
    assert entry["subject"] == "github-oidc:alice"
    assert entry["auth_method"] == "github-oidc"
    assert entry["at"]


def test_validate_needs_no_token_and_answers_the_official_shape(
    make_publishing: MakePublishing,
    make_server_json: MakeServerJson,
) -> None:
    p = make_publishing()
    ok = p.client.simulate_post("/v0/validate", json=make_server_json(name=NAME, version="1.0.0"))
    assert ok.status_code == 200
    assert ok.json == {"valid": True, "issues": []}
    bad = p.client.simulate_post("/v0.1/validate", json={"name": "x"})
    assert bad.status_code == 200
    assert bad.json["valid"] is False
    issue = bad.json["issues"][0]
    assert set(issue) >= {"type", "path", "message", "severity", "reference"}
    assert p.store.count_versions(NAME) == 0
