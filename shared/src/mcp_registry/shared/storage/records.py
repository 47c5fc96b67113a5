"""Plain records that cross the storage boundary. No backend types leak out of adapters."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any, Literal

from mcp_registry.shared.storage.server_text import load_server_text

Status = Literal["active", "deprecated", "deleted"]
STATUSES: tuple[Status, ...] = ("active", "deprecated", "deleted")

SearchPhase = Literal["name", "other"]
"""The two parts of a search's results (see ``search_rank``): ``name``, the entries whose name
contains the term, first; ``other``, those matching only through another field, after them."""


@dataclass(frozen=True)
class ServerRecord:
    """One stored (name, version): the server.json as published plus registry metadata.

    ``server_json`` is the server.json exactly as the store keeps it (JSON text, see
    ``server_text``); :attr:`server` is its parsed value, computed on first use, so a read that
    only embeds the text (the discovery API's pages) never parses it.

    ``seq`` is the change sequence: globally unique, strictly increasing, bumped (together
    with ``updated_at``) on every change that alters what a reader sees of this record,
    including losing or gaining ``is_latest``.
    """

    name: str
    version: str
    server_json: str
    status: Status
    status_message: str | None
    published_at: datetime
    updated_at: datetime
    status_changed_at: datetime
    is_latest: bool
    seq: int

    @classmethod
    def construct(
        cls,
        name: str,
        version: str,
        server_json: str,
        status: Status,
        status_message: str | None,
        published_at: datetime,
        updated_at: datetime,
        status_changed_at: datetime,
        is_latest: bool,
        seq: int,
    ) -> ServerRecord:
        """The record the constructor makes from the same values, built about twice as fast.

        A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``; this
        fills the instance's ``__dict__`` at once. For the stores' read paths, which build a
        record per row (100 for a page); nothing is checked, as with the constructor.
        """
        record = object.__new__(cls)
        record.__dict__.update(
            name=name,
            version=version,
            server_json=server_json,
            status=status,
            status_message=status_message,
            published_at=published_at,
            updated_at=updated_at,
            status_changed_at=status_changed_at,
            is_latest=is_latest,
            seq=seq,
        )
        return record

    @cached_property
    def server(self) -> dict[str, Any]:
        """The server.json as a dict (parsed once per record; treat it as read-only)."""
        value: dict[str, Any] = load_server_text(self.server_json)
        return value


@dataclass(frozen=True)
class Actor:
    """Who performed a write: registry token subject and the auth method that minted it."""

    subject: str
    auth_method: str

    @classmethod
    def system(cls, what: str) -> Actor:
        """An internal actor (``system:import``, ``system:seed``)."""
        return cls(subject=f"system:{what}", auth_method="system")


@dataclass(frozen=True)
class NewVersion:
    """A version about to be published. ``server`` is validated server.json."""

    name: str
    version: str
    server: dict[str, Any]
    status: Status = "active"
    status_message: str | None = None


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log: who did what to which resource, when, how authenticated."""

    action: str
    target: str
    actor: Actor
    at: datetime
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ListQuery:
    """What ``GET /servers`` asks the store for.

    ``after`` is the keyset position ``(name, version)`` of the last item already returned;
    results are ordered by ``(name, version)`` ascending and exclude that position, so pages
    neither skip nor repeat entries while writes happen between them.
    ``search`` is a case-insensitive substring matched against name, title, description and
    package identifiers. ``updated_since`` is strict (``updated_at > updated_since``).
    ``version`` keeps only records of exactly that version.

    With ``search``, results are ranked (``search_rank``): the entries whose name contains the
    term in keyset order, then the other matches in keyset order; ``phase`` says which of the
    two ``after`` is a position in (``name`` when it names no phase, as an official
    ``name:version`` cursor does). Without ``search``, ``phase`` is ignored.
    """

    limit: int = 30
    after: tuple[str, str] | None = None
    search: str | None = None
    latest_only: bool = False
    version: str | None = None
    updated_since: datetime | None = None
    include_deleted: bool = False
    phase: SearchPhase = "name"


@dataclass(frozen=True)
class ListPage:
    """``items`` in keyset order (a search: in ranked order); ``has_more`` tells whether
    another page exists; ``phase`` is the search phase of the last item (the next page's
    ``ListQuery.phase``), ``name`` for a list without search."""

    items: list[ServerRecord]
    has_more: bool
    phase: SearchPhase = "name"


@dataclass(frozen=True)
class ItemPage:
    """The page of a :class:`ListQuery` with its entries as the API writes them.

    ``texts[i]`` is the JSON text of the ``i``-th entry, byte for byte what ``orjson.dumps``
    writes for ``api_items.to_item`` of its record; ``names[i]`` that record's name; ``last``
    the ``(name, version)`` of the last one (None for an empty page); ``has_more`` as in
    :class:`ListPage`.
    """

    names: tuple[str, ...]
    texts: tuple[str, ...]
    last: tuple[str, str] | None
    has_more: bool
