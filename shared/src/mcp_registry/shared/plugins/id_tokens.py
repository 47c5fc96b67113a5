"""OIDC ID-token verification for identity plugins (GitHub Actions, any issuer, GitLab CI...).

:class:`IdTokenVerifier` finds the issuer's JWKS through OIDC discovery
(``<issuer>/.well-known/openid-configuration`` → ``jwks_uri``), caches the keys, and fetches
them again when a token names a ``kid`` it does not know (issuers rotate keys), at most once
per ``refresh_interval`` so unknown-kid tokens cannot make it hammer the issuer (the shared
:class:`~mcp_registry.shared.auth.jwks_cache.JwksCache`; a failed refetch keeps the keys).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jwt

from mcp_registry.shared.auth.jwks_cache import JwksCache, fetch_json_object
from mcp_registry.shared.errors import Unauthorized, UpstreamUnavailable

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
        self._leeway = leeway
        self._ca_file = ca_file
        self._label = label
        self._keys = JwksCache(
            self._fetch_keys, source=self.issuer, refresh_interval=refresh_interval
        )

    def verify(self, token: str) -> dict[str, Any]:
        """The verified claims of ``token``; see the class doc."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise Unauthorized(f"The {self._label} is not a JWT") from None
        alg, kid = header.get("alg"), header.get("kid")
        if alg not in ASYMMETRIC_ALGORITHMS:
            raise Unauthorized(f"The {self._label} uses algorithm {alg!r}, which is not accepted")
        key = self._keys.key(kid if isinstance(kid, str) else "")
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
        return fetch_json_object(url, timeout=self._timeout, ca_file=self._ca_file)
