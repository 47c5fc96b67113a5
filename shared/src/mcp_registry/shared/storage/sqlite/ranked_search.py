"""Ranked search on SQLite (``search_rank``): the name matches, then the other matches.

Every search goes through :func:`list_ranked`, which fills a page with ``search_rank``'s rule
from two reads in one read transaction (one snapshot):

- **Latest versions** (what ``latest_search.applies`` to: ``version=latest``, a term of three
  characters or more, no ``updated_since`` or exact version). The **name phase** is the bounded
  plan of ``latest_search`` built on names: the term's matches in ``server_names_latest`` (an
  FTS5 trigram index of the names of latest versions only) are counted up to a small bound;
  a term with fewer is answered from that index alone, sorted on
  ``server_versions_latest_rows``. Otherwise a window of at most ``window`` latest entries
  after the cursor is walked on the covering index ``server_versions_latest_names`` (name,
  version, status), keeping those whose ``lower(name)`` contains the term, and the page is
  completed past the window from the name index. The **other phase** is ``latest_search``'s
  plan with the name matches left out (``others_only``).

  Chosen by measurement at 100,000 servers (in-process): a walk of every latest name with
  ``instr`` (what a narrow name term costs without an index) took 36-50 ms, more than the
  whole p99 budget; the name index answers such a term in 0.03-1 ms, and a broad one
  (``github``) ends inside the window after 101 entries. Ranking costs the bench's terms at
  most about 2 ms over the unranked plan (narrow terms and misses are cheaper than before: the
  count lets them skip both windows). What stays proportional to the matches, as before ranking:
  a term clustered in one part of the name space past the window (an owner's prefix:
  ``chen-li``, ``priya``, or a topic late in an owner's block: 9-11 ms), and the first page of
  the other phase of a term most names contain, which reads that term's matches once to find
  that they are all name matches (``github``: 85-130 ms, on the page after its 100,000 name
  matches).

- **Everything else** (every version, ``updated_since``, an exact version): one SELECT of
  ``queries.ranked_sql`` (the term's matches read and sorted once, name matches first); one or
  two characters: ``queries.list_servers_sql`` once per phase, with the name condition added
  (keyset walks). The same cost as the unranked plan (see ``queries``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from typing import Any

from mcp_registry.shared.storage.records import ListQuery, SearchPhase
from mcp_registry.shared.storage.search_rank import NAME, OTHER, Position, ranked_rows
from mcp_registry.shared.storage.search_text import normalize
from mcp_registry.shared.storage.sqlite import latest_search
from mcp_registry.shared.storage.sqlite.latest_search import (
    FEW_MATCHES,
    SEARCH_WINDOW,
    few_sql,
    keyset_bounds,
    position_params,
    status_filter,
)
from mcp_registry.shared.storage.sqlite.queries import (
    RECORD_COLUMNS,
    SqlParams,
    fts_phrase,
    list_servers_sql,
    ranked_sql,
)
from mcp_registry.shared.storage.sqlite.schema import (
    LATEST_NAMES_INDEX,
    LATEST_NAMES_TABLE,
    LATEST_ROWS_INDEX,
)


def name_window_end_sql(after: Position | None) -> str:
    """``latest_search.window_end_sql`` on the name index (parameters: ``after``, then the
    offset)."""
    keyset = " AND (name, version) > (?, ?)" if after is not None else ""
    return (
        f"SELECT name, version FROM server_versions INDEXED BY {LATEST_NAMES_INDEX}"  # noqa: S608
        f" WHERE is_latest = 1{keyset} ORDER BY name, version LIMIT 1 OFFSET ?"
    )


def name_walk_sql(after: Position | None, upto: Position | None, *, include_deleted: bool) -> str:
    """Records of the latest entries in ``(after, upto]`` whose name contains the needle, in
    keyset order, at most ``?``. Parameters: ``after``, ``upto`` (each when given), the
    needle, the limit."""
    bounds = keyset_bounds(after, upto)
    status = status_filter(include_deleted, "")
    return (
        f"SELECT {RECORD_COLUMNS} FROM server_versions AS v WHERE v.id IN ("  # noqa: S608
        f"SELECT id FROM server_versions INDEXED BY {LATEST_NAMES_INDEX}"
        f" WHERE is_latest = 1{bounds} AND instr(lower(name), ?) > 0{status}"
        " ORDER BY name, version LIMIT ?) ORDER BY v.name, v.version"
    )


def name_indexed_sql(after: Position | None, *, include_deleted: bool) -> str:
    """Records of the latest entries after ``after`` whose name matches the FTS phrase (and,
    confirmed on the row keys, contains the needle), in keyset order, at most ``?``.
    Parameters: the phrase, ``after`` (when given), the needle, the limit."""
    keyset = " AND (r.name, r.version) > (?, ?)" if after is not None else ""
    status = status_filter(include_deleted, "r.")
    return (
        f"SELECT {RECORD_COLUMNS} FROM server_versions AS v WHERE v.id IN ("  # noqa: S608
        f"SELECT r.id FROM {LATEST_NAMES_TABLE} CROSS JOIN server_versions AS r"
        f" INDEXED BY {LATEST_ROWS_INDEX} ON r.id = {LATEST_NAMES_TABLE}.rowid"
        f" WHERE {LATEST_NAMES_TABLE} MATCH ? AND r.is_latest = 1{keyset}"
        f" AND instr(lower(r.name), ?) > 0{status}"
        " ORDER BY r.name, r.version LIMIT ?) ORDER BY v.name, v.version"
    )


def latest_names(
    conn: sqlite3.Connection, query: ListQuery, after: Position | None, wanted: int, window: int
) -> list[Any]:
    """At most ``wanted`` latest entries after ``after`` whose name contains the term, in
    keyset order (inside the caller's transaction)."""
    needle = normalize(query.search or "")
    phrase = fts_phrase(needle)
    bound = min(FEW_MATCHES, window)
    (count,) = conn.execute(few_sql(LATEST_NAMES_TABLE), [phrase, bound]).fetchone()
    if count < bound:
        # Few names hold the term: the name index alone, from the cursor.
        narrow: list[Any] = conn.execute(
            name_indexed_sql(after, include_deleted=query.include_deleted),
            [phrase, *position_params(after), needle, wanted],
        ).fetchall()
        return narrow
    end_row = conn.execute(
        name_window_end_sql(after), [*position_params(after), window - 1]
    ).fetchone()
    end: Position | None = (end_row[0], end_row[1]) if end_row is not None else None
    rows: list[Any] = conn.execute(
        name_walk_sql(after, end, include_deleted=query.include_deleted),
        [*position_params(after), *position_params(end), needle, wanted],
    ).fetchall()
    if len(rows) < wanted and end is not None:
        rows += conn.execute(
            name_indexed_sql(end, include_deleted=query.include_deleted),
            [phrase, *position_params(end), needle, wanted - len(rows)],
        ).fetchall()
    return rows


def list_ranked(
    conn: sqlite3.Connection, query: ListQuery, *, window: int = SEARCH_WINDOW
) -> tuple[list[Any], SearchPhase]:
    """Up to ``query.limit + 1`` rows (``RECORD_COLUMNS``) of a search in ranked order, and
    the phase of the page's last item (see ``search_rank.ranked_rows``)."""
    bounded = latest_search.applies(query)

    def read(phase: SearchPhase, after: Position | None, wanted: int) -> list[Any]:
        part = replace(query, after=after, limit=wanted - 1)
        if bounded:
            if phase == NAME:
                return latest_names(conn, part, after, wanted, window)
            return latest_search.search_latest(conn, part, window=window, others_only=True)
        built = list_servers_sql(part, phase)
        if built is None:
            return []
        rows: list[Any] = conn.execute(*built).fetchall()
        return rows

    if not bounded:
        built = ranked_sql(query)
        if built is not None:
            return _one_select(conn, query, *built)
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")
    try:
        return ranked_rows(query, read)
    finally:
        if own:
            conn.execute("COMMIT")


def _one_select(
    conn: sqlite3.Connection, query: ListQuery, sql: str, params: SqlParams
) -> tuple[list[Any], SearchPhase]:
    """The rows of ``queries.ranked_sql`` without its last column, and the phase of the page's
    last item (that column: whether it is a name match)."""
    flagged: list[Any] = conn.execute(sql, params).fetchall()
    shown = flagged[: query.limit]
    phase: SearchPhase = query.phase
    if shown:
        phase = NAME if shown[-1][-1] else OTHER
    return [row[:-1] for row in flagged], phase
