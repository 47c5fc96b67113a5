"""``mcp-registry dev`` for aggregators: a publish answers a long poll on the change feed and
reaches a webhook receiver that fails first and then accepts, signed."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from typing import Any
from urllib.parse import quote

import pytest
from standardwebhooks.webhooks import Webhook

from tests.support.local_http import Answer, LocalServer, Seen
from tests.support.registry_process import RunningRegistry, start_registry, stop_registry
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e

FEED = "/v0.1/x/dev.mcp-registry/changes"
HOOKS = "/v0.1/x/dev.mcp-registry/webhooks"
NAME = "io.modelcontextprotocol.anonymous/aggregated"
SCHEMA = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"


def _call(
    url: str, method: str = "GET", body: Any = None, token: str | None = None, timeout: float = 30
) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status, json.loads(response.read() or b"null")


def test_publish_answers_a_long_poll_and_a_webhook(aggregator_registry: RunningRegistry) -> None:
    base = aggregator_registry.url
    _, login = _call(f"{base}/v0/auth/none", "POST", {})
    token = login["registry_token"]
    statuses = iter([503])

    def respond(seen: Seen) -> Answer:
        return Answer(next(statuses, 200))

    with LocalServer(respond) as receiver:
        status, made = _call(
            f"{base}{HOOKS}",
            "POST",
            {"url": receiver.url + "/hook", "namespaces": ["io.modelcontextprotocol.anonymous/*"]},
            token,
        )
        assert status == 201
        _, head = _call(f"{base}{FEED}?limit=100")
        since = head["metadata"]["nextToken"]
        found: dict[str, Any] = {}

        def follow() -> None:
            token_at = since
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                _, page = _call(f"{base}{FEED}?since={token_at}&limit=100&wait=20")
                for change in page["changes"]:
                    if change["name"] == NAME:
                        found["change"] = change
                        found["at"] = time.monotonic()
                        return
                token_at = page["metadata"]["nextToken"]

        poller = threading.Thread(target=follow)
        poller.start()
        server = {"$schema": SCHEMA, "name": NAME, "version": "1.0.0", "description": "e2e"}
        status, _ = _call(f"{base}/v0/publish", "POST", server, token)
        assert status == 200
        published = time.monotonic()
        poller.join(60)
        assert found["change"]["type"] == "server.published"
        assert found["change"]["server"]["server"]["name"] == NAME
        assert found["at"] - published < 5  # a relay sweep and a wake-up, not a poll interval

        wait_until(lambda: len(receiver.requests) >= 2, timeout=30, what="the retried webhook")
        first, retry = receiver.requests[0], receiver.requests[1]
        assert first.headers["webhook-id"] == retry.headers["webhook-id"]
        body = Webhook(made["secret"]).verify(retry.body, dict(retry.headers))
        assert body["name"] == NAME
        assert body["token"] == found["change"]["token"]
        hook = made["id"]

        def delivery() -> dict[str, Any]:
            _, deliveries = _call(f"{base}{HOOKS}/{quote(hook)}/deliveries", token=token)
            latest: dict[str, Any] = deliveries["deliveries"][0]
            return latest

        # The worker records the outcome after the receiver answered: wait for the record.
        wait_until(
            lambda: delivery()["state"] != "pending", timeout=30, what="the delivery recorded"
        )
        assert delivery()["state"] == "delivered"
        assert delivery()["attempts"] == 2


def test_a_second_dev_registry_mirrors_the_first(
    aggregator_registry: RunningRegistry, tmp_path_factory: pytest.TempPathFactory
) -> None:
    upstream = aggregator_registry.url
    mirror = start_registry(
        tmp_path_factory.mktemp("e2e-mirror"),
        [],
        {"MCP_REGISTRY_MIRROR_FROM": upstream, "MCP_REGISTRY_MIRROR_INTERVAL": "5"},
    )
    try:
        _, login = _call(f"{upstream}/v0/auth/none", "POST", {})
        name = "io.modelcontextprotocol.anonymous/mirrored"
        server = {"$schema": SCHEMA, "name": name, "version": "1.0.0", "description": "e2e"}
        assert _call(f"{upstream}/v0/publish", "POST", server, login["registry_token"])[0] == 200
        path = f"/v0.1/servers/{quote(name, safe='')}/versions/1.0.0"

        def mirrored() -> bool:
            try:
                return _call(mirror.url + path, timeout=5)[0] == 200
            except OSError:
                return False

        wait_until(mirrored, timeout=60, what="the publish visible in the mirror")
        _, item = _call(mirror.url + path)
        assert item["server"]["_meta"]["dev.mcp-registry/mirror"]["source"] == upstream
        _, original = _call(upstream + path)
        official = "io.modelcontextprotocol.registry/official"
        assert item["_meta"][official]["publishedAt"] == original["_meta"][official]["publishedAt"]
    finally:
        stop_registry(mirror)
