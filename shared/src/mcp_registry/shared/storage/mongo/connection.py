"""The MongoDB client of a store: created lazily per process, and the write runner.

A client is created on first use in the process that uses it — never before gunicorn forks —
and one created by a parent process is never used (nor closed) by a forked child: pymongo
clients are not fork-safe.

Every operation runs under a deadline (``pymongo.timeout``: the driver sends ``maxTimeMS`` and
bounds server selection, retries and commit retries by it), so a lost majority or primary
answers :class:`~mcp_registry.shared.storage.mongo.failures.StorageUnavailable` within seconds.
"""

from __future__ import annotations

import logging
import os
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import pymongo
from pymongo import MongoClient
from pymongo.client_session import ClientSession
from pymongo.database import Database
from pymongo.errors import PyMongoError
from pymongo.read_concern import ReadConcern
from pymongo.read_preferences import ReadPreference
from pymongo.uri_parser import parse_uri
from pymongo.write_concern import WriteConcern

from mcp_registry.shared.errors import RegistryError, StorageError
from mcp_registry.shared.storage.mongo.documents import Document
from mcp_registry.shared.storage.mongo.failures import commit_unknown, storage_failure

T = TypeVar("T")
Session = ClientSession | None
"""The session of the running transaction, or None when writes run without one."""

MAX_ATTEMPTS = 100
"""Re-runs of one write under contention before giving up with StorageError."""

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Timeouts:
    """Deadlines, in seconds, of what the store asks MongoDB.

    ``read``: one read (list, search, lookups; sent as ``maxTimeMS``). ``write``: one whole
    write, transaction retries and commit retries included (the driver sends each command,
    the majority commit too, the time left as ``maxTimeMS``, which under a deadline it sends
    instead of ``wtimeout``), and the ``wtimeout`` of its majority write concern otherwise.
    ``connect``: server selection and connecting, the client defaults unless the URL sets
    ``serverSelectionTimeoutMS`` / ``connectTimeoutMS`` itself.
    """

    read: float = 5.0
    write: float = 10.0
    connect: float = 5.0


class Contention(Exception):
    """A compare-and-set lost to a concurrent writer: re-read and re-plan."""


class CommitUnknown(Exception):
    """The deadline passed while the driver still could not tell whether a commit landed."""

    def __init__(self, cause: PyMongoError) -> None:
        super().__init__(str(cause))
        self.cause = cause


def backoff(attempt: int) -> None:
    """Sleep a little before retry ``attempt``, so retrying writers stop colliding."""
    time.sleep(random.uniform(0, min(0.02, 0.001 * 2**attempt)))


def _client_options(url: str, timeouts: Timeouts) -> dict[str, Any]:
    """Client keyword options: the timeouts the URL does not set itself (URL options win)."""
    given = {key.lower() for key in parse_uri(url)["options"]}
    options: dict[str, Any] = {"appname": "mcp-registry"}
    millis = int(timeouts.connect * 1000)
    for key in ("serverSelectionTimeoutMS", "connectTimeoutMS"):
        if key.lower() not in given:
            options[key] = millis
    return options


class MongoConnection:
    """One database reached through a URL (client owned here) or a given client (not owned).

    ``transactions`` forces the write mode; None asks the server (``hello``) until it answers:
    a replica set (``setName``) or a mongos (``msg: isdbgrid``) runs writes in transactions.
    A failed probe is not remembered: the write that needed it fails as unavailable, and the
    next one asks again (a network blip never turns a replica set into standalone mode).
    """

    def __init__(
        self,
        target: str | MongoClient[Document],
        database: str,
        *,
        transactions: bool | None = None,
        timeouts: Timeouts | None = None,
    ) -> None:
        self._url = target if isinstance(target, str) else None
        self._given = None if isinstance(target, str) else target
        self.database_name = database
        self.timeouts = timeouts or Timeouts()
        self._transactions = transactions
        self._lock = threading.Lock()
        self._owned: MongoClient[Document] | None = None
        self._owned_pid = 0
        self._inherited: list[MongoClient[Document]] = []
        self._closed = False
        self._begin: list[Callable[[ClientSession], None]] = []
        self._before_commit: list[Callable[[ClientSession], None]] = []

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
                self._owned = MongoClient(self._url, **_client_options(self._url, self.timeouts))
                self._owned_pid = pid
            return self._owned

    def db(self) -> Database[Document]:
        """The store's database."""
        return self.client()[self.database_name]

    def uses_transactions(self) -> bool:
        """Whether writes run in multi-document transactions (asks the server until it answers).

        Raises StorageUnavailable when the probe fails; the answer is cached only once known.
        """
        if self._transactions is None:
            try:
                with pymongo.timeout(self.timeouts.connect):
                    hello = self.client().admin.command("hello")
            except PyMongoError as exc:
                raise storage_failure(exc) from exc
            known = bool(hello.get("setName")) or hello.get("msg") == "isdbgrid"
            if not known:
                log.warning(
                    "MongoDB is a standalone server: writes run without transactions, which "
                    "is for development only (run a replica set in production)"
                )
            self._transactions = known
        return self._transactions

    def add_transaction_steps(
        self, begin: Callable[[ClientSession], None], before_commit: Callable[[ClientSession], None]
    ) -> None:
        """Run ``begin`` at the start of every transaction attempt and ``before_commit`` at its
        end, after the write's own operations (the seq counter is written there, so its
        document is held for the shortest time)."""
        self._begin.append(begin)
        self._before_commit.append(before_commit)

    def call(self, fn: Callable[[], T], *, timeout: float | None = None) -> T:
        """Run ``fn`` outside any transaction under the read deadline (or ``timeout``);
        driver failures become StorageUnavailable (transient) or StorageError."""
        try:
            with pymongo.timeout(self.timeouts.read if timeout is None else timeout):
                return fn()
        except RegistryError:
            raise
        except PyMongoError as exc:
            raise storage_failure(exc) from exc

    def write(
        self, fn: Callable[[Session], T], *, landed: Callable[[], T | None] | None = None
    ) -> T:
        """Run ``fn`` in a transaction when the deployment has them, else with no session;
        run it again (after the rollback, in a transaction) when it raises Contention.

        The driver retries TransientTransactionError (with backoff) and unknown commit results
        within the write deadline. When the deadline passes with the commit result still
        unknown, ``landed`` (when given) is asked, outside the transaction, for the result of a
        write that did land; None (or no ``landed``) reports the write as unavailable, so it is
        either done once or reported failed.
        """
        for attempt in range(MAX_ATTEMPTS):
            try:
                if not self.uses_transactions():
                    with pymongo.timeout(self.timeouts.write):
                        return fn(None)
                return self._transaction(fn)
            except Contention:
                backoff(attempt)
            except RegistryError:
                raise
            except CommitUnknown as unknown:
                found = self.call(landed) if landed is not None else None
                if found is not None:
                    return found
                raise storage_failure(unknown.cause) from unknown.cause
            except PyMongoError as exc:
                raise storage_failure(exc) from exc
        raise StorageError(f"gave up after {MAX_ATTEMPTS} attempts under write contention")

    def _transaction(self, fn: Callable[[Session], T]) -> T:
        def body(session: ClientSession) -> T:
            for begin in self._begin:
                begin(session)
            result = fn(session)
            for step in self._before_commit:
                step(session)
            return result

        wtimeout = int(self.timeouts.write * 1000)
        with self.client().start_session() as session:
            try:
                with pymongo.timeout(self.timeouts.write):
                    return session.with_transaction(
                        body,
                        read_concern=ReadConcern("snapshot"),
                        write_concern=WriteConcern("majority", wtimeout=wtimeout),
                        read_preference=ReadPreference.PRIMARY,
                    )
            except PyMongoError as exc:
                if commit_unknown(exc):
                    raise CommitUnknown(exc) from exc
                raise

    def close(self) -> None:
        """Close the client created by this process (a given client stays open)."""
        with self._lock:
            self._closed = True
            owned, self._owned = self._owned, None
            mine = owned is not None and self._owned_pid == os.getpid()
        if owned is not None and mine:
            owned.close()
