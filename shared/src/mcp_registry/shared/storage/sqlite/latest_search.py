"""The bounded plan of a search among latest versions (``version=latest``, what clients ask).

Same meaning as every other search (``search_text``: a substring of a search field), results
in ``(name, version)`` keyset order, its cost no longer following the catalog size. A ranked
search (``search_rank``) uses it for its second phase (``others_only``: the matches whose name
does not contain the term); its first phase is ``ranked_search``'s name plan, built the same
way on the names.

0. **A narrow term.** The term's matches in ``server_search_latest`` are counted, stopping at
   :data:`FEW_MATCHES`; a term with fewer is answered from that index alone (step 2 from the
   cursor), which costs a miss or a rare name well under a millisecond instead of a window.
1. **The window.** Walk at most ``window`` latest entries after the cursor, in keyset order,
   on the covering partial index ``server_versions_latest_search`` (name, version, status and
   the search text: no table row is read) and keep those whose text contains the query
   (``instr``). A broad term (``github``, ``mcp``, a topic most names carry) fills the page
   within a few hundred entries and the walk stops after ``limit + 1`` matches.
2. **The trigram index, past the window.** When the window ends before the page is full, the
   rest of the page comes from ``server_search_latest``, an FTS5 trigram index of the latest
   versions only (one entry per name, not one per version), restricted to positions after the
   window's last entry. Its matches are sorted by name on ``server_versions_latest_rows``
   (the sort keys of a row id, without reading the row), and only the page's own rows are read
   in full. A term that did not fill the window is narrow around the cursor, so this step
   sorts few matches, except for a term that is common in one region of the name space only
   (an owner's prefix); its cost is then the number of latest entries matching it.

The two steps cover disjoint keyset ranges (up to and including the window's end, then after
it) and run in one read transaction, so a page is the same as the plain plan would return.
Searches of every version (no ``version=latest``), with ``updated_since`` or an exact version,
and queries shorter than three characters keep the plan of ``queries``.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from mcp_registry.shared.storage.records import ListQuery
from mcp_registry.shared.storage.search_text import MIN_INDEXED_QUERY, can_match, normalize
from mcp_registry.shared.storage.sqlite.queries import RECORD_COLUMNS, SqlParams, fts_phrase
from mcp_registry.shared.storage.sqlite.schema import (
    LATEST_ROWS_INDEX,
    LATEST_SEARCH_INDEX,
    LATEST_SEARCH_TABLE,
)

SEARCH_WINDOW = 4000
"""Latest entries the first step walks at most (about 2 ms on the covering index at 100,000
servers). A term found in at least one entry of ``window / (limit + 1)`` around the cursor
never reaches the trigram index."""

FEW_MATCHES = 250
"""Latest entries matching a term below which it skips the window (the bound is also at most
the window): a term with fewer matches in all is answered from the trigram index alone,
sorting fewer than this many (well under 1 ms), instead of walking a window it fills little of
(about 2 ms at 4,000 entries). Counting stops at the bound, so a broad term pays a fraction of
a millisecond for the count."""

Position = tuple[str, str]


def few_sql(table: str) -> str:
    """How many entries of the FTS5 ``table`` match the phrase (``?``), counted to ``?`` at
    most: the index yields its matches in rowid order, so the count stops at the bound."""
    return f"SELECT count(*) FROM (SELECT rowid FROM {table} WHERE {table} MATCH ? LIMIT ?)"  # noqa: S608


def applies(query: ListQuery) -> bool:
    """Whether ``query`` is a search this plan serves (see the module docstring)."""
    if not query.search or not query.latest_only:
        return False
    if query.version is not None or query.updated_since is not None:
        return False
    needle = normalize(query.search)
    return can_match(needle) and len(needle) >= MIN_INDEXED_QUERY


def window_end_sql(after: Position | None) -> str:
    """The position of the ``?``-th latest entry after ``after`` (parameters: ``after``, then
    the offset), or no row when fewer entries follow."""
    keyset = " AND (name, version) > (?, ?)" if after is not None else ""
    return (
        f"SELECT name, version FROM server_versions INDEXED BY {LATEST_SEARCH_INDEX}"  # noqa: S608
        f" WHERE is_latest = 1{keyset} ORDER BY name, version LIMIT 1 OFFSET ?"
    )


def status_filter(include_deleted: bool, alias: str) -> str:
    """The condition leaving out deleted entries (none with ``include_deleted``)."""
    return "" if include_deleted else f" AND {alias}status <> 'deleted'"


def keyset_bounds(after: Position | None, upto: Position | None) -> str:
    """The conditions of the keyset range ``(after, upto]`` (each end when given); their
    parameters are :func:`position_params` of ``after``, then of ``upto``."""
    bounds = ""
    if after is not None:
        bounds += " AND (name, version) > (?, ?)"
    if upto is not None:
        bounds += " AND (name, version) <= (?, ?)"
    return bounds


def _others(others_only: bool, alias: str) -> str:
    """The condition leaving out name matches (the second phase of ``search_rank``); its
    parameter is the needle."""
    return f" AND instr(lower({alias}name), ?) = 0" if others_only else ""


def walk_sql(
    after: Position | None,
    upto: Position | None,
    *,
    include_deleted: bool,
    others_only: bool = False,
) -> str:
    """Records of the latest entries in ``(after, upto]`` whose text contains the query, in
    keyset order, at most ``?`` of them; with ``others_only``, only those whose name does not
    contain it. Parameters: ``after``, ``upto`` (each when given), the needle, the needle
    again (``others_only``), the limit."""
    bounds = keyset_bounds(after, upto)
    status = status_filter(include_deleted, "")
    others = _others(others_only, "")
    return (
        f"SELECT {RECORD_COLUMNS} FROM server_versions AS v WHERE v.id IN ("  # noqa: S608
        f"SELECT id FROM server_versions INDEXED BY {LATEST_SEARCH_INDEX}"
        f" WHERE is_latest = 1{bounds} AND instr(search_text, ?) > 0{others}{status}"
        " ORDER BY name, version LIMIT ?) ORDER BY v.name, v.version"
    )


def indexed_sql(after: Position | None, *, include_deleted: bool, others_only: bool = False) -> str:
    """Records of the latest entries after ``after`` matching the FTS phrase, in keyset
    order, at most ``?``; ``others_only`` as in :func:`walk_sql`. Parameters: the phrase,
    ``after`` (when given), the needle (``others_only``), the limit."""
    keyset = " AND (r.name, r.version) > (?, ?)" if after is not None else ""
    status = status_filter(include_deleted, "r.")
    others = _others(others_only, "r.")
    return (
        f"SELECT {RECORD_COLUMNS} FROM server_versions AS v WHERE v.id IN ("  # noqa: S608
        f"SELECT r.id FROM {LATEST_SEARCH_TABLE} CROSS JOIN server_versions AS r"
        f" INDEXED BY {LATEST_ROWS_INDEX} ON r.id = {LATEST_SEARCH_TABLE}.rowid"
        f" WHERE {LATEST_SEARCH_TABLE} MATCH ? AND r.is_latest = 1{keyset}{others}{status}"
        " ORDER BY r.name, r.version LIMIT ?) ORDER BY v.name, v.version"
    )


def position_params(after: Position | None) -> SqlParams:
    """The parameters of a keyset position (none without one)."""
    return [after[0], after[1]] if after is not None else []


def search_latest(
    conn: sqlite3.Connection,
    query: ListQuery,
    *,
    window: int = SEARCH_WINDOW,
    others_only: bool = False,
) -> list[Any]:
    """Up to ``query.limit + 1`` rows (``RECORD_COLUMNS``) of a query :func:`applies` to, in
    keyset order from ``query.after``; both steps read one snapshot (the caller's transaction
    when it has one). ``others_only``: the second phase of a ranked search (``search_rank``),
    the matches whose name does not contain the term."""
    needle = normalize(query.search or "")
    wanted = query.limit + 1
    after = query.after
    excluded: SqlParams = [needle] if others_only else []
    phrase = fts_phrase(needle)
    bound = min(FEW_MATCHES, window)
    # One snapshot for both steps (WAL: a reader's transaction never blocks a writer).
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")
    try:
        (count,) = conn.execute(few_sql(LATEST_SEARCH_TABLE), [phrase, bound]).fetchone()
        if count < bound:
            # A narrow term: the index alone, from the cursor.
            narrow: list[Any] = conn.execute(
                indexed_sql(after, include_deleted=query.include_deleted, others_only=others_only),
                [phrase, *position_params(after), *excluded, wanted],
            ).fetchall()
            return narrow
        end_row = conn.execute(
            window_end_sql(after), [*position_params(after), window - 1]
        ).fetchone()
        end: Position | None = (end_row[0], end_row[1]) if end_row is not None else None
        rows: list[Any] = conn.execute(
            walk_sql(after, end, include_deleted=query.include_deleted, others_only=others_only),
            [*position_params(after), *position_params(end), needle, *excluded, wanted],
        ).fetchall()
        if len(rows) < wanted and end is not None:
            rows += conn.execute(
                indexed_sql(end, include_deleted=query.include_deleted, others_only=others_only),
                [phrase, *position_params(end), *excluded, wanted - len(rows)],
            ).fetchall()
    finally:
        if own:
            conn.execute("COMMIT")
    return rows
