"""Following domain events in-process, e.g. so discovery can invalidate its response cache.

Why a plain core-NATS subscription and not a JetStream consumer: every JetStream publish is
also delivered to core subscribers of its subject, and each gunicorn worker keeps its own
cache, so each needs every event (hence no queue group). What a core subscription lacks is
replay of events published while this process was disconnected. For a cache that is
handled by ``on_resync``, called after every (re)connection: dropping the whole cache is
always correct, cheap, and needs no server-side state. An ordered JetStream consumer would
replay instead, at the price of one server-side consumer per worker process and its
lifecycle; worth it only for consumers that must see each event, which should then use a
durable consumer, not this helper.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from mcp_registry.shared.event_model import EVENTS_WILDCARD

EventCallback = Callable[[str, dict[str, Any]], None]
"""Receives ``(subject, payload)`` of one domain event."""


class EventSource(Protocol):
    """What following events needs from a connection (e.g. :class:`~.bridge.NatsBridge`)."""

    def subscribe(self, subject: str, handler: EventCallback, queue: str | None = None) -> None: ...

    def on_connected(self, listener: Callable[[], None]) -> None: ...


def follow_events(
    source: EventSource,
    on_event: EventCallback,
    *,
    on_resync: Callable[[], None] | None = None,
    subject: str = EVENTS_WILDCARD,
) -> None:
    """Call ``on_event(subject, payload)`` for each domain event this process receives.

    ``on_resync()`` runs after every (re)connection, the first included, because events may
    have been missed while disconnected; a cache should drop everything there. Events of one
    subscription arrive one at a time, in publish order; callbacks run off the event loop.
    Usable before NATS is up.
    """
    if on_resync is not None:
        source.on_connected(on_resync)
    source.subscribe(subject, on_event)
