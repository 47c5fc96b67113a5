"""The outbox relay: moves events stored with their writes into JetStream, in order, at least once.

A write stores its events in the database in the same transaction as the change, so a write
never fails or loses an event because NATS is down. This relay publishes pending events with
``Nats-Msg-Id`` = event id and only then marks them sent. A crash between the two re-sends the
event later; JetStream drops the copy if it arrives within the stream's duplicate window.

Run a single relay per database: two relays would both deliver every event (deduplicated) but
could interleave their batches out of order.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from mcp_registry.shared.clock import Clock, utcnow
from mcp_registry.shared.event_model import OutboxEvent

log = logging.getLogger(__name__)

# Granularity at which run_forever notices its stop event while waiting.
_STOP_CHECK_INTERVAL = 0.1


class OutboxSource(Protocol):
    """The part of the store the relay needs."""

    def pending_events(self, limit: int) -> list[OutboxEvent]:
        """Up to ``limit`` unsent events, oldest first."""
        ...

    def mark_events_sent(self, ids: Sequence[str], *, now: datetime) -> None:
        """Mark events delivered; unknown ids are ignored; idempotent."""
        ...


class EventPublisher(Protocol):
    """Stores one event durably or raises (e.g. :class:`~.bridge.NatsBridge`)."""

    def publish_event(self, event: OutboxEvent) -> None: ...


@dataclass(frozen=True)
class _Sweep:
    sent: int
    fetched: int
    failed: bool


class OutboxRelay:
    """Publishes pending outbox events in order and marks the published ones sent.

    ``batch_size`` bounds one sweep; ``poll_interval`` (seconds) is the idle wait between
    sweeps when nothing is pending and nobody called :meth:`notify`; after a failure the wait
    doubles up to ``max_backoff``. ``clock`` stamps ``sent_at``.
    """

    def __init__(
        self,
        source: OutboxSource,
        publisher: EventPublisher,
        *,
        batch_size: int = 100,
        poll_interval: float = 1.0,
        max_backoff: float = 30.0,
        clock: Clock = utcnow,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self._source = source
        self._publisher = publisher
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._max_backoff = max(max_backoff, poll_interval)
        self._clock = clock
        self._wake = threading.Event()

    def notify(self) -> None:
        """Ask for a sweep now (e.g. right after a write committed). Thread-safe, cheap."""
        self._wake.set()

    def run_once(self) -> int:
        """Publish one batch in order; mark the published prefix sent; return how many.

        Stops at the first event that fails to publish, so a later event is never marked sent
        before an earlier one and nothing unsent is marked. Errors from the source propagate.
        """
        return self._sweep(quiet=False).sent

    def run_forever(self, stop: threading.Event) -> None:
        """Sweep until ``stop`` is set: at once while a full batch was sent or after
        :meth:`notify`; otherwise after ``poll_interval``, backing off while failing.

        Never raises for NATS or store outages; it logs them once per outage and retries.
        """
        failures = 0
        while not stop.is_set():
            self._wake.clear()
            try:
                sweep = self._sweep(quiet=failures > 0)
            except Exception:
                # The store failed; events stay pending and are retried after the backoff.
                if failures == 0:
                    log.exception("outbox relay could not read or mark the outbox")
                sweep = _Sweep(sent=0, fetched=0, failed=True)
            if sweep.failed:
                failures += 1
                delay = min(self._poll_interval * 2 ** (failures - 1), self._max_backoff)
            else:
                if failures:
                    log.info("outbox relay recovered after %d failed sweeps", failures)
                failures = 0
                if sweep.fetched >= self._batch_size:
                    continue  # Probably more pending: keep draining.
                delay = self._poll_interval
            self._wait(stop, delay)

    def _sweep(self, *, quiet: bool) -> _Sweep:
        events = self._source.pending_events(self._batch_size)
        sent: list[str] = []
        failed = False
        for event in events:
            try:
                self._publisher.publish_event(event)
            except Exception as exc:
                # Payloads are not logged: they are domain data, not diagnostics.
                log.log(
                    logging.DEBUG if quiet else logging.WARNING,
                    "outbox relay could not publish event %s (%s): %s",
                    event.id,
                    event.subject,
                    exc,
                )
                failed = True
                break
            sent.append(event.id)
        if sent:
            self._source.mark_events_sent(sent, now=self._clock())
        return _Sweep(sent=len(sent), fetched=len(events), failed=failed)

    def _wait(self, stop: threading.Event, delay: float) -> None:
        # Two events to watch (stop, wake) and no select() for them: wait on wake in slices.
        remaining = delay
        while remaining > 0 and not stop.is_set():
            step = min(remaining, _STOP_CHECK_INTERVAL)
            if self._wake.wait(step):
                return
            remaining -= step
