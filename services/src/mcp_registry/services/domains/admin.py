"""Admin operations on verifications: list, revoke, restore (an ``edit`` on ``*`` token)."""

from __future__ import annotations

from mcp_registry.services.domains import effects, lifecycle
from mcp_registry.services.domains.names import normalize_domain
from mcp_registry.services.domains.policy import Policy
from mcp_registry.shared.auth.permissions import EDIT
from mcp_registry.shared.auth.tokens import RegistryClaims
from mcp_registry.shared.clock import Clock, utcnow
from mcp_registry.shared.errors import BadRequest, Conflict, ErrorDetail, Forbidden, NotFound
from mcp_registry.shared.event_model import OutboxEvent
from mcp_registry.shared.storage.domain_errors import DomainTaken, StaleRecord
from mcp_registry.shared.storage.domain_port import DomainStore
from mcp_registry.shared.storage.domain_records import (
    DOMAIN_STATES,
    DomainRecord,
    DomainState,
    Owner,
)
from mcp_registry.shared.storage.records import Actor

AUDIT_ADMIN_REVOKE = "domain.admin_revoke"
AUDIT_ADMIN_RESTORE = "domain.admin_restore"
MAX_LIMIT = 1000


def require_admin(claims: RegistryClaims) -> Actor:
    """The audit actor of an admin token; Forbidden unless it carries ``edit`` on ``*``."""
    if not any(p.action == EDIT and p.resource == "*" for p in claims.permissions):
        raise Forbidden("this needs an admin registry token (edit permission on '*')")
    return Actor(subject=claims.subject, auth_method=claims.auth_method)


def parse_state(raw: str | None) -> DomainState | None:
    """A ``state`` filter; InvalidInput-like BadRequest for an unknown one."""
    if raw is None or raw == "":
        return None
    for state in DOMAIN_STATES:
        if raw == state:
            return state
    raise BadRequest(
        f"state must be one of {', '.join(DOMAIN_STATES)}", [ErrorDetail(raw, "query.state")]
    )


class DomainAdmin:
    """Operator overrides; each change is audited and emits the matching ``domain.*`` event."""

    def __init__(self, store: DomainStore, policy: Policy, *, clock: Clock = utcnow) -> None:
        self._store = store
        self._policy = policy
        self._clock = clock

    def list_records(self, state: DomainState | None, limit: int) -> list[DomainRecord]:
        """Records of ``state`` (all when None), by domain and owner."""
        if not 1 <= limit <= MAX_LIMIT:
            raise BadRequest(
                f"limit must be 1..{MAX_LIMIT}", [ErrorDetail(str(limit), "query.limit")]
            )
        return self._store.list_all(state=state, limit=limit)

    def of_domain(self, raw_domain: str) -> list[DomainRecord]:
        """Every record of one domain (any owner); NotFound when there is none."""
        domain = normalize_domain(raw_domain)
        records = self._store.for_domain(domain)
        if not records:
            raise NotFound(f"no verification of {domain} exists")
        return records

    def revoke(self, raw_domain: str, actor: Actor) -> DomainRecord:
        """Revoke the verified record of a domain at once (no grace period)."""
        domain = normalize_domain(raw_domain)
        record = self._store.verified(domain)
        if record is None:
            raise NotFound(f"{domain} has no verified owner to revoke")
        now = self._clock()
        updated = lifecycle.revoked(record, now, lifecycle.REVOKED_BY_ADMIN)
        return self._save(
            record,
            updated,
            events=[effects.revoked_event(updated, lifecycle.REVOKED_BY_ADMIN, now)],
            action=AUDIT_ADMIN_REVOKE,
            actor=actor,
        )

    def restore(self, raw_domain: str, owner_key: str | None, actor: Actor) -> DomainRecord:
        """Make a revoked record verified again; ``owner_key`` picks whose when several
        identities have revoked records of the domain."""
        domain = normalize_domain(raw_domain)
        revoked = [r for r in self._store.for_domain(domain) if r.state == "revoked"]
        if owner_key is not None:
            try:
                owner = Owner.from_key(owner_key)
            except ValueError as exc:
                raise BadRequest(str(exc), [ErrorDetail(str(exc), "body.owner")]) from None
            revoked = [r for r in revoked if r.owner == owner]
        if not revoked:
            raise NotFound(f"{domain} has no revoked verification to restore")
        if len(revoked) > 1:
            owners = ", ".join(r.owner.key for r in revoked)
            raise BadRequest(
                f"several identities have revoked verifications of {domain} ({owners}); "
                'name one with {"owner": "<auth_method>:<subject>"}'
            )
        record = revoked[0]
        now = self._clock()
        updated = lifecycle.restored(record, now, self._policy)
        return self._save(
            record,
            updated,
            events=[effects.verified_event(updated, "admin-restore", now)],
            action=AUDIT_ADMIN_RESTORE,
            actor=actor,
        )

    def _save(
        self,
        before: DomainRecord,
        after: DomainRecord,
        *,
        events: list[OutboxEvent],
        action: str,
        actor: Actor,
    ) -> DomainRecord:
        try:
            return self._store.save(
                after,
                expected_revision=before.revision,
                events=events,
                audit=effects.audit(action, after, actor, self._clock()),
            )
        except DomainTaken:
            raise Conflict(
                f"{after.domain} is verified by another identity now; revoke that first"
            ) from None
        except StaleRecord:
            raise Conflict(f"the verification of {after.domain} changed meanwhile; retry") from None
