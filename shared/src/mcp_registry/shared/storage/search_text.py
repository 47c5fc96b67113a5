"""What search matches, shared by every backend: one normalization, one notion of substring.

A record matches a query when the lowercased query is a substring of one of the record's
lowercased search fields: ``name``, ``title``, ``description`` and every
``packages[i].identifier`` of its server.json. Backends store :func:`search_text` (the fields
joined by :data:`SEPARATOR`) and index it: SQLite with an FTS5 trigram table, MongoDB with the
multikey array :func:`trigrams`. Queries shorter than :data:`MIN_INDEXED_QUERY` characters have
no trigram to look up; each backend documents its fallback for them.
"""

from __future__ import annotations

from typing import Any

SEPARATOR = "\x1f"
"""Joins the fields in :func:`search_text`. A control character, so :func:`normalize` removes it
from field values and queries alike: no match can span two fields."""

_CONTROL: dict[int, None] = {
    **dict.fromkeys(range(0x20)),
    **dict.fromkeys(range(0x7F, 0xA0)),
}
"""The C0 and C1 control characters and DEL, as a ``str.translate`` table dropping them."""

MIN_INDEXED_QUERY = 3
"""Queries of at least this many characters are served by the trigram index."""

MAX_QUERY_TRIGRAMS = 12
"""Trigrams of a query sent to MongoDB's ``$all``; the substring check confirms the rest."""


def normalize(text: str) -> str:
    """The case-folded form both stored text and queries are compared in.

    Control characters (NUL, newlines, the separator) are dropped from both: they carry no
    meaning for search, and a NUL must never reach the index (FTS5 ends a query string there).
    """
    return text.translate(_CONTROL).lower()


def search_fields(server: dict[str, Any]) -> list[str]:
    """The normalized, non-empty values search looks at, in a stable order.

    Fields of the wrong type (a server.json that skipped validation) are ignored, not fatal.
    """
    values: list[object] = [server.get("name"), server.get("title"), server.get("description")]
    packages = server.get("packages")
    if isinstance(packages, list):
        values.extend(p.get("identifier") for p in packages if isinstance(p, dict))
    fields: list[str] = []
    for value in values:
        if isinstance(value, str) and value:
            fields.append(normalize(value).replace(SEPARATOR, " "))
    return fields


def search_text(server: dict[str, Any]) -> str:
    """The fields of :func:`search_fields` joined by :data:`SEPARATOR`."""
    return SEPARATOR.join(search_fields(server))


def _windows(text: str) -> list[str]:
    return [text[i : i + 3] for i in range(len(text) - 2)]


def trigrams(server: dict[str, Any]) -> list[str]:
    """Sorted distinct trigrams of every search field (never spanning two fields)."""
    found: set[str] = set()
    for value in search_fields(server):
        found.update(_windows(value))
    return sorted(found)


def query_trigrams(query: str) -> list[str]:
    """Up to :data:`MAX_QUERY_TRIGRAMS` distinct trigrams of a normalized query.

    Evenly spread over the query so a long query still narrows well; every stored record
    containing the query contains all of them, so they are a sound pre-filter.
    """
    distinct = list(dict.fromkeys(_windows(query)))
    if len(distinct) <= MAX_QUERY_TRIGRAMS:
        return distinct
    step = len(distinct) / MAX_QUERY_TRIGRAMS
    return [distinct[int(i * step)] for i in range(MAX_QUERY_TRIGRAMS)]


def can_match(query: str) -> bool:
    """False when the normalized query can match nothing (it contains the separator, which
    :func:`normalize` never leaves in a query; kept for queries normalized elsewhere)."""
    return SEPARATOR not in query


def matches(server: dict[str, Any], query: str) -> bool:
    """Reference semantics of search: does ``server`` match the raw ``query``?"""
    needle = normalize(query)
    return can_match(needle) and any(needle in value for value in search_fields(server))
