"""Discovery's process wiring: the app over real dependencies, its cache following events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import falcon

from mcp_registry.services.discovery.app import create_app
from mcp_registry.services.discovery.http_cache import ResponseCache
from mcp_registry.shared.events.consumer import follow_events

if TYPE_CHECKING:
    from mcp_registry.services.wiring import ProcessDeps


def build(deps: ProcessDeps) -> falcon.App[falcon.Request, falcon.Response]:
    """The discovery app of this worker; its response cache is cleared on every event.

    Freshness does not depend on the events (cached entries are checked against the store's
    change sequence); the events release memory promptly and mark where CDN purges hook in.
    """
    cache = ResponseCache(deps.settings.response_cache_entries)
    bridge = deps.bridge
    if bridge is not None:

        def on_event(subject: str, payload: dict[str, Any]) -> None:
            cache.clear()

        follow_events(bridge, on_event, on_resync=cache.clear)
    return create_app(deps.settings, store=deps.store, cache=cache)
