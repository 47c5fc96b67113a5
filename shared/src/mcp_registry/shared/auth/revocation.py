"""Ending a registry token before it expires, and the check every verifier makes.

``mcp-publisher logout`` revokes the token it holds (``POST /v0/auth/revoke``); an admin can
revoke every token of a subject issued up to now. Revocations are stored in the registry's
database until the tokens they cover would have expired anyway, so every replica of every
service sees them at once: :class:`StoredRevocations` looks the token up on each verification
(two primary-key lookups, only on authenticated requests). Each revocation also goes out as
a ``registry.events.token.revoked`` event through the outbox and NATS, for whoever follows
the registry's changes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from mcp_registry.shared.clock import Clock, utcnow
from mcp_registry.shared.event_model import EVENTS_PREFIX, new_event
from mcp_registry.shared.storage.revocation_port import Revocation, RevocationStore


class RegistryClaims(Protocol):
    """What a revocation check reads of a verified token (``tokens.RegistryClaims`` has it);
    a protocol here, so ``tokens`` can depend on this module and not the other way round."""

    @property
    def jti(self) -> str: ...

    @property
    def subject(self) -> str: ...

    @property
    def issued_at(self) -> datetime: ...

    @property
    def expires_at(self) -> datetime: ...


TOKEN_REVOKED = f"{EVENTS_PREFIX}.token.revoked"
"""Event subject of every revocation (payload: ``kind``, ``key``, ``expires_at``)."""


class RevocationCheck(Protocol):
    """What a :class:`~mcp_registry.shared.auth.tokens.TokenVerifier` asks last."""

    def is_revoked(self, claims: RegistryClaims) -> bool:
        """True when the (otherwise valid) token must be refused."""
        ...


class StoredRevocations:
    """:class:`RevocationCheck` over the shared :class:`RevocationStore`."""

    def __init__(self, store: RevocationStore, *, clock: Clock = utcnow) -> None:
        self._store = store
        self._clock = clock

    def is_revoked(self, claims: RegistryClaims) -> bool:
        return self._store.is_revoked(
            jti=claims.jti,
            subject=claims.subject,
            issued_at=claims.issued_at,
            now=self._clock(),
        )


class TokenRevoker:
    """Records revocations. ``max_lifetime`` bounds how long any token can live (the token
    lifetime plus clock skew): a subject's cutoff is kept that long."""

    def __init__(
        self, store: RevocationStore, *, max_lifetime: timedelta, clock: Clock = utcnow
    ) -> None:
        self._store = store
        self._max_lifetime = max_lifetime
        self._clock = clock

    def revoke_token(self, claims: RegistryClaims, *, by: str) -> Revocation:
        """Revoke one token until its own expiry."""
        return self._add(Revocation("token", claims.jti, self._clock(), claims.expires_at, by))

    def revoke_subject(self, subject: str, *, by: str) -> Revocation:
        """Revoke every token of ``subject`` issued up to now (a new login works again from
        the next second on: token times are whole seconds)."""
        now = self._clock()
        return self._add(Revocation("subject", subject, now, now + self._max_lifetime, by))

    def _add(self, revocation: Revocation) -> Revocation:
        payload = {
            "kind": revocation.kind,
            "key": revocation.key,
            "expires_at": _seconds(revocation.expires_at),
        }
        self._store.add(revocation, [new_event(TOKEN_REVOKED, payload, now=revocation.revoked_at)])
        return revocation


def _seconds(moment: datetime) -> int:
    return int(moment.timestamp())
