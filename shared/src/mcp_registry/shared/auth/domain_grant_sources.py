"""Where a service gets the namespaces an identity verified through the domains service.

Two services ask: identity when it mints a token (the grants go into the token) and
publishing when a publish rests only on such a grant (is it still held?). The wire contract
is :mod:`mcp_registry.shared.auth.domain_grants`; this module is its caller side.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from mcp_registry.shared.auth.domain_grants import SUBJECT, grants_request, parse_grants_reply
from mcp_registry.shared.auth.permissions import Permission
from mcp_registry.shared.errors import UpstreamUnavailable

if TYPE_CHECKING:
    from mcp_registry.shared.events.bridge import NatsBridge


class DomainGrantSource(Protocol):
    """Verified-domain permissions of one identity."""

    def grants_for(self, auth_method: str, auth_method_sub: str) -> tuple[Permission, ...]:
        """The permissions; raise ``UpstreamUnavailable`` when they cannot be had in time."""
        ...


class NatsDomainGrants:
    """Asks the domains service over NATS request/reply, waiting ``timeout`` seconds at most."""

    def __init__(self, bridge: NatsBridge, *, timeout: float) -> None:
        self._bridge = bridge
        self._timeout = timeout

    def grants_for(self, auth_method: str, auth_method_sub: str) -> tuple[Permission, ...]:
        reply = self._bridge.request(
            SUBJECT, grants_request(auth_method, auth_method_sub), timeout=self._timeout
        )
        try:
            return parse_grants_reply(reply)
        except ValueError as exc:
            raise UpstreamUnavailable(f"the domains service answered oddly: {exc}") from None


class NoDomainGrants:
    """Used when this process has no NATS connection: grants are always unavailable."""

    def grants_for(self, auth_method: str, auth_method_sub: str) -> tuple[Permission, ...]:
        raise UpstreamUnavailable("no NATS connection is configured to ask the domains service")
