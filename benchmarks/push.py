"""Push figures: publish → webhook delivered, and publish → visible in a mirror.

A stack of its own: a nats-server, an upstream registry (``serve all`` with NATS), its relay
(the change feed's sequencer) and webhooks worker, a loopback webhook receiver, and a second
registry mirroring the first through its change feed (``worker mirror``, long polls). Each
publish goes through the upstream's HTTP API; from its return the clock runs until the
receiver has the signed delivery and until the mirror answers the version. Both include the
relay's wait between outbox sweeps (``MCP_REGISTRY_OUTBOX_POLL_INTERVAL``, default 0.5 s),
which the relay, a process of its own, spends before it sees a publish.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

from benchmarks.probe import LatencySummary
from benchmarks.publish import HttpPublisher, post_json
from benchmarks.stack import start_registry, start_worker
from mcp_registry.shared.events.embedded import EmbeddedNats

WARMUP_TIMEOUT = 60.0
ARRIVAL_TIMEOUT = 30.0
WEBHOOKS = "/v0.1/x/dev.mcp-registry/webhooks"
PUSH_ENV = {
    "MCP_REGISTRY_ENABLE_ANONYMOUS_AUTH": "true",
    "MCP_REGISTRY_ENABLE_REGISTRY_VALIDATION": "false",
    # The receiver is on loopback, like everything in a benchmark.
    "MCP_REGISTRY_WEBHOOKS_ALLOW_PRIVATE_TARGETS": "true",
}


@dataclass(frozen=True)
class PushFigures:
    """Latencies from a publish's return to its webhook and to its mirror copy."""

    publishes: int
    webhook: LatencySummary
    mirror: LatencySummary


class _Receiver:
    """A loopback webhook receiver noting when each ``name@version`` arrived."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with receiver._lock:
                    key = f"{body.get('name')}@{body.get('version')}"
                    receiver.arrived.setdefault(key, time.monotonic())
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hook"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def when(self, key: str) -> float | None:
        with self._lock:
            return self.arrived.get(key)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _visible(base_url: str, name: str, version: str) -> bool:
    url = f"{base_url}/v0.1/servers/{quote(name, safe='')}/versions/{version}"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our loopback child
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _wait(condition: Any, timeout: float) -> float:
    """Poll ``condition()`` (a time or a truthy value) until it holds; when it did."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found if isinstance(found, float) else time.monotonic()
        time.sleep(0.002)
    raise RuntimeError(f"nothing arrived within {timeout:.0f} s")


def push_figures(work_dir: Path, *, workers: int, count: int) -> PushFigures:
    """Run the push stack under ``work_dir`` and measure ``count`` publishes."""
    with ExitStack() as stack:
        nats = EmbeddedNats(work_dir / "push-nats")
        nats.start()
        stack.callback(nats.stop)
        upstream_db = f"sqlite:///{work_dir / 'push-upstream.db'}"
        env = {**PUSH_ENV, "MCP_REGISTRY_NATS_URL": nats.url}
        upstream = start_registry(
            "push-upstream",
            data_dir=work_dir,
            database_url=upstream_db,
            workers=workers,
            cache_entries=0,
            extra_env=env,
        )
        stack.callback(upstream.stop)
        for worker in ("relay", "webhooks"):
            child = start_worker(
                f"push-{worker}", worker, data_dir=work_dir, database_url=upstream_db, extra_env=env
            )
            stack.callback(child.stop)
        mirror_db = f"sqlite:///{work_dir / 'push-mirror.db'}"
        mirror = start_registry(
            "push-mirror", data_dir=work_dir, database_url=mirror_db, workers=1, cache_entries=0
        )
        stack.callback(mirror.stop)
        mirror_env = {
            "MCP_REGISTRY_MIRROR_FROM": upstream.url,
            "MCP_REGISTRY_MIRROR_INTERVAL": "10",
        }
        mirror_worker = start_worker(
            "push-mirror-worker",
            "mirror",
            data_dir=work_dir,
            database_url=mirror_db,
            extra_env=mirror_env,
        )
        stack.callback(mirror_worker.stop)
        receiver = _Receiver()
        stack.callback(receiver.close)
        publisher = HttpPublisher(upstream)
        status, body = post_json(
            upstream.url,
            WEBHOOKS,
            {"url": receiver.url, "namespaces": ["io.modelcontextprotocol.anonymous/*"]},
            publisher.token,
        )
        if status != 201:
            raise RuntimeError(f"POST {WEBHOOKS} answered {status}: {body[:200]!r}")
        # Warm up until the whole chain answers (every process started and connected).
        deadline = time.monotonic() + WARMUP_TIMEOUT
        attempt = 0
        while True:
            attempt += 1
            name = publisher.publish(attempt, "0.0.1")
            try:
                _wait(lambda n=name: receiver.when(f"{n}@0.0.1"), 2.0)
                _wait(lambda n=name: _visible(mirror.url, n, "0.0.1"), ARRIVAL_TIMEOUT)
                break
            except RuntimeError:
                if time.monotonic() > deadline:
                    raise
        webhook: list[float] = []
        mirrored: list[float] = []
        for index in range(count):
            name = publisher.publish(1000 + index, "1.0.0")
            returned = time.monotonic()
            arrived = _wait(lambda n=name: receiver.when(f"{n}@1.0.0"), ARRIVAL_TIMEOUT)
            visible = _wait(lambda n=name: _visible(mirror.url, n, "1.0.0"), ARRIVAL_TIMEOUT)
            webhook.append(max(arrived - returned, 0.0) * 1000)
            mirrored.append((visible - returned) * 1000)
        return PushFigures(count, LatencySummary.of(webhook), LatencySummary.of(mirrored))
