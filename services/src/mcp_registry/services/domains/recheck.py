"""Re-verification: look at due verified domains again and revoke those that keep failing.

One :meth:`Rechecker.sweep` handles every record due at the time (in batches); the worker
calls it on a schedule. Several workers may sweep at once: each record change is a
compare-and-set, so a record another worker just handled is skipped, not handled twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from mcp_registry.services.domains import effects, lifecycle
from mcp_registry.services.domains.challenge import probe_challenge
from mcp_registry.services.domains.dns_probe import DnsProbe, DnsUnavailable
from mcp_registry.services.domains.policy import Policy
from mcp_registry.shared.clock import Clock, utcnow
from mcp_registry.shared.storage.domain_errors import StaleRecord
from mcp_registry.shared.storage.domain_port import DomainStore
from mcp_registry.shared.storage.domain_records import DomainRecord
from mcp_registry.shared.storage.records import Actor

log = logging.getLogger(__name__)

WORKER_ACTOR = Actor.system("domains-worker")
AUDIT_REVOKE = "domain.revoke"
BATCH = 100


@dataclass
class SweepReport:
    """How many due records passed, failed (kept in grace), were revoked, or were skipped
    (resolver trouble, or changed by someone else meanwhile)."""

    passed: int = 0
    failing: int = 0
    revoked: int = 0
    inconclusive: int = 0
    skipped: int = 0


class Rechecker:
    """Re-checks due verified domains of ``store`` through ``probe`` under ``policy``."""

    def __init__(
        self, store: DomainStore, probe: DnsProbe, policy: Policy, *, clock: Clock = utcnow
    ) -> None:
        self._store = store
        self._probe = probe
        self._policy = policy
        self._clock = clock

    def sweep(self) -> SweepReport:
        """Re-check every record due now; returns what happened."""
        report = SweepReport()
        now = self._clock()
        seen: set[tuple[str, str]] = set()
        while True:
            batch = [r for r in self._store.due(now, limit=BATCH) if _key(r) not in seen]
            if not batch:
                return report
            for record in batch:
                seen.add(_key(record))
                self._recheck(record, report)

    def _recheck(self, record: DomainRecord, report: SweepReport) -> None:
        now = self._clock()
        try:
            finding = probe_challenge(self._probe, record.domain, record.token, diagnose=False)
        except DnsUnavailable as exc:
            updated = lifecycle.rechecked(record, "inconclusive", exc.reason, now, self._policy)
            report.inconclusive += 1
        else:
            result: lifecycle.CheckResult = "ok" if finding.ok else "failed"
            reason = None if finding.ok else finding.message
            updated = lifecycle.rechecked(record, result, reason, now, self._policy)
        events = []
        audit = None
        if updated.state == "revoked":
            events.append(effects.revoked_event(updated, lifecycle.REVOKED_BY_DNS, now))
            audit = effects.audit(AUDIT_REVOKE, updated, WORKER_ACTOR, now)
        try:
            self._store.save(updated, expected_revision=record.revision, events=events, audit=audit)
        except StaleRecord:
            report.skipped += 1
            return
        if updated.state == "revoked":
            report.revoked += 1
            log.warning(
                "domain revoked after %d failed re-checks: %s (owner %s)",
                updated.consecutive_failures,
                updated.domain,
                updated.owner.key,
            )
        elif updated.consecutive_failures:
            report.failing += 1
        elif updated.last_failure is None:
            report.passed += 1


def _key(record: DomainRecord) -> tuple[str, str]:
    return (record.domain, record.owner.key)
