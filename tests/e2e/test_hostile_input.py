"""Hostile input against `./run dev`: every case a 4xx problem (never a 5xx), nothing stored.

Kept as a regression suite of an attack run: the inputs that used to reach a 500 (NUL in a
search, JSON nested 10,000 deep, a 5,001-digit integer, NaN/Infinity, lone surrogates),
identifiers with control or bidi characters, chunked and missing bodies.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.support.http import Reply, request
from tests.support.registry_process import RunningRegistry, start_registry, stop_registry

pytestmark = pytest.mark.e2e

SCHEMA = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"
NAMESPACE = "io.modelcontextprotocol.anonymous"
NAME = f"{NAMESPACE}/hostile"
PATH_NAME = NAME.replace("/", "%2F")
MAX_BODY = 262144


@dataclass
class Stack:
    registry: RunningRegistry
    auth: dict[str, str]

    @property
    def url(self) -> str:
        return self.registry.url

    def send(self, method: str, path: str, body: bytes | None, **headers: str) -> Reply:
        return request(
            self.url,
            method,
            path,
            body=body,
            headers={"Content-Type": "application/json", **self.auth, **headers},
        )


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MCP_REGISTRY_ENABLE_ANONYMOUS_AUTH", "true")
        patch.setenv("MCP_REGISTRY_ENABLE_REGISTRY_VALIDATION", "false")
        # Hundreds of hostile bodies from one address: the limits would answer before the
        # parsers this suite is about.
        patch.setenv("MCP_REGISTRY_RATE_LIMIT_AUTH", "")
        patch.setenv("MCP_REGISTRY_RATE_LIMIT_WRITES", "")
        patch.delenv("MCP_REGISTRY_JWT_PRIVATE_KEY", raising=False)
        patch.delenv("MCP_REGISTRY_JWT_KEYS_DIR", raising=False)
        running = start_registry(tmp_path_factory.mktemp("hostile"), [])
    try:
        token = request(running.url, "POST", "/v0/auth/none").json["registry_token"]
        yield Stack(running, {"Authorization": f"Bearer {token}"})
    finally:
        stop_registry(running)


def server(version: str = "1.0.0", name: str = NAME, **extra: Any) -> dict[str, Any]:
    return {"$schema": SCHEMA, "name": name, "version": version, "description": "x", **extra}


def assert_client_error(reply: Reply, *statuses: int) -> dict[str, Any]:
    """A 4xx (one of ``statuses`` when given) with a problem+json body and a detail."""
    assert 400 <= reply.status < 500, (reply.status, reply.body[:300])
    if statuses:
        assert reply.status in statuses, (reply.status, reply.body[:300])
    assert reply.header("content-type") == "application/problem+json"
    problem: dict[str, Any] = reply.json
    assert problem["detail"]
    return problem


def stored_versions(stack: Stack) -> list[str]:
    reply = request(stack.url, "GET", f"/v0/servers/{PATH_NAME}/versions?include_deleted=true")
    if reply.status == 404:
        return []
    assert reply.status == 200
    return [s["server"]["version"] for s in reply.json["servers"]]


@pytest.mark.parametrize("search", ["a%00b", "%00abc", "%00%00%00", "ab%01c", "x%0Ay%7F"])
def test_control_characters_in_a_search_never_reach_the_index(stack: Stack, search: str) -> None:
    reply = request(stack.url, "GET", f"/v0/servers?search={search}")
    assert reply.status < 500, reply.body[:300]
    if reply.status >= 400:
        assert_client_error(reply)


DEEP_ARRAY = b"[" * 10_000 + b"]" * 10_000
DEEP_OBJECT = b'{"a":' * 10_000 + b"1" + b"}" * 10_000
HOSTILE_BODIES = {
    "deep-array": DEEP_ARRAY,
    "deep-object": DEEP_OBJECT,
    "deep-inside-a-server": json.dumps(server())[:-1].encode()
    + b', "_meta": '
    + DEEP_OBJECT
    + b"}",
    "5001-digit-integer": json.dumps(server())[:-1].encode() + b', "n": ' + b"7" * 5001 + b"}",
    "nan": json.dumps(server())[:-1].encode() + b', "n": NaN}',
    "infinity": json.dumps(server())[:-1].encode() + b', "n": -Infinity}',
    "overflowing-float": json.dumps(server())[:-1].encode() + b', "n": 1e999}',
    "lone-surrogate": json.dumps(server(description="\ud800")).encode("utf-8", "surrogatepass"),
    "escaped-lone-surrogate": json.dumps(server())[:-1].encode() + b', "title": "\\ud800"}',
    "not-utf8": b'{"name": "\xff\xfe"}',
}
ROUTES = [
    ("POST", "/v0/validate"),
    ("POST", "/v0/publish"),
    ("PUT", f"/v0/servers/{PATH_NAME}/versions/1.0.0"),
    ("PATCH", f"/v0/servers/{PATH_NAME}/versions/1.0.0/status"),
    ("PATCH", f"/v0/servers/{PATH_NAME}/status"),
    ("POST", "/v0/auth/none"),
    ("POST", "/v0/auth/revoke"),
    ("POST", "/v0/verify-domain"),
]


@pytest.mark.parametrize("kind", sorted(HOSTILE_BODIES))
@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_hostile_json_is_a_422_on_every_route(
    stack: Stack, method: str, path: str, kind: str
) -> None:
    reply = stack.send(method, path, HOSTILE_BODIES[kind])
    problem = assert_client_error(reply, 422)
    assert problem["detail"].startswith("Request body is not valid JSON")
    assert stored_versions(stack) == []


@pytest.mark.parametrize(
    "version", ["1.0.0\u0000x", "1.0.0\n", "\u202e1.0.0", "1.0.0\u200b", "1.0.0\u2028"]
)
def test_versions_with_control_or_bidi_characters_are_refused(stack: Stack, version: str) -> None:
    body = json.dumps(server(version)).encode()
    assert_client_error(stack.send("POST", "/v0/publish", body), 422)
    validated = request(stack.url, "POST", "/v0/validate", body=body)
    # A NUL is refused by the body parser itself (422); the rest are invalid server.json.
    assert validated.status == 422 or validated.json["valid"] is False
    assert stored_versions(stack) == []


@pytest.mark.parametrize("name", [f"{NAME}\n", f"{NAME}\u0000", f"\u202e{NAME}"])
def test_names_with_control_or_bidi_characters_are_refused(stack: Stack, name: str) -> None:
    reply = stack.send("POST", "/v0/publish", json.dumps(server(name=name)).encode())
    assert_client_error(reply, 403, 422)
    listed = request(stack.url, "GET", "/v0/servers?search=hostile").json["servers"]
    assert listed == []


@pytest.mark.parametrize(("method", "path"), ROUTES[1:5])
def test_a_missing_body_is_the_official_400(stack: Stack, method: str, path: str) -> None:
    problem = assert_client_error(stack.send(method, path, None), 400)
    assert problem["detail"] == "request body is required"


def chunked(stack: Stack, path: str, chunks: list[bytes]) -> Reply:
    parts = urlsplit(stack.url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        conn.request(
            "POST",
            path,
            body=iter(chunks),
            headers={"Content-Type": "application/json", **stack.auth},
            encode_chunked=True,
        )
        response = conn.getresponse()
        return Reply(
            response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        )
    finally:
        conn.close()


def test_a_chunked_body_is_read_and_bounded(stack: Stack) -> None:
    body = json.dumps(server("9.9.9", name=f"{NAMESPACE}/chunked")).encode()
    validated = chunked(stack, "/v0/validate", [body[:10], body[10:]])
    assert validated.status == 200, validated.body[:300]
    assert validated.json["valid"] is True
    published = chunked(stack, "/v0/publish", [body[:7], body[7:30], body[30:]])
    assert published.status == 200, published.body[:300]
    assert published.json["server"]["version"] == "9.9.9"
    padding = b" " * 65536
    too_big = chunked(stack, "/v0/validate", [body[:-1], *[padding] * (MAX_BODY // 65536), b"}"])
    assert_client_error(too_big, 413)


def test_the_registry_still_serves_after_all_of_it(stack: Stack) -> None:
    assert request(stack.url, "GET", "/v0/health").status == 200
    ok = stack.send("POST", "/v0/publish", json.dumps(server("1.0.0")).encode())
    assert ok.status == 200, ok.body[:300]
    assert stored_versions(stack) == ["1.0.0"]
    assert "Traceback" not in "".join(stack.registry.output)
