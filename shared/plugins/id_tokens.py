"""OIDC ID-token verification for identity plugins (GitHub Actions, any issuer, GitLab CI...).

:class:`IdTokenVerifier` finds the issuer's JWKS through OIDC discovery
(``<issuer>/.well-known/openid-configuration`` → ``jwks_uri``), caches the keys, and fetches
them again when a token names a ``kid`` it does not know (issuers rotate keys), at most once
per ``refresh_interval`` so unknown-kid tokens cannot make it hammer the issuer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from typing import Any

import jwt

from mcp_registry.shared.errors import Unauthorized, UpstreamUnavailable
from mcp_registry.shared.outbound_http import FetchError, http_get

ASYMMETRIC_ALGORITHMS = (
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "EdDSA",
)
"""Signature algorithms accepted on ID tokens; ``none`` and HMAC never are."""

_MAX_DOCUMENT_BYTES = 256 * 1024


class IdTokenVerifier:
    """Verifies ID tokens from one ``issuer`` meant for ``audience``; thread-safe.

    ``verify`` returns the token's claims when the signature verifies with a key of the
    issuer's JWKS, ``iss`` equals ``issuer``, ``aud`` contains ``audience``, and ``exp``,
    ``iat`` and ``sub`` are present (``exp`` in the future, with ``leeway`` seconds of clock
    skew). It raises ``Unauthorized`` for a bad token and ``UpstreamUnavailable`` when the
    issuer's keys cannot be fetched.
    """

    def __init__(
        self,
        issuer: str,
        audience: str,
        *,
        timeout: float = 5.0,
        refresh_interval: float = 10.0,
        leeway: float = 30.0,
        ca_file: str = "",
        label: str = "ID token",
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.audience = audience
        self._timeout = timeout
        self._refresh_interval = refresh_interval
        self._leeway = leeway
        self._ca_file = ca_file
        self._label = label
        self._lock = threading.Lock()
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None

    def verify(self, token: str) -> dict[str, Any]:
        """The verified claims of ``token``; see the class doc."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Unauthorized(f"The {self._label} is not a JWT") from None
        alg, kid = header.get("alg"), header.get("kid")
        if alg not in ASYMMETRIC_ALGORITHMS:
            raise Unauthorized(f"The {self._label} uses algorithm {alg!r}, which is not accepted")
        key = self._key(kid if isinstance(kid, str) else "")
        if key is None:
            raise Unauthorized(
                f"The {self._label} was signed by key {kid!r}, which {self.issuer} does not publish"
            )
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=[str(alg)],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self._leeway,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized(f"The {self._label} has expired") from None
        except jwt.InvalidAudienceError:
            raise Unauthorized(
                f"The {self._label} is not meant for audience {self.audience!r}"
            ) from None
        except jwt.InvalidIssuerError:
            raise Unauthorized(f"The {self._label} was not issued by {self.issuer}") from None
        except jwt.InvalidSignatureError:
            raise Unauthorized(f"The {self._label} signature does not verify") from None
        except jwt.MissingRequiredClaimError as exc:
            raise Unauthorized(f"The {self._label} lacks the {exc.claim!r} claim") from None
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"The {self._label} is invalid: {exc}") from None
        return claims

    def _key(self, kid: str) -> jwt.PyJWK | None:
        with self._lock:
            key = self._keys.get(kid)
            if key is not None:
                return key
            now = time.monotonic()
            if self._fetched_at is not None and now - self._fetched_at < self._refresh_interval:
                return None
            # Unknown kid: the issuer may have rotated; fetch its keys again.
            self._keys = self._fetch_keys()
            self._fetched_at = now
            return self._keys.get(kid)

    def _fetch_keys(self) -> dict[str, jwt.PyJWK]:
        discovery = self._get_json(f"{self.issuer}/.well-known/openid-configuration")
        if discovery.get("issuer", "").rstrip("/") != self.issuer:
            raise UpstreamUnavailable(
                f"{self.issuer} publishes discovery for another issuer "
                f"({discovery.get('issuer')!r})"
            )
        jwks_uri = discovery.get("jwks_uri")
        if not isinstance(jwks_uri, str):
            raise UpstreamUnavailable(f"{self.issuer} publishes no jwks_uri")
        document = self._get_json(jwks_uri)
        keys: dict[str, jwt.PyJWK] = {}
        for jwk in document.get("keys") or []:
            if not isinstance(jwk, Mapping) or not isinstance(jwk.get("kid"), str):
                continue
            try:
                keys[jwk["kid"]] = jwt.PyJWK.from_dict(dict(jwk))
            except jwt.PyJWTError:
                continue  # A key type we cannot use; others may still verify.
        return keys

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            reply = http_get(
                url, timeout=self._timeout, max_bytes=_MAX_DOCUMENT_BYTES, ca_file=self._ca_file
            )
            if reply.status != 200:
                raise FetchError(f"HTTP {reply.status}")
            data = reply.json()
        except FetchError as exc:
            raise UpstreamUnavailable(f"Could not fetch {url}: {exc}") from None
        if not isinstance(data, dict):
            raise UpstreamUnavailable(f"{url} did not return a JSON object")
        return data
