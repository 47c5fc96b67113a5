"""``mcp-registry admin token``: a short-lived admin registry token from the local signing key.

For whoever holds the key directory (or ``JWT_PRIVATE_KEY``): moderation works on a fresh
install without an OIDC issuer. The token carries ``edit`` and ``publish`` on ``*``; its
subject is ``admin:<user>@<host>``. Minting it is written to the audit log
(``admin.token``, with its ``jti`` and expiry), and every write made with it is audited
under that subject like any other.
"""

from __future__ import annotations

import getpass
import socket
from dataclasses import dataclass
from datetime import timedelta

from mcp_registry.shared.auth.configured import key_ring
from mcp_registry.shared.auth.permissions import EDIT, PUBLISH, Permission
from mcp_registry.shared.auth.tokens import MintedToken, TokenIssuer
from mcp_registry.shared.clock import format_rfc3339
from mcp_registry.shared.config import Settings
from mcp_registry.shared.storage.factory import open_database
from mcp_registry.shared.storage.records import Actor, AuditEntry

ADMIN_AUTH_METHOD = "admin"
AUDIT_MINTED = "admin.token"
DEFAULT_TTL = 900
ADMIN_PERMISSIONS = (Permission(EDIT, "*"), Permission(PUBLISH, "*"))


@dataclass(frozen=True)
class AdminTokenError(ValueError):
    """The token cannot be minted as asked (message for the operator)."""

    message: str

    def __str__(self) -> str:
        return self.message


def operator_name() -> str:
    """``<user>@<host>`` of whoever runs the command."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user}@{socket.gethostname() or 'localhost'}"


def mint_admin_token(settings: Settings, ttl: int | None, *, operator: str) -> MintedToken:
    """Mint and audit an admin token valid for ``ttl`` seconds (default 15 minutes, capped
    by ``TOKEN_LIFETIME``: verifiers refuse longer-lived tokens)."""
    seconds = min(DEFAULT_TTL, settings.token_lifetime) if ttl is None else ttl
    if not 1 <= seconds <= settings.token_lifetime:
        raise AdminTokenError(
            f"--ttl must be 1..{settings.token_lifetime} seconds (MCP_REGISTRY_TOKEN_LIFETIME)"
        )
    issuer = TokenIssuer(
        key_ring(settings),
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        lifetime=timedelta(seconds=seconds),
    )
    minted = issuer.mint(
        auth_method=ADMIN_AUTH_METHOD, auth_method_sub=operator, permissions=ADMIN_PERMISSIONS
    )
    claims = minted.claims
    stores = open_database(settings.effective_database_url)
    try:
        stores.init()
        stores.moderation.note(
            AuditEntry(
                action=AUDIT_MINTED,
                target=claims.subject,
                actor=Actor(subject=claims.subject, auth_method=ADMIN_AUTH_METHOD),
                at=claims.issued_at,
                detail={
                    "jti": claims.jti,
                    "expiresAt": format_rfc3339(claims.expires_at),
                    "permissions": [p.to_dict() for p in claims.permissions],
                },
            )
        )
    finally:
        stores.close()
    return minted
