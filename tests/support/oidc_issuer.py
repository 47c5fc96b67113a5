"""A local OpenID Connect issuer: discovery, a real JWKS, and real signed ID tokens."""

from __future__ import annotations

import time
import uuid
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.support.local_http import Answer, LocalServer, Seen


class OidcIssuer:
    """An RSA-signing issuer at ``url`` (set it before use); rotate keys with :meth:`rotate`."""

    def __init__(self) -> None:
        self.url = ""
        self._keys: list[tuple[str, rsa.RSAPrivateKey]] = []
        self.jwks_fetches = 0
        self.rotate()

    def serve(self) -> LocalServer:
        server = LocalServer(self.respond)
        self.url = server.url
        return server

    def rotate(self) -> str:
        """Add a new signing key (the old ones stay published); return its kid."""
        kid = uuid.uuid4().hex[:12]
        self._keys.append((kid, rsa.generate_private_key(public_exponent=65537, key_size=2048)))
        return kid

    @property
    def kid(self) -> str:
        return self._keys[-1][0]

    def respond(self, seen: Seen) -> Answer:
        if seen.path == "/.well-known/openid-configuration":
            return Answer.json({"issuer": self.url, "jwks_uri": self.url + "/jwks"})
        if seen.path == "/jwks":
            self.jwks_fetches += 1
            keys = []
            for kid, key in self._keys:
                jwk: dict[str, Any] = jwt.algorithms.RSAAlgorithm.to_jwk(
                    key.public_key(), as_dict=True
                )
                keys.append({**jwk, "kid": kid, "use": "sig", "alg": "RS256"})
            return Answer.json({"keys": keys})
        return Answer.json({"error": "not found"}, 404)

    def id_token(
        self,
        claims: dict[str, Any],
        *,
        audience: str,
        lifetime: int = 300,
        issuer: str | None = None,
        kid: str | None = None,
    ) -> str:
        """A signed ID token with standard claims filled in (overridable through ``claims``)."""
        now = int(time.time())
        body = {
            "iss": issuer if issuer is not None else self.url,
            "aud": audience,
            "sub": "subject-1",
            "iat": now,
            "exp": now + lifetime,
            **claims,
        }
        use_kid = kid or self.kid
        key = dict(self._keys)[use_kid]
        return jwt.encode(body, key, algorithm="RS256", headers={"kid": use_kid})
