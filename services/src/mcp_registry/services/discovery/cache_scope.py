"""What a cached read depends on, so that a write drops only the responses it changes.

A response cache that dropped everything on every write (the change sequence moved) would be
empty most of the time under a steady publish rate. Instead each cached response carries a
:class:`Scope`, and after a write the cache asks the store which records changed
(:meth:`~mcp_registry.shared.storage.port.ServerStore.changed_since`) and drops the responses
whose scope one of them touches:

- a detail response (one server's versions, one version) depends on its name only;
- a list page depends on the names in its key range: from its cursor's name to its last
  item's name when more pages follow, else to the end. A name in that range can join, leave
  or change the page. A name past the range matters only if it may have left the listing
  (no record of it is visible any more): the page's ``nextCursor`` could disappear. A
  latest-only page is not affected by a name none of whose changed records is latest;
- a search page lists name matches first, then the other matches (``search_rank``), so its
  position is not a name range: it depends on every name with a changed record matching the
  term, plus the names it shows (an edit can make a shown entry stop matching);
- an ``updated_since`` page depends on everything (any change joins it).

Records are compared as they are after the write; a changed record still carries the text it
matched with before a publish (publishes never rewrite older versions' server.json). The one
case judged on the new text only: an administrator's edit of a server not shown on a search
page, listed after it, that made it stop matching, leaving that page's ``nextCursor`` in
place until the next change of a match (the next page then comes back empty).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from mcp_registry.shared.storage.records import ServerRecord
from mcp_registry.shared.storage.search_text import can_match, normalize, search_text


@dataclass(frozen=True)
class ChangedName:
    """One name's changed records as they are after a write, prepared once for every cached
    response's check: a catch-up compares each of them with every listing in the cache, so
    the search text of a record is built once, not once per cached search page."""

    name: str
    records: tuple[ServerRecord, ...]
    texts: tuple[str, ...]
    """:func:`~mcp_registry.shared.storage.search_text.search_text` of each record."""

    @classmethod
    def of(cls, name: str, records: Iterable[ServerRecord]) -> ChangedName:
        """``records`` (all of ``name``) with their search texts."""
        kept = tuple(records)
        return cls(name, kept, tuple(search_text(r.server) for r in kept))


@dataclass(frozen=True)
class Scope:
    """The names a response depends on; see the module docstring for the rules."""

    everything: bool = False
    names: frozenset[str] = frozenset()
    """Names the response shows (detail: its one name)."""
    listing: bool = False
    """A list page: the range below applies, not only ``names``."""
    low: str | None = None
    """Range start, inclusive (the cursor's name); None: from the first name (not used by a
    search page)."""
    high: str | None = None
    """Range end, inclusive (the last item's name when more follow); None: to the end."""
    search: str | None = None
    latest_only: bool = False
    include_deleted: bool = False

    @cached_property
    def needle(self) -> str | None:
        """The normalized search term (computed once); None without a term, or when the term
        can match nothing (see :attr:`matches_nothing`)."""
        needle = normalize(self.search) if self.search is not None else ""
        return needle if self.search is not None and can_match(needle) else None

    @property
    def matches_nothing(self) -> bool:
        """A search whose term no record can match: only its own names can affect it."""
        return self.search is not None and self.needle is None

    def affected_by(self, changed: ChangedName) -> bool:
        """Whether the ``changed`` records (all of one name, as they are now) can change the
        response."""
        name = changed.name
        if self.everything:
            return True
        if self.listing and self.latest_only and not any(r.is_latest for r in changed.records):
            # A latest-only listing holds each name's latest entry, and every change of it
            # (a publish taking over, its status, an edit, the flag moving) has a record that
            # is latest now among the changes: without one, the name's place and item are as
            # they were (a publish of an older version, a change of a superseded one).
            return False
        if name in self.names:
            return True
        if not self.listing:
            return False
        if self.search is not None:
            # Ranked: a match anywhere in the name space may sort before or after the page.
            # The separator never occurs in a normalized term: a substring of the joined text
            # is a substring of one field, as ``matches`` defines a match.
            needle = self.needle
            return needle is not None and any(needle in text for text in changed.texts)
        if self.low is not None and name < self.low:
            return False
        records = changed.records
        if not records:
            return False
        if self.high is None or name <= self.high:
            return True
        # Past the range: only a name that may have left the listing moves ``nextCursor``.
        return not any(self._visible(r) for r in records)

    def _visible(self, record: ServerRecord) -> bool:
        if record.status == "deleted" and not self.include_deleted:
            return False
        return record.is_latest or not self.latest_only


EVERYTHING = Scope(everything=True)


def detail_scope(name: str) -> Scope:
    """The scope of a response about one server."""
    return Scope(names=frozenset((name,)))
