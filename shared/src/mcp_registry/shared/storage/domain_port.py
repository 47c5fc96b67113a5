"""The storage interface of domain verifications (SQLite and MongoDB implement it).

Separate from :class:`~mcp_registry.shared.storage.port.ServerStore` so the server-version
contract stays as it is; both live in the same database and share its ``outbox`` and
``audit_log``, so the existing relay delivers ``domain.*`` events. The contract suite in
``tests/integration/domains/test_domain_store_contract.py`` is the executable form of this.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from mcp_registry.shared.event_model import OutboxEvent
from mcp_registry.shared.storage.domain_records import DomainRecord, DomainState, Owner
from mcp_registry.shared.storage.records import AuditEntry


class DomainStore(Protocol):
    """Verifications keyed by (domain, owner); at most one ``verified`` record per domain.

    Invariants the store enforces itself:
    - (domain, owner) is unique;
    - at most one record per domain is ``verified`` (a database unique index, not a read
      before the write), so two identities racing to verify one domain cannot both win;
    - the outbox events and audit entry given to :meth:`save` are stored atomically with the
      record: visible together or not at all.
    """

    def init(self) -> None:
        """Create tables/collections and indexes. Idempotent."""
        ...

    def repair(self) -> None:
        """Finish writes a crash left half done (MongoDB standalone); a no-op elsewhere."""
        ...

    def get(self, domain: str, owner: Owner) -> DomainRecord | None:
        """The record of (domain, owner), or None."""
        ...

    def verified(self, domain: str) -> DomainRecord | None:
        """The ``verified`` record of ``domain`` whoever owns it, or None."""
        ...

    def for_owner(self, owner: Owner) -> list[DomainRecord]:
        """Every record of ``owner`` (any state), by domain."""
        ...

    def for_domain(self, domain: str) -> list[DomainRecord]:
        """Every record of ``domain`` (any owner, any state), by owner key."""
        ...

    def list_all(self, *, state: DomainState | None = None, limit: int = 100) -> list[DomainRecord]:
        """Records (of ``state`` when given) ordered by (domain, owner key), at most ``limit``."""
        ...

    def due(self, now: datetime, *, limit: int = 100) -> list[DomainRecord]:
        """``verified`` records whose ``next_check_at`` is at or before ``now``, soonest first."""
        ...

    def save(
        self,
        record: DomainRecord,
        *,
        expected_revision: int | None,
        events: Sequence[OutboxEvent] = (),
        audit: AuditEntry | None = None,
    ) -> DomainRecord:
        """Store ``record`` with its events and audit entry, atomically; return it as stored.

        ``expected_revision`` None inserts (``StaleRecord`` when (domain, owner) exists);
        otherwise the stored record must still have that revision (``StaleRecord`` when
        someone else changed it meanwhile). The stored record's ``revision`` is one more
        than expected (1 for an insert). ``DomainTaken`` when the write would make a second
        ``verified`` record for the domain.
        """
        ...
