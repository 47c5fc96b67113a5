"""The order of search results, shared by every backend: name matches first.

A search (``ListQuery.search``) returns its matches (``search_text.matches``) in two phases:

1. ``name``: the entries whose **name** contains the normalized term, in ``(name, version)``
   keyset order (these are exactly what the official registry's search returns);
2. ``other``: the entries that match only through their title, description or a package
   identifier, in keyset order.

Whether a record is a name match depends on its name alone, which never changes, so the two
phases are disjoint whatever is written between two pages: a page's position is its phase and
its keyset position within that phase (``ListQuery.phase`` and ``ListQuery.after``), and the
pages of both phases together hold every match exactly once.

Names are ASCII (the naming rules of ``serverjson.names``), so SQLite's ``lower()`` and a
case-insensitive MongoDB regex agree with :func:`~.search_text.normalize` on them.

:func:`ranked_rows` is the one page-filling rule: each backend supplies how to read up to ``n``
entries of one phase after a position, and it reads the first phase from the cursor, then the
second from its start when the first ran out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from mcp_registry.shared.storage.records import ListQuery, SearchPhase
from mcp_registry.shared.storage.search_text import can_match, normalize

NAME: SearchPhase = "name"
OTHER: SearchPhase = "other"

Position = tuple[str, str]
Row = TypeVar("Row")

ReadPhase = Callable[[SearchPhase, Position | None, int], list[Row]]
"""``read(phase, after, n)``: at most ``n`` entries of ``phase`` after ``after`` (from the
phase's start when None), in keyset order."""


def name_matches(name: str, query: str) -> bool:
    """Whether the entry named ``name`` belongs to the first phase of a search for ``query``."""
    needle = normalize(query)
    return can_match(needle) and needle in normalize(name)


def phase_of(name: str, query: str) -> SearchPhase:
    """The phase a match named ``name`` is listed in by a search for ``query``."""
    return NAME if name_matches(name, query) else OTHER


def ranked_rows(query: ListQuery, read: ReadPhase[Row]) -> tuple[list[Row], SearchPhase]:
    """Up to ``query.limit + 1`` rows of a search page in ranked order, and the phase of the
    page's last item (row ``limit``, or the last row when fewer came).

    A cursor in the first phase reads on in it; when it runs out before ``limit + 1`` rows,
    the second phase follows from its start. A cursor in the second phase reads that alone.
    """
    wanted = query.limit + 1
    first: list[Row] = []
    after = query.after
    if query.phase == NAME:
        first = read(NAME, after, wanted)
        after = None
    rows = first
    if len(first) < wanted:
        rows = first + read(OTHER, after, wanted - len(first))
    shown = min(len(rows), query.limit)
    last_phase = NAME if 0 < shown <= len(first) else OTHER
    if shown == 0:
        last_phase = query.phase
    return rows, last_phase
