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
  (no record of it is visible any more): the page's ``nextCursor`` could disappear;
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

from collections.abc import Sequence
from dataclasses import dataclass

from mcp_registry.shared.storage.records import ServerRecord
from mcp_registry.shared.storage.search_text import matches


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

    def affected_by(self, name: str, records: Sequence[ServerRecord]) -> bool:
        """Whether changed ``records`` (all of ``name``, as they are now) can change the
        response."""
        if self.everything or name in self.names:
            return True
        if not self.listing:
            return False
        if self.search is not None:
            # Ranked: a match anywhere in the name space may sort before or after the page.
            return any(matches(r.server, self.search) for r in records)
        if self.low is not None and name < self.low:
            return False
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
