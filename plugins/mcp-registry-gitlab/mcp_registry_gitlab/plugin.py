"""The ``gitlab`` auth method: a GitLab CI/CD job's ID token for a registry token.

Built only on the registry's public plugin API (``mcp_registry.shared.plugin_api``), exactly as
an outside author would write it.
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

METHOD = "gitlab"
DEFAULT_ISSUER = "https://gitlab.com"
_SEGMENT = re.compile(r"^[A-Za-z0-9-]+$")


def namespace_for(namespace_path: str) -> str:
    """``group/sub`` → ``io.gitlab.group.sub``; refuses paths that cannot map one-to-one.

    Segments with dots or underscores are refused: ``a.b`` and ``a/b`` would otherwise
    both become ``io.gitlab.a.b``.
    """
    segments = namespace_path.split("/")
    if not namespace_path or not all(_SEGMENT.match(s) for s in segments):
        raise Unauthorized(
            f"GitLab namespace {namespace_path!r} cannot be mapped to a registry namespace"
        )
    return "io.gitlab." + ".".join(segments)


class GitLabCiProvider:
    """``POST /v0/auth/gitlab`` with ``{"oidc_token"}``."""

    method = METHOD
    description = "GitLab CI/CD ID token: io.gitlab.<namespace>/*"

    def __init__(self, verifier: IdTokenVerifier) -> None:
        self._verifier = verifier

    def exchange(self, body: Mapping[str, Any]) -> Identity:
        claims = self._verifier.verify(required_string(body, "oidc_token"))
        namespace_path = claims.get("namespace_path")
        if not isinstance(namespace_path, str):
            raise Unauthorized("The GitLab ID token has no namespace_path claim")
        return Identity(
            METHOD, str(claims["sub"]), publish_on(f"{namespace_for(namespace_path)}/*")
        )


@hookimpl
def mcp_registry_auth_methods(settings: Settings) -> Sequence[IdentityProvider]:
    verifier = IdTokenVerifier(
        settings.plugin_option("GITLAB_ISSUER", DEFAULT_ISSUER),
        # Bound to this deployment by default: a job's token for another registry is refused.
        settings.plugin_option("GITLAB_AUDIENCE", settings.effective_public_url),
        timeout=settings.outbound_timeout,
        refresh_interval=settings.jwks_refresh_interval,
        label="GitLab ID token",
    )
    return [GitLabCiProvider(verifier)]
