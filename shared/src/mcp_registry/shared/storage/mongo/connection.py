"""The MongoDB client of a store: created lazily per process, and the write runner.

A client is created on first use in the process that uses it — never before gunicorn forks —
and one created by a parent process is never used (nor closed) by a forked child: pymongo
clients are not fork-safe.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from pymongo import MongoClient
from pymongo.client_session import ClientSession
from pymongo.database import Database
from pymongo.errors import PyMongoError
from pymongo.read_concern import ReadConcern
from pymongo.read_preferences import ReadPreference
from pymongo.write_concern import WriteConcern

from mcp_registry.shared.errors import RegistryError, StorageError
from mcp_registry.shared.storage.mongo.documents import Document

T = TypeVar("T")
Session = ClientSession | None
"""The session of the running transaction, or None when writes run without one."""

MAX_ATTEMPTS = 100
"""Re-runs of one write under contention before giving up with StorageError."""


class Contention(Exception):
    """A compare-and-set lost to a concurrent writer: re-read and re-plan."""


def backoff(attempt: int) -> None:
    """Sleep a little before retry ``attempt``, so retrying writers stop colliding."""
    time.sleep(random.uniform(0, min(0.02, 0.001 * 2**attempt)))


class MongoConnection:
    """One database reached through a URL (client owned here) or a given client (not owned).

    ``transactions`` forces the write mode; None asks the server on first use: a replica set
    (``hello`` has ``setName``) or a mongos (``msg: isdbgrid``) runs writes in transactions.
    """

    def __init__(
        self,
        target: str | MongoClient[Document],
        database: str,
        *,
        transactions: bool | None = None,
    ) -> None:
        self._url = target if isinstance(target, str) else None
        self._given = None if isinstance(target, str) else target
        self.database_name = database
        self._transactions = transactions
        self._lock = threading.Lock()
        self._owned: MongoClient[Document] | None = None
        self._owned_pid = 0
        self._inherited: list[MongoClient[Document]] = []
        self._closed = False

    def client(self) -> MongoClient[Document]:
        """This process's client, created now if needed."""
        with self._lock:
            if self._closed:
                raise StorageError("the MongoDB store is closed")
            if self._given is not None:
                return self._given
            pid = os.getpid()
            if self._owned is None or self._owned_pid != pid:
                if self._owned is not None:
                    # Kept referenced, never used: the parent process still owns it.
                    self._inherited.append(self._owned)
                if self._url is None:  # pragma: no cover - a URL is kept whenever no client is
                    raise StorageError("no MongoDB URL to connect to")
                self._owned = MongoClient(self._url, appname="mcp-registry")
                self._owned_pid = pid
            return self._owned

    def db(self) -> Database[Document]:
        """The store's database."""
        return self.client()[self.database_name]

    def uses_transactions(self) -> bool:
        """Whether writes run in multi-document transactions (asks the server once)."""
        if self._transactions is None:
            try:
                hello = self.client().admin.command("hello")
            except PyMongoError:
                hello = {}
            self._transactions = bool(hello.get("setName")) or hello.get("msg") == "isdbgrid"
        return self._transactions

    def call(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` outside any transaction; driver failures become StorageError."""
        try:
            return fn()
        except RegistryError:
            raise
        except PyMongoError as exc:
            raise StorageError(f"MongoDB failure: {exc}") from exc

    def write(self, fn: Callable[[Session], T]) -> T:
        """Run ``fn`` in a transaction when the deployment has them, else with no session;
        run it again (after the rollback, in a transaction) when it raises Contention."""
        for attempt in range(MAX_ATTEMPTS):
            try:
                if not self.uses_transactions():
                    return fn(None)
                with self.client().start_session() as session:
                    return session.with_transaction(
                        fn,
                        read_concern=ReadConcern("snapshot"),
                        write_concern=WriteConcern("majority"),
                        read_preference=ReadPreference.PRIMARY,
                    )
            except Contention:
                backoff(attempt)
            except RegistryError:
                raise
            except PyMongoError as exc:
                raise StorageError(f"MongoDB failure: {exc}") from exc
        raise StorageError(f"gave up after {MAX_ATTEMPTS} attempts under write contention")

    def close(self) -> None:
        """Close the client created by this process (a given client stays open)."""
        with self._lock:
            self._closed = True
            owned, self._owned = self._owned, None
            mine = owned is not None and self._owned_pid == os.getpid()
        if owned is not None and mine:
            owned.close()
