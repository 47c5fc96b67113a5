"""Run the storage contract against every backend; the summary says which MongoDB ran."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mcp_registry.shared.storage.mongo.database import MongoDatabase
from mcp_registry.shared.storage.mongo.servers import MongoServerStore
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase
from mcp_registry.shared.storage.sqlite.servers import SqliteServerStore
from tests.support.mock_primary import MockPrimary, running
from tests.support.stores import (
    AtomicMongomockClient,
    MakeStore,
    MongoBackend,
    MongoDatabases,
    as_mongo_client,
    choose_mongo_backend,
    mongo_container,
)

_MONGO_RAN = pytest.StashKey[str]()
_FAULTS_RAN = pytest.StashKey[bool]()


@pytest.fixture(scope="session")
def mongo_backend() -> MongoBackend:
    return choose_mongo_backend()


@pytest.fixture(scope="session")
def mongo_url(mongo_backend: MongoBackend) -> Iterator[str | None]:
    """The server URL of a real MongoDB (started here when it is a container), else None."""
    if mongo_backend.kind == "testcontainers":
        with mongo_container() as url:
            yield url
    else:
        yield mongo_backend.url


@pytest.fixture(scope="session")
def _primary_server() -> Iterator[tuple[MockPrimary, str]]:
    # One listening server for the session: stopping one takes about a second.
    with running() as started:
        yield started


@pytest.fixture
def scripted_primary(
    request: pytest.FixtureRequest, _primary_server: tuple[MockPrimary, str]
) -> tuple[MockPrimary, str]:
    """A scripted replica-set primary (mockupdb) and its URL, for fault injection: empty, with
    no faults scripted, at the start of each test (each test's clients are its own)."""
    request.config.stash[_FAULTS_RAN] = True
    _primary_server[0].reset()
    return _primary_server


@pytest.fixture(params=["sqlite", "mongodb"])
def backend(request: pytest.FixtureRequest) -> str:
    """The backend a contract test runs against."""
    return str(request.param)


@pytest.fixture
def make_store(
    backend: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> Iterator[MakeStore]:
    """A factory of stores sharing one fresh database; every store is closed at teardown.

    Several stores on one database stand for several registry processes.
    """
    stores: list[ServerStore] = []
    cleanups: list[Callable[[], None]] = []
    build: Callable[[], ServerStore]
    if backend == "sqlite":
        path = tmp_path / "registry.db"

        def build() -> ServerStore:
            return SqliteServerStore(SqliteDatabase(path))

    else:
        chosen: MongoBackend = request.getfixturevalue("mongo_backend")
        request.config.stash[_MONGO_RAN] = chosen.description
        url: str | None = request.getfixturevalue("mongo_url")
        if url is None:
            stand_in = AtomicMongomockClient()
            cleanups.append(stand_in.close)

            def build() -> ServerStore:
                return MongoServerStore(
                    MongoDatabase(as_mongo_client(stand_in), "mcp_registry_test")
                )

        else:
            databases = MongoDatabases(url)
            name = databases.new_name()
            cleanups.append(databases.drop_all)

            def build() -> ServerStore:
                return MongoServerStore(MongoDatabase(url, name))

    def make(*, init: bool = True) -> ServerStore:
        store = build()
        stores.append(store)
        if init:
            store.init()
        return store

    yield make
    for store in stores:
        store.close()
    for cleanup in cleanups:
        cleanup()


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """Say which MongoDB the contract ran against (DESIGN §4: the summary says which ran)."""
    description = config.stash.get(_MONGO_RAN, None)
    faults = config.stash.get(_FAULTS_RAN, False)
    if description is not None or faults:
        terminalreporter.write_sep("-", "storage contract")
    if description is not None:
        terminalreporter.write_line(f"MongoDB backend: {description}")
    if faults:
        terminalreporter.write_line(
            "MongoDB fault injection: scripted replica-set primary (mockupdb), transactions on"
        )
