"""Built-in plugin ``github-oidc``: exchange a GitHub Actions ID token.

The token must come from ``MCP_REGISTRY_GITHUB_OIDC_ISSUER`` for audience
``MCP_REGISTRY_GITHUB_OIDC_AUDIENCE``, by default the registry's public URL
(``MCP_REGISTRY_PUBLIC_URL``): a token minted for another registry is not replayable here, as
the official registry binds them since v1.7.6 (CVE-2026-44428). The issuer's JWKS is
cached and fetched again on an unknown ``kid``. Grants ``publish`` on
``io.github.<repository_owner>/*``: a workflow may publish for the account owning its
repository, as it may push that owner's packages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from mcp_registry.shared.plugin_api import (
    Identity,
    IdentityProvider,
    IdTokenVerifier,
    Settings,
    Unauthorized,
    hookimpl,
    publish_on,
    required_string,
)

METHOD = "github-oidc"
GITHUB_NAME = re.compile(r"^[A-Za-z0-9-]+$")


class GitHubActionsProvider:
    """``POST /v0/auth/github-oidc`` with ``{"oidc_token"}``."""

    method = METHOD
    description = "GitHub Actions OIDC ID token: io.github.<repository_owner>/*"

    def __init__(self, verifier: IdTokenVerifier) -> None:
        self._verifier = verifier

    def exchange(self, body: Mapping[str, Any]) -> Identity:
        claims = self._verifier.verify(required_string(body, "oidc_token"))
        owner = claims.get("repository_owner")
        if not isinstance(owner, str) or not GITHUB_NAME.match(owner):
            raise Unauthorized("The GitHub Actions token has no usable repository_owner claim")
        return Identity(METHOD, str(claims["sub"]), publish_on(f"io.github.{owner}/*"))


@hookimpl
def mcp_registry_auth_methods(settings: Settings) -> Sequence[IdentityProvider]:
    verifier = IdTokenVerifier(
        settings.github_oidc_issuer,
        settings.effective_github_oidc_audience,
        timeout=settings.outbound_timeout,
        refresh_interval=settings.jwks_refresh_interval,
        label="GitHub Actions token",
    )
    return [GitHubActionsProvider(verifier)]
