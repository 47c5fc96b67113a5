"""The one body parser: bounds, chunked bodies, and only strict JSON."""

from __future__ import annotations

import io
import json
from typing import Any

import falcon
import falcon.testing
import pytest

from mcp_registry.shared.config import Settings
from mcp_registry.shared.errors import InvalidInput
from mcp_registry.shared.web.app_base import add_api_route, new_app
from mcp_registry.shared.web.body import BODY_REQUIRED, read_json_body, read_json_object
from mcp_registry.shared.web.strict_json import MAX_DEPTH, decode_strict

LIMIT = 1024


class Echo:
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"got": read_json_body(req, max_bytes=LIMIT)}

    def on_put(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"got": read_json_object(req, max_bytes=LIMIT, optional=True)}


@pytest.fixture
def app() -> falcon.App[falcon.Request, falcon.Response]:
    app = new_app(Settings())
    add_api_route(app, "/echo", Echo())
    return app


@pytest.fixture
def client(app: falcon.App[falcon.Request, falcon.Response]) -> falcon.testing.TestClient:
    return falcon.testing.TestClient(app)


def post(client: falcon.testing.TestClient, body: bytes | str) -> falcon.testing.Result:
    return client.simulate_post("/v0/echo", body=body)


def test_a_missing_body_is_the_official_400(client: falcon.testing.TestClient) -> None:
    result = post(client, b"")
    assert result.status_code == 400
    assert result.json["detail"] == BODY_REQUIRED == "request body is required"


def test_an_optional_body_may_be_absent(client: falcon.testing.TestClient) -> None:
    assert client.simulate_put("/v0/echo").json == {"got": {}}


@pytest.mark.parametrize(
    "body",
    [
        "[" * 10_000 + "]" * 10_000,
        '{"a":' * 10_000 + "1" + "}" * 10_000,
        "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
        "1" * 5001,
        '{"n": ' + "9" * 5001 + "}",
        '{"n": 1e999}',
        '{"n": NaN}',
        "[Infinity]",
        "[-Infinity]",
        '{"n": 18446744073709551616}',
        '{"s": "\\ud800"}',
        '{"\\udfff": 1}',
        '{"s": "a\\u0000b"}',
        '{"s": "x"',
        "   ",
    ],
)
def test_hostile_json_is_a_422(client: falcon.testing.TestClient, body: str) -> None:
    result = client.simulate_post("/v0/echo", body=body.encode())
    assert result.status_code in (413, 422), result.text
    if result.status_code == 422:
        assert result.json["detail"].startswith("Request body")
        json.dumps(result.json, ensure_ascii=False).encode("utf-8")  # valid Unicode back


def test_bytes_that_are_not_utf8_are_refused(client: falcon.testing.TestClient) -> None:
    assert post(client, b'{"s": "\xff"}').status_code == 422
    # json.loads would autodetect UTF-16; a request body is UTF-8 or nothing.
    assert post(client, '{"a": 1}'.encode("utf-16")).status_code == 422


def test_ordinary_json_passes(client: falcon.testing.TestClient) -> None:
    value = {"a": [1, -2, 3.5, True, None, "é ☃ 😀"], "deep": [[[[{"x": 1}]]]]}
    assert post(client, json.dumps(value)).json == {"got": value}
    nested: Any = 1
    for _ in range(MAX_DEPTH):
        nested = [nested]
    assert decode_strict(json.dumps(nested).encode()) == nested


def chunked_environ(payload: bytes, *, terminated: bool = False) -> dict[str, Any]:
    env = falcon.testing.create_environ(path="/v0/echo", method="POST")
    env.pop("CONTENT_LENGTH", None)
    env["wsgi.input"] = io.BytesIO(payload)
    if terminated:
        env["wsgi.input_terminated"] = True  # what gunicorn says of a de-chunked input
    else:
        env["HTTP_TRANSFER_ENCODING"] = "chunked"
    return env


def call(app: Any, env: dict[str, Any]) -> tuple[str, bytes]:
    seen: list[str] = []
    body = b"".join(app(env, lambda status, headers: seen.append(status)))
    return seen[0], body


@pytest.mark.parametrize("terminated", [False, True])
def test_a_chunked_body_is_read(app: Any, terminated: bool) -> None:
    status, body = call(app, chunked_environ(b'{"a": 1}', terminated=terminated))
    assert status.startswith("200")
    assert json.loads(body) == {"got": {"a": 1}}


def test_a_chunked_body_over_the_limit_is_a_413(app: Any) -> None:
    status, _ = call(app, chunked_environ(b"[" + b"1," * LIMIT + b"1]"))
    assert status.startswith("413")


def test_decode_strict_names_where() -> None:
    with pytest.raises(InvalidInput) as caught:
        decode_strict(b'{"a": [1, "\\ud800"]}')
    assert caught.value.errors[0].location == "body.a[1]"
