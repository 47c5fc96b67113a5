"""The registry's public keys fetched from identity's JWKS (``MCP_REGISTRY_JWKS_URL``).

Services other than identity verify registry tokens with these, so only identity holds the
private signing key. Rotation needs no restart: a token signed by a newly rotated key names
a ``kid`` this source does not know yet, which triggers a refetch.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from mcp_registry.shared.auth.jwks import public_keys_from_jwks
from mcp_registry.shared.auth.jwks_cache import MAX_DOCUMENT_BYTES, JwksCache, fetch_json_object
from mcp_registry.shared.errors import UpstreamUnavailable


class RemoteKeys:
    """A ``PublicKeySource`` over the JWKS at ``url``; thread-safe.

    Caching, refetching and failure handling are :class:`JwksCache`'s: keys are refetched
    on an unknown ``kid`` (at most once per ``refresh_interval``) and once older than
    ``max_age``; a failed fetch keeps the last good keys; before any fetch succeeded,
    ``public_key`` raises ``UpstreamUnavailable`` (503, retryable) instead of answering None
    (401). Only Ed25519 keys are taken from the document; a document with none counts as a
    failed fetch, so a broken identity cannot wipe out the keys in use.
    """

    def __init__(
        self,
        url: str,
        *,
        timeout: float,
        refresh_interval: float,
        max_age: float,
        max_bytes: int = MAX_DOCUMENT_BYTES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self._timeout = timeout
        self._max_bytes = max_bytes
        self._cache = JwksCache(
            self._fetch,
            source=url,
            refresh_interval=refresh_interval,
            max_age=max_age,
            clock=clock,
        )

    def public_key(self, kid: str) -> Ed25519PublicKey | None:
        """The key for ``kid``, None when identity does not publish it; see the class doc."""
        return self._cache.key(kid)

    def _fetch(self) -> dict[str, Ed25519PublicKey]:
        document = fetch_json_object(self.url, timeout=self._timeout, max_bytes=self._max_bytes)
        keys = public_keys_from_jwks(document)
        if not keys:
            raise UpstreamUnavailable(f"{self.url} publishes no Ed25519 (EdDSA) keys")
        return keys
