"""Key ring, issuer and verifier built from :class:`Settings` (the process edge uses these)."""

from __future__ import annotations

from datetime import timedelta

from mcp_registry.shared.auth.signing_keys import KeyDirectory, KeyRing, parse_private_key
from mcp_registry.shared.auth.tokens import PublicKeySource, TokenIssuer, TokenVerifier
from mcp_registry.shared.clock import Clock, utcnow
from mcp_registry.shared.config import Settings


def key_ring(settings: Settings, *, clock: Clock = utcnow) -> KeyRing:
    """The keys of ``MCP_REGISTRY_JWT_PRIVATE_KEY`` and the key directory.

    Raises ``SigningKeyError`` when neither holds a key.
    """
    env_key = parse_private_key(settings.jwt_private_key) if settings.jwt_private_key else None
    return KeyRing(
        env_key=env_key,
        directory=KeyDirectory(settings.effective_jwt_keys_dir, clock=clock),
        retention=timedelta(seconds=settings.jwt_key_retention),
        clock=clock,
    )


def token_issuer(settings: Settings, keys: KeyRing, *, clock: Clock = utcnow) -> TokenIssuer:
    """Mints tokens with this deployment's issuer, audience and lifetime."""
    return TokenIssuer(
        keys,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        lifetime=timedelta(seconds=settings.token_lifetime),
        clock=clock,
    )


def token_verifier(
    settings: Settings, keys: PublicKeySource, *, clock: Clock = utcnow
) -> TokenVerifier:
    """Verifies tokens of this deployment (its issuer and audience) against ``keys``."""
    return TokenVerifier(
        keys, issuer=settings.jwt_issuer, audience=settings.jwt_audience, clock=clock
    )
