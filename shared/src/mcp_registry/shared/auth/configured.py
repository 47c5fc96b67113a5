"""Key ring, issuer and verifier built from :class:`Settings` (the process edge uses these)."""

from __future__ import annotations

from datetime import timedelta

from mcp_registry.shared.auth.remote_keys import RemoteKeys
from mcp_registry.shared.auth.revocation import RevocationCheck, StoredRevocations, TokenRevoker
from mcp_registry.shared.auth.signing_keys import KeyDirectory, KeyRing, parse_private_key
from mcp_registry.shared.auth.tokens import PublicKeySource, TokenIssuer, TokenVerifier
from mcp_registry.shared.clock import Clock, utcnow
from mcp_registry.shared.config import Settings
from mcp_registry.shared.storage.revocation_port import RevocationStore


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


def verification_keys(settings: Settings, *, clock: Clock = utcnow) -> PublicKeySource:
    """The keys a service other than identity verifies registry tokens with.

    With ``MCP_REGISTRY_JWKS_URL``: identity's public keys fetched over HTTP
    (:class:`RemoteKeys`), so the process needs no private key. Without it: the local key
    ring (raises ``SigningKeyError`` when it holds no key), as ``mcp-registry dev`` uses.
    Identity itself always signs and publishes from :func:`key_ring`.
    """
    if settings.jwks_url:
        return RemoteKeys(
            settings.jwks_url,
            timeout=settings.outbound_timeout,
            refresh_interval=settings.jwks_refresh_interval,
            max_age=settings.jwks_max_age,
        )
    return key_ring(settings, clock=clock)


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
    settings: Settings,
    keys: PublicKeySource,
    *,
    clock: Clock = utcnow,
    revocations: RevocationCheck | None = None,
) -> TokenVerifier:
    """Verifies tokens of this deployment (its issuer, audience and token lifetime) against
    ``keys``, refusing those ``revocations`` lists (the process wiring always passes it)."""
    return TokenVerifier(
        keys,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        clock=clock,
        max_lifetime=timedelta(seconds=settings.token_lifetime),
        revocations=revocations,
    )


def token_revoker(
    settings: Settings, store: RevocationStore, *, clock: Clock = utcnow
) -> TokenRevoker:
    """Records revocations; a subject's cutoff lives as long as any token can."""
    lifetime = timedelta(seconds=settings.token_lifetime) + REVOCATION_SKEW
    return TokenRevoker(store, max_lifetime=lifetime, clock=clock)


def stored_revocations(store: RevocationStore, *, clock: Clock = utcnow) -> StoredRevocations:
    """The revocation check over ``store`` (shared by every replica through the database)."""
    return StoredRevocations(store, clock=clock)


REVOCATION_SKEW = timedelta(seconds=60)
"""Clock skew a subject cutoff outlives the token lifetime by."""
