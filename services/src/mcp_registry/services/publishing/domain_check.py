"""Publishing under a verified domain's namespace asks the domains service if it still holds.

A registry token lives for minutes; the domains worker can revoke ``example.com`` meanwhile.
Identity marks the permissions a token holds *only* through verified domains
(``domain_permissions``: ``com.example/*``, ``com.example.*``). When every permission that
allows a publish is such a mark, publishing asks ``registry.domains.grants`` for the
identity's current grants and refuses with 403 when none covers the name any more.

Not re-checked, because their proof is not a domain verification that can be revoked
meanwhile: ``*`` and other operator grants, ``io.github.*`` (GitHub logins), the anonymous
namespace, and ``dns``/``http`` key-proof logins (their tokens carry no marks: the login
itself proved the domain). Status changes (deprecate, delete, restore) allowed only by such
a ``publish`` mark are re-checked the same way, so a revoked domain can no longer change its
entries; an ``edit`` permission (operators) needs no re-check, since the domains service only
ever grants ``publish``. Existing entries stay readable after a revoke.

When the domains service does not answer within ``MCP_REGISTRY_DOMAIN_GRANTS_TIMEOUT`` the
publish gets 503 with ``Retry-After``, never a silent pass. A deployment without NATS (no
``MCP_REGISTRY_NATS_URL``) has no domains service to ask: the check is skipped there and a
token's domain permissions hold until it expires.
"""

from __future__ import annotations

from mcp_registry.shared.auth.domain_grant_sources import DomainGrantSource
from mcp_registry.shared.auth.permissions import PUBLISH, Permission, is_allowed, pattern_matches
from mcp_registry.shared.auth.tokens import RegistryClaims
from mcp_registry.shared.errors import Forbidden, UpstreamUnavailable

RETRY_AFTER_SECONDS = "5"


def domain_only_grants(claims: RegistryClaims, name: str) -> tuple[Permission, ...]:
    """The token's ``publish`` permissions on ``name`` when it holds them only through verified
    domains, so the domain must still be verified; ``()`` when no permission allows ``name``
    or any permission not marked as domain-only does (no live check needed)."""
    matching = tuple(
        p for p in claims.permissions if p.action == PUBLISH and pattern_matches(p.resource, name)
    )
    marked = set(claims.domain_permissions)
    if matching and all(p in marked for p in matching):
        return matching
    return ()


class DomainGrantCheck:
    """Re-checks domain-only publish permissions with ``source``; ``None`` skips the check
    (a deployment without NATS)."""

    def __init__(self, source: DomainGrantSource | None) -> None:
        self._source = source

    def require_still_granted(
        self, claims: RegistryClaims, name: str, *, doing: str = "publish"
    ) -> None:
        """Return when ``name`` needs no live check or the identity still holds a grant for it.

        ``doing`` names the refused action in the message (``publish``, ``change the status
        of``).

        Raises ``Forbidden`` (403) when its verified domain no longer grants ``name``, and
        ``UpstreamUnavailable`` (503, ``Retry-After``) when the domains service cannot say.
        """
        needed = domain_only_grants(claims, name)
        if self._source is None or not needed:
            return
        domain = _domain_of(needed[0].resource)
        try:
            current = self._source.grants_for(claims.auth_method, claims.auth_method_sub)
        except UpstreamUnavailable as exc:
            raise UpstreamUnavailable(
                f"Cannot confirm that the domain {domain} is still verified for you: the domains "
                f"service did not answer ({exc.detail}). Try again shortly.",
                headers={"Retry-After": RETRY_AFTER_SECONDS, **exc.headers},
            ) from None
        if is_allowed(current, PUBLISH, name):
            return
        patterns = ", ".join(p.resource for p in needed)
        raise Forbidden(
            f"You may no longer {doing} {name}: your token grants {patterns} through the "
            f"verified domain {domain}, but that verification was revoked or is no longer "
            f"yours. To publish there again, verify {domain} again (POST /v0/verify-domain, "
            "add the TXT record it returns, POST /v0/verify-domain/check; or mcp-publisher "
            f"verify-domain {domain}) or log in with the dns or http method for {domain}, "
            "then request a new registry token"
        )


def _domain_of(pattern: str) -> str:
    """``com.example/*`` or ``com.example.*`` → ``example.com``: the domain a grant names."""
    namespace = pattern.removesuffix("*").rstrip("/.")
    return ".".join(reversed(namespace.split(".")))
