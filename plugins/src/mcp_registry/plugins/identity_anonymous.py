"""Built-in plugin ``none``: anonymous tokens, only when ``MCP_REGISTRY_ENABLE_ANONYMOUS_AUTH``.

Grants ``publish`` and ``edit`` on ``io.modelcontextprotocol.anonymous/*``, as the official
registry does; meant for local development and tests.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mcp_registry.shared.plugin_api import (
    EDIT,
    Identity,
    IdentityProvider,
    Permission,
    Settings,
    hookimpl,
    publish_on,
)

METHOD = "none"
NAMESPACE = "io.modelcontextprotocol.anonymous/*"


class AnonymousProvider:
    """``POST /v0/auth/none``; the body is ignored."""

    method = METHOD
    description = "anonymous publishing to io.modelcontextprotocol.anonymous/* (development)"

    def exchange(self, body: Mapping[str, Any]) -> Identity:
        permissions = (*publish_on(NAMESPACE), Permission(EDIT, NAMESPACE))
        return Identity(METHOD, "anonymous", permissions, domain_grants=False)


@hookimpl
def mcp_registry_auth_methods(settings: Settings) -> Sequence[IdentityProvider]:
    return [AnonymousProvider()] if settings.enable_anonymous_auth else []
