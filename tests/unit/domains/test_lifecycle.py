"""The re-check rule: revoke only after N failures in a row *and* a whole grace period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mcp_registry.services.domains import lifecycle
from mcp_registry.services.domains.policy import Policy
from mcp_registry.shared.config import Settings
from mcp_registry.shared.storage.domain_records import DomainRecord, Owner

T0 = datetime(2025, 1, 1, tzinfo=UTC)
POLICY = Policy(
    retry_interval=timedelta(hours=1),
    revoke_after_failures=3,
    grace_period=timedelta(hours=10),
)


def verified_record() -> DomainRecord:
    pending = lifecycle.challenge("example.com", Owner("github-at", "a"), "t", T0, POLICY)
    return lifecycle.verified(pending, T0, POLICY)


def test_failures_accumulate_and_revoke_at_the_end_of_the_grace() -> None:
    record = verified_record()
    for hour in range(1, 11):
        record = lifecycle.rechecked(record, "failed", "gone", T0 + timedelta(hours=hour), POLICY)
        assert record.state == "verified", hour
        assert record.next_check_at == T0 + timedelta(hours=hour + 1)
    assert record.consecutive_failures == 10
    assert record.failing_since == T0 + timedelta(hours=1)
    assert lifecycle.grace_ends_at(record, POLICY) == T0 + timedelta(hours=11)
    record = lifecycle.rechecked(record, "failed", "gone", T0 + timedelta(hours=11), POLICY)
    assert (record.state, record.revoked_by, record.next_check_at) == ("revoked", "dns", None)


def test_inconclusive_checks_neither_count_nor_reset() -> None:
    record = lifecycle.rechecked(verified_record(), "failed", "gone", T0, POLICY)
    record = lifecycle.rechecked(record, "inconclusive", "timeout", T0 + timedelta(days=9), POLICY)
    assert (record.state, record.consecutive_failures) == ("verified", 1)
    record = lifecycle.rechecked(record, "ok", None, T0 + timedelta(days=10), POLICY)
    assert (record.consecutive_failures, record.failing_since, record.last_failure) == (
        0,
        None,
        None,
    )


def test_restore_keeps_the_first_verification_time() -> None:
    record = lifecycle.revoked(verified_record(), T0 + timedelta(days=1), "admin")
    restored = lifecycle.restored(record, T0 + timedelta(days=2), POLICY)
    assert (restored.state, restored.verified_at, restored.revoked_by) == ("verified", T0, None)


def test_policy_from_settings() -> None:
    policy = Policy.from_settings(
        Settings(domain_revoke_grace_period=60.0, domain_revoke_after_failures=2)
    )
    assert policy.grace_period == timedelta(seconds=60)
    assert policy.revoke_after_failures == 2
