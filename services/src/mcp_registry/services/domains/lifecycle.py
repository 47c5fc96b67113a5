"""State changes of one verification as pure functions: record in, record out.

pending --check ok--> verified --re-checks fail past the grace period--> revoked (by dns)
verified --admin--> revoked (by admin) --admin restore--> verified
revoked (by dns) or expired pending --POST /verify-domain--> pending (a new token)
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Literal

from mcp_registry.services.domains.policy import Policy
from mcp_registry.shared.storage.domain_records import DomainRecord, Owner

REVOKED_BY_DNS = "dns"
REVOKED_BY_ADMIN = "admin"

CheckResult = Literal["ok", "failed", "inconclusive"]


def challenge(
    domain: str, owner: Owner, token: str, now: datetime, policy: Policy,
    previous: DomainRecord | None = None,
) -> DomainRecord:  # fmt: skip
    """A pending record with a fresh ``token`` (replacing ``previous`` when there is one)."""
    return DomainRecord(
        domain=domain,
        owner=owner,
        token=token,
        state="pending",
        created_at=previous.created_at if previous is not None else now,
        updated_at=now,
        token_expires_at=now + policy.challenge_ttl,
        revision=previous.revision if previous is not None else 0,
    )


def verified(record: DomainRecord, now: datetime, policy: Policy) -> DomainRecord:
    """``record`` confirmed now: verified, failure streak cleared, next re-check scheduled."""
    return dataclasses.replace(
        record,
        state="verified",
        updated_at=now,
        verified_at=now,
        last_checked_at=now,
        next_check_at=now + policy.recheck_interval,
        consecutive_failures=0,
        failing_since=None,
        last_failure=None,
        revoked_at=None,
        revoked_by=None,
    )


def rechecked(
    record: DomainRecord, result: CheckResult, reason: str | None, now: datetime, policy: Policy
) -> DomainRecord:
    """``record`` after one re-check; revoked when the failure rule of :class:`Policy` is met.

    ``inconclusive`` (the resolvers failed, not the domain) is retried sooner but not counted:
    an outage on our side must never revoke anyone.
    """
    if result == "ok":
        return dataclasses.replace(
            record,
            last_checked_at=now,
            next_check_at=now + policy.recheck_interval,
            consecutive_failures=0,
            failing_since=None,
            last_failure=None,
            updated_at=now,
        )
    if result == "inconclusive":
        return dataclasses.replace(
            record,
            last_checked_at=now,
            next_check_at=now + policy.retry_interval,
            last_failure=reason,
            updated_at=now,
        )
    failures = record.consecutive_failures + 1
    since = record.failing_since or now
    failing = dataclasses.replace(
        record,
        last_checked_at=now,
        next_check_at=now + policy.retry_interval,
        consecutive_failures=failures,
        failing_since=since,
        last_failure=reason,
        updated_at=now,
    )
    if failures >= policy.revoke_after_failures and now - since >= policy.grace_period:
        return revoked(failing, now, REVOKED_BY_DNS)
    return failing


def revoked(record: DomainRecord, now: datetime, by: str) -> DomainRecord:
    """``record`` revoked now by ``dns`` or ``admin``; no further re-checks."""
    return dataclasses.replace(
        record, state="revoked", revoked_at=now, revoked_by=by, next_check_at=None, updated_at=now
    )


def restored(record: DomainRecord, now: datetime, policy: Policy) -> DomainRecord:
    """An admin's restore: verified again with a clean streak; re-checked after the interval."""
    return dataclasses.replace(verified(record, now, policy), verified_at=record.verified_at or now)


def grace_ends_at(record: DomainRecord, policy: Policy) -> datetime | None:
    """When a failing verified record can be revoked at the earliest (None while passing)."""
    if record.failing_since is None:
        return None
    return record.failing_since + policy.grace_period
