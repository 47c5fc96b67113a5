"""SQL of the SQLite list query, built from a :class:`ListQuery` (pure, so tests can EXPLAIN it).

Search (see ``search_text``): queries of three characters or more go through the FTS5 trigram
index as one quoted phrase (quotes doubled), so nothing in the query is FTS syntax and ``%``/``_``
are plain characters; the phrase of a trigram index matches exactly the substrings. The join is
``CROSS JOIN`` to make SQLite drive the query from the FTS match and look versions up by rowid,
instead of walking every version in (name, version) order and probing the FTS table.

Shorter queries have no trigram to look up. They keep the same meaning (substring of any search
field, via ``instr`` on the stored lowercased text) but are evaluated while walking the
(name, version) index in keyset order; the walk stops after ``limit + 1`` matches, which comes
quickly because one or two characters match most records. A rare short string may scan the
whole table; that is the documented price of not rejecting short queries.

A ranked search (``search_rank``) of three characters or more is one SELECT (``ranked_sql``)
sorting the term's matches by (not a name match, name, version): every match is still found
through the trigram index and sorted once, as before ranking, so its cost is that of the
unranked plan. Short queries run the SELECT once per phase with the name condition added: they
walk the keyset with the name condition (first phase) or with the text condition and the
negated name condition (second phase): a character most names contain makes the second phase
scan the table from the cursor, like a rare one always did.
"""

from __future__ import annotations

from mcp_registry.shared.storage.records import ListQuery, SearchPhase
from mcp_registry.shared.storage.search_text import MIN_INDEXED_QUERY, can_match, normalize
from mcp_registry.shared.storage.timestamps import to_micros

RECORD_COLUMNS = (
    "v.name, v.version, v.server, v.status, v.status_message, v.published_at, "
    "v.updated_at, v.status_changed_at, v.is_latest, v.seq"
)

# Only constants are interpolated into SQL in this module and in ``sqlite``; values always
# travel as ``?`` parameters.
SELECT_RECORDS = f"SELECT {RECORD_COLUMNS} FROM server_versions AS v"  # noqa: S608

LAST_UPDATED_SQL = "SELECT max(updated_at) FROM server_versions"
"""Served by the ``updated_at`` index (SQLite's min/max optimization reads one entry)."""

SqlParams = list[str | int]


def fts_phrase(needle: str) -> str:
    """``needle`` as one FTS5 string: double quotes doubled, nothing else is syntax inside."""
    return '"' + needle.replace('"', '""') + '"'


def list_servers_sql(
    query: ListQuery, phase: SearchPhase | None = None, columns: str = RECORD_COLUMNS
) -> tuple[str, SqlParams] | None:
    """The SELECT of ``columns`` (of ``v``, the version row) for one page (``limit + 1`` rows
    to learn ``has_more``), or None when the query can match nothing at all.

    ``phase`` keeps one phase of a ranked search (``search_rank``): ``name``, the entries whose
    name contains the term; ``other``, the remaining matches. None: every match (keyset order
    throughout, what tests compare the bounded plans with).
    """
    source = "server_versions AS v"
    where: list[str] = []
    params: SqlParams = []
    if query.search:
        needle = normalize(query.search)
        if not can_match(needle):
            return None
        if len(needle) >= MIN_INDEXED_QUERY:
            source = "server_search CROSS JOIN server_versions AS v ON v.id = server_search.rowid"
            where.append("server_search MATCH ?")
            params.append(fts_phrase(needle))
        elif phase != "name":
            where.append("instr(v.search_text, ?) > 0")
            params.append(needle)
        if phase is not None:
            # Names are ASCII: lower() is their normalization.
            where.append(f"instr(lower(v.name), ?) {'> 0' if phase == 'name' else '= 0'}")
            params.append(needle)
    if query.after is not None:
        where.append("(v.name, v.version) > (?, ?)")
        params.extend(query.after)
    _filters(query, where, params)
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    sql = f"SELECT {columns} FROM {source}{clause} ORDER BY v.name, v.version LIMIT ?"  # noqa: S608
    params.append(query.limit + 1)
    return sql, params


def _filters(query: ListQuery, where: list[str], params: SqlParams) -> None:
    """Append the conditions of ``query`` other than search and position."""
    if query.latest_only:
        where.append("v.is_latest = 1")
    if query.version is not None:
        where.append("v.version = ?")
        params.append(query.version)
    if not query.include_deleted:
        where.append("v.status <> 'deleted'")
    if query.updated_since is not None:
        where.append("v.updated_at > ?")
        params.append(to_micros(query.updated_since))


IN_NAME = "instr(lower(v.name), ?)"
"""Where the needle (``?``) starts in the name, 0 when absent (names are ASCII: ``lower()`` is
their normalization)."""


def ranked_sql(query: ListQuery) -> tuple[str, SqlParams] | None:
    """One SELECT for a page of a ranked search through the trigram index of every version
    (the plain plan; a term of three characters or more): ``limit + 1`` rows of
    ``RECORD_COLUMNS`` and whether the row is a name match, name matches first, from the
    query's position (``after`` in ``phase``). None when the query can match nothing.

    One read of the term's matches and one sort, as before ranking (one query per phase would
    read and sort them twice when the first phase ends on the page).
    """
    needle = normalize(query.search or "")
    if not can_match(needle) or len(needle) < MIN_INDEXED_QUERY:
        return None
    where = ["server_search MATCH ?"]
    params: SqlParams = [needle, fts_phrase(needle)]
    if query.phase == "other":
        where.append(f"{IN_NAME} = 0")
        params.append(needle)
        if query.after is not None:
            where.append("(v.name, v.version) > (?, ?)")
            params.extend(query.after)
    elif query.after is not None:
        where.append(f"(({IN_NAME} > 0 AND (v.name, v.version) > (?, ?)) OR {IN_NAME} = 0)")
        params.extend([needle, *query.after, needle])
    _filters(query, where, params)
    sql = (
        f"SELECT {RECORD_COLUMNS}, {IN_NAME} > 0 AS in_name FROM server_search"  # noqa: S608
        " CROSS JOIN server_versions AS v ON v.id = server_search.rowid"
        f" WHERE {' AND '.join(where)} ORDER BY in_name DESC, v.name, v.version LIMIT ?"
    )
    params.append(query.limit + 1)
    return sql, params


NAMES_USING_REMOTE_SQL = (
    "SELECT DISTINCT v.name FROM remote_urls AS r"
    " JOIN server_versions AS v ON v.id = r.version_id"
    " WHERE r.url = ? AND v.status != 'deleted' ORDER BY v.name"
)
"""Names whose non-deleted versions list a remote URL (``?``), via the ``remote_urls`` key."""
