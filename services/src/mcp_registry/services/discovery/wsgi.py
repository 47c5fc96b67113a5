"""Discovery's process wiring: the app over real dependencies, its cache following events."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import falcon

from mcp_registry.services.discovery.app import create_app
from mcp_registry.services.discovery.change_signal import ChangeSignal
from mcp_registry.services.discovery.http_cache import (
    LIST_SURROGATE_KEY,
    ResponseCache,
    cache_control,
    surrogate_key_for,
)
from mcp_registry.services.discovery.memory_answers import MemoryAnswers
from mcp_registry.services.route_table import DISCOVERY
from mcp_registry.shared.event_model import SERVER_EVENTS
from mcp_registry.shared.events.consumer import EventSource, follow_events
from mcp_registry.shared.plugins.host import PluginHost
from mcp_registry.shared.process_resources import ProcessResources
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.web.cors import CorsPolicy
from mcp_registry.shared.web.memory_answer import MemoryAnswer, RawAnswer


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


def wake_on_changes(source: EventSource, signal: ChangeSignal) -> None:
    """Notify ``signal`` on every server event and after every (re)connection, so change-feed
    long polls of this worker re-read the change log then (and only then)."""

    def on_event(subject: str, payload: dict[str, Any]) -> None:
        signal.notify()

    source.on_connected(signal.notify)
    source.subscribe(SERVER_EVENTS, on_event)


def build(deps: ProcessResources) -> falcon.App[falcon.Request, falcon.Response] | MemoryAwareApp:
    """The discovery app of this worker.

    On the embedded SQLite store, whose freshness check is a local read of microseconds, the
    app carries ``answer_from_memory`` (:class:`~.memory_answers.MemoryAnswers`); a networked
    store would block the server's event loop for a round trip per hit, so there it does not.
    """
    cache = ResponseCache(deps.settings.response_cache_entries)
    signal = ChangeSignal()
    if deps.bridge is not None:
        clear_on_changes(deps.bridge, cache, deps.store)
        wake_on_changes(deps.bridge, signal)
        if deps.plugins.purges_cdn:
            purge_cdn_on_changes(deps.bridge, deps.plugins)
    app = create_app(
        deps.settings,
        store=deps.store,
        cache=cache,
        changes=deps.changes,
        change_signal=signal,
        mirror=deps.mirror,
    )
    if deps.settings.effective_database_url.startswith("sqlite:"):
        answers = MemoryAnswers(
            cache,
            deps.store,
            cache_control=cache_control(deps.settings),
            cors=CorsPolicy(deps.settings.cors_allowed_origins),
            service=DISCOVERY,
        )
        return MemoryAwareApp(app, answers)
    return app


class MemoryAwareApp:
    """A falcon app that answers cache hits itself (falcon's ``App`` takes no new
    attributes); ``add_route`` reaches the wrapped app.

    Middleware added later (the process wiring's rate limits) must see the requests it acts
    on: one with a ``counts(method, raw_path)`` method keeps those from the memory path, and
    one without turns the memory path off.
    """

    def __init__(
        self,
        app: falcon.App[falcon.Request, falcon.Response],
        answers: MemoryAnswer | None = None,
    ) -> None:
        self._app = app
        self._answers = answers
        self._counted: list[Callable[[str, str], bool]] = []

    def answer_from_memory(
        self, method: str, path: str, query: str, headers: Sequence[tuple[bytes, bytes]]
    ) -> RawAnswer | None:
        """The response to a read held in memory, or None (see
        :mod:`mcp_registry.shared.web.memory_answer`)."""
        if self._answers is None or any(counts(method, path) for counts in self._counted):
            return None
        return self._answers(method, path, query, headers)

    def add_route(self, uri_template: str, resource: object) -> None:
        """Add a route to the wrapped app (the process wiring adds ``/ready``)."""
        self._app.add_route(uri_template, resource)

    def add_middleware(self, middleware: Any) -> None:
        """Add middleware to the wrapped app (the process wiring adds rate limits)."""
        counts = getattr(middleware, "counts", None)
        if counts is None:
            self._answers = None
        else:
            self._counted.append(counts)
        self._app.add_middleware(middleware)

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        return self._app(environ, start_response)
