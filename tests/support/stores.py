"""Storage test support: which MongoDB to test against, a mongomock stand-in server, test data.

MongoDB backend, decided once per session (:func:`choose_mongo_backend`):

1. ``MCP_REGISTRY_TEST_MONGODB_URL`` set: that server;
2. else a Docker engine answering on its socket: a throwaway ``mongo`` container
   (testcontainers);
3. else mongomock, wrapped by :class:`AtomicMongomockClient` so each operation is atomic as on
   a real server.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast
from urllib.parse import urlsplit

from pymongo import MongoClient

from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.storage.records import Actor, NewVersion, Status
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase
from mcp_registry.shared.storage.sqlite.servers import SqliteServerStore
from tests.support.server_json import server_json

MONGODB_URL_ENV = "MCP_REGISTRY_TEST_MONGODB_URL"
MONGO_IMAGE = "mongo:7"

T0 = datetime(2025, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)
ACTOR = Actor(subject="github:octo", auth_method="github-at")

MakeStore = Callable[..., ServerStore]
"""The ``make_store`` fixture: ``make_store(init=True)`` returns another store on the test's
one database (each store stands for one registry process)."""


# -- test data ------------------------------------------------------------------------------


def at(seconds: float) -> datetime:
    """``T0`` plus ``seconds`` (microsecond precision)."""
    return T0 + timedelta(seconds=seconds)


class Ticker:
    """A clock that moves forward one millisecond per call (thread-safe)."""

    def __init__(self, start: datetime = T0) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            self._now += timedelta(milliseconds=1)
            return self._now


def new_version(
    name: str,
    version: str,
    *,
    status: Status = "active",
    status_message: str | None = None,
    **fields: Any,
) -> NewVersion:
    """A :class:`NewVersion` around :func:`~tests.support.server_json.server_json`."""
    return NewVersion(
        name=name,
        version=version,
        server=server_json(name=name, version=version, **fields),
        status=status,
        status_message=status_message,
    )


# -- SQLite in other processes --------------------------------------------------------------


def publish_versions_in_process(
    db_path: str, name: str, versions: list[str], start: Any, failures: Any
) -> None:
    """Process target: wait for ``start`` (an Event), publish ``versions`` with a fresh store.

    Failures are put on ``failures`` (a queue) as text, since the parent cannot see them.
    """
    store = SqliteServerStore(SqliteDatabase(db_path))
    try:
        start.wait(30)
        clock = Ticker(T0 + timedelta(seconds=os.getpid() % 1000))
        for version in versions:
            store.publish(new_version(name, version), actor=ACTOR, now=clock())
    except Exception as exc:
        failures.put(f"{type(exc).__name__}: {exc}")
    finally:
        store.close()


# -- which MongoDB ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MongoBackend:
    """The MongoDB the contract tests run against; ``description`` goes in the test summary."""

    kind: str  # "server", "testcontainers" or "mongomock"
    description: str
    url: str | None = None


def docker_engine_reachable(timeout: float = 0.5) -> bool:
    """True when a Docker engine accepts connections on ``DOCKER_HOST`` or the default socket.

    Only a connect with a short timeout: a missing engine must not slow the test session.
    """
    host = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    try:
        if host.startswith("unix://"):
            path = host[len("unix://") :]
            if not os.path.exists(path):
                return False
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(timeout)
                sock.connect(path)
            return True
        if host.startswith("tcp://"):
            parts = urlsplit(host)
            with socket.create_connection((parts.hostname or "", parts.port or 2375), timeout):
                return True
    except OSError:
        return False
    return False


def choose_mongo_backend() -> MongoBackend:
    """Real server from the environment, else testcontainers, else mongomock."""
    url = os.environ.get(MONGODB_URL_ENV)
    if url:
        return MongoBackend("server", f"MongoDB server from {MONGODB_URL_ENV}", url)
    if docker_engine_reachable():
        return MongoBackend("testcontainers", f"MongoDB in Docker ({MONGO_IMAGE}, testcontainers)")
    return MongoBackend(
        "mongomock",
        f"mongomock stand-in (no {MONGODB_URL_ENV}, no Docker engine reachable)",
    )


@contextmanager
def mongo_container() -> Iterator[str]:
    """Start a throwaway MongoDB container; yields its connection URL."""
    # The top-level testcontainers.mongodb module is deprecated (and warns).
    from testcontainers.community.mongodb import MongoDbContainer

    with MongoDbContainer(MONGO_IMAGE) as container:
        yield str(container.get_connection_url())


@dataclass
class MongoDatabases:
    """Creates uniquely named databases on a real server and drops them afterwards."""

    url: str
    names: list[str] = field(default_factory=list)

    def new_name(self) -> str:
        name = f"mcp_registry_test_{uuid.uuid4().hex[:12]}"
        self.names.append(name)
        return name

    def drop_all(self) -> None:
        client: MongoClient[dict[str, Any]] = MongoClient(self.url)
        try:
            for name in self.names:
                client.drop_database(name)
        finally:
            client.close()


# -- mongomock as a server --------------------------------------------------------------------


Latency = float | Callable[[], float]
"""Seconds one stand-in operation takes, fixed or asked per operation."""


class _AtomicCollection:
    """A mongomock collection whose every operation runs under the server lock.

    mongomock mutates documents in place and checks unique indexes afterwards, so concurrent
    threads could observe or break half-done writes; a real server never lets them. Cursors are
    read to the end under the lock (our store only iterates them), and ``hint`` is accepted and
    ignored (mongomock has no query planner to hint). Each call then waits ``latency`` seconds
    outside the lock, like a network round trip, so concurrent writers really interleave.
    """

    def __init__(self, collection: Any, lock: threading.RLock, latency: Latency) -> None:
        self._collection = collection
        self._lock = lock
        self._latency = latency

    def create_index(self, keys: Any, **options: Any) -> str:
        """Re-creating an existing index is a no-op, as on a server. (mongomock re-checks
        uniqueness over every document ignoring ``partialFilterExpression``, which would make a
        second ``init()`` fail once a name has two versions.)"""
        with self._lock:
            name = options.get("name")
            if name is not None and name in self._collection.index_information():
                return str(name)
            return str(self._collection.create_index(keys, **options))

    def __getattr__(self, attr: str) -> Any:
        target = getattr(self._collection, attr)
        if not callable(target):
            return target

        def atomic(*args: Any, **kwargs: Any) -> Any:
            kwargs.pop("hint", None)
            with self._lock:
                result = target(*args, **kwargs)
                if type(result).__name__ == "Cursor":
                    result = list(result)
            time.sleep(self._latency() if callable(self._latency) else self._latency)
            return result

        return atomic


class _AtomicDatabase:
    def __init__(self, database: Any, lock: threading.RLock, latency: Latency) -> None:
        self._database = database
        self._lock = lock
        self._latency = latency

    def __getitem__(self, name: str) -> _AtomicCollection:
        return _AtomicCollection(self._database[name], self._lock, self._latency)

    def get_collection(self, name: str) -> _AtomicCollection:
        return self[name]

    def list_collection_names(self) -> list[str]:
        with self._lock:
            return list(self._database.list_collection_names())


class _StandaloneAdmin:
    """Answers ``hello`` like a standalone server (so: no transactions)."""

    def command(self, command: str | dict[str, Any], **_: Any) -> dict[str, Any]:
        name = command if isinstance(command, str) else next(iter(command))
        if name in ("hello", "ping"):
            return {"isWritablePrimary": True, "ok": 1.0}
        raise NotImplementedError(f"the mongomock stand-in does not answer {name!r}")


class AtomicMongomockClient:
    """mongomock as a single standalone server: one lock makes each operation atomic, and each
    operation takes ``latency`` seconds (default 0.2 ms) like a round trip to a server;
    ``latency`` may be a callable, asked on every operation (e.g. slower for some threads)."""

    def __init__(self, latency: Latency = 0.0002) -> None:
        import mongomock

        self._client: Any = mongomock.MongoClient()
        self._lock = threading.RLock()
        self._latency = latency
        self.admin = _StandaloneAdmin()

    def __getitem__(self, name: str) -> _AtomicDatabase:
        return _AtomicDatabase(self._client[name], self._lock, self._latency)

    def get_database(self, name: str) -> _AtomicDatabase:
        return self[name]

    def start_session(self) -> Any:
        raise NotImplementedError("a standalone server has no transactions")

    def close(self) -> None:
        self._client.close()


def as_mongo_client(stand_in: AtomicMongomockClient) -> MongoClient[dict[str, Any]]:
    """The stand-in typed as the client it imitates (it implements what the store uses)."""
    return cast("MongoClient[dict[str, Any]]", stand_in)
