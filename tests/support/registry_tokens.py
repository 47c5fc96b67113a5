"""Registry tokens for tests: minted by the identity issuer with a fixed key, verified by
the shared verifier, as in production."""

from __future__ import annotations

from mcp_registry.shared.auth.configured import key_ring, token_issuer, token_verifier
from mcp_registry.shared.auth.permissions import EDIT, PUBLISH, Permission
from mcp_registry.shared.auth.tokens import TokenVerifier
from mcp_registry.shared.config import Settings

JWT_SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"


class TokenMinter:
    """Mints ``Authorization`` headers with chosen permissions for ``settings``' key."""

    def __init__(self, settings: Settings) -> None:
        self._keys = key_ring(settings)
        self._settings = settings
        self._issuer = token_issuer(settings, self._keys)

    def verifier(self) -> TokenVerifier:
        return token_verifier(self._settings, self._keys)

    def bearer(
        self, publish: tuple[str, ...] = (), edit: tuple[str, ...] = (), *, sub: str = "alice"
    ) -> dict[str, str]:
        permissions = tuple(Permission(PUBLISH, p) for p in publish) + tuple(
            Permission(EDIT, p) for p in edit
        )
        minted = self._issuer.mint(
            auth_method="github-at", auth_method_sub=sub, permissions=permissions
        )
        return {"Authorization": f"Bearer {minted.token}"}
