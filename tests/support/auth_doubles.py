"""In-memory stand-ins for two auth ports: a fixed key source and fixed domain grants."""

from __future__ import annotations

from collections.abc import Mapping

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from mcp_registry.shared.auth.permissions import Permission


class StaticKeys:
    """A fixed set of public keys by ``kid`` (e.g. from a JWKS document); a ``PublicKeySource``."""

    def __init__(self, keys: Mapping[str, Ed25519PublicKey]) -> None:
        self._keys = dict(keys)

    def public_key(self, kid: str) -> Ed25519PublicKey | None:
        return self._keys.get(kid)


class FixedDomainGrants:
    """Fixed grants by ``(auth_method, auth_method_sub)``; a ``DomainGrantSource``."""

    def __init__(self, grants: dict[tuple[str, str], tuple[Permission, ...]]) -> None:
        self._grants = grants

    def grants_for(self, auth_method: str, auth_method_sub: str) -> tuple[Permission, ...]:
        return self._grants.get((auth_method, auth_method_sub), ())
