"""The token exchange: provider proof → permissions → a signed registry token (no falcon)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from mcp_registry.shared.auth.domain_grant_sources import DomainGrantSource
from mcp_registry.shared.auth.permissions import PUBLISH, Permission, dedupe, pattern_covers
from mcp_registry.shared.auth.tokens import TokenIssuer
from mcp_registry.shared.errors import NotFound, UpstreamUnavailable
from mcp_registry.shared.plugins.identity import Identity, IdentityProvider

log = logging.getLogger(__name__)

INCLUDED = "included"
UNAVAILABLE = "unavailable"
NOT_APPLICABLE = "not_applicable"

ExtraPermissions = Callable[[Identity], tuple[Permission, ...]]
NamespaceBlocks = Callable[[], Iterable[tuple[str, str]]]
"""The current namespace blocks as ``(pattern, reason)`` (read at each login)."""


@dataclass(frozen=True)
class ExchangeResult:
    """A minted token and whether verified-domain grants made it in.

    ``domain_grants`` is ``included``, ``unavailable`` (the domains service did not answer
    in time; the login went ahead without them) or ``not_applicable``.
    """

    token: str
    expires_at: int
    domain_grants: str
    permissions: tuple[Permission, ...]
    blocked: tuple[tuple[str, str], ...] = ()
    """``(pattern, reason)`` of the blocks covering every namespace the token may publish."""

    def to_response(self) -> dict[str, Any]:
        """The official ``{"registry_token", "expires_at"}``, plus a warning when degraded."""
        body: dict[str, Any] = {"registry_token": self.token, "expires_at": self.expires_at}
        if self.domain_grants == UNAVAILABLE:
            body["domain_grants"] = UNAVAILABLE
            body["warnings"] = [
                "Namespaces of verified domains are not in this token: the domains service "
                "did not answer in time. Log in again later to include them."
            ]
        if self.blocked:
            listed = "; ".join(f"{pattern} ({reason})" for pattern, reason in self.blocked)
            body.setdefault("warnings", []).append(
                "Every namespace this login may publish to is blocked by the registry's "
                f"operators, so publishing will be refused: {listed}"
            )
        return body


class TokenExchange:
    """Runs ``/auth/{method}`` exchanges over the enabled providers."""

    def __init__(
        self,
        providers: Mapping[str, IdentityProvider],
        issuer: TokenIssuer,
        domain_grants: DomainGrantSource,
        extra_permissions: ExtraPermissions = lambda identity: (),
        blocks: NamespaceBlocks = lambda: (),
    ) -> None:
        self._providers = dict(providers)
        self._issuer = issuer
        self._domain_grants = domain_grants
        self._extra = extra_permissions
        self._blocks = blocks

    def methods(self) -> list[dict[str, str]]:
        """``[{"method", "description"}]`` of every enabled provider, by method."""
        return [
            {"method": name, "description": provider.description}
            for name, provider in sorted(self._providers.items())
        ]

    def exchange(self, method: str, body: Mapping[str, Any]) -> ExchangeResult:
        """Prove the credential with ``method``'s provider and mint a token.

        Raises ``NotFound`` for a method that is not enabled, and whatever the provider raises
        (``InvalidInput``, ``Unauthorized``, ``UpstreamUnavailable``).
        """
        provider = self._providers.get(method)
        if provider is None:
            enabled = ", ".join(sorted(self._providers)) or "none"
            raise NotFound(f"Auth method {method!r} is not enabled here (enabled: {enabled})")
        identity = provider.exchange(body)
        from_domains: tuple[Permission, ...] = ()
        status = NOT_APPLICABLE
        if identity.domain_grants:
            try:
                from_domains = self._domain_grants.grants_for(
                    identity.auth_method, identity.subject
                )
                status = INCLUDED
            except UpstreamUnavailable as exc:
                # Degrade, don't fail: the identity's own namespaces still work.
                log.warning("login without verified-domain grants: %s", exc.detail)
                status = UNAVAILABLE
        extra = self._extra(identity)
        granted = dedupe((*identity.permissions, *from_domains, *extra))
        # Marked so publishing re-checks them while the token lives (a domain can be revoked
        # within that time); a permission the identity also holds otherwise needs no re-check.
        held_otherwise = {*identity.permissions, *extra}
        domain_only = tuple(p for p in dedupe(from_domains) if p not in held_otherwise)
        minted = self._issuer.mint(
            auth_method=identity.auth_method,
            auth_method_sub=identity.subject,
            permissions=granted,
            domain_permissions=domain_only,
        )
        log.info(
            "minted a registry token: method=%s sub=%s jti=%s",
            identity.auth_method,
            identity.subject,
            minted.claims.jti,
        )
        return ExchangeResult(
            minted.token,
            int(minted.expires_at.timestamp()),
            status,
            granted,
            self._all_blocked(granted),
        )

    def _all_blocked(self, granted: tuple[Permission, ...]) -> tuple[tuple[str, str], ...]:
        """The blocks covering the token's publish patterns, when they cover every one."""
        patterns = [p.resource for p in granted if p.action == PUBLISH]
        if not patterns:
            return ()
        blocks = tuple(self._blocks())
        covering: dict[str, str] = {}
        for pattern in patterns:
            block = next((b for b in blocks if pattern_covers(b[0], pattern)), None)
            if block is None:
                return ()
            covering[block[0]] = block[1]
        return tuple(covering.items())
