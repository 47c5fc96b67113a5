"""Gauges read from the store when Prometheus scrapes: the outbox backlog and failing domains.

They describe shared state (the database), not this process, so they are computed on each
scrape instead of being updated by requests; every replica reports the same values and
alerts aggregate with ``max``. A read is bounded (``cap`` rows): the backlog count saturates at
the cap, which is far past any alert threshold, while the oldest event's age stays exact.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from mcp_registry.shared.clock import Clock, utcnow
from mcp_registry.shared.storage.database import Outbox
from mcp_registry.shared.storage.domain_port import DomainStore

log = logging.getLogger(__name__)

OUTBOX_PENDING = "mcp_registry_outbox_pending_events"
OUTBOX_OLDEST_AGE = "mcp_registry_outbox_oldest_event_age_seconds"
DOMAINS_FAILING = "mcp_registry_domains_failing_rechecks"
DEFAULT_CAP = 10_000


class OutboxGauges(Collector):
    """Events not yet delivered to NATS, and how long the oldest has waited (0 when none)."""

    def __init__(self, outbox: Outbox, *, clock: Clock = utcnow, cap: int = DEFAULT_CAP) -> None:
        self._outbox = outbox
        self._clock = clock
        self._cap = cap

    def collect(self) -> Iterator[Metric]:
        try:
            pending = self._outbox.pending_events(limit=self._cap)
        except Exception:
            # A scrape must not fail because the database does; /ready reports that.
            log.warning("outbox gauges: the store did not answer", exc_info=True)
            return
        oldest: datetime | None = min((e.created_at for e in pending), default=None)
        age = max(0.0, (self._clock() - oldest).total_seconds()) if oldest else 0.0
        yield GaugeMetricFamily(
            OUTBOX_PENDING,
            f"Outbox events not yet delivered to NATS (counted up to {self._cap})",
            value=len(pending),
        )
        yield GaugeMetricFamily(
            OUTBOX_OLDEST_AGE,
            "Seconds the oldest undelivered outbox event has waited (0 when none waits)",
            value=age,
        )


class DomainGauges(Collector):
    """Verified domains whose latest re-check failed (they keep their grants for a while)."""

    def __init__(self, domains: DomainStore, *, cap: int = DEFAULT_CAP) -> None:
        self._domains = domains
        self._cap = cap

    def collect(self) -> Iterator[Metric]:
        try:
            verified = self._domains.list_all(state="verified", limit=self._cap)
        except Exception:
            log.warning("domain gauges: the store did not answer", exc_info=True)
            return
        yield GaugeMetricFamily(
            DOMAINS_FAILING,
            "Verified domains whose latest re-verification failed",
            value=sum(1 for d in verified if d.consecutive_failures > 0),
        )
