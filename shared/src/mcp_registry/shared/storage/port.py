"""The storage interface every backend implements (SQLite embedded, MongoDB production).

The contract test suite in ``tests/integration/storage`` is the executable form of these
docstrings; a backend is correct when it passes that suite.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from mcp_registry.shared.storage.database import Database
from mcp_registry.shared.storage.records import (
    Actor,
    ItemPage,
    ListPage,
    ListQuery,
    NewVersion,
    ServerRecord,
    Status,
)

MAX_VERSIONS_PER_NAME = 10_000


class ServerStore(Protocol):
    """Server versions; their outbox events and audit entries go to :attr:`database`.

    Invariants every implementation enforces itself (not the callers):
    - (name, version) is unique;
    - at most one record per name has ``is_latest``; which one follows
      :func:`mcp_registry.shared.serverjson.versions.pick_latest`;
    - every write that changes what a reader sees of a record gives that record a new
      ``updated_at`` and a new, strictly greater ``seq`` — including the record that loses
      ``is_latest`` to a newer publish;
    - the outbox events and the audit entry of a write are stored atomically with it: if the
      write is visible, so are they; if it failed, neither is.
    """

    @property
    def database(self) -> Database:
        """The database this store writes through (its outbox and audit log)."""
        ...

    def init(self) -> None:
        """Create tables/collections and indexes. Idempotent; safe to call on every start."""

    def close(self) -> None:
        """Close :attr:`database`. The store (and every other on that database) is unusable
        afterwards."""

    # -- writes -------------------------------------------------------------------------

    def publish(
        self,
        new: NewVersion,
        *,
        actor: Actor,
        now: datetime,
        max_versions: int = MAX_VERSIONS_PER_NAME,
    ) -> ServerRecord:
        """Insert a new version and recompute latest for its name, atomically.

        Sets ``published_at = updated_at = status_changed_at = now``. Stores one
        ``registry.events.server.published`` event (payload: ``name``, ``version``, ``seq``,
        ``isLatest``, ``previousLatest`` version or ``None``) and, when an older version
        lost ``is_latest``, bumps that record too. Appends an audit entry ``publish``.

        Raises :class:`~mcp_registry.shared.errors.Conflict` when (name, version) exists or
        when a remote URL of ``new.server`` belongs to another name (see
        :meth:`names_using_remote`; atomic on SQLite, a check before the write on MongoDB
        without transactions), and :class:`~mcp_registry.shared.errors.BadRequest` when the
        name already has ``max_versions`` versions. Safe under concurrent callers, including
        other processes.
        """
        ...

    def set_status(
        self,
        name: str,
        version: str | None,
        status: Status,
        message: str | None,
        *,
        actor: Actor,
        now: datetime,
    ) -> list[ServerRecord]:
        """Change the status of one version, or of every version when ``version`` is None.

        Records whose status or message actually change get ``status_changed_at``,
        ``updated_at`` and ``seq`` bumped; latest is recomputed and records gaining or
        losing it are bumped as well. One ``registry.events.server.status_changed`` event
        per changed record (payload ``name``, ``version``, ``status``, ``seq``), one audit
        entry. Returns the records as they are after the change (all addressed versions).
        Raises :class:`~mcp_registry.shared.errors.NotFound` for an unknown name/version.
        """
        ...

    def replace_server(
        self,
        name: str,
        version: str,
        server: dict[str, Any],
        *,
        actor: Actor,
        now: datetime,
    ) -> ServerRecord:
        """Admin edit: replace the stored server.json of an existing version.

        Bumps ``updated_at`` and ``seq``; ``published_at`` and ``is_latest`` keep their values.
        Event ``registry.events.server.updated``; audit ``edit``. NotFound when absent.
        """
        ...

    # -- reads --------------------------------------------------------------------------

    def get_version(self, name: str, version: str) -> ServerRecord | None:
        """The record for (name, version) whatever its status, or None."""
        ...

    def get_latest(self, name: str) -> ServerRecord | None:
        """The record of ``name`` with ``is_latest``, or None when the name is unknown."""
        ...

    def list_versions(self, name: str) -> list[ServerRecord]:
        """Every version of ``name``, any status, ordered by ``published_at`` ascending."""
        ...

    def list_servers(self, query: ListQuery) -> ListPage:
        """One page of records matching ``query``; see :class:`ListQuery` for semantics (a
        search in ranked order, ``search_rank``; ``ListPage.phase`` is the next page's phase).

        Served by indexes: search must not scan every record (SQLite FTS5 trigram indexes;
        MongoDB multikey indexes over search and name trigrams).
        """
        ...

    def list_server_items(self, query: ListQuery) -> ItemPage | None:
        """The page :meth:`list_servers` returns for ``query`` with each entry's JSON text
        (see :class:`ItemPage`), or None where this backend leaves making the entries to the
        caller (who then reads :meth:`list_servers`): always for MongoDB; for SQLite, a page
        with a row the database could not write (see ``sqlite.wire_meta``).
        """
        ...

    def change_seq(self) -> int:
        """The greatest ``seq`` handed out so far (0 for an empty store). Cheap: one lookup."""
        ...

    def changed_since(self, seq: int, limit: int) -> list[ServerRecord] | None:
        """The records as they are now whose ``seq`` is greater than ``seq``, by ``seq``.

        None when there are more than ``limit`` (the caller then treats everything as
        changed). A backend whose writes can become visible out of ``seq`` order also
        returns records somewhat below ``seq`` (MongoDB: the last
        ``CHANGE_VISIBILITY_SLACK`` sequence numbers), so a late-visible write is never
        missed. Served by the ``seq`` index.
        """
        ...

    def last_updated_at(self) -> datetime | None:
        """The newest ``updated_at`` of any record (None for an empty store). Index-served."""
        ...

    def count_versions(self, name: str) -> int:
        """How many versions ``name`` has, any status."""
        ...

    def names_using_remote(self, url: str) -> list[str]:
        """Distinct server names, sorted, with a non-deleted version whose ``remotes`` list
        ``url`` exactly (a deleted version releases its URLs). May scan; publish-time only."""
        ...
