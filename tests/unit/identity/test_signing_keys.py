"""Signing keys: the official key format, the key directory, rotation with overlap and
publication before signing."""

from __future__ import annotations

import json
import stat
from dataclasses import dataclass
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
    signing_choice,
)
from mcp_registry.shared.auth.tokens import TokenIssuer, TokenVerifier
from mcp_registry.shared.errors import Unauthorized
from tests.support.problems import raises_problem

NOW = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)
SEED_HEX = "bb2c6b424005acd5df47a9e2c87f446def86dd740c888ea3efb825b23f7ef47c"
DELAY = timedelta(seconds=15)


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
    rotated = directory.rotate(timedelta(minutes=10), activation_delay=DELAY)
    clock.now += DELAY
    # The running ring notices the rotation without a restart.
    new = issuer.mint(auth_method="none", auth_method_sub="a", permissions=())
    assert new.claims.kid == rotated.kid != old.claims.kid
    assert verifier.verify(old.token).kid == old.claims.kid  # overlap
    assert verifier.verify(new.token).kid == rotated.kid

    clock.now += timedelta(minutes=11)  # past the old key's retention (counted from DELAY)
    assert ring.public_key(old.claims.kid) is None
    later = issuer.mint(auth_method="none", auth_method_sub="a", permissions=())
    assert verifier.verify(later.token).kid == rotated.kid

    directory.rotate(timedelta(minutes=10), activation_delay=DELAY)
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
    directory.rotate(timedelta(minutes=5), activation_delay=timedelta(0))
    clock.now += timedelta(minutes=6)
    with raises_problem(Unauthorized, "does not trust"):
        TokenVerifier(ring, issuer="r", audience="r", clock=clock).verify(old.token)


def test_a_key_file_not_matching_its_name_is_refused(tmp_path: Path) -> None:
    directory = KeyDirectory(tmp_path / "keys")
    entry = directory.generate()
    (tmp_path / "keys" / f"{entry.kid}.pem").write_bytes(
        private_key_pem(Ed25519PrivateKey.generate())
    )
    with pytest.raises(SigningKeyError, match="does not hold the key its name says"):
        directory.load()


def mint_kid(issuer: TokenIssuer) -> str:
    return issuer.mint(auth_method="none", auth_method_sub="a", permissions=()).claims.kid


def test_a_rotated_key_is_published_at_once_and_signs_after_the_delay(tmp_path: Path) -> None:
    clock = Clock()
    directory = KeyDirectory(tmp_path / "keys", clock=clock)
    old = directory.generate().kid
    ring = KeyRing(directory=directory, retention=timedelta(minutes=10), clock=clock)
    issuer = TokenIssuer(ring, issuer="r", audience="r", lifetime=timedelta(minutes=5), clock=clock)

    clock.now += timedelta(minutes=1)
    rotated = directory.rotate(timedelta(minutes=10), activation_delay=DELAY)
    assert rotated.signs_from == clock.now + DELAY
    assert rotated.status == "next"
    # Published: the JWKS (built from verification_keys) and local verification have it now,
    # though no token was minted since the rotation.
    assert {k.kid for k in ring.verification_keys()} == {old, rotated.kid}
    assert ring.public_key(rotated.kid) is not None
    # Not signing yet: the previous key does, up to the last instant before the activation.
    assert mint_kid(issuer) == old
    clock.now += DELAY - timedelta(microseconds=1)
    assert mint_kid(issuer) == old
    clock.now += timedelta(microseconds=1)
    assert mint_kid(issuer) == rotated.kid
    # The retention counts from when the old key stopped signing, not from the rotation.
    clock.now += timedelta(minutes=10)
    assert ring.public_key(old) is not None
    clock.now += timedelta(microseconds=1)
    assert ring.public_key(old) is None


def test_the_first_key_signs_at_once_whether_generated_or_rotated_in(tmp_path: Path) -> None:
    clock = Clock()
    generated = KeyDirectory(tmp_path / "generated", clock=clock)
    entry = generated.generate()
    assert (entry.signs_from, entry.status) == (NOW, "current")
    assert KeyRing(directory=generated, clock=clock).signing_key.kid == entry.kid

    # Rotating an empty directory has no previous key to sign meanwhile.
    rotated = KeyDirectory(tmp_path / "rotated", clock=clock)
    entry = rotated.rotate(timedelta(minutes=10), activation_delay=DELAY)
    assert (entry.signs_from, entry.status) == (NOW, "current")
    assert KeyRing(directory=rotated, clock=clock).signing_key.kid == entry.kid


def test_a_rotation_before_the_pending_key_signs_queues_behind_it(tmp_path: Path) -> None:
    clock = Clock()
    directory = KeyDirectory(tmp_path / "keys", clock=clock)
    first = directory.generate().kid
    ring = KeyRing(directory=directory, clock=clock)
    second = directory.rotate(timedelta(minutes=10), activation_delay=timedelta(seconds=60))
    clock.now += timedelta(seconds=5)
    # A shorter delay this time: the third key must still not start before the second.
    third = directory.rotate(timedelta(minutes=10), activation_delay=DELAY)
    assert third.signs_from == second.signs_from == NOW + timedelta(seconds=60)
    assert ring.signing_key.kid == first
    statuses = {e.kid: e.status for e in directory.entries()}
    assert statuses == {first: "current", second.kid: "retired", third.kid: "next"}
    clock.now = third.signs_from
    # The second key's window is empty: it never signs, the third takes over directly.
    assert ring.signing_key.kid == third.kid
    statuses = {e.kid: e.status for e in directory.entries()}
    assert statuses == {first: "retired", second.kid: "retired", third.kid: "current"}


def test_back_to_back_rotations_chain_the_windows(tmp_path: Path) -> None:
    clock = Clock()
    directory = KeyDirectory(tmp_path / "keys", clock=clock)
    first = directory.generate().kid
    ring = KeyRing(directory=directory, clock=clock)
    second = directory.rotate(timedelta(minutes=10), activation_delay=DELAY)
    clock.now += timedelta(seconds=5)
    third = directory.rotate(timedelta(minutes=10), activation_delay=DELAY)
    assert third.signs_from == clock.now + DELAY > second.signs_from
    assert [e.status for e in directory.entries()] == ["current", "next", "next"]
    assert ring.signing_key.kid == first
    clock.now = second.signs_from
    assert ring.signing_key.kid == second.kid
    clock.now = third.signs_from
    assert ring.signing_key.kid == third.kid


@dataclass(frozen=True)
class Window:
    name: str
    signs_from: datetime
    retired_at: datetime | None


def test_signing_choice_picks_the_window_holding_now() -> None:
    t = [NOW + timedelta(seconds=i) for i in range(4)]
    windows = [Window("a", t[0], t[1]), Window("b", t[1], t[2]), Window("c", t[2], None)]

    def chosen(now: datetime) -> str | None:
        window = signing_choice(windows, now)
        return window.name if window else None

    assert chosen(t[0] - timedelta(seconds=1)) is None  # before any window
    assert [chosen(moment) for moment in t] == ["a", "b", "c", "c"]
    # Overlapping (hand-edited) windows: the later start wins.
    overlapping = [Window("a", t[0], None), Window("b", t[1], None)]
    assert signing_choice(overlapping, t[2]) == overlapping[1]


def test_a_keyring_without_activation_times_signs_from_creation(tmp_path: Path) -> None:
    """Keyrings written before activation delays existed keep working unchanged."""
    clock = Clock()
    directory = KeyDirectory(tmp_path / "keys", clock=clock)
    old = directory.generate().kid
    new = directory.rotate(timedelta(minutes=10), activation_delay=timedelta(0)).kid
    index = json.loads(directory.index_path.read_text())
    for meta in index["keys"].values():
        del meta["signs_from"]
    index["keys"][new]["created_at"] = "2025-06-01T12:00:01.000000Z"
    index["keys"][old]["retired_at"] = "2025-06-01T12:00:01.000000Z"
    directory.index_path.write_text(json.dumps(index))
    ring = KeyRing(directory=directory, clock=clock)
    assert ring.signing_key.kid == old
    clock.now += timedelta(seconds=1)
    assert ring.signing_key.kid == new


def test_a_clock_behind_the_keyring_writer_still_signs(tmp_path: Path) -> None:
    writer = Clock()
    directory = KeyDirectory(tmp_path / "keys", clock=writer)
    entry = directory.generate()
    behind = Clock()
    behind.now -= timedelta(seconds=2)
    ring = KeyRing(directory=KeyDirectory(tmp_path / "keys", clock=behind), clock=behind)
    assert ring.signing_key.kid == entry.kid
