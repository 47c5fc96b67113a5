"""A page of ``GET /servers`` with its entries already in their wire form (what
``ServerStore.list_server_items`` returns)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mcp_registry.shared.api_items import to_wire_item
from mcp_registry.shared.storage.records import ListPage


@dataclass(frozen=True)
class ItemPage:
    """The records of a :class:`ListPage` as response entries.

    ``items[i]`` encodes with ``orjson.dumps`` to exactly the bytes of
    ``orjson.dumps(to_item(record))`` for the ``i``-th record (an ``orjson.Fragment`` of the
    entry's text, or a :func:`to_wire_item` dict); only orjson can encode them. ``names[i]`` is
    that record's name; ``last`` the ``(name, version)`` of the last one (None for an empty
    page); ``has_more`` as in :class:`ListPage`.
    """

    names: list[str]
    items: list[Any]
    last: tuple[str, str] | None
    has_more: bool


def item_page(page: ListPage) -> ItemPage:
    """``page`` with each record made an entry by :func:`to_wire_item` (what a backend does
    that cannot produce the entries itself)."""
    records = page.items
    last = (records[-1].name, records[-1].version) if records else None
    return ItemPage(
        names=[r.name for r in records],
        items=[to_wire_item(r) for r in records],
        last=last,
        has_more=page.has_more,
    )
