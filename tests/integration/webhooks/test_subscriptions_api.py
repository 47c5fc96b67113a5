"""``/v0.1/x/dev.mcp-registry/webhooks`` on the publishing app, with real registry tokens."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import falcon.testing
import pytest

from mcp_registry.services.publishing.app import create_app
from mcp_registry.shared.config import Settings
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase
from mcp_registry.shared.storage.sqlite.servers import SqliteServerStore
from mcp_registry.shared.storage.sqlite.webhooks import SqliteWebhookStore
from mcp_registry.shared.storage.webhooks_port import NewDelivery
from tests.support.registry_tokens import JWT_SEED, TokenMinter
from tests.support.stores import T0

BASE = "/v0.1/x/dev.mcp-registry/webhooks"


@dataclass
class Api:
    client: falcon.testing.TestClient
    tokens: TokenMinter
    store: SqliteWebhookStore


def _api(tmp_path: Path, *, allow_private: bool) -> Iterator[Api]:
    settings = Settings(
        data_dir=str(tmp_path / "data"),
        jwt_private_key=JWT_SEED,
        webhooks_allow_private_targets=allow_private,
    )
    database = SqliteDatabase(tmp_path / "registry.db")
    servers, webhooks = SqliteServerStore(database), SqliteWebhookStore(database)
    servers.init()
    webhooks.init()
    tokens = TokenMinter(settings)
    app = create_app(settings, store=servers, verifier=tokens.verifier(), webhooks=webhooks)
    yield Api(falcon.testing.TestClient(app), tokens, webhooks)
    database.close()


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    yield from _api(tmp_path, allow_private=False)


@pytest.fixture
def dev_api(tmp_path: Path) -> Iterator[Api]:
    yield from _api(tmp_path, allow_private=True)


def test_create_list_show_deliveries_and_delete(api: Api) -> None:
    alice = api.tokens.bearer(publish=("io.github.alice/*",))
    made = api.client.simulate_post(
        BASE,
        json={"url": "https://hooks.example.com/mcp", "namespaces": ["io.github.alice/*"]},
        headers=alice,
    )
    assert made.status_code == 201
    assert made.json["secret"].startswith("whsec_")
    hook_id = made.json["id"]
    listed = api.client.simulate_get(BASE, headers=alice).json
    assert [h["id"] for h in listed["webhooks"]] == [hook_id]
    assert "secret" not in listed["webhooks"][0]
    api.store.enqueue([NewDelivery(hook_id, "msg_1", {"token": "1"}, T0)], now=T0)
    deliveries = api.client.simulate_get(f"{BASE}/{hook_id}/deliveries", headers=alice).json
    assert deliveries["deliveries"][0]["state"] == "pending"
    assert deliveries["deliveries"][0]["webhookId"] == "msg_1"
    # Someone else sees nothing and cannot delete it.
    bob = api.tokens.bearer(publish=("io.github.bob/*",), sub="bob")
    assert api.client.simulate_get(BASE, headers=bob).json["webhooks"] == []
    assert api.client.simulate_delete(f"{BASE}/{hook_id}", headers=bob).status_code == 404
    assert api.client.simulate_delete(f"{BASE}/{hook_id}", headers=alice).status_code == 204
    assert api.client.simulate_get(BASE, headers=alice).json["webhooks"] == []


def test_namespaces_must_be_covered_by_the_token(api: Api) -> None:
    alice = api.tokens.bearer(publish=("io.github.alice/*",))
    body = {"url": "https://hooks.example.com/", "namespaces": ["io.github.*"]}
    refused = api.client.simulate_post(BASE, json=body, headers=alice)
    assert refused.status_code == 403
    admin = api.tokens.bearer(edit=("*",), sub="admin")
    assert api.client.simulate_post(BASE, json=body, headers=admin).status_code == 201


def test_a_token_is_required(api: Api) -> None:
    body = {"url": "https://hooks.example.com/", "namespaces": ["io.github.alice/*"]}
    assert api.client.simulate_post(BASE, json=body).status_code == 401


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/",
        "https://127.0.0.1/",
        "https://localhost:8443/",
        "https://10.1.2.3/",
        "https://[::1]/",
        "https://169.254.169.254/latest",
        "https://user:pw@hooks.example.com/",
        "ftp://hooks.example.com/",
    ],
)
def test_private_and_non_https_targets_are_refused(api: Api, url: str) -> None:
    alice = api.tokens.bearer(publish=("io.github.alice/*",))
    refused = api.client.simulate_post(
        BASE, json={"url": url, "namespaces": ["io.github.alice/*"]}, headers=alice
    )
    assert refused.status_code == 422
    assert refused.json["errors"][0]["location"] == "body.url"


def test_development_allows_loopback_http(dev_api: Api) -> None:
    alice = dev_api.tokens.bearer(publish=("io.github.alice/*",))
    made = dev_api.client.simulate_post(
        BASE,
        json={"url": "http://127.0.0.1:9/", "namespaces": ["io.github.alice/*"]},
        headers=alice,
    )
    assert made.status_code == 201


def test_unknown_types_are_refused(api: Api) -> None:
    alice = api.tokens.bearer(publish=("io.github.alice/*",))
    body = {
        "url": "https://hooks.example.com/",
        "namespaces": ["io.github.alice/*"],
        "types": ["server.exploded"],
    }
    assert api.client.simulate_post(BASE, json=body, headers=alice).status_code == 422


def test_the_routes_exist_under_v0_1_only(api: Api) -> None:
    alice = api.tokens.bearer(publish=("io.github.alice/*",))
    assert (
        api.client.simulate_get("/v0/x/dev.mcp-registry/webhooks", headers=alice).status_code == 404
    )
