"""``mcp-registry worker webhooks``: enqueue deliveries from the events stream, attempt them."""

from __future__ import annotations

import logging
import threading

from mcp_registry.services.webhooks.consumer import consume
from mcp_registry.services.webhooks.deliverer import Deliverer
from mcp_registry.services.webhooks.matching import deliveries_for
from mcp_registry.shared.clock import Clock, utcnow
from mcp_registry.shared.config import Settings
from mcp_registry.shared.events.credentials import NatsCredentials
from mcp_registry.shared.storage.changes_port import ChangeLog
from mcp_registry.shared.storage.webhooks_port import WebhookStore

log = logging.getLogger(__name__)

DURABLE = "webhooks"
"""The durable consumer's name: every webhooks worker shares it (and so the work)."""


class Enqueuer:
    """Turns one event into stored deliveries (idempotent), waking the deliverer."""

    def __init__(
        self, changes: ChangeLog, store: WebhookStore, wake: threading.Event, clock: Clock
    ) -> None:
        self._changes, self._store, self._wake, self._clock = changes, store, wake, clock

    def __call__(self, event_id: str, subject: str) -> None:
        if not event_id:
            return
        changes = self._changes.for_event(event_id)
        if not changes:
            return
        now = self._clock()
        if self._store.enqueue(deliveries_for(changes, self._store.subscriptions(), now), now=now):
            self._wake.set()


def run_worker(
    settings: Settings,
    changes: ChangeLog,
    store: WebhookStore,
    stop: threading.Event,
    *,
    clock: Clock = utcnow,
) -> None:
    """Consume and deliver until ``stop`` is set; needs ``settings.nats_url``."""
    if not settings.nats_url:
        raise ValueError("a NATS URL is required for the webhooks worker")
    deliverer = Deliverer(
        store,
        timeout=settings.webhooks_timeout,
        max_attempts=settings.webhooks_max_attempts,
        concurrency=settings.webhooks_concurrency,
        allow_private=settings.webhooks_allow_private_targets,
        clock=clock,
    )
    delivering = threading.Thread(
        target=deliverer.run_forever, args=(stop,), name="webhook-deliveries", daemon=True
    )
    delivering.start()
    try:
        consume(
            settings.nats_url,
            DURABLE,
            Enqueuer(changes, store, deliverer.wake, clock),
            stop,
            credentials=NatsCredentials.from_settings(settings),
        )
    finally:
        stop.set()
        deliverer.wake.set()
        delivering.join(10)
        deliverer.close()
