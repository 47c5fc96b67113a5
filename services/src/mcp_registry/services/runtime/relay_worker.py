"""``mcp-registry worker relay``: deliver outbox events to NATS JetStream until stopped."""

from __future__ import annotations

import logging
import threading

from mcp_registry.services.runtime.process import ProcessDeps
from mcp_registry.shared.change_sequencer import SequencingOutbox
from mcp_registry.shared.config import Settings
from mcp_registry.shared.errors import UpstreamUnavailable
from mcp_registry.shared.events.relay import OutboxRelay

log = logging.getLogger(__name__)


def run_relay(settings: Settings, stop: threading.Event) -> None:
    """Relay until ``stop`` is set; needs ``settings.nats_url`` (a :class:`ValueError` if not).

    NATS being unreachable at start is not fatal: the relay retries, and publishing creates
    the stream once NATS is up.
    """
    if not settings.nats_url:
        raise ValueError("a NATS URL is required for the relay")
    deps = ProcessDeps(settings)
    try:
        bridge = deps.bridge
        assert bridge is not None  # nats_url is set
        # The relay is also the change feed's sequencer (one per database, like the relay).
        source = SequencingOutbox(deps.stores.outbox, deps.store, deps.stores.changes)
        relay = OutboxRelay(source, bridge, poll_interval=settings.outbox_poll_interval)
        try:
            bridge.ensure_stream()
        except UpstreamUnavailable:
            log.warning("NATS not reachable yet; the relay will retry")
        relay.run_forever(stop)
    finally:
        deps.close()
