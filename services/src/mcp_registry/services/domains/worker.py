"""``mcp-registry worker domains``: sweep due re-checks on a schedule until stopped."""

from __future__ import annotations

import logging
import threading

from mcp_registry.services.domains.dns_probe import DnsProbe
from mcp_registry.services.domains.policy import Policy
from mcp_registry.services.domains.recheck import Rechecker
from mcp_registry.shared.config import Settings
from mcp_registry.shared.errors import RegistryError
from mcp_registry.shared.storage.domain_port import DomainStore

log = logging.getLogger(__name__)


def run_rechecks(
    store: DomainStore, rechecker: Rechecker, stop: threading.Event, interval: float
) -> None:
    """Sweep every ``interval`` seconds until ``stop`` is set; a failing sweep (store down)
    is logged and retried on the next tick instead of ending the worker."""
    while not stop.is_set():
        try:
            store.repair()
            report = rechecker.sweep()
        except RegistryError as exc:
            log.warning("domain re-check sweep failed: %s", exc.detail)
        else:
            if report.failing or report.revoked or report.inconclusive:
                log.info("domain re-checks: %s", report)
        stop.wait(interval)


def run_worker(settings: Settings, domains: DomainStore, stop: threading.Event) -> None:
    """The worker over ``domains`` (initialized) with the settings' resolvers and policy."""
    rechecker = Rechecker(domains, DnsProbe.from_settings(settings), Policy.from_settings(settings))
    run_rechecks(domains, rechecker, stop, settings.domain_worker_poll_interval)
