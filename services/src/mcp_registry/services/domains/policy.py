"""The timing rules of verification and re-verification, from the settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from mcp_registry.shared.config import Settings


@dataclass(frozen=True)
class Policy:
    """``challenge_ttl``: how long a pending challenge can be confirmed.
    ``recheck_interval``: time between re-checks of a passing verified domain.
    ``retry_interval``: time between re-checks while it fails (or the resolvers do).
    A domain is revoked once it has failed ``revoke_after_failures`` re-checks in a row *and*
    the streak has lasted ``grace_period`` — both, so neither a burst of quick retries nor
    one unlucky check after a long gap revokes it.
    """

    challenge_ttl: timedelta = timedelta(days=7)
    recheck_interval: timedelta = timedelta(days=1)
    retry_interval: timedelta = timedelta(hours=1)
    revoke_after_failures: int = 3
    grace_period: timedelta = timedelta(days=3)

    @classmethod
    def from_settings(cls, settings: Settings) -> Policy:
        return cls(
            challenge_ttl=timedelta(seconds=settings.domain_challenge_ttl),
            recheck_interval=timedelta(seconds=settings.domain_recheck_interval),
            retry_interval=timedelta(seconds=settings.domain_recheck_retry_interval),
            revoke_after_failures=settings.domain_revoke_after_failures,
            grace_period=timedelta(seconds=settings.domain_revoke_grace_period),
        )
