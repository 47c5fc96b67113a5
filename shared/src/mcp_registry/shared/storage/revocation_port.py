"""Revoked registry tokens: the records and the store interface every backend implements.

A revocation is either one token (``kind="token"``, ``key`` its ``jti``) or every token of
a subject issued up to a moment (``kind="subject"``, ``key`` the ``sub`` claim,
``revoked_at`` the cutoff). Each is kept until ``expires_at``: the latest moment a token it
covers can still be unexpired. After that it is dead weight and is purged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from mcp_registry.shared.event_model import OutboxEvent

RevocationKind = Literal["token", "subject"]


@dataclass(frozen=True)
class Revocation:
    """One revoked token or one subject's cutoff; see the module doc."""

    kind: RevocationKind
    key: str
    revoked_at: datetime
    expires_at: datetime
    revoked_by: str


class RevocationStore(Protocol):
    """Where revocations live, shared by every replica of every service."""

    def init(self) -> None:
        """Create tables or indexes (idempotent)."""
        ...

    def add(self, revocation: Revocation, events: Sequence[OutboxEvent] = ()) -> None:
        """Store ``revocation`` (with ``events`` in the outbox) and purge expired entries.

        Adding a subject cutoff that exists keeps the later cutoff and the later expiry.
        """
        ...

    def is_revoked(self, *, jti: str, subject: str, issued_at: datetime, now: datetime) -> bool:
        """True when the token ``jti`` is revoked, or ``subject``'s cutoff is at or after
        ``issued_at``; entries expired by ``now`` count for nothing."""
        ...
