"""Key pairs for the ``dns`` and ``http`` logins: generate, load, sign, publish.

A private key is given as hex (64 hex digits for an Ed25519 seed, the official publisher's
format; 96 for an ECDSA P-384 scalar) or as a path to a file holding that hex or a PEM key.
The record to publish is ``v=MCPv1; k=<algorithm>; p=<base64 public key>``: a TXT record at
the domain for ``dns``, the body of ``https://<domain>/.well-known/mcp-registry-auth`` for
``http``. Logging in signs the current RFC 3339 UTC timestamp.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from mcp_registry.cli.publisher.errors import ExitCode, PublisherError

ED25519 = "ed25519"
P384 = "ecdsap384"
ALGORITHMS = (ED25519, P384)
WELL_KNOWN_PATH = "/.well-known/mcp-registry-auth"

PrivateKey = Ed25519PrivateKey | ec.EllipticCurvePrivateKey


@dataclass(frozen=True)
class DomainKey:
    """A publisher's domain key."""

    algorithm: str
    private: PrivateKey

    @classmethod
    def generate(cls, algorithm: str = ED25519) -> DomainKey:
        if algorithm == ED25519:
            return cls(ED25519, Ed25519PrivateKey.generate())
        return cls(P384, ec.generate_private_key(ec.SECP384R1()))

    @property
    def private_hex(self) -> str:
        """The private key as hex, the form ``--private-key`` takes."""
        if isinstance(self.private, Ed25519PrivateKey):
            raw = self.private.private_bytes(
                serialization.Encoding.Raw,
                serialization.PrivateFormat.Raw,
                serialization.NoEncryption(),
            )
            return raw.hex()
        return self.private.private_numbers().private_value.to_bytes(48, "big").hex()

    @property
    def record(self) -> str:
        """``v=MCPv1; k=...; p=...``: what the domain publishes."""
        if isinstance(self.private, Ed25519PrivateKey):
            raw = self.private.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw
            )
        else:
            raw = self.private.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
            )
        return f"v=MCPv1; k={self.algorithm}; p={base64.b64encode(raw).decode()}"

    def sign(self, message: bytes) -> bytes:
        """Ed25519 signature, or the 96-byte ``r || s`` of ECDSA P-384 over SHA-384."""
        if isinstance(self.private, Ed25519PrivateKey):
            return self.private.sign(message)
        r, s = decode_dss_signature(self.private.sign(message, ec.ECDSA(hashes.SHA384())))
        return r.to_bytes(48, "big") + s.to_bytes(48, "big")

    def login_body(self, domain: str, *, at: datetime | None = None) -> dict[str, str]:
        """``{"domain", "timestamp", "signed_timestamp"}`` for ``/v0/auth/dns`` or ``http``."""
        moment = (at or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
        return {
            "domain": domain,
            "timestamp": moment,
            "signed_timestamp": self.sign(moment.encode()).hex(),
        }

    def __repr__(self) -> str:
        return f"DomainKey({self.algorithm})"  # Never the private key.


def load_key(value: str, algorithm: str | None = None) -> DomainKey:
    """A key from hex or from a file (hex or PEM); ``algorithm`` settles ambiguous hex."""
    text = value.strip()
    path = Path(text).expanduser()
    if len(text) < 200 and not _is_hex(text) and path.is_file():
        text = path.read_text(encoding="utf-8").strip()
    if text.startswith("-----BEGIN"):
        return _from_pem(text.encode())
    return _from_hex(text, algorithm)


def _is_hex(text: str) -> bool:
    try:
        bytes.fromhex(text)
    except ValueError:
        return False
    return True


def _from_hex(text: str, algorithm: str | None) -> DomainKey:
    try:
        raw = binascii.unhexlify(text)
    except (binascii.Error, ValueError):
        raise _bad_key("it is neither hex nor a readable key file") from None
    chosen = algorithm or {32: ED25519, 48: P384}.get(len(raw))
    if chosen == ED25519 and len(raw) == 32:
        return DomainKey(ED25519, Ed25519PrivateKey.from_private_bytes(raw))
    if chosen == P384 and len(raw) == 48:
        scalar = int.from_bytes(raw, "big")
        return DomainKey(P384, ec.derive_private_key(scalar, ec.SECP384R1()))
    raise _bad_key(f"{len(raw)} bytes is not a {algorithm or 'ed25519 (32) or P-384 (48)'} key")


def _from_pem(data: bytes) -> DomainKey:
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        raise _bad_key("the PEM could not be read (encrypted keys are not supported)") from None
    if isinstance(key, Ed25519PrivateKey):
        return DomainKey(ED25519, key)
    if isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP384R1):
        return DomainKey(P384, key)
    raise _bad_key("only Ed25519 and ECDSA P-384 keys are supported")


def _bad_key(reason: str) -> PublisherError:
    return PublisherError(
        f"the private key is not usable: {reason}",
        code=ExitCode.USAGE,
        hint="create one with `mcp-publisher keygen --domain <domain>`",
    )
