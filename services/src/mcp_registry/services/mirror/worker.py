"""``mcp-registry worker mirror``: pull the upstream every ``MIRROR_INTERVAL`` seconds; after
failures wait longer (doubling, up to 32 intervals), never deleting local data.

An upstream with our change feed is long-polled instead (``wait`` up to the interval, at most
10 s, so a stop is noticed soon): a change there arrives within a round trip, not an interval.
"""

from __future__ import annotations

import logging
import threading

from mcp_registry.services.mirror.sync import Mirror
from mcp_registry.services.mirror.upstream import Upstream
from mcp_registry.shared.clock import Clock, utcnow
from mcp_registry.shared.config import Settings
from mcp_registry.shared.storage.mirror_port import MirrorStateStore
from mcp_registry.shared.storage.port import ServerStore

log = logging.getLogger(__name__)

MAX_BACKOFF_FACTOR = 32


def build_mirror(
    settings: Settings, store: ServerStore, state: MirrorStateStore, clock: Clock = utcnow
) -> Mirror:
    """The mirror of ``settings.mirror_from`` (a :class:`ValueError` when it is not set)."""
    if not settings.mirror_from:
        raise ValueError("MCP_REGISTRY_MIRROR_FROM is not set")
    return Mirror(
        store,
        state,
        Upstream(settings.mirror_from),
        namespaces=settings.mirror_namespaces,
        clock=clock,
        wait=min(settings.mirror_interval, 10.0),
    )


def run_worker(mirror: Mirror, interval: float, stop: threading.Event) -> None:
    """Pull until ``stop`` is set."""
    failures = 0
    while not stop.is_set():
        report = mirror.sync_once()
        if report.error is None:
            if failures:
                log.info("mirror of %s recovered", mirror.source)
            failures = 0
            if report.new or report.updated:
                log.info(
                    "mirror of %s: %d new, %d updated", mirror.source, report.new, report.updated
                )
        else:
            failures += 1
            log.warning(
                "mirror of %s failed (%d in a row): %s", mirror.source, failures, report.error
            )
        if not failures and mirror.long_polls:
            continue  # The feed's long poll paced this pull.
        factor = min(2**failures, MAX_BACKOFF_FACTOR) if failures else 1
        stop.wait(interval * factor)
