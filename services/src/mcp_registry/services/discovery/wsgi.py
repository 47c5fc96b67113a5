"""Discovery's process wiring: the app over real dependencies, its cache following events."""

from __future__ import annotations

from typing import Any

import falcon

from mcp_registry.services.discovery.app import create_app
from mcp_registry.services.discovery.change_signal import ChangeSignal
from mcp_registry.services.discovery.http_cache import (
    LIST_SURROGATE_KEY,
    ResponseCache,
    surrogate_key_for,
)
from mcp_registry.shared.event_model import SERVER_EVENTS
from mcp_registry.shared.events.consumer import EventSource, follow_events
from mcp_registry.shared.plugins.host import PluginHost
from mcp_registry.shared.process_resources import ProcessResources


def clear_on_changes(source: EventSource, cache: ResponseCache) -> None:
    """Empty ``cache`` on every domain event and after every (re)connection to NATS.

    Freshness does not depend on this (cached entries are checked against the store's change
    sequence); it releases memory promptly and is where CDN purges hook in.
    """

    def on_event(subject: str, payload: dict[str, Any]) -> None:
        cache.clear()

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


def wake_on_changes(source: EventSource, signal: ChangeSignal) -> None:
    """Notify ``signal`` on every server event and after every (re)connection, so change-feed
    long polls of this worker re-read the change log then (and only then)."""

    def on_event(subject: str, payload: dict[str, Any]) -> None:
        signal.notify()

    source.on_connected(signal.notify)
    source.subscribe(SERVER_EVENTS, on_event)


def build(deps: ProcessResources) -> falcon.App[falcon.Request, falcon.Response]:
    """The discovery app of this worker."""
    cache = ResponseCache(deps.settings.response_cache_entries)
    signal = ChangeSignal()
    if deps.bridge is not None:
        clear_on_changes(deps.bridge, cache)
        wake_on_changes(deps.bridge, signal)
        if deps.plugins.purges_cdn:
            purge_cdn_on_changes(deps.bridge, deps.plugins)
    return create_app(
        deps.settings,
        store=deps.store,
        cache=cache,
        changes=deps.changes,
        change_signal=signal,
        mirror=deps.mirror,
    )
