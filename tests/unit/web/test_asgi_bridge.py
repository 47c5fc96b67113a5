"""The WSGI-on-ASGI bridge of the default worker model, driven with ASGI messages directly."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterable, Sequence
from typing import Any

from mcp_registry.shared.web.asgi_worker import WsgiOnAsgi
from mcp_registry.shared.web.memory_answer import RawAnswer


class Recorder:
    """A WSGI app remembering the environ it saw and the thread it ran on."""

    def __init__(self) -> None:
        self.environ: dict[str, Any] = {}
        self.thread = ""
        self.body = b""

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        self.environ = environ
        self.thread = threading.current_thread().name
        self.body = environ["wsgi.input"].read()
        start_response("201 Created", [("Content-Type", "text/plain"), ("X-Seen", "yes")])
        return [b"he", b"llo"]


def scope(path: str, raw_path: bytes, query: bytes = b"", headers: Any = ()) -> dict[str, Any]:
    return {
        "type": "http",
        "method": "POST",
        "path": path,
        "raw_path": raw_path,
        "query_string": query,
        "http_version": "1.1",
        "headers": list(headers),
        "server": ("127.0.0.1", 8080),
        "client": ("127.0.0.1", 5555),
    }


def serve(
    bridge: WsgiOnAsgi, request: dict[str, Any], messages: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def run() -> None:
        queue = list(messages)

        async def receive() -> dict[str, Any]:
            if queue:
                return queue.pop(0)
            await asyncio.sleep(3600)  # a client that sends nothing more
            raise AssertionError("unreachable")

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await bridge(request, receive, send)

    asyncio.run(run())
    return sent


def test_the_environ_keeps_the_raw_path_and_a_chunked_body_gets_its_length() -> None:
    app = Recorder()
    bridge = WsgiOnAsgi(app, threads=1, max_body_bytes=1000, body_timeout=5)
    sent = serve(
        bridge,
        scope("/v0/servers/a/b", b"/v0/servers/a%2Fb", b"x=1", [(b"x-forwarded-for", b"1.2.3.4")]),
        [
            {"type": "http.request", "body": b"{", "more_body": True},
            {"type": "http.request", "body": b"}", "more_body": False},
        ],
    )
    assert app.environ["RAW_URI"] == "/v0/servers/a%2Fb?x=1"
    assert app.environ["PATH_INFO"] == "/v0/servers/a/b"
    assert app.environ["QUERY_STRING"] == "x=1"
    assert app.environ["CONTENT_LENGTH"] == "2"
    assert app.environ["HTTP_X_FORWARDED_FOR"] == "1.2.3.4"
    assert app.body == b"{}"
    assert app.thread.startswith("wsgi")  # the pool, not the event loop
    assert sent[0]["status"] == 201
    assert (b"x-seen", b"yes") in sent[0]["headers"]
    assert sent[1]["body"] == b"hello"


def test_a_stalled_body_is_answered_408_without_running_the_app() -> None:
    app = Recorder()
    bridge = WsgiOnAsgi(app, threads=1, max_body_bytes=1000, body_timeout=0.05)
    sent = serve(
        bridge,
        scope("/v0/publish", b"/v0/publish"),
        [{"type": "http.request", "body": b"{", "more_body": True}],
    )
    assert sent[0]["status"] == 408
    assert app.environ == {}


def test_reading_stops_past_the_body_bound() -> None:
    app = Recorder()
    bridge = WsgiOnAsgi(app, threads=1, max_body_bytes=4, body_timeout=5)
    chunks = [{"type": "http.request", "body": b"abc", "more_body": True}] * 3
    serve(bridge, scope("/v0/publish", b"/v0/publish"), chunks)
    assert app.body == b"abcabc"  # read until past the bound, then the app decides (413)


class Holding(Recorder):
    """A WSGI app that holds every answer in memory."""

    def answer_from_memory(
        self, method: str, path: str, query: str, headers: Sequence[tuple[bytes, bytes]]
    ) -> RawAnswer | None:
        return 200, [(b"content-length", b"4")], b"held"


def test_the_bridge_offers_the_apps_memory_to_the_protocol_and_still_runs_the_app() -> None:
    app = Holding()
    bridge = WsgiOnAsgi(app, threads=1, max_body_bytes=1000, body_timeout=5)
    assert bridge.answer_from_memory == app.answer_from_memory
    assert (
        WsgiOnAsgi(Recorder(), threads=1, max_body_bytes=10, body_timeout=5).answer_from_memory
        is None
    )
    # Asked by the protocol only: a request that reaches the bridge runs the app.
    request = {**scope("/held", b"/held"), "method": "GET"}
    sent = serve(bridge, request, [{"type": "http.request"}])
    assert sent[0]["status"] == 201
