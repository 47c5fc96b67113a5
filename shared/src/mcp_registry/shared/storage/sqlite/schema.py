"""The SQLite schema: tables, indexes, the FTS5 search index and the triggers keeping it in sync.

Every statement is idempotent (``IF NOT EXISTS``) so ``init()`` can run on every start, from
several processes at once (they serialize on the write lock).

Timestamps are integer microseconds since the epoch (see ``timestamps``); ``server`` is the
server.json as JSON text; ``search_text`` is ``search_text.search_text(server)``, already
lowercased, which is why the trigram tokenizer runs case-sensitive: case folding happens once,
in Python, identically for SQLite and MongoDB. ``wire_meta`` is the list entry's ``_meta``
as JSON text, kept by triggers (see ``wire_meta``).
"""

from __future__ import annotations

from mcp_registry.shared.storage.sqlite import wire_meta

SCHEMA_VERSION = 5

BACKFILL_REMOTES = """
    INSERT OR IGNORE INTO remote_urls (url, version_id)
        SELECT json_extract(remote.value, '$.url'), v.id
        FROM server_versions AS v, json_each(v.server, '$.remotes') AS remote
        WHERE remote.type = 'object' AND json_type(remote.value, '$.url') = 'text'
"""
"""Fills ``remote_urls`` for rows written before schema version 2 had it."""

BACKFILL_LATEST_SEARCH = (
    "INSERT INTO server_search_latest (server_search_latest) VALUES ('delete-all')",
    """
    INSERT INTO server_search_latest (rowid, search_text)
        SELECT id, search_text FROM server_versions WHERE is_latest = 1
    """,
)
"""(Re)fills ``server_search_latest`` for a database from before schema version 3 had it."""

BACKFILL_LATEST_NAMES = (
    "INSERT INTO server_names_latest (server_names_latest) VALUES ('delete-all')",
    """
    INSERT INTO server_names_latest (rowid, name)
        SELECT id, name FROM server_versions WHERE is_latest = 1
    """,
)
"""(Re)fills ``server_names_latest`` for a database from before schema version 5 had it."""

LATEST_NAMES_TABLE = "server_names_latest"
LATEST_NAMES_INDEX = "server_versions_latest_names"
LATEST_SEARCH_TABLE = "server_search_latest"
LATEST_SEARCH_INDEX = "server_versions_latest_search"
LATEST_ROWS_INDEX = "server_versions_latest_rows"

VERSIONS_TABLE = "server_versions"
SEARCH_TABLE = "server_search"


def latest_trigram_index(
    table: str, column: str, triggers: str, *, case_sensitive: bool
) -> tuple[str, ...]:
    """An FTS5 trigram index of ``column`` over the latest rows of ``server_versions`` only
    (external content, keyed by ``id``) and the triggers keeping it in step with inserts,
    deletes and updates of the latest flag or the column, named ``<triggers>_insert``,
    ``_delete`` and ``_update`` (names existing databases have: never rename them, or
    ``IF NOT EXISTS`` would add a second set)."""
    # The names interpolated below are this module's constants, never input.
    return (
        f"""
    CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5(
        {column},
        content = 'server_versions',
        content_rowid = 'id',
        tokenize = 'trigram case_sensitive {int(case_sensitive)}'
    )
    """,
        f"""
    CREATE TRIGGER IF NOT EXISTS {triggers}_insert
    AFTER INSERT ON server_versions WHEN new.is_latest = 1 BEGIN
        INSERT INTO {table} (rowid, {column}) VALUES (new.id, new.{column});
    END
    """,  # noqa: S608
        f"""
    CREATE TRIGGER IF NOT EXISTS {triggers}_delete
    AFTER DELETE ON server_versions WHEN old.is_latest = 1 BEGIN
        INSERT INTO {table} ({table}, rowid, {column})
            VALUES ('delete', old.id, old.{column});
    END
    """,  # noqa: S608
        f"""
    CREATE TRIGGER IF NOT EXISTS {triggers}_update
    AFTER UPDATE OF is_latest, {column} ON server_versions BEGIN
        INSERT INTO {table} ({table}, rowid, {column})
            SELECT 'delete', old.id, old.{column} WHERE old.is_latest = 1;
        INSERT INTO {table} (rowid, {column})
            SELECT new.id, new.{column} WHERE new.is_latest = 1;
    END
    """,
    )


STATEMENTS: tuple[str, ...] = (
    """
    CREATE TABLE IF NOT EXISTS server_versions (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        version TEXT NOT NULL,
        server TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('active', 'deprecated', 'deleted')),
        status_message TEXT,
        published_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        status_changed_at INTEGER NOT NULL,
        is_latest INTEGER NOT NULL CHECK (is_latest IN (0, 1)),
        seq INTEGER NOT NULL UNIQUE,
        search_text TEXT NOT NULL,
        wire_meta TEXT,
        UNIQUE (name, version)
    )
    """,
    *wire_meta.TRIGGERS,
    # At most one latest per name, enforced by the database itself.
    """
    CREATE UNIQUE INDEX IF NOT EXISTS server_versions_one_latest
        ON server_versions (name) WHERE is_latest = 1
    """,
    # Keyset listing of latest versions: equality on is_latest, then (name, version) order.
    """
    CREATE INDEX IF NOT EXISTS server_versions_latest_keyset
        ON server_versions (is_latest, name, version)
    """,
    # updated_since filters and last_updated_at().
    """
    CREATE INDEX IF NOT EXISTS server_versions_updated_at ON server_versions (updated_at)
    """,
    # list_versions(): one name, in publish order.
    """
    CREATE INDEX IF NOT EXISTS server_versions_name_published
        ON server_versions (name, published_at, version)
    """,
    """
    CREATE VIRTUAL TABLE IF NOT EXISTS server_search USING fts5(
        search_text,
        content = 'server_versions',
        content_rowid = 'id',
        tokenize = 'trigram case_sensitive 1'
    )
    """,
    # External-content FTS: the triggers keep the index in the same transaction as the row.
    """
    CREATE TRIGGER IF NOT EXISTS server_versions_search_insert
    AFTER INSERT ON server_versions BEGIN
        INSERT INTO server_search (rowid, search_text) VALUES (new.id, new.search_text);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS server_versions_search_delete
    AFTER DELETE ON server_versions BEGIN
        INSERT INTO server_search (server_search, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS server_versions_search_update
    AFTER UPDATE OF search_text ON server_versions BEGIN
        INSERT INTO server_search (server_search, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
        INSERT INTO server_search (rowid, search_text) VALUES (new.id, new.search_text);
    END
    """,
    # Search of latest versions (what ``version=latest`` asks; see ``latest_search``): a
    # trigram index of the latest rows only, so a broad term matches one row per name instead
    # of every version, kept by triggers on the latest flag and the text.
    *latest_trigram_index(
        "server_search_latest",
        "search_text",
        "server_versions_latest_search",
        case_sensitive=True,
    ),
    # The name phase of a ranked search of latest versions (see ``ranked_search``): a trigram
    # index of the names of latest rows. Names are ASCII, so the tokenizer's case folding is
    # ``lower()``'s; kept by triggers on the latest flag (a name itself never changes).
    *latest_trigram_index(
        "server_names_latest", "name", "server_versions_latest_names", case_sensitive=False
    ),
    # The keyset walk of latest versions with ``instr``: every column it reads is in the
    # index (``is_latest`` too, or SQLite would read the row to check it), so a walk step never
    # visits the (much larger) table row.
    """
    CREATE INDEX IF NOT EXISTS server_versions_latest_search
        ON server_versions (name, version, status, search_text, is_latest) WHERE is_latest = 1
    """,
    # The name phase's keyset walk of latest versions: the covering index above without the
    # search text, so a window of names is a few index pages, not a few hundred.
    """
    CREATE INDEX IF NOT EXISTS server_versions_latest_names
        ON server_versions (name, version, status, is_latest) WHERE is_latest = 1
    """,
    # Sorting trigram matches by name: the sort keys of a row id without reading the row.
    """
    CREATE INDEX IF NOT EXISTS server_versions_latest_rows
        ON server_versions (id, name, version, status, is_latest) WHERE is_latest = 1
    """,
    # Remote URLs per version, kept by triggers in the row's own transaction, so "a remote URL
    # belongs to one name" is an index lookup instead of a scan of every server.json.
    """
    CREATE TABLE IF NOT EXISTS remote_urls (
        url TEXT NOT NULL,
        version_id INTEGER NOT NULL,
        PRIMARY KEY (url, version_id)
    ) WITHOUT ROWID
    """,
    """
    CREATE INDEX IF NOT EXISTS remote_urls_version ON remote_urls (version_id)
    """,
    """
    CREATE TRIGGER IF NOT EXISTS server_versions_remotes_insert
    AFTER INSERT ON server_versions BEGIN
        INSERT OR IGNORE INTO remote_urls (url, version_id)
            SELECT json_extract(remote.value, '$.url'), new.id
            FROM json_each(new.server, '$.remotes') AS remote
            WHERE remote.type = 'object' AND json_type(remote.value, '$.url') = 'text';
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS server_versions_remotes_update
    AFTER UPDATE OF server ON server_versions BEGIN
        DELETE FROM remote_urls WHERE version_id = old.id;
        INSERT OR IGNORE INTO remote_urls (url, version_id)
            SELECT json_extract(remote.value, '$.url'), new.id
            FROM json_each(new.server, '$.remotes') AS remote
            WHERE remote.type = 'object' AND json_type(remote.value, '$.url') = 'text';
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS server_versions_remotes_delete
    AFTER DELETE ON server_versions BEGIN
        DELETE FROM remote_urls WHERE version_id = old.id;
    END
    """,
    # Named counters; 'seq' is the global change sequence.
    """
    CREATE TABLE IF NOT EXISTS counters (
        name TEXT PRIMARY KEY,
        value INTEGER NOT NULL
    ) WITHOUT ROWID
    """,
    "INSERT OR IGNORE INTO counters (name, value) VALUES ('seq', 0)",
    # The rowid (AUTOINCREMENT: never reused) is the delivery order.
    """
    CREATE TABLE IF NOT EXISTS outbox (
        position INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        subject TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        sent_at INTEGER
    )
    """,
    """
    CREATE INDEX IF NOT EXISTS outbox_pending ON outbox (position) WHERE sent_at IS NULL
    """,
    """
    CREATE TABLE IF NOT EXISTS audit_log (
        position INTEGER PRIMARY KEY AUTOINCREMENT,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        subject TEXT NOT NULL,
        auth_method TEXT NOT NULL,
        at INTEGER NOT NULL,
        detail TEXT NOT NULL
    )
    """,
    "CREATE INDEX IF NOT EXISTS audit_log_target ON audit_log (target, position)",
    f"PRAGMA user_version = {SCHEMA_VERSION}",
)
