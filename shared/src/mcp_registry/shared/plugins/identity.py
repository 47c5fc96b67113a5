"""What identity-provider plugins build: the provider protocol and the identity it returns.

A provider owns one ``POST /v0/auth/{method}`` exchange. It receives the decoded JSON body,
checks the credential in it against its upstream (GitHub, an OIDC issuer, DNS, a web server),
and returns the :class:`Identity` to put in the registry token. It never signs tokens itself.

Errors a provider raises (from :mod:`mcp_registry.shared.errors`), which the service turns
into problem+json:

- :class:`InvalidInput` (422): the body lacks a field or has the wrong type.
- :class:`Unauthorized` (401): the credential is wrong, expired, for someone else, or proves
  nothing; ``detail`` says what was found where, without echoing secrets.
- :class:`UpstreamUnavailable` (503): the upstream could not be asked; the client may retry.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from mcp_registry.shared.auth.permissions import Permission
from mcp_registry.shared.errors import ErrorDetail, InvalidInput

METHOD_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
"""What an auth method name may look like (it is a URL path segment)."""

RESERVED_METHODS = frozenset({"providers"})
"""Names taken by other identity routes."""


@dataclass(frozen=True)
class Identity:
    """Who a provider proved the caller to be, and what that identity may do.

    ``auth_method`` is the provider's method; ``subject`` becomes ``auth_method_sub`` (a
    GitHub login, an OIDC ``sub``, a domain); ``permissions`` are the grants this proof
    carries. ``domain_grants`` says whether namespaces this identity verified through the
    domains service are added too (not for anonymous or domain-key logins, which already
    are the domain proof).
    """

    auth_method: str
    subject: str
    permissions: tuple[Permission, ...]
    domain_grants: bool = True


@runtime_checkable
class IdentityProvider(Protocol):
    """One ``/auth/{method}`` exchange; returned by ``mcp_registry_auth_methods``.

    ``method`` is the path segment (matching :data:`METHOD_PATTERN`, unique among loaded
    providers); ``description`` is one line for ``GET /v0/auth/providers``. ``exchange`` must
    be safe to call from several threads at once and must not log the credential.
    """

    method: str
    description: str

    def exchange(self, body: Mapping[str, Any]) -> Identity:
        """Check the credential in ``body``; return the identity or raise (see module doc)."""
        ...


def required_string(body: Mapping[str, Any], name: str) -> str:
    """``body[name]`` as a non-empty string, or :class:`InvalidInput` naming ``body.<name>``."""
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(
            f"Field {name!r} is required",
            [ErrorDetail(f"expected a non-empty string in {name!r}", f"body.{name}")],
        )
    return value.strip()
