"""The mirror worker's progress on discovery's ``/metrics`` (the worker serves no HTTP): read
from the store at each scrape, so any discovery worker answers for the one mirror worker."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from mcp_registry.shared.clock import parse_rfc3339
from mcp_registry.shared.errors import RegistryError
from mcp_registry.shared.storage.mirror_port import MirrorStateStore


def mirror_metrics(state: MirrorStateStore) -> Iterable[Metric]:
    """``mcp_registry_mirror_*`` families, one sample per upstream; none when the store
    cannot be read (a scrape must not fail for it)."""
    try:
        states = state.all()
    except RegistryError:
        return []
    failures = GaugeMetricFamily(
        "mcp_registry_mirror_failures",
        "Upstream pulls that failed in a row (0 after a success)",
        labels=["source"],
    )
    last_sync = GaugeMetricFamily(
        "mcp_registry_mirror_last_sync_timestamp_seconds",
        "When the last successful pull ended (Unix time)",
        labels=["source"],
    )
    items = CounterMetricFamily(
        "mcp_registry_mirror_items",
        "Upstream entries mirrored, by outcome",
        labels=["source", "outcome"],
    )
    for source, progress in states.items():
        failures.add_metric([source], float(progress.get("failures", 0)))
        synced = progress.get("lastSync")
        if isinstance(synced, str):
            last_sync.add_metric([source], parse_rfc3339(synced).timestamp())
        for outcome, count in (progress.get("totals") or {}).items():
            items.add_metric([source, str(outcome)], float(count))
    return [failures, last_sync, items]
