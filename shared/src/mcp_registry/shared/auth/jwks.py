"""The registry's public keys as a JWKS document (``/.well-known/jwks.json``), and back."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from mcp_registry.shared.auth.signing_keys import SigningKey, b64url, raw_public_bytes


def jwks_document(keys: Iterable[SigningKey]) -> dict[str, Any]:
    """``{"keys": [...]}`` with one OKP/Ed25519 JWK per key (public halves only)."""
    return {
        "keys": [
            {
                "kty": "OKP",
                "crv": "Ed25519",
                "x": b64url(raw_public_bytes(key.public_key)),
                "kid": key.kid,
                "alg": "EdDSA",
                "use": "sig",
            }
            for key in keys
        ]
    }


def public_keys_from_jwks(document: Mapping[str, Any]) -> dict[str, Ed25519PublicKey]:
    """The Ed25519 keys of a JWKS document by ``kid``.

    Only ``kty=OKP``, ``crv=Ed25519`` keys whose ``alg`` (when given) is ``EdDSA`` and whose
    ``use`` (when given) is ``sig`` count; every other entry (RSA, EC, HMAC ``oct``, malformed
    ``x``) is skipped, never an error, so one odd key cannot hide the usable ones.
    """
    out: dict[str, Ed25519PublicKey] = {}
    keys = document.get("keys")
    for jwk in keys if isinstance(keys, list) else []:
        if not isinstance(jwk, Mapping):
            continue
        if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
            continue
        if jwk.get("alg", "EdDSA") != "EdDSA" or jwk.get("use", "sig") != "sig":
            continue
        kid, x = jwk.get("kid"), jwk.get("x")
        if not isinstance(kid, str) or not kid or not isinstance(x, str):
            continue
        try:
            raw = base64.urlsafe_b64decode(x + "=" * (-len(x) % 4))
        except ValueError:
            continue
        if len(raw) == 32:
            out[kid] = Ed25519PublicKey.from_public_bytes(raw)
    return out
