"""Which key source a service verifies with, and the settings that choose it."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mcp_registry.shared.auth.configured import verification_keys
from mcp_registry.shared.auth.jwks import public_keys_from_jwks
from mcp_registry.shared.auth.remote_keys import RemoteKeys
from mcp_registry.shared.auth.signing_keys import (
    KeyRing,
    SigningKeyError,
    b64url,
    key_id,
    raw_public_bytes,
)
from mcp_registry.shared.config import ConfigError, Settings

SEED = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"


def test_without_jwks_url_the_local_key_ring_verifies(tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path), jwt_private_key=SEED)
    assert isinstance(verification_keys(settings), KeyRing)
    with pytest.raises(SigningKeyError):
        verification_keys(Settings(data_dir=str(tmp_path)))


def test_with_jwks_url_no_private_key_is_needed_or_read(tmp_path: Path) -> None:
    url = "http://identity:8080/.well-known/jwks.json"
    keys = verification_keys(Settings(data_dir=str(tmp_path), jwks_url=url))
    assert isinstance(keys, RemoteKeys)
    assert keys.url == url
    assert not (tmp_path / "keys").exists()


def test_jwks_settings_are_checked() -> None:
    with pytest.raises(ConfigError, match="MCP_REGISTRY_JWKS_URL"):
        Settings.from_env({"MCP_REGISTRY_JWKS_URL": "file:///etc/jwks.json"})
    with pytest.raises(ConfigError, match="MCP_REGISTRY_JWKS_MAX_AGE"):
        Settings.from_env({"MCP_REGISTRY_JWKS_MAX_AGE": "0"})
    settings = Settings.from_env({"MCP_REGISTRY_JWKS_URL": "https://id.example/jwks.json"})
    assert settings.jwks_url == "https://id.example/jwks.json"


def test_a_new_key_must_be_fetchable_before_it_signs() -> None:
    """The activation delay may not be shorter than the JWKS refresh interval."""
    assert Settings.from_env({}).jwt_key_activation_delay > Settings().jwks_refresh_interval
    with pytest.raises(ConfigError, match="MCP_REGISTRY_JWT_KEY_ACTIVATION_DELAY"):
        Settings.from_env({"MCP_REGISTRY_JWT_KEY_ACTIVATION_DELAY": "9.5"})
    with pytest.raises(ConfigError, match="MCP_REGISTRY_JWT_KEY_ACTIVATION_DELAY"):
        Settings.from_env({"MCP_REGISTRY_JWKS_REFRESH_INTERVAL": "30"})
    equal = {
        "MCP_REGISTRY_JWT_KEY_ACTIVATION_DELAY": "30",
        "MCP_REGISTRY_JWKS_REFRESH_INTERVAL": "30",
    }
    assert Settings.from_env(equal).jwt_key_activation_delay == 30.0


def test_only_ed25519_signature_keys_are_taken_from_a_jwks() -> None:
    public = Ed25519PrivateKey.generate().public_key()
    x = b64url(raw_public_bytes(public))
    kid = key_id(public)
    okp = {"kty": "OKP", "crv": "Ed25519", "x": x}
    document = {
        "keys": [
            {**okp, "kid": kid, "alg": "EdDSA", "use": "sig"},
            {**okp, "kid": "no-alg"},
            {**okp, "kid": "wrong-alg", "alg": "RS256"},
            {**okp, "kid": "for-encryption", "use": "enc"},
            {**okp, "kid": "bad-x", "x": "!!not base64!!"},
            {**okp, "kid": "short-x", "x": "AAAA"},
            {"kty": "OKP", "crv": "X25519", "x": x, "kid": "x25519"},
            {"kty": "RSA", "kid": "rsa", "n": "AQAB", "e": "AQAB", "alg": "RS256"},
            {"kty": "oct", "kid": "hs", "k": "c2VjcmV0", "alg": "HS256"},
            "not a key",
        ]
    }
    keys = public_keys_from_jwks(document)
    assert set(keys) == {kid, "no-alg"}
    assert raw_public_bytes(keys[kid]) == raw_public_bytes(public)
    assert public_keys_from_jwks({"keys": "nope"}) == {}
    assert public_keys_from_jwks({}) == {}
