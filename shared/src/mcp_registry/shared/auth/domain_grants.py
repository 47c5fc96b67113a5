"""The ``registry.domains.grants`` request/reply contract: its callers and the domains service.

Request: ``{"auth_method": str, "auth_method_sub": str}`` — the identity a login proved.
Reply: ``{"permissions": [{"action", "resource"}, ...]}`` — what the domains service grants
that identity for the domains it verified (``com.example/*`` and ``com.example.*`` for
``example.com``); an empty list when it verified none. The domains service answers in queue
group :data:`QUEUE`. Callers (identity when minting tokens, publishing when a publish rests on
a verified domain; see ``domain_grant_sources``) wait ``MCP_REGISTRY_DOMAIN_GRANTS_TIMEOUT``
seconds at most.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from mcp_registry.shared.auth.permissions import Permission
from mcp_registry.shared.event_model import DOMAINS_GRANTS

SUBJECT = DOMAINS_GRANTS
QUEUE = "domains"


def grants_request(auth_method: str, auth_method_sub: str) -> dict[str, str]:
    """The request payload for one identity."""
    return {"auth_method": auth_method, "auth_method_sub": auth_method_sub}


def grants_reply(permissions: Iterable[Permission]) -> dict[str, Any]:
    """The reply payload the domains service sends."""
    return {"permissions": [p.to_dict() for p in permissions]}


def parse_grants_reply(payload: Mapping[str, Any]) -> tuple[Permission, ...]:
    """The permissions of a reply; raise ``ValueError`` when it breaks the contract."""
    items = payload.get("permissions")
    if not isinstance(items, list):
        raise ValueError("a grants reply needs a 'permissions' list")
    return tuple(Permission.from_dict(item) for item in items if isinstance(item, Mapping))
