"""The verify-domain flow for one identity: start a challenge, confirm it, read, grant.

No falcon here: every refusal is a :mod:`mcp_registry.shared.errors` error whose ``detail``
says what to do, mapped to problem+json by the web layer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from mcp_registry.services.domains import effects, lifecycle
from mcp_registry.services.domains.challenge import Finding, new_token, probe_challenge
from mcp_registry.services.domains.dns_probe import DnsProbe, DnsUnavailable
from mcp_registry.services.domains.names import grants_for_domains, normalize_domain
from mcp_registry.services.domains.policy import Policy
from mcp_registry.shared.auth.permissions import Permission
from mcp_registry.shared.clock import Clock, format_rfc3339, utcnow
from mcp_registry.shared.errors import (
    BadRequest,
    Conflict,
    ErrorDetail,
    Forbidden,
    NotFound,
    UpstreamUnavailable,
)
from mcp_registry.shared.storage.domain_errors import DomainTaken, StaleRecord
from mcp_registry.shared.storage.domain_port import DomainStore
from mcp_registry.shared.storage.domain_records import DomainRecord, Owner
from mcp_registry.shared.storage.records import Actor

log = logging.getLogger(__name__)

AUDIT_CHALLENGE = "domain.challenge"
AUDIT_VERIFY = "domain.verify"
RETRY_AFTER_SECONDS = "5"


def actor_of(owner: Owner) -> Actor:
    """The audit actor of an owner acting for themself."""
    return Actor(subject=owner.key, auth_method=owner.auth_method)


class DomainVerifier:
    """Challenges and confirmations over ``store``, DNS through ``probe``."""

    def __init__(
        self,
        store: DomainStore,
        probe: DnsProbe,
        policy: Policy,
        *,
        clock: Clock = utcnow,
        token_factory: Callable[[], str] = new_token,
    ) -> None:
        self._store = store
        self._probe = probe
        self._policy = policy
        self._clock = clock
        self._new_token = token_factory

    def start(self, owner: Owner, raw_domain: object) -> DomainRecord:
        """Issue (or repeat) the challenge of ``owner`` for a domain.

        A pending challenge that has not expired is returned as it is (same token), so
        calling twice does not invalidate a record already added; a verified one is returned
        unchanged; an expired or revoked one gets a new token.
        """
        domain = normalize_domain(raw_domain)
        now = self._clock()
        existing = self._store.get(domain, owner)
        if existing is not None:
            if existing.state == "verified":
                return existing
            if existing.state == "pending" and now < existing.token_expires_at:
                return existing
            _refuse_admin_revoked(existing)
        record = lifecycle.challenge(domain, owner, self._new_token(), now, self._policy, existing)
        try:
            return self._store.save(
                record,
                expected_revision=existing.revision if existing is not None else None,
                audit=effects.audit(AUDIT_CHALLENGE, record, actor_of(owner), now),
            )
        except StaleRecord:
            raise Conflict(
                f"the verification of {domain} changed while this request ran; try again"
            ) from None

    def check(self, owner: Owner, raw_domain: object) -> DomainRecord:
        """Confirm ``owner``'s pending challenge by DNS; on success store it as verified
        (with a ``domain.verified`` event) and return it. See the module doc for errors."""
        domain = normalize_domain(raw_domain)
        now = self._clock()
        record = self._store.get(domain, owner)
        if record is None:
            raise BadRequest(
                f"no verification of {domain} was started by you; POST /v0/verify-domain "
                f'{{"domain": "{domain}"}} first to get the TXT record to add'
            )
        if record.state == "verified":
            return record
        _refuse_admin_revoked(record)
        if record.state == "revoked":
            raise BadRequest(
                f"your verification of {domain} was revoked after failing re-checks; "
                "POST /v0/verify-domain again for a new challenge"
            )
        # Who holds the domain matters more than an expired token: say that first.
        self._refuse_if_held_by_other(domain, owner)
        if now >= record.token_expires_at:
            raise BadRequest(
                f"the challenge for {domain} expired at {format_rfc3339(record.token_expires_at)};"
                " POST /v0/verify-domain again for a new token and update the TXT record",
                [ErrorDetail("challenge expired", "body.domain")],
            )
        finding = self._probe_or_unavailable(domain, record.token)
        if not finding.ok:
            raise _not_verified(domain, finding)
        confirmed = lifecycle.verified(record, now, self._policy)
        try:
            saved = self._store.save(
                confirmed,
                expected_revision=record.revision,
                events=[effects.verified_event(confirmed, "dns-check", now)],
                audit=effects.audit(AUDIT_VERIFY, confirmed, actor_of(owner), now),
            )
        except DomainTaken:
            raise _taken(domain) from None
        except StaleRecord:
            raise Conflict(
                f"the verification of {domain} changed while this request ran; try again"
            ) from None
        log.info("domain verified: %s by %s", domain, owner.key)
        return saved

    def get(self, owner: Owner, raw_domain: object) -> DomainRecord:
        """``owner``'s verification of a domain; NotFound when there is none."""
        domain = normalize_domain(raw_domain)
        record = self._store.get(domain, owner)
        if record is None:
            raise NotFound(f"you have no verification of {domain}")
        return record

    def mine(self, owner: Owner) -> list[DomainRecord]:
        """Every verification of ``owner``, by domain."""
        return self._store.for_owner(owner)

    def grants(self, owner: Owner) -> tuple[Permission, ...]:
        """``publish`` on the namespaces of every domain ``owner`` holds verified."""
        domains = [r.domain for r in self._store.for_owner(owner) if r.state == "verified"]
        return grants_for_domains(domains)

    def _refuse_if_held_by_other(self, domain: str, owner: Owner) -> None:
        holder = self._store.verified(domain)
        if holder is None or holder.owner == owner:
            return
        grace_end = lifecycle.grace_ends_at(holder, self._policy)
        detail = (
            f"{domain} is verified by another identity. It can move to you only after that "
            "verification is revoked, which happens once its TXT record has failed "
            f"{self._policy.revoke_after_failures} re-checks in a row over a grace period of "
            f"{_duration(self._policy.grace_period.total_seconds())}"
        )
        if grace_end is not None:
            earliest = format_rfc3339(grace_end)
            detail += f" (its re-checks are failing; the earliest revocation is {earliest})"
        raise Conflict(detail + "; then confirm again with POST /v0/verify-domain/check")

    def _probe_or_unavailable(self, domain: str, token: str) -> Finding:
        try:
            return probe_challenge(self._probe, domain, token, diagnose=True)
        except DnsUnavailable as exc:
            what = "timed out" if exc.timed_out else "failed"
            raise UpstreamUnavailable(
                f"the DNS lookup of TXT {domain} {what} ({exc.reason}); nothing was changed, "
                "try again shortly",
                headers={"Retry-After": RETRY_AFTER_SECONDS},
            ) from None


def _not_verified(domain: str, finding: Finding) -> BadRequest:
    location = f"dns.{finding.found_at or domain}"
    return BadRequest(
        f"{domain} is not verified: {finding.message}",
        [ErrorDetail(finding.kind.replace("_", " "), location)],
    )


def _taken(domain: str) -> Conflict:
    return Conflict(f"{domain} was verified by another identity a moment ago")


def _refuse_admin_revoked(record: DomainRecord) -> None:
    if record.state == "revoked" and record.revoked_by == lifecycle.REVOKED_BY_ADMIN:
        raise Forbidden(
            f"your verification of {record.domain} was revoked by a registry administrator; "
            "ask them to restore it"
        )


def _duration(seconds: float) -> str:
    if seconds >= 86400 and seconds % 3600 == 0:
        return f"{seconds / 86400:g} days"
    if seconds >= 3600:
        return f"{seconds / 3600:g} hours"
    return f"{seconds:g} seconds"
