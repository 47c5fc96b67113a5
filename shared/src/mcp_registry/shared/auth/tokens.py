"""Registry tokens: minting (identity service) and the one verification helper (every service).

A registry token is a short-lived EdDSA (Ed25519) JWT. Header: ``alg=EdDSA``, ``typ=JWT``,
``kid``. Claims: the official registry's ``auth_method``, ``auth_method_sub`` and
``permissions: [{action, resource}]``, plus ``iss``, ``aud``, ``sub``
(``<auth_method>:<auth_method_sub>``), ``iat``, ``exp``, ``jti`` and ``kid`` (repeated from
the header so the signed part names its key). Optional ``domain_permissions``: the part of
``permissions`` held only through verified domains (identity marks it so publishing can ask
whether the domain is still verified while the token lives); absent when there is none.

Tokens are never logged, whole or in part.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from mcp_registry.shared.auth.permissions import Permission
from mcp_registry.shared.auth.revocation import RevocationCheck
from mcp_registry.shared.auth.signing_keys import KeyRing
from mcp_registry.shared.clock import Clock, utcnow
from mcp_registry.shared.errors import ErrorDetail, Unauthorized

ALGORITHM = "EdDSA"
_REQUIRED = ("iss", "aud", "sub", "iat", "exp", "jti", "kid", "auth_method", "auth_method_sub")


@dataclass(frozen=True)
class RegistryClaims:
    """The verified content of a registry token."""

    auth_method: str
    auth_method_sub: str
    permissions: tuple[Permission, ...]
    issuer: str
    audience: str
    subject: str
    issued_at: datetime
    expires_at: datetime
    jti: str
    kid: str
    domain_permissions: tuple[Permission, ...] = ()


@dataclass(frozen=True)
class MintedToken:
    """A freshly signed token and when it expires."""

    token: str
    expires_at: datetime
    claims: RegistryClaims


class PublicKeySource(Protocol):
    """Where a verifier finds the public key a token's ``kid`` names."""

    def public_key(self, kid: str) -> Ed25519PublicKey | None:
        """The key for ``kid``, or None when it is unknown or no longer trusted."""
        ...


class TokenIssuer:
    """Signs registry tokens with the key ring's current key."""

    def __init__(
        self,
        keys: KeyRing,
        *,
        issuer: str,
        audience: str,
        lifetime: timedelta,
        clock: Clock = utcnow,
    ) -> None:
        self._keys = keys
        self._issuer = issuer
        self._audience = audience
        self._lifetime = lifetime
        self._clock = clock

    def mint(
        self,
        *,
        auth_method: str,
        auth_method_sub: str,
        permissions: tuple[Permission, ...],
        domain_permissions: tuple[Permission, ...] = (),
    ) -> MintedToken:
        """A token for this identity, valid from now for the configured lifetime.

        ``domain_permissions`` marks which of ``permissions`` come only from verified domains;
        marks outside ``permissions`` are dropped.
        """
        key = self._keys.signing_key
        # JWT times are whole seconds; truncate so the returned claims equal the signed ones.
        now = self._clock().astimezone(UTC).replace(microsecond=0)
        claims = RegistryClaims(
            auth_method=auth_method,
            auth_method_sub=auth_method_sub,
            permissions=permissions,
            issuer=self._issuer,
            audience=self._audience,
            subject=f"{auth_method}:{auth_method_sub}",
            issued_at=now,
            expires_at=now + self._lifetime,
            jti=uuid.uuid4().hex,
            kid=key.kid,
            domain_permissions=tuple(p for p in domain_permissions if p in permissions),
        )
        token = jwt.encode(
            _payload(claims),
            key.private_key,
            algorithm=ALGORITHM,
            headers={"kid": key.kid, "typ": "JWT"},
        )
        return MintedToken(token, claims.expires_at, claims)


class TokenVerifier:
    """The one verification helper: every service checks registry tokens with this.

    ``verify`` accepts a token only when all of these hold, and raises
    :class:`~mcp_registry.shared.errors.Unauthorized` naming the first that fails:
    the header says ``alg=EdDSA`` (``none`` and HMAC are refused before any key is used);
    ``kid`` names a key the key source trusts; the signature verifies with that key;
    ``iss`` and ``aud`` equal this deployment's; ``exp`` is in the future and ``iat`` not
    beyond ``leeway`` in it; every claim listed in the module doc is present and well formed;
    the token's lifetime (``exp - iat``) is at most ``max_lifetime`` plus ``leeway`` (a
    correctly signed token that claims to live longer than this deployment mints is refused);
    and, last, ``revocations`` (when given) does not list it.
    """

    def __init__(
        self,
        keys: PublicKeySource,
        *,
        issuer: str,
        audience: str,
        clock: Clock = utcnow,
        leeway: timedelta = timedelta(seconds=5),
        max_lifetime: timedelta | None = None,
        revocations: RevocationCheck | None = None,
    ) -> None:
        self._keys = keys
        self._issuer = issuer
        self._audience = audience
        self._clock = clock
        self._leeway = leeway
        self._max_lifetime = max_lifetime
        self._revocations = revocations

    def verify(self, token: str) -> RegistryClaims:
        """The claims of a valid token; see the class doc for what is checked."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise _invalid("it is not a JWT") from None
        alg = header.get("alg")
        if alg != ALGORITHM:
            raise _invalid(f"algorithm {alg!r} is not accepted (only {ALGORITHM})")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise _invalid("the header names no key (kid)")
        key = self._keys.public_key(kid)
        if key is None:
            raise _invalid("it was signed by a key this registry does not trust")
        try:
            payload = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                # Time is checked below against the injected clock, so tests control it.
                options={
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                    "require": list(_REQUIRED),
                },
            )
        except jwt.InvalidSignatureError:
            raise _invalid("the signature does not verify") from None
        except jwt.InvalidAudienceError:
            raise _invalid("it is meant for another audience") from None
        except jwt.InvalidIssuerError:
            raise _invalid("it was issued by another issuer") from None
        except jwt.MissingRequiredClaimError as exc:
            raise _invalid(f"claim {exc.claim!r} is missing") from None
        except jwt.PyJWTError:
            raise _invalid("it does not decode") from None
        claims = _claims(payload)
        if claims.kid != kid:
            raise _invalid("the signed kid differs from the header's")
        now = self._clock()
        if claims.expires_at <= now:
            raise _invalid("it has expired")
        if claims.issued_at > now + self._leeway:
            raise _invalid("it was issued in the future")
        if (
            self._max_lifetime is not None
            and claims.expires_at - claims.issued_at > self._max_lifetime + self._leeway
        ):
            raise _invalid("its lifetime is longer than this registry issues")
        if self._revocations is not None and self._revocations.is_revoked(claims):
            raise _invalid("it has been revoked")
        return claims

    def verify_authorization(self, header: str | None) -> RegistryClaims:
        """Verify the token of an ``Authorization: Bearer <token>`` header value.

        A missing header is 401 like a malformed one (the official registry answers 422, as
        its framework treats the header as a missing required parameter).
        """
        if not header:
            raise _bad_header("the Authorization header is missing")
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _bad_header(f"the Authorization scheme is {scheme!r}, not Bearer")
        return self.verify(token.strip())


BAD_HEADER = "Invalid Authorization header format. Expected 'Bearer <token>'"
INVALID_TOKEN = "Invalid or expired Registry JWT token"  # noqa: S105 (a message, not a secret)
"""The official registry's ``detail`` phrases; the reason goes into ``errors[].message``."""


def _bad_header(reason: str) -> Unauthorized:
    return Unauthorized(
        BAD_HEADER,
        [ErrorDetail(f"{reason}; send 'Bearer <registry token>'", "header.Authorization")],
    )


def _invalid(reason: str) -> Unauthorized:
    return Unauthorized(INVALID_TOKEN, [ErrorDetail(f"invalid registry token: {reason}")])


def _payload(claims: RegistryClaims) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "iss": claims.issuer,
        "aud": claims.audience,
        "sub": claims.subject,
        "iat": int(claims.issued_at.timestamp()),
        "exp": int(claims.expires_at.timestamp()),
        "jti": claims.jti,
        "kid": claims.kid,
        "auth_method": claims.auth_method,
        "auth_method_sub": claims.auth_method_sub,
        "permissions": [p.to_dict() for p in claims.permissions],
    }
    # Only when present, so tokens without verified domains keep the official claim set.
    if claims.domain_permissions:
        payload["domain_permissions"] = [p.to_dict() for p in claims.domain_permissions]
    return payload


def _claims(payload: Mapping[str, Any]) -> RegistryClaims:
    try:
        permissions = tuple(Permission.from_dict(p) for p in payload.get("permissions") or [])
        domain_permissions = tuple(
            Permission.from_dict(p) for p in payload.get("domain_permissions") or []
        )
        iat, exp = payload["iat"], payload["exp"]
        if not isinstance(iat, int) or not isinstance(exp, int):
            raise ValueError("iat and exp must be integers")
        strings = {name: payload[name] for name in ("iss", "aud", "sub", "jti", "kid")}
        strings |= {n: payload[n] for n in ("auth_method", "auth_method_sub")}
        if not all(isinstance(v, str) for v in strings.values()):
            raise ValueError("string claims must be strings")
    except (ValueError, TypeError, AttributeError):
        raise _invalid("its claims are malformed") from None
    return RegistryClaims(
        auth_method=strings["auth_method"],
        auth_method_sub=strings["auth_method_sub"],
        permissions=permissions,
        issuer=strings["iss"],
        audience=strings["aud"],
        subject=strings["sub"],
        issued_at=datetime.fromtimestamp(iat, UTC),
        expires_at=datetime.fromtimestamp(exp, UTC),
        jti=strings["jti"],
        kid=strings["kid"],
        domain_permissions=domain_permissions,
    )
