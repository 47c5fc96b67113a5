"""Domain verification records as they cross the storage boundary (no backend types)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

DomainState = Literal["pending", "verified", "revoked"]
DOMAIN_STATES: tuple[DomainState, ...] = ("pending", "verified", "revoked")


@dataclass(frozen=True, order=True)
class Owner:
    """The identity a verification belongs to: a registry token's method and subject."""

    auth_method: str
    auth_method_sub: str

    @property
    def key(self) -> str:
        """``<auth_method>:<auth_method_sub>``, the same text as a registry token's ``sub``."""
        return f"{self.auth_method}:{self.auth_method_sub}"

    @classmethod
    def from_key(cls, key: str) -> Owner:
        """Parse :attr:`key`; ``ValueError`` when it has no ``:`` or an empty half."""
        method, sep, sub = key.partition(":")
        if not sep or not method or not sub:
            raise ValueError(f"not an owner key (<auth_method>:<subject>): {key!r}")
        return cls(method, sub)


@dataclass(frozen=True)
class DomainRecord:
    """One identity's verification of one domain (the store's unit of change).

    ``token`` is the challenge published as TXT ``mcp-verify=<token>`` at the apex;
    ``token_expires_at`` bounds a *pending* challenge only. ``next_check_at`` is when the
    re-verification worker looks again (verified records only); ``failing_since`` is the
    first failed re-check of the current failure streak and ``consecutive_failures`` its
    length. ``revision`` increases by one with every stored change (compare-and-set).
    ``revoked_by`` is ``dns`` (failed re-checks) or ``admin``.
    """

    domain: str
    owner: Owner
    token: str
    state: DomainState
    created_at: datetime
    updated_at: datetime
    token_expires_at: datetime
    verified_at: datetime | None = None
    last_checked_at: datetime | None = None
    next_check_at: datetime | None = None
    consecutive_failures: int = 0
    failing_since: datetime | None = None
    last_failure: str | None = None
    revoked_at: datetime | None = None
    revoked_by: str | None = None
    revision: int = 0
