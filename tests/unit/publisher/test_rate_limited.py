"""mcp-publisher waits out a 429's ``Retry-After`` and retries once, saying so."""

from __future__ import annotations

import pytest

from mcp_registry.cli.publisher.client import MAX_RETRY_WAIT, ApiError, JsonHttp
from tests.support.local_http import Answer, LocalServer, Seen

PROBLEM = {"title": "Too Many Requests", "status": 429, "detail": "Rate limit exceeded"}


def limited(retry_after: str, then: Answer | None = None) -> LocalServer:
    answers = [Answer.json(PROBLEM, 429), then or Answer.json({"ok": True})]
    answers[0].headers["Retry-After"] = retry_after

    def respond(seen: Seen) -> Answer:
        return answers.pop(0) if answers else Answer.json(PROBLEM, 429)

    return LocalServer(respond)


def test_a_429_is_waited_out_and_retried_once() -> None:
    waits: list[float] = []
    notices: list[str] = []
    with limited("3") as server:
        client = JsonHttp(server.url, sleep=waits.append, notice=notices.append)
        assert client.post("/v0/publish", {"name": "x"}) == {"ok": True}
    assert waits == [3]
    assert notices == [
        f"rate limited by {server.url}: waiting 3 s (Retry-After), then retrying once"
    ]
    assert server.paths() == ["/v0/publish", "/v0/publish"]


def test_a_second_429_is_reported() -> None:
    with limited("1", then=Answer.json(PROBLEM, 429)) as server:
        client = JsonHttp(server.url, sleep=lambda _: None, notice=lambda _: None)
        with pytest.raises(ApiError) as caught:
            client.post("/v0/publish", {})
    assert caught.value.status == 429
    assert len(server.requests) == 2


def test_a_long_wait_is_not_waited_for() -> None:
    waits: list[float] = []
    with limited(str(MAX_RETRY_WAIT + 1)) as server:
        client = JsonHttp(server.url, sleep=waits.append, notice=lambda _: None)
        with pytest.raises(ApiError) as caught:
            client.post("/v0/publish", {})
    assert (caught.value.status, caught.value.retry_after) == (429, MAX_RETRY_WAIT + 1)
    assert waits == []
    assert len(server.requests) == 1
