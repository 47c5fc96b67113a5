"""Built-in plugin ``github-at``: exchange a GitHub access token (e.g. from the device flow).

Asks the GitHub REST API (``MCP_REGISTRY_GITHUB_API_URL``) who the token belongs to
(``GET /user``) and which organizations the user owns (``GET /user/memberships/orgs``,
role ``admin``). Grants ``publish`` on ``io.github.<login>/*`` and ``io.github.<org>/*``
for each owned org, the official registry's current behaviour. A token without the
``read:org`` scope gets a 403 on memberships; that means "no orgs", not a failed login.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from mcp_registry.shared.plugin_api import (
    FetchError,
    HttpReply,
    Identity,
    IdentityProvider,
    Settings,
    Unauthorized,
    UpstreamUnavailable,
    hookimpl,
    http_get,
    publish_on,
    required_string,
)

METHOD = "github-at"
GITHUB_NAME = re.compile(r"^[A-Za-z0-9-]+$")
PAGE_SIZE = 100
MAX_PAGES = 20
MAX_BYTES = 1024 * 1024


class GitHubTokenProvider:
    """``POST /v0/auth/github-at`` with ``{"github_token"}``."""

    method = METHOD
    description = "GitHub access token (publisher CLI device flow): io.github.<login>/*"

    def __init__(self, api_url: str, *, timeout: float = 5.0) -> None:
        self._api = api_url.rstrip("/")
        self._timeout = timeout

    def exchange(self, body: Mapping[str, Any]) -> Identity:
        token = required_string(body, "github_token")
        user = self._get(token, "/user")
        if user.status in (401, 403):
            raise Unauthorized(f"GitHub rejected the token (GET /user answered {user.status})")
        if user.status != 200:
            raise UpstreamUnavailable(f"GitHub answered GET /user with HTTP {user.status}")
        login = _login(user.json())
        orgs = self._owned_orgs(token)
        names = [login, *[org for org in orgs if org != login]]
        return Identity(METHOD, login, publish_on(*(f"io.github.{n}/*" for n in names)))

    def _owned_orgs(self, token: str) -> list[str]:
        owned: list[str] = []
        for page in range(1, MAX_PAGES + 1):
            reply = self._get(
                token, f"/user/memberships/orgs?state=active&per_page={PAGE_SIZE}&page={page}"
            )
            if reply.status == 403:
                return owned  # No read:org scope: personal namespace only.
            if reply.status != 200:
                raise UpstreamUnavailable(
                    f"GitHub answered GET /user/memberships/orgs with HTTP {reply.status}"
                )
            memberships = reply.json()
            if not isinstance(memberships, list):
                raise UpstreamUnavailable("GitHub returned memberships that are not a list")
            for membership in memberships:
                if not isinstance(membership, dict) or membership.get("role") != "admin":
                    continue
                org = membership.get("organization") or {}
                name = org.get("login") if isinstance(org, dict) else None
                # Names become namespaces: refuse anything GitHub itself would not allow.
                if isinstance(name, str) and GITHUB_NAME.match(name):
                    owned.append(name)
            if len(memberships) < PAGE_SIZE:
                break
        return owned

    def _get(self, token: str, path: str) -> HttpReply:
        try:
            return http_get(
                self._api + path,
                timeout=self._timeout,
                max_bytes=MAX_BYTES,
                headers={
                    "Authorization": f"Bearer {token}",
                    "Accept": "application/vnd.github+json",
                    "X-GitHub-Api-Version": "2022-11-28",
                },
            )
        except FetchError as exc:
            raise UpstreamUnavailable(f"GitHub could not be reached: {exc}") from None


def _login(user: object) -> str:
    login = user.get("login") if isinstance(user, dict) else None
    if not isinstance(login, str) or not GITHUB_NAME.match(login):
        raise Unauthorized("GitHub returned no usable login for this token")
    return login


@hookimpl
def mcp_registry_auth_methods(settings: Settings) -> Sequence[IdentityProvider]:
    return [GitHubTokenProvider(settings.github_api_url, timeout=settings.outbound_timeout)]
