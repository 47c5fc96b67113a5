"""Abuse reports over both backends: filing, listing, resolving (dismiss, takedown, block)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import falcon.testing
import pytest

from mcp_registry.services.publishing.app import create_app
from mcp_registry.services.rate_limit_rules import address_rules
from mcp_registry.services.route_table import EXTENSION_PREFIX
from mcp_registry.shared.auth.configured import token_verifier
from mcp_registry.shared.auth.signing_keys import KeyRing
from mcp_registry.shared.config import Settings
from mcp_registry.shared.rate_limits import Limiter
from mcp_registry.shared.storage.factory import Stores
from mcp_registry.shared.web.client_address import ClientAddress
from mcp_registry.shared.web.rate_limiting import RateLimitMiddleware
from tests.support.moderation import Moderated, fresh_stores, moderated_app
from tests.support.publishing import Tokens
from tests.support.server_json import server_json

REPORTS = f"/v0.1{EXTENSION_PREFIX}/reports"
NAME = "io.github.squatter/weather"


@pytest.fixture(params=["sqlite", "mongodb"])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stores]:
    with fresh_stores(str(request.param), tmp_path) as opened:
        yield opened


@pytest.fixture
def app(settings: Settings, keys: KeyRing, stores: Stores, tokens: Tokens) -> Moderated:
    moderated = moderated_app(settings, keys, stores)
    squatter = tokens.bearer(("io.github.squatter/*",), sub="squatter")
    for version in ("1.0.0", "1.1.0"):
        assert (
            moderated.post(
                "/v0/publish", server_json(name=NAME, version=version), squatter
            ).status_code
            == 200
        )
    return moderated


def admin(tokens: Tokens) -> dict[str, str]:
    return tokens.bearer(edit=("*",), method="admin", sub="operator@host")


def file(app: Moderated, body: dict[str, object], headers: dict[str, str] | None = None) -> str:
    result = app.post(REPORTS, body, headers or {})
    assert result.status_code == 201, result.text
    assert result.json["state"] == "open"
    report_id: str = result.json["id"]
    return report_id


def test_anyone_files_a_report_and_admins_list_it(app: Moderated, tokens: Tokens) -> None:
    first = file(app, {"name": NAME, "reason": "impersonates a brand"})
    second = file(
        app,
        {"name": NAME, "version": "1.1.0", "reason": "malware", "details": "postinstall script"},
        tokens.bearer(("io.github.bob/*",), sub="bob"),
    )
    listed = app.client.simulate_get("/v0.1/admin/reports", headers=admin(tokens))
    assert listed.status_code == 200
    reports = listed.json["reports"]
    assert [r["id"] for r in reports] == [second, first]
    assert reports[0]["reporter"] == "github-at:bob"
    assert reports[0]["details"] == "postinstall script"
    assert reports[1]["reporter"] == "anonymous"
    assert reports[1]["version"] is None
    assert {r["state"] for r in reports} == {"open"}


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"name": "io.github.nobody/none", "reason": "x"}, 404),
        ({"name": NAME, "version": "9.9.9", "reason": "x"}, 404),
        ({"name": NAME}, 422),
        ({"name": NAME, "reason": "x", "extra": True}, 422),
        ({"name": NAME, "reason": "x", "details": "d" * 4001}, 422),
    ],
)
def test_bad_reports_are_refused(app: Moderated, body: dict[str, object], status: int) -> None:
    assert app.post(REPORTS, body, {}).status_code == status


def test_listing_and_resolving_need_an_admin(app: Moderated, tokens: Tokens) -> None:
    report = file(app, {"name": NAME, "reason": "spam"})
    someone = tokens.bearer(("io.github.squatter/*",), sub="squatter")
    assert app.client.simulate_get("/v0.1/admin/reports", headers=someone).status_code == 403
    resolve = f"/v0.1/admin/reports/{report}/resolve"
    assert app.post(resolve, {"action": "dismiss", "note": "x"}, someone).status_code == 403


def test_dismiss_resolves_once_and_filters_by_state(app: Moderated, tokens: Tokens) -> None:
    report = file(app, {"name": NAME, "reason": "spam"})
    other = file(app, {"name": NAME, "reason": "spam again"})
    resolve = f"/v0.1/admin/reports/{report}/resolve"
    done = app.post(resolve, {"action": "dismiss", "note": "not abuse"}, admin(tokens))
    assert done.status_code == 200, done.text
    assert done.json["state"] == "resolved"
    assert done.json["resolution"]["action"] == "dismiss"
    assert done.json["resolution"]["by"] == "admin:operator@host"
    assert (
        app.post(resolve, {"action": "dismiss", "note": "again"}, admin(tokens)).status_code == 400
    )
    open_ones = app.client.simulate_get(
        "/v0.1/admin/reports", params={"state": "open"}, headers=admin(tokens)
    ).json["reports"]
    assert [r["id"] for r in open_ones] == [other]
    assert all(v.status == "active" for v in app.stores.servers.list_versions(NAME))
    missing = app.post(
        "/v0.1/admin/reports/nope/resolve", {"action": "dismiss", "note": "x"}, admin(tokens)
    )
    assert missing.status_code == 404
    bad = app.post(
        f"/v0.1/admin/reports/{other}/resolve", {"action": "ban", "note": "x"}, admin(tokens)
    )
    assert bad.status_code == 422


def test_takedown_deletes_the_reported_version_with_the_note(
    app: Moderated, tokens: Tokens
) -> None:
    report = file(app, {"name": NAME, "version": "1.1.0", "reason": "malware"})
    done = app.post(
        f"/v0.1/admin/reports/{report}/resolve",
        {"action": "takedown", "note": "malware confirmed"},
        admin(tokens),
    )
    assert done.status_code == 200, done.text
    versions = {v.version: v for v in app.stores.servers.list_versions(NAME)}
    assert (versions["1.1.0"].status, versions["1.1.0"].status_message) == (
        "deleted",
        "malware confirmed",
    )
    assert versions["1.0.0"].status == "active"
    actions = [(e["action"], e["subject"]) for e in app.stores.database.audit_log(target=NAME)]
    assert actions[:2] == [
        ("status", "admin:operator@host"),
        ("report.resolve", "admin:operator@host"),
    ]


def test_block_blocks_the_namespace_and_takes_it_down(app: Moderated, tokens: Tokens) -> None:
    report = file(app, {"name": NAME, "reason": "squatting"})
    done = app.post(
        f"/v0.1/admin/reports/{report}/resolve",
        {"action": "block", "note": "squatter account"},
        admin(tokens),
    )
    assert done.status_code == 200, done.text
    assert [b.pattern for b in app.stores.moderation.blocks()] == ["io.github.squatter/*"]
    assert all(v.status == "deleted" for v in app.stores.servers.list_versions(NAME))
    squatter = tokens.bearer(("io.github.squatter/*",), sub="squatter")
    refused = app.post(
        "/v0/publish", server_json(name="io.github.squatter/other", version="1.0.0"), squatter
    )
    assert refused.status_code == 403
    assert "squatter account" in refused.json["detail"]


def test_filing_is_rate_limited_per_client_address(
    settings: Settings, keys: KeyRing, stores: Stores, app: Moderated
) -> None:
    limited = replace(settings, rate_limit_auth="2/hour")
    served = create_app(
        limited,
        store=stores.servers,
        verifier=token_verifier(limited, keys),
        moderation=stores.moderation,
    )
    served.add_middleware(
        RateLimitMiddleware(address_rules(limited), Limiter(stores.rate_counters), ClientAddress())
    )
    client = falcon.testing.TestClient(served)
    body = {"name": NAME, "reason": "spam"}

    def post(address: str) -> falcon.testing.Result:
        return client.simulate_post(REPORTS, json=body, remote_addr=address)

    assert [post("198.51.100.1").status_code for _ in range(2)] == [201, 201]
    refused = post("198.51.100.1")
    assert refused.status_code == 429
    assert refused.headers["RateLimit-Policy"] == '"reports";q=2;w=3600'
    assert refused.headers["Retry-After"]
    assert post("198.51.100.2").status_code == 201
