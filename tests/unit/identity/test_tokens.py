"""Registry tokens: what is signed, and every way a bad token is refused."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mcp_registry.shared.auth.jwks import jwks_document, public_keys_from_jwks
from mcp_registry.shared.auth.permissions import Permission
from mcp_registry.shared.auth.signing_keys import KeyRing, SigningKey, raw_public_bytes
from mcp_registry.shared.auth.tokens import MintedToken, TokenIssuer, TokenVerifier
from mcp_registry.shared.errors import Unauthorized
from tests.support.auth_doubles import StaticKeys
from tests.support.problems import raises_problem

NOW = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)
PERMS = (Permission("publish", "io.github.alice/*"),)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ring(clock: Clock) -> KeyRing:
    return KeyRing(env_key=Ed25519PrivateKey.generate(), clock=clock)


def issuer_for(ring: KeyRing, clock: Clock, **overrides: str) -> TokenIssuer:
    return TokenIssuer(
        ring,
        issuer=overrides.get("issuer", "mcp-registry"),
        audience=overrides.get("audience", "mcp-registry"),
        lifetime=timedelta(minutes=5),
        clock=clock,
    )


def verifier_for(ring: KeyRing, clock: Clock) -> TokenVerifier:
    return TokenVerifier(ring, issuer="mcp-registry", audience="mcp-registry", clock=clock)


def mint(ring: KeyRing, clock: Clock, **overrides: str) -> MintedToken:
    return issuer_for(ring, clock, **overrides).mint(
        auth_method="github-at", auth_method_sub="alice", permissions=PERMS
    )


def segments(token: str) -> tuple[dict[str, object], dict[str, object], str]:
    head, body, sig = token.split(".")

    def decode(part: str) -> dict[str, object]:
        data: dict[str, object] = json.loads(
            base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        )
        return data

    return decode(head), decode(body), sig


def encode(part: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


def test_minted_token_carries_the_designed_claims(ring: KeyRing, clock: Clock) -> None:
    minted = mint(ring, clock)
    header, body, _ = segments(minted.token)
    assert header == {"alg": "EdDSA", "typ": "JWT", "kid": ring.signing_key.kid}
    assert body["auth_method"] == "github-at"
    assert body["auth_method_sub"] == "alice"
    assert body["permissions"] == [{"action": "publish", "resource": "io.github.alice/*"}]
    assert body["iss"] == body["aud"] == "mcp-registry"
    assert body["sub"] == "github-at:alice"
    assert body["iat"] == int(NOW.timestamp())
    assert body["exp"] == int((NOW + timedelta(minutes=5)).timestamp())
    assert body["kid"] == ring.signing_key.kid
    assert isinstance(body["jti"], str)
    assert len(body["jti"]) == 32
    assert minted.expires_at == NOW + timedelta(minutes=5)


def test_valid_token_verifies_to_its_claims(ring: KeyRing, clock: Clock) -> None:
    minted = mint(ring, clock)
    assert verifier_for(ring, clock).verify(minted.token) == minted.claims


def test_domain_only_permissions_are_marked_only_when_there_are_some(
    ring: KeyRing, clock: Clock
) -> None:
    assert "domain_permissions" not in segments(mint(ring, clock).token)[1]
    domain = (Permission("publish", "com.example/*"), Permission("publish", "com.example.*"))
    minted = issuer_for(ring, clock).mint(
        auth_method="github-at",
        auth_method_sub="alice",
        permissions=PERMS + domain,
        # A mark outside the permissions grants nothing and is dropped.
        domain_permissions=(*domain, Permission("publish", "org.other/*")),
    )
    assert segments(minted.token)[1]["domain_permissions"] == [p.to_dict() for p in domain]
    claims = verifier_for(ring, clock).verify(minted.token)
    assert claims == minted.claims
    assert claims.domain_permissions == domain


def test_malformed_domain_permissions_are_refused(ring: KeyRing, clock: Clock) -> None:
    _, body, _ = segments(mint(ring, clock).token)
    key = ring.signing_key
    forged = jwt.encode(
        {**body, "domain_permissions": [{"action": "publish"}]},
        key.private_key,
        algorithm="EdDSA",
        headers={"kid": key.kid},
    )
    with raises_problem(Unauthorized, "claims are malformed"):
        verifier_for(ring, clock).verify(forged)


def test_each_token_has_its_own_jti(ring: KeyRing, clock: Clock) -> None:
    assert mint(ring, clock).claims.jti != mint(ring, clock).claims.jti


def test_alg_none_is_refused(ring: KeyRing, clock: Clock) -> None:
    header, body, _ = segments(mint(ring, clock).token)
    forged = f"{encode({**header, 'alg': 'none'})}.{encode(body)}."
    with raises_problem(Unauthorized, "algorithm 'none' is not accepted"):
        verifier_for(ring, clock).verify(forged)


def test_hs256_signed_with_the_public_key_is_refused(ring: KeyRing, clock: Clock) -> None:
    # The classic confusion attack: HMAC keyed with the (public) verification key.
    _, body, _ = segments(mint(ring, clock).token)
    secret = raw_public_bytes(ring.signing_key.public_key)
    forged = jwt.encode(body, secret, algorithm="HS256", headers={"kid": ring.signing_key.kid})
    with raises_problem(Unauthorized, "algorithm 'HS256' is not accepted"):
        verifier_for(ring, clock).verify(forged)


def test_unknown_kid_is_refused(ring: KeyRing, clock: Clock) -> None:
    header, body, sig = segments(mint(ring, clock).token)
    forged = f"{encode({**header, 'kid': 'someone-else'})}.{encode(body)}.{sig}"
    with raises_problem(Unauthorized, "key this registry does not trust"):
        verifier_for(ring, clock).verify(forged)


def test_missing_kid_is_refused(ring: KeyRing, clock: Clock) -> None:
    header, body, sig = segments(mint(ring, clock).token)
    del header["kid"]
    with raises_problem(Unauthorized, "names no key"):
        verifier_for(ring, clock).verify(f"{encode(header)}.{encode(body)}.{sig}")


def test_expired_token_is_refused(ring: KeyRing, clock: Clock) -> None:
    token = mint(ring, clock).token
    clock.now = NOW + timedelta(minutes=5)
    with raises_problem(Unauthorized, "expired"):
        verifier_for(ring, clock).verify(token)
    clock.now = NOW + timedelta(minutes=4, seconds=59)
    verifier_for(ring, clock).verify(token)


def test_token_from_the_future_is_refused(ring: KeyRing, clock: Clock) -> None:
    token = mint(ring, clock).token
    clock.now = NOW - timedelta(minutes=1)
    with raises_problem(Unauthorized, "issued in the future"):
        verifier_for(ring, clock).verify(token)


def test_wrong_audience_is_refused(ring: KeyRing, clock: Clock) -> None:
    token = mint(ring, clock, audience="another-registry").token
    with raises_problem(Unauthorized, "another audience"):
        verifier_for(ring, clock).verify(token)


def test_wrong_issuer_is_refused(ring: KeyRing, clock: Clock) -> None:
    token = mint(ring, clock, issuer="https://evil.example").token
    with raises_problem(Unauthorized, "another issuer"):
        verifier_for(ring, clock).verify(token)


def test_tampered_claims_are_refused(ring: KeyRing, clock: Clock) -> None:
    header, body, sig = segments(mint(ring, clock).token)
    body["permissions"] = [{"action": "edit", "resource": "*"}]
    with raises_problem(Unauthorized, "signature does not verify"):
        verifier_for(ring, clock).verify(f"{encode(header)}.{encode(body)}.{sig}")


def test_tampered_signature_is_refused(ring: KeyRing, clock: Clock) -> None:
    token = mint(ring, clock).token
    head, body, sig = token.split(".")
    flipped = ("A" if sig[0] != "A" else "B") + sig[1:]
    with raises_problem(Unauthorized, "signature does not verify"):
        verifier_for(ring, clock).verify(f"{head}.{body}.{flipped}")


def test_token_of_another_deployment_is_refused(ring: KeyRing, clock: Clock) -> None:
    other = KeyRing(env_key=Ed25519PrivateKey.generate(), clock=clock)
    theirs = mint(other, clock).token
    with raises_problem(Unauthorized, "does not trust"):
        verifier_for(ring, clock).verify(theirs)
    # Even if the other deployment claims our kid, its signature cannot verify with our key.
    _header, body, _ = segments(theirs)
    forged = jwt.encode(
        body,
        other.signing_key.private_key,
        algorithm="EdDSA",
        headers={"kid": ring.signing_key.kid},
    )
    with raises_problem(Unauthorized, "signature does not verify"):
        verifier_for(ring, clock).verify(forged)


def test_signed_kid_must_equal_the_header_kid(ring: KeyRing, clock: Clock) -> None:
    _, body, _ = segments(mint(ring, clock).token)
    key = ring.signing_key
    forged = jwt.encode(
        {**body, "kid": "other"}, key.private_key, algorithm="EdDSA", headers={"kid": key.kid}
    )
    with raises_problem(Unauthorized, "signed kid differs"):
        verifier_for(ring, clock).verify(forged)


def test_missing_claim_is_refused(ring: KeyRing, clock: Clock) -> None:
    _, body, _ = segments(mint(ring, clock).token)
    del body["auth_method_sub"]
    key = ring.signing_key
    forged = jwt.encode(body, key.private_key, algorithm="EdDSA", headers={"kid": key.kid})
    with raises_problem(Unauthorized, "'auth_method_sub' is missing"):
        verifier_for(ring, clock).verify(forged)


def test_garbage_is_refused(ring: KeyRing, clock: Clock) -> None:
    with raises_problem(Unauthorized, "not a JWT"):
        verifier_for(ring, clock).verify("not-a-token")


def test_bearer_header_parsing(ring: KeyRing, clock: Clock) -> None:
    verifier = verifier_for(ring, clock)
    token = mint(ring, clock).token
    assert verifier.verify_authorization(f"Bearer {token}").auth_method_sub == "alice"
    with raises_problem(Unauthorized, "Authorization header is missing"):
        verifier.verify_authorization(None)
    with raises_problem(Unauthorized, "Invalid Authorization header format"):
        verifier.verify_authorization(f"Basic {token}")


def test_jwks_document_verifies_tokens_elsewhere(ring: KeyRing, clock: Clock) -> None:
    document = jwks_document(ring.verification_keys())
    assert document["keys"] == [
        {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": document["keys"][0]["x"],
            "kid": ring.signing_key.kid,
            "alg": "EdDSA",
            "use": "sig",
        }
    ]
    remote = TokenVerifier(
        StaticKeys(public_keys_from_jwks(document)),
        issuer="mcp-registry",
        audience="mcp-registry",
        clock=clock,
    )
    assert remote.verify(mint(ring, clock).token).auth_method == "github-at"


def test_signing_key_id_is_the_jwk_thumbprint() -> None:
    # RFC 8037 appendix A.3: the thumbprint of the RFC 8032 test key.
    seed = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
    key = SigningKey.of(Ed25519PrivateKey.from_private_bytes(seed))
    assert key.kid == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
