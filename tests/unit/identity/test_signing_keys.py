"""Signing keys: the official key format, the key directory, rotation with overlap."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mcp_registry.shared.auth.signing_keys import (
    KeyDirectory,
    KeyRing,
    SigningKeyError,
    key_id,
    parse_private_key,
    private_key_pem,
)
from mcp_registry.shared.auth.tokens import TokenIssuer, TokenVerifier
from mcp_registry.shared.errors import Unauthorized

NOW = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)
SEED_HEX = "bb2c6b424005acd5df47a9e2c87f446def86dd740c888ea3efb825b23f7ef47c"


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def test_hex_seed_and_pem_give_the_same_key() -> None:
    from_hex = parse_private_key(SEED_HEX)
    from_pem = parse_private_key(private_key_pem(from_hex).decode())
    assert key_id(from_hex.public_key()) == key_id(from_pem.public_key())


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abcd", "32-byte seed, got 2 bytes"),
        ("not hex at all", "neither PEM nor hex"),
        ("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", "does not parse"),
    ],
)
def test_bad_keys_are_refused_without_echoing_them(value: str, message: str) -> None:
    with pytest.raises(SigningKeyError, match=message) as info:
        parse_private_key(value)
    assert value not in str(info.value)


def test_a_ring_without_any_key_refuses_to_start(tmp_path: Path) -> None:
    with pytest.raises(SigningKeyError, match="no registry signing key"):
        KeyRing(directory=KeyDirectory(tmp_path / "keys"))


def test_generate_writes_a_private_key_only_the_owner_reads(tmp_path: Path) -> None:
    directory = KeyDirectory(tmp_path / "keys")
    entry = directory.generate()
    pem = tmp_path / "keys" / f"{entry.kid}.pem"
    assert stat.S_IMODE(pem.stat().st_mode) == 0o600
    assert [e.kid for e in directory.entries()] == [entry.kid]
    with pytest.raises(SigningKeyError, match="already holds keys"):
        directory.generate()


def test_directory_key_wins_over_the_environment_key(tmp_path: Path) -> None:
    directory = KeyDirectory(tmp_path / "keys")
    entry = directory.generate()
    env_key = parse_private_key(SEED_HEX)
    ring = KeyRing(env_key=env_key, directory=directory)
    assert ring.signing_key.kid == entry.kid
    # The environment key still verifies (e.g. tokens from before the directory existed).
    assert ring.public_key(key_id(env_key.public_key())) is not None


def test_rotation_keeps_old_tokens_valid_for_the_retention_then_drops_the_key(
    tmp_path: Path,
) -> None:
    clock = Clock()
    directory = KeyDirectory(tmp_path / "keys", clock=clock)
    directory.generate()
    ring = KeyRing(directory=directory, retention=timedelta(minutes=10), clock=clock)
    issuer = TokenIssuer(ring, issuer="r", audience="r", lifetime=timedelta(minutes=5), clock=clock)
    verifier = TokenVerifier(ring, issuer="r", audience="r", clock=clock)
    old = issuer.mint(auth_method="none", auth_method_sub="a", permissions=())

    clock.now += timedelta(minutes=1)
    rotated = directory.rotate(timedelta(minutes=10))
    # The running ring notices the rotation without a restart.
    new = issuer.mint(auth_method="none", auth_method_sub="a", permissions=())
    assert new.claims.kid == rotated.kid != old.claims.kid
    assert verifier.verify(old.token).kid == old.claims.kid  # overlap
    assert verifier.verify(new.token).kid == rotated.kid

    clock.now += timedelta(minutes=11)  # past the old key's retention
    assert ring.public_key(old.claims.kid) is None
    later = issuer.mint(auth_method="none", auth_method_sub="a", permissions=())
    assert verifier.verify(later.token).kid == rotated.kid

    directory.rotate(timedelta(minutes=10))
    kids = [e.kid for e in directory.entries()]
    assert old.claims.kid not in kids  # deleted: nothing it signed can be valid
    assert not (tmp_path / "keys" / f"{old.claims.kid}.pem").exists()
    assert len(kids) == 2


def test_expired_tokens_of_a_dropped_key_are_refused(tmp_path: Path) -> None:
    clock = Clock()
    directory = KeyDirectory(tmp_path / "keys", clock=clock)
    directory.generate()
    ring = KeyRing(directory=directory, retention=timedelta(minutes=5), clock=clock)
    issuer = TokenIssuer(ring, issuer="r", audience="r", lifetime=timedelta(minutes=5), clock=clock)
    old = issuer.mint(auth_method="none", auth_method_sub="a", permissions=())
    directory.rotate(timedelta(minutes=5))
    clock.now += timedelta(minutes=6)
    with pytest.raises(Unauthorized, match="does not trust"):
        TokenVerifier(ring, issuer="r", audience="r", clock=clock).verify(old.token)


def test_a_key_file_not_matching_its_name_is_refused(tmp_path: Path) -> None:
    directory = KeyDirectory(tmp_path / "keys")
    entry = directory.generate()
    (tmp_path / "keys" / f"{entry.kid}.pem").write_bytes(
        private_key_pem(Ed25519PrivateKey.generate())
    )
    with pytest.raises(SigningKeyError, match="does not hold the key its name says"):
        directory.load()
