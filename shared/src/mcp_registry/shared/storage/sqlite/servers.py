"""The embedded backend: :class:`ServerStore` on one SQLite file (stdlib ``sqlite3``, WAL).

Every write is one ``BEGIN IMMEDIATE`` transaction: it takes the database's write lock before
reading, so concurrent writers (threads or processes) serialize and each plans its changes from
state nobody else can change until it commits. The version rows, the latest flip, the outbox
events and the audit entry of a write commit together or not at all. ``seq`` comes from the
``counters`` table inside the same transaction, so it increases in commit order.

Readers never block writers (WAL). Search and listing SQL: see ``queries``, ``latest_search``
and ``ranked_search``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from mcp_registry.shared.errors import BadRequest, Conflict, NotFound, StorageError
from mcp_registry.shared.event_model import OutboxEvent
from mcp_registry.shared.storage import effects
from mcp_registry.shared.storage.planning import (
    Transition,
    VersionState,
    check_identity,
    plan_publish,
    plan_status,
)
from mcp_registry.shared.storage.port import MAX_VERSIONS_PER_NAME
from mcp_registry.shared.storage.records import (
    STATUSES,
    Actor,
    ItemPage,
    ListPage,
    ListQuery,
    NewVersion,
    SearchPhase,
    ServerRecord,
    Status,
)
from mcp_registry.shared.storage.remote_urls import remote_urls
from mcp_registry.shared.storage.search_text import search_text
from mcp_registry.shared.storage.sqlite import ranked_search, wire_meta
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase, dumps
from mcp_registry.shared.storage.sqlite.latest_search import SEARCH_WINDOW
from mcp_registry.shared.storage.sqlite.queries import (
    LAST_UPDATED_SQL,
    NAMES_USING_REMOTE_SQL,
    SELECT_RECORDS,
    list_servers_sql,
)
from mcp_registry.shared.storage.sqlite.schema import (
    BACKFILL_LATEST_NAMES,
    BACKFILL_LATEST_SEARCH,
    BACKFILL_REMOTES,
    STATEMENTS,
)
from mcp_registry.shared.storage.sqlite.wire_meta import ITEM_COLUMNS
from mcp_registry.shared.storage.timestamps import from_micros, to_micros

_STATUS: dict[str, Status] = {s: s for s in STATUSES}


def _record(row: Sequence[Any]) -> ServerRecord:
    """A :class:`ServerRecord` from a row selected with ``SELECT_RECORDS``."""
    name, version, server, status, message, published, updated, changed, latest, seq = row
    # Most records never changed after publishing: their three times are one value.
    published_at = from_micros(published)
    updated_at = published_at if updated == published else from_micros(updated)
    return ServerRecord.construct(
        name,
        version,
        server,
        _STATUS[status],
        message,
        published_at,
        updated_at,
        updated_at if changed == updated else from_micros(changed),
        bool(latest),
        seq,
    )


class SqliteServerStore:
    """:class:`~mcp_registry.shared.storage.port.ServerStore` on a :class:`SqliteDatabase`.

    Construction opens nothing; each thread opens its own connection on first use, and a
    process forked after construction opens fresh ones (see ``connections``).
    Transactions, the seq counter, the outbox and the audit log belong to ``database``.
    """

    def __init__(self, database: SqliteDatabase, *, search_window: int = SEARCH_WINDOW) -> None:
        self.database = database
        self.search_window = search_window
        """Latest entries a latest-only search walks before it asks the trigram index (see
        ``latest_search``); tests make it small to cross the boundary with a few records."""

    @staticmethod
    def _states(conn: sqlite3.Connection, name: str) -> list[VersionState]:
        rows = conn.execute(
            "SELECT version, published_at, status, status_message, is_latest, seq"
            " FROM server_versions WHERE name = ? ORDER BY published_at, version",
            (name,),
        ).fetchall()
        return [
            VersionState(
                version=version,
                published_at=from_micros(published),
                status=_STATUS[status],
                status_message=message,
                is_latest=bool(latest),
                seq=seq,
            )
            for version, published, status, message, latest, seq in rows
        ]

    def _apply(self, conn: sqlite3.Connection, name: str, change: Transition, now: datetime) -> int:
        """Apply one planned transition; returns the record's new seq."""
        seq = self.database.next_seq(conn)
        stamp = to_micros(now)
        conn.execute(
            "UPDATE server_versions SET status = ?, status_message = ?, is_latest = ?,"
            " seq = ?, updated_at = ?,"
            " status_changed_at = CASE WHEN ? THEN ? ELSE status_changed_at END"
            " WHERE name = ? AND version = ?",
            (
                change.status,
                change.status_message,
                int(change.is_latest),
                seq,
                stamp,
                int(change.status_moved),
                stamp,
                name,
                change.version,
            ),
        )
        return seq

    @staticmethod
    def _select_one(conn: sqlite3.Connection, name: str, version: str) -> ServerRecord | None:
        row = conn.execute(
            SELECT_RECORDS + " WHERE name = ? AND version = ?",
            (name, version),
        ).fetchone()
        return _record(row) if row is not None else None

    # -- lifecycle ------------------------------------------------------------------------

    def init(self) -> None:
        """Create tables, indexes, the FTS5 table and its triggers; idempotent."""
        self.database.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with self.database.write() as conn:
                found = conn.execute("PRAGMA user_version").fetchone()[0]
                columns = {row[1] for row in conn.execute("PRAGMA table_info(server_versions)")}
                # A table from before schema version 4 gains the column its triggers write.
                add_wire_meta = bool(columns) and wire_meta.WIRE_META_COLUMN not in columns
                if add_wire_meta:
                    conn.execute(wire_meta.ADD_COLUMN)
                for statement in STATEMENTS:
                    conn.execute(statement)
                if add_wire_meta:
                    conn.execute(wire_meta.BACKFILL)
                if 0 < found < 2:
                    conn.execute(BACKFILL_REMOTES)
                if 0 < found < 3:
                    for backfill in BACKFILL_LATEST_SEARCH:
                        conn.execute(backfill)
                if 0 < found < 5:
                    for backfill in BACKFILL_LATEST_NAMES:
                        conn.execute(backfill)
        except StorageError as exc:
            if "fts5" in exc.detail or "trigram" in exc.detail:
                raise StorageError(
                    "this SQLite build lacks FTS5 with the trigram tokenizer (needs 3.34+): "
                    f"{exc.detail}"
                ) from exc
            raise

    def close(self) -> None:
        """Close the database (every connection this process opened); unusable afterwards."""
        self.database.close()

    # -- writes ---------------------------------------------------------------------------

    def publish(
        self,
        new: NewVersion,
        *,
        actor: Actor,
        now: datetime,
        max_versions: int = MAX_VERSIONS_PER_NAME,
    ) -> ServerRecord:
        """See :meth:`ServerStore.publish`; one transaction for everything it writes."""
        check_identity(new.name, new.version, new.server)
        stamp = to_micros(now)
        with self.database.write() as conn:
            states = self._states(conn, new.name)
            if any(s.version == new.version for s in states):
                raise Conflict(f"{new.name} version {new.version} already exists")
            if len(states) >= max_versions:
                raise BadRequest(
                    f"{new.name} already has {len(states)} versions (at most {max_versions})"
                )
            # Inside the write lock, so two names racing for one remote URL cannot both win.
            for url in sorted(remote_urls(new.server)):
                owners = [
                    owner
                    for (owner,) in conn.execute(NAMES_USING_REMOTE_SQL, (url,))
                    if owner != new.name
                ]
                if owners:
                    raise Conflict(f"remote URL {url} is already used by server {owners[0]}")
            plan = plan_publish(states, new, now=now)
            for change in plan.transitions:
                self._apply(conn, new.name, change, now)
            seq = self.database.next_seq(conn)
            conn.execute(
                "INSERT INTO server_versions (name, version, server, status, status_message,"
                " published_at, updated_at, status_changed_at, is_latest, seq, search_text)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    new.name,
                    new.version,
                    dumps(new.server),
                    new.status,
                    new.status_message,
                    stamp,
                    stamp,
                    stamp,
                    int(plan.new_is_latest),
                    seq,
                    search_text(new.server),
                ),
            )
            event = effects.published_event(
                new.name,
                new.version,
                seq=seq,
                is_latest=plan.new_is_latest,
                previous_latest=plan.previous_latest,
                now=now,
            )
            self.database.add_events(conn, [event])
            audit = effects.publish_audit(
                new.name, new.version, is_latest=plan.new_is_latest, actor=actor, now=now
            )
            self.database.add_audit(conn, audit)
            record = self._select_one(conn, new.name, new.version)
        if record is None:  # pragma: no cover - the row was inserted in this transaction
            raise StorageError(f"{new.name} {new.version} vanished after insert")
        return record

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
        """See :meth:`ServerStore.set_status`; one transaction for everything it writes."""
        with self.database.write() as conn:
            plan = plan_status(self._states(conn, name), version, status, message)
            if plan is None:
                what = f"{name} version {version}" if version is not None else name
                raise NotFound(f"{what} not found")
            events: list[OutboxEvent] = []
            for change in plan.transitions:
                seq = self._apply(conn, name, change, now)
                if change.status_changed:
                    events.append(
                        effects.status_changed_event(
                            name, change.version, status=change.status, seq=seq, now=now
                        )
                    )
            self.database.add_events(conn, events)
            changed = [c.version for c in plan.transitions if c.status_changed]
            audit = effects.status_audit(
                name, version, status, message, changed, actor=actor, now=now
            )
            self.database.add_audit(conn, audit)
            rows = conn.execute(
                SELECT_RECORDS + " WHERE name = ? ORDER BY published_at, version",
                (name,),
            ).fetchall()
        wanted = set(plan.addressed)
        return [r for r in map(_record, rows) if r.version in wanted]

    def replace_server(
        self,
        name: str,
        version: str,
        server: dict[str, Any],
        *,
        actor: Actor,
        now: datetime,
    ) -> ServerRecord:
        """See :meth:`ServerStore.replace_server`; one transaction for everything it writes."""
        check_identity(name, version, server)
        with self.database.write() as conn:
            seq = self.database.next_seq(conn)
            cursor = conn.execute(
                "UPDATE server_versions SET server = ?, search_text = ?, updated_at = ?, seq = ?"
                " WHERE name = ? AND version = ?",
                (dumps(server), search_text(server), to_micros(now), seq, name, version),
            )
            if cursor.rowcount != 1:
                raise NotFound(f"{name} version {version} not found")
            self.database.add_events(conn, [effects.updated_event(name, version, seq=seq, now=now)])
            self.database.add_audit(conn, effects.edit_audit(name, version, actor=actor, now=now))
            record = self._select_one(conn, name, version)
        if record is None:  # pragma: no cover - updated in this transaction
            raise StorageError(f"{name} {version} vanished after update")
        return record

    # -- reads ----------------------------------------------------------------------------

    def get_version(self, name: str, version: str) -> ServerRecord | None:
        """See :meth:`ServerStore.get_version`."""
        with self.database.read() as conn:
            return self._select_one(conn, name, version)

    def get_latest(self, name: str) -> ServerRecord | None:
        """See :meth:`ServerStore.get_latest`."""
        with self.database.read() as conn:
            row = conn.execute(
                SELECT_RECORDS + " WHERE name = ? AND is_latest = 1",
                (name,),
            ).fetchone()
        return _record(row) if row is not None else None

    def list_versions(self, name: str) -> list[ServerRecord]:
        """See :meth:`ServerStore.list_versions`."""
        with self.database.read() as conn:
            rows = conn.execute(
                SELECT_RECORDS + " WHERE name = ? ORDER BY published_at, version",
                (name,),
            ).fetchall()
        return [_record(row) for row in rows]

    def list_servers(self, query: ListQuery) -> ListPage:
        """See :meth:`ServerStore.list_servers`; the SQL is in ``ranked_search`` (searches, in
        ranked order), ``latest_search`` and ``queries``."""
        if query.limit < 1:
            raise BadRequest(f"limit must be at least 1, got {query.limit}")
        phase: SearchPhase = "name"
        if query.search:
            with self.database.read() as conn:
                rows, phase = ranked_search.list_ranked(conn, query, window=self.search_window)
        else:
            built = list_servers_sql(query)
            if built is None:
                return ListPage(items=[], has_more=False)
            sql, params = built
            with self.database.read() as conn:
                rows = conn.execute(sql, params).fetchall()
        items = [_record(row) for row in rows[: query.limit]]
        return ListPage(items=items, has_more=len(rows) > query.limit, phase=phase)

    def list_server_items(self, query: ListQuery) -> ItemPage | None:
        """See :meth:`ServerStore.list_server_items`: the entries' text as the database keeps
        it (``wire_meta``), one column per row, no record built. None for a search (ranked:
        the plans of ``ranked_search``) and where a row of the page has no ``wire_meta`` (see
        there)."""
        if query.limit < 1:
            raise BadRequest(f"limit must be at least 1, got {query.limit}")
        if query.search:
            return None
        built = list_servers_sql(query, columns=ITEM_COLUMNS)
        if built is None:
            return ItemPage(names=(), texts=(), last=None, has_more=False)
        sql, params = built
        with self.database.read() as conn:
            rows = conn.execute(sql, params).fetchall()
        page = rows[: query.limit]
        if not page:
            return ItemPage(names=(), texts=(), last=None, has_more=False)
        # Columns at once (zip in C): a page costs a few passes over 100 rows, no Python loop.
        names, versions, texts = zip(*page, strict=True)
        if None in texts:
            return None
        return ItemPage(
            names=names, texts=texts, last=(names[-1], versions[-1]), has_more=len(rows) > len(page)
        )

    def change_seq(self) -> int:
        """See :meth:`ServerStore.change_seq`."""
        row = self.database.read_one("SELECT value FROM counters WHERE name = 'seq'")
        return int(row[0]) if row is not None else 0

    def changed_since(self, seq: int, limit: int) -> list[ServerRecord] | None:
        """See :meth:`ServerStore.changed_since` (the unique ``seq`` index; writes are
        serialized, so visibility follows ``seq`` exactly)."""
        with self.database.read() as conn:
            rows = conn.execute(
                SELECT_RECORDS + " WHERE v.seq > ? ORDER BY v.seq LIMIT ?", (seq, limit + 1)
            ).fetchall()
        if len(rows) > limit:
            return None
        return [_record(row) for row in rows]

    def last_updated_at(self) -> datetime | None:
        """See :meth:`ServerStore.last_updated_at` (``max`` over the updated_at index)."""
        with self.database.read() as conn:
            row = conn.execute(LAST_UPDATED_SQL).fetchone()
        return from_micros(row[0]) if row is not None and row[0] is not None else None

    def count_versions(self, name: str) -> int:
        """See :meth:`ServerStore.count_versions`."""
        with self.database.read() as conn:
            row = conn.execute(
                "SELECT count(*) FROM server_versions WHERE name = ?", (name,)
            ).fetchone()
        return int(row[0])

    def names_using_remote(self, url: str) -> list[str]:
        """See :meth:`ServerStore.names_using_remote`; served by the ``remote_urls`` table."""
        with self.database.read() as conn:
            rows = conn.execute(NAMES_USING_REMOTE_SQL, (url,)).fetchall()
        return [name for (name,) in rows]
