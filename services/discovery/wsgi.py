"""Discovery's process wiring: the app over real dependencies, its cache following events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import falcon

from mcp_registry.services.discovery.app import create_app
from mcp_registry.services.discovery.http_cache import (
    LIST_SURROGATE_KEY,
    ResponseCache,
    surrogate_key_for,
)
from mcp_registry.shared.events.consumer import EventSource, follow_events
from mcp_registry.shared.events.subjects import SERVER_EVENTS
from mcp_registry.shared.plugins.host import PluginHost
from mcp_registry.shared.storage.port import ServerStore

if TYPE_CHECKING:
    from mcp_registry.services.wiring import ProcessDeps


def clear_on_changes(source: EventSource, cache: ResponseCache, store: ServerStore) -> None:
    """Let ``cache`` drop what each domain event changed; empty it after every (re)connection.

    Freshness does not depend on this (every lookup checks the store's change sequence and
    catches up itself); it releases memory promptly and is where CDN purges hook in. Only the
    responses the changed records affect are dropped, never the whole cache for one event.
    """

    def on_event(subject: str, payload: dict[str, Any]) -> None:
        cache.catch_up(store.change_seq(), store.changed_since)

    follow_events(source, on_event, on_resync=cache.clear)


CDN_PURGE_QUEUE = "discovery-cdn-purge"
"""Queue group: each server event is purged once per deployment, not once per worker."""


def purge_cdn_on_changes(source: EventSource, plugins: PluginHost) -> None:
    """Hand the surrogate keys of each server event to the ``mcp_registry_cdn_purge`` hooks."""

    def on_event(subject: str, payload: dict[str, Any]) -> None:
        name = payload.get("name")
        keys = [LIST_SURROGATE_KEY]
        if isinstance(name, str):
            keys.append(surrogate_key_for(name))
        plugins.purge_cdn(keys)

    source.subscribe(SERVER_EVENTS, on_event, queue=CDN_PURGE_QUEUE)


def build(deps: ProcessDeps) -> falcon.App[falcon.Request, falcon.Response]:
    """The discovery app of this worker."""
    cache = ResponseCache(deps.settings.response_cache_entries)
    if deps.bridge is not None:
        clear_on_changes(deps.bridge, cache, deps.store)
        if deps.plugins.purges_cdn:
            purge_cdn_on_changes(deps.bridge, deps.plugins)
    return create_app(deps.settings, store=deps.store, cache=cache)
