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

UNSEARCHABLE = ("\x00",)
"""Characters removed from stored text like the separator: a query containing one matches
nothing (MongoDB refuses a NUL in a regular expression; no name or package has one)."""

RAREST_TRIGRAMS = 1
"""Trigrams of a query the MongoDB index is asked for: the rarest one (see :func:`rarity`).
One: the index yields one trigram's entries in keyset order, and every candidate is confirmed
by the exact substring anyway, so further trigrams would only be re-checked after the fetch."""

COMMON_TRIGRAMS = frozenset(
    {
        "io.",
        ".gi",
        "git",
        "ith",
        "thu",
        "hub",
        "ub/",
        "b/a",
        "com",
        "om.",
        "m.g",
        ".co",
        "mcp",
        "cp-",
        "-mc",
        "ser",
        "erv",
        "rve",
        "ver",
        "er ",
        "the",
        "he ",
        " th",
        "ion",
        "tio",
        "and",
        "nd ",
        "ing",
        "ng ",
        "for",
        " fo",
        "or ",
        "io/",
        "ent",
        "a m",
        " mc",
        "cp ",
        "ces",
        "ess",
        "acc",
        "cce",
        " to",
        "to ",
        "ol ",
        "ool",
        "too",
    }
)
"""Trigrams nearly every registry entry contains (name prefixes, common English): looking one
up in the index walks most of it, so they are never picked while a rarer one exists."""

_LETTER_FREQUENCY = "etaoinshrdlcumwfgypbvkjxqz"

MIN_INDEXED_QUERY = 3
"""Queries of at least this many characters are served by the trigram index."""


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
            text = normalize(value).replace(SEPARATOR, " ")
            for char in UNSEARCHABLE:
                text = text.replace(char, " ")
            fields.append(text)
    return fields


def search_text(server: dict[str, Any]) -> str:
    """The fields of :func:`search_fields` joined by :data:`SEPARATOR`."""
    return SEPARATOR.join(search_fields(server))


def _windows(text: str) -> list[str]:
    return [text[i : i + 3] for i in range(len(text) - 2)]


def text_trigrams(text: str) -> list[str]:
    """Sorted distinct trigrams of one normalized text."""
    return sorted(set(_windows(text)))


def trigrams(server: dict[str, Any]) -> list[str]:
    """Sorted distinct trigrams of every search field (never spanning two fields)."""
    found: set[str] = set()
    for value in search_fields(server):
        found.update(_windows(value))
    return sorted(found)


def rarity(trigram: str) -> float:
    """An estimate of how few entries contain ``trigram`` (higher is rarer), without asking
    the database: a known common trigram is rarest-last, digits and uncommon letters are rare,
    frequent English letters, spaces and punctuation are common."""
    if trigram in COMMON_TRIGRAMS:
        return -1.0
    score = 0.0
    for char in trigram:
        if char.isdigit():
            score += 20
        elif char in _LETTER_FREQUENCY:
            score += _LETTER_FREQUENCY.index(char)
        elif char.isalpha():
            score += 26
        else:
            score += 2
    return score


def rarest_trigrams(query: str, count: int = RAREST_TRIGRAMS) -> list[str]:
    """The ``count`` rarest distinct trigrams of a normalized query, rarest first, or [] when
    every trigram is a common one (the index would not narrow the search)."""
    ranked = sorted(dict.fromkeys(_windows(query)), key=rarity, reverse=True)
    picked = [t for t in ranked if t not in COMMON_TRIGRAMS][:count]
    return picked


def can_match(query: str) -> bool:
    """False when the normalized query can match nothing (it contains the separator or an
    unsearchable character)."""
    return SEPARATOR not in query and not any(char in query for char in UNSEARCHABLE)


def matches(server: dict[str, Any], query: str) -> bool:
    """Reference semantics of search: does ``server`` match the raw ``query``?"""
    needle = normalize(query)
    return can_match(needle) and any(needle in value for value in search_fields(server))
