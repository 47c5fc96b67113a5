"""Discovery's process wiring: the app over real dependencies, its cache following events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import falcon

from mcp_registry.services.discovery.app import create_app
from mcp_registry.services.discovery.http_cache import ResponseCache
from mcp_registry.shared.events.consumer import EventSource, follow_events

if TYPE_CHECKING:
    from mcp_registry.services.wiring import ProcessDeps


def clear_on_changes(source: EventSource, cache: ResponseCache) -> None:
    """Empty ``cache`` on every domain event and after every (re)connection to NATS.

    Freshness does not depend on this (cached entries are checked against the store's change
    sequence); it releases memory promptly and is where CDN purges hook in.
    """

    def on_event(subject: str, payload: dict[str, Any]) -> None:
        cache.clear()

    follow_events(source, on_event, on_resync=cache.clear)


def build(deps: ProcessDeps) -> falcon.App[falcon.Request, falcon.Response]:
    """The discovery app of this worker."""
    cache = ResponseCache(deps.settings.response_cache_entries)
    if deps.bridge is not None:
        clear_on_changes(deps.bridge, cache)
    return create_app(deps.settings, store=deps.store, cache=cache)
