"""The official registry's own handler-test facts for writes, replayed over HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from mcp_registry.shared.api_items import OFFICIAL_META_KEY
from tests.support.publishing import MakePublishing, Publishing
from tests.support.server_json import server_json

NAME = "io.github.alice/weather"
ENC = "io.github.alice%2Fweather"
ALICE = ("io.github.alice/*",)
REMOTE = [{"type": "streamable-http", "url": "https://mcp.example.com/mcp"}]


def official(item: dict[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = item["_meta"][OFFICIAL_META_KEY]
    return meta


def patch(p: Publishing, path: str, body: dict[str, Any]) -> Any:
    return p.client.simulate_patch(path, json=body, headers=p.tokens.bearer(ALICE))


def test_the_name_pattern_is_checked_before_permissions(make_publishing: MakePublishing) -> None:
    p = make_publishing()
    result = p.publish(
        server_json(name="not a valid/na me!", version="1.0.0"), p.tokens.bearer(ALICE)
    )
    assert result.status_code == 422
    assert result.json["detail"] == "validation failed"
    assert {e["location"] for e in result.json["errors"]} == {"body.name"}
    # A valid name the token does not cover is the 403.
    assert p.publish(
        server_json(name="io.github.bob/x", version="1.0.0"), p.tokens.bearer(ALICE)
    ).status_code == (403)


@pytest.mark.parametrize("method", ["publish", "edit"])
def test_an_unknown_top_level_property_is_422_at_its_location(
    make_publishing: MakePublishing, method: str
) -> None:
    p = make_publishing()
    assert (
        p.publish(server_json(name=NAME, version="1.0.0"), p.tokens.bearer(ALICE)).status_code
        == 200
    )
    doc = {**server_json(name=NAME, version="1.0.0"), "stauts": "active"}
    if method == "publish":
        result = p.publish({**doc, "version": "1.0.1"}, p.tokens.bearer(ALICE))
    else:
        result = p.client.simulate_put(
            f"/v0/servers/{ENC}/versions/1.0.0", json=doc, headers=p.tokens.bearer(edit=("*",))
        )
    assert result.status_code == 422
    assert [e["location"] for e in result.json["errors"]] == ["body.stauts"]


def test_validate_is_422_for_a_non_object_and_200_for_rule_failures(
    make_publishing: MakePublishing,
) -> None:
    p = make_publishing()
    # JSON that is not an object (``null`` included; no body at all is a 400, see hardening).
    for body in ("[]", '"server"', "42", "null"):
        result = p.client.simulate_post(
            "/v0/validate", body=body, headers={"Content-Type": "application/json"}
        )
        assert result.status_code == 422, body
        assert result.json["errors"][0]["location"] == "body"
    broken = server_json(name=NAME, version="1.0.0", websiteUrl="ftp://x", bogus=True)
    result = p.client.simulate_post("/v0/validate", json=broken)
    assert result.status_code == 200
    assert result.json["valid"] is False
    assert {i["path"] for i in result.json["issues"]} >= {"websiteUrl", "bogus"}


def test_one_character_name_parts_publish(make_publishing: MakePublishing) -> None:
    p = make_publishing()
    result = p.publish(
        server_json(name="io.github.alice/x", version="1.0.0"), p.tokens.bearer(ALICE)
    )
    assert result.status_code == 200, result.text


def test_repository_sources_are_those_of_the_official_validator(
    make_publishing: MakePublishing,
) -> None:
    p = make_publishing()
    bitbucket = {"url": "https://bitbucket.org/alice/weather", "source": "bitbucket"}
    result = p.publish(
        server_json(name=NAME, version="1.0.0", repository=bitbucket), p.tokens.bearer(ALICE)
    )
    assert result.status_code == 422
    assert result.json["errors"][0]["location"] == "body.repository.source"
    github = {"url": "https://github.com/alice/weather", "source": "github"}
    assert (
        p.publish(
            server_json(name=NAME, version="1.0.0", repository=github), p.tokens.bearer(ALICE)
        ).status_code
        == 200
    )


@pytest.mark.parametrize("scope", ["version", "all"])
def test_a_restore_rechecks_remote_url_uniqueness(
    make_publishing: MakePublishing, scope: str
) -> None:
    p = make_publishing()
    token = p.tokens.bearer(ALICE)
    assert (
        p.publish(server_json(name=NAME, version="1.0.0", remotes=REMOTE), token).status_code == 200
    )
    path = (
        f"/v0/servers/{ENC}/versions/1.0.0/status"
        if scope == "version"
        else (f"/v0/servers/{ENC}/status")
    )
    assert patch(p, path, {"status": "deleted"}).status_code == 200
    # While it is deleted, another name takes the URL...
    other = server_json(name="io.github.alice/other", version="1.0.0", remotes=REMOTE)
    assert p.publish(other, token).status_code == 200
    # ...so bringing the deleted version back would give one URL two names.
    result = patch(p, path, {"status": "active"})
    assert result.status_code == 400
    assert result.json["detail"] == "Failed to update server status"
    assert "io.github.alice/other" in result.json["errors"][0]["message"]
    record = p.store.get_version(NAME, "1.0.0")
    assert record is not None
    assert record.status == "deleted"


def test_all_versions_count_only_changed_versions(make_publishing: MakePublishing) -> None:
    p = make_publishing()
    token = p.tokens.bearer(ALICE)
    for version in ("1.0.0", "1.1.0", "1.2.0"):
        assert p.publish(server_json(name=NAME, version=version), token).status_code == 200
    one = f"/v0/servers/{ENC}/versions/1.0.0/status"
    assert patch(p, one, {"status": "deprecated", "statusMessage": "old"}).status_code == 200
    result = patch(p, f"/v0/servers/{ENC}/status", {"status": "deprecated", "statusMessage": "old"})
    assert result.status_code == 200
    assert result.json["updatedCount"] == 2
    assert len(result.json["servers"]) == 3


def test_a_message_only_change_keeps_status_changed_at(make_publishing: MakePublishing) -> None:
    p = make_publishing()
    assert (
        p.publish(server_json(name=NAME, version="1.0.0"), p.tokens.bearer(ALICE)).status_code
        == 200
    )
    path = f"/v0/servers/{ENC}/versions/1.0.0/status"
    first = official(patch(p, path, {"status": "deprecated", "statusMessage": "a"}).json)
    second = official(patch(p, path, {"status": "deprecated", "statusMessage": "b"}).json)
    assert second["statusMessage"] == "b"
    assert second["statusChangedAt"] == first["statusChangedAt"]
    assert second["updatedAt"] > first["updatedAt"]
    everything = patch(
        p, f"/v0/servers/{ENC}/status", {"status": "deprecated", "statusMessage": "c"}
    )
    assert everything.json["updatedCount"] == 1
    third = official(everything.json["servers"][0])
    assert third["statusChangedAt"] == first["statusChangedAt"]
    assert third["updatedAt"] > second["updatedAt"]


def test_token_problems_use_the_official_phrases(make_publishing: MakePublishing) -> None:
    p = make_publishing()
    doc = server_json(name=NAME, version="1.0.0")
    basic = p.publish(doc, {"Authorization": "Basic abc"})
    assert basic.status_code == 401
    assert basic.json["detail"] == "Invalid Authorization header format. Expected 'Bearer <token>'"
    bad = p.publish(doc, {"Authorization": "Bearer not-a-jwt"})
    assert bad.status_code == 401
    assert bad.json["detail"] == "Invalid or expired Registry JWT token"
    assert "not a JWT" in bad.json["errors"][0]["message"]
    # Deliberately 401 (the official one answers 422 for the missing required header).
    missing = p.publish(doc, {})
    assert missing.status_code == 401


def test_edit_phrases(make_publishing: MakePublishing) -> None:
    p = make_publishing()
    assert (
        p.publish(server_json(name=NAME, version="1.0.0"), p.tokens.bearer(ALICE)).status_code
        == 200
    )
    admin = p.tokens.bearer(edit=("*",))
    missing = p.client.simulate_put(
        f"/v0/servers/{ENC}/versions/9.9.9",
        json=server_json(name=NAME, version="9.9.9"),
        headers=admin,
    )
    assert (missing.status_code, missing.json["detail"]) == (404, "Server not found")
    renamed = p.client.simulate_put(
        f"/v0/servers/{ENC}/versions/1.0.0",
        json=server_json(name="io.github.alice/other", version="1.0.0"),
        headers=admin,
    )
    assert (renamed.status_code, renamed.json["detail"]) == (400, "Cannot rename server")
