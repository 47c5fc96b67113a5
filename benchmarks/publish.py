"""Publish-path measurements: publish→visible latency and sequential publish throughput.

Two publishers, chosen by the benchmark: ``http`` posts to ``POST /v0/publish`` of the
registry under test with an anonymous token (``/v0/auth/none``; package-ownership checks off,
since they would call package registries), for ``io.modelcontextprotocol.anonymous/*`` names;
``store`` calls ``ServerStore.publish`` from the benchmark process (the same transaction
without the HTTP layer), used when the registry has no publishing service. "Visible" means the
registry answers the new version on its detail route *and* lists it as latest in
``GET /v0/servers``.
"""

from __future__ import annotations

import http.client
import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, Protocol
from urllib.parse import quote, urlsplit

from benchmarks.catalog import server_document, server_name
from benchmarks.probe import LatencySummary, get
from benchmarks.stack import Served
from mcp_registry.shared.storage.factory import open_store
from mcp_registry.shared.storage.records import Actor, NewVersion

PublishPath = Literal["http", "store"]
BENCH_ACTOR = Actor.system("bench")
ANONYMOUS_NAMESPACE = "io.modelcontextprotocol.anonymous"
VISIBLE_TIMEOUT = 10.0
MAX_PUBLISHES = 5_000


class Publisher(Protocol):
    """Publishes version ``version`` of generated server ``index``; returns its name."""

    path: PublishPath

    def publish(self, index: int, version: str) -> str: ...

    def close(self) -> None: ...


class StorePublisher:
    """``ServerStore.publish`` from this process, for the seeded ``io.github.*`` servers."""

    path: PublishPath = "store"

    def __init__(self, database_url: str) -> None:
        self._store = open_store(database_url)

    def publish(self, index: int, version: str) -> str:
        name = server_name(index)
        new = NewVersion(name, version, server_document(index, version))
        self._store.publish(new, actor=BENCH_ACTOR, now=datetime.now(UTC))
        return name

    def close(self) -> None:
        self._store.close()


def post_json(url: str, path: str, body: object, token: str | None) -> tuple[int, bytes]:
    """POST ``body`` as JSON (with a Bearer ``token``); the status and the body."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.request("POST", path, body=json.dumps(body).encode(), headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class HttpPublisher:
    """``POST /v0/publish`` with an anonymous registry token."""

    path: PublishPath = "http"

    def __init__(self, served: Served) -> None:
        self._url = served.url
        status, body = post_json(self._url, "/v0/auth/none", {}, None)
        if status != 200:
            raise RuntimeError(f"POST /v0/auth/none answered {status}: {body[:200]!r}")
        self.token: str = json.loads(body)["registry_token"]

    def publish(self, index: int, version: str) -> str:
        document = server_document(index, version)
        name = f"{ANONYMOUS_NAMESPACE}/{server_name(index).split('/')[1]}"
        document["name"] = name
        for remote in document.get("remotes", []):
            # A remote URL belongs to one server name: the seeded server already holds it.
            remote["url"] = remote["url"].replace("https://", "https://anon-", 1)
        status, body = post_json(self._url, "/v0/publish", document, self.token)
        if status != 200:
            raise RuntimeError(f"POST /v0/publish answered {status}: {body[:300]!r}")
        return name

    def close(self) -> None:
        """Nothing to release: every request used its own connection."""


def open_publisher(served: Served, database_url: str, notes: list[str]) -> Publisher:
    """The HTTP publisher when the registry publishes over HTTP, else the store one."""
    try:
        publisher = HttpPublisher(served)
        publisher.publish(0, "0.0.1")  # one probe publish, outside the measurements
    except (RuntimeError, OSError, KeyError, ValueError) as exc:
        notes.append(f"publishing through the store: the HTTP publish path failed ({exc})")
        return StorePublisher(database_url)
    return publisher


@dataclass(frozen=True)
class Visibility:
    """How long each publish took, and from its return to the version being visible."""

    publishes: int
    since: datetime
    publish: LatencySummary
    visible: LatencySummary


@dataclass(frozen=True)
class Throughput:
    """Sequential publishes per second (one writer)."""

    publishes: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.publishes / self.seconds


def _listed(served: Served, name: str, version: str) -> bool:
    reply = get(served.url, f"/v0/servers?search={quote(name)}&version=latest&limit=100")
    if reply.status != 200:
        return False
    servers = reply.json().get("servers", [])
    return any(
        item["server"]["name"] == name and item["server"]["version"] == version for item in servers
    )


def _detail(served: Served, name: str, version: str) -> bool:
    path = f"/v0/servers/{quote(name, safe='')}/versions/{quote(version, safe='')}"
    return get(served.url, path).status == 200


def publish_visibility(
    served: Served, publisher: Publisher, *, n_servers: int, count: int, version: str
) -> Visibility:
    """Publish ``version`` of the first ``count`` servers one by one, each time polling until
    it is visible; ``since`` (taken before the first publish) serves the incremental sync."""
    since = datetime.now(UTC)
    publish_ms: list[float] = []
    visible_ms: list[float] = []
    for index in range(min(count, n_servers)):
        started = time.perf_counter()
        name = publisher.publish(index, version)
        returned = time.perf_counter()
        publish_ms.append((returned - started) * 1000)
        deadline = returned + VISIBLE_TIMEOUT
        while not (_detail(served, name, version) and _listed(served, name, version)):
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{name} {version} not visible after {VISIBLE_TIMEOUT} s")
        visible_ms.append((time.perf_counter() - returned) * 1000)
    return Visibility(
        len(publish_ms), since, LatencySummary.of(publish_ms), LatencySummary.of(visible_ms)
    )


def publish_throughput(publisher: Publisher, *, n_servers: int, duration: float) -> Throughput:
    """Publish new versions (``3.<round>.0``) server after server for ``duration`` seconds."""
    done = 0
    started = time.perf_counter()
    for attempt in range(MAX_PUBLISHES):
        publisher.publish(attempt % n_servers, f"3.{attempt // n_servers}.0")
        done += 1
        if time.perf_counter() - started > duration:
            break
    return Throughput(done, time.perf_counter() - started)
