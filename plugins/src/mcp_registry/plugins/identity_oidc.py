"""Built-in plugin ``oidc``: any configured OpenID Connect issuer (the seed's admin login).

Enabled by ``MCP_REGISTRY_OIDC_ENABLED`` with ``OIDC_ISSUER`` and ``OIDC_CLIENT_ID`` (the
audience). ``OIDC_EXTRA_CLAIMS`` is a JSON list of objects; every key/value pair in them must
equal the token's claim (e.g. ``[{"hd": "modelcontextprotocol.io"}]`` for a Google Cloud
Identity domain). The grants are the configured ``OIDC_PUBLISH_PERMISSIONS`` and
``OIDC_EDIT_PERMISSIONS`` patterns (``*`` for an administrator), as the official registry.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from mcp_registry.shared.plugin_api import (
    EDIT,
    PUBLISH,
    ConfigError,
    Identity,
    IdentityProvider,
    IdTokenVerifier,
    Permission,
    Settings,
    Unauthorized,
    hookimpl,
    required_string,
)

METHOD = "oidc"


def parse_required_claims(text: str) -> tuple[tuple[str, Any], ...]:
    """The ``(claim, value)`` pairs of ``OIDC_EXTRA_CLAIMS``; raise ``ConfigError`` if malformed."""
    if not text.strip():
        return ()
    try:
        rules = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"MCP_REGISTRY_OIDC_EXTRA_CLAIMS is not JSON: {exc}") from None
    if isinstance(rules, dict):
        rules = [rules]
    if not isinstance(rules, list) or not all(isinstance(r, dict) for r in rules):
        raise ConfigError("MCP_REGISTRY_OIDC_EXTRA_CLAIMS must be a JSON list of objects")
    return tuple((key, value) for rule in rules for key, value in rule.items())


class OidcProvider:
    """``POST /v0/auth/oidc`` with ``{"oidc_token"}``."""

    method = METHOD
    description = "OpenID Connect ID token from the configured issuer"

    def __init__(
        self,
        verifier: IdTokenVerifier,
        *,
        required_claims: tuple[tuple[str, Any], ...],
        permissions: tuple[Permission, ...],
    ) -> None:
        self._verifier = verifier
        self._required = required_claims
        self._permissions = permissions

    def exchange(self, body: Mapping[str, Any]) -> Identity:
        claims = self._verifier.verify(required_string(body, "oidc_token"))
        for name, expected in self._required:
            if name not in claims:
                raise Unauthorized(f"The ID token lacks the required claim {name!r}")
            if claims[name] != expected:
                raise Unauthorized(
                    f"The ID token's {name!r} is {claims[name]!r}, not the required {expected!r}"
                )
        return Identity(METHOD, str(claims["sub"]), self._permissions)


@hookimpl
def mcp_registry_auth_methods(settings: Settings) -> Sequence[IdentityProvider]:
    if not settings.oidc_enabled:
        return []
    permissions = tuple(Permission(PUBLISH, p) for p in settings.oidc_publish_permissions) + tuple(
        Permission(EDIT, p) for p in settings.oidc_edit_permissions
    )
    verifier = IdTokenVerifier(
        settings.oidc_issuer,
        settings.oidc_client_id,
        timeout=settings.outbound_timeout,
        refresh_interval=settings.jwks_refresh_interval,
        label="ID token",
    )
    return [
        OidcProvider(
            verifier,
            required_claims=parse_required_claims(settings.oidc_extra_claims),
            permissions=permissions,
        )
    ]
