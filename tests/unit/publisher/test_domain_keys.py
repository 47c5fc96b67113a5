"""Domain keys: what keygen writes, login reads, and the registry's verifier accepts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from mcp_registry.cli.publisher.domain_keys import DomainKey, load_key
from mcp_registry.cli.publisher.errors import PublisherError
from mcp_registry.plugins.key_proof import check_proof, parse_request

NOW = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize("algorithm", ["ed25519", "ecdsap384"])
def test_a_signed_login_body_verifies_with_the_printed_record(algorithm: str) -> None:
    key = load_key(DomainKey.generate(algorithm).private_hex)
    assert key.algorithm == algorithm
    request = parse_request(key.login_body("example.com", at=NOW), clock=lambda: NOW)
    check_proof(request, [key.record], "test")  # Raises when the proof is wrong.


def test_keys_load_from_files_in_hex_or_pem(tmp_path: Path) -> None:
    key = DomainKey.generate()
    hex_file = tmp_path / "key.hex"
    hex_file.write_text(key.private_hex + "\n")
    assert load_key(str(hex_file)).record == key.record
    pem_file = tmp_path / "key.pem"
    pem_file.write_bytes(
        key.private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    assert load_key(str(pem_file)).record == key.record


def test_unusable_keys_say_how_to_make_one() -> None:
    with pytest.raises(PublisherError) as caught:
        load_key("abcd")
    assert caught.value.hint is not None
    assert "keygen" in caught.value.hint
    with pytest.raises(PublisherError):
        load_key("not hex and not a file")


def test_repr_hides_the_key() -> None:
    key = DomainKey.generate()
    assert key.private_hex not in repr(key)
