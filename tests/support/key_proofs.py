"""What a domain owner does for ``dns``/``http`` logins: a key pair, its record, a signature."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature


@dataclass(frozen=True)
class DomainKey:
    """A publisher's key: ``record`` goes in DNS or the well-known file; ``body`` logs in."""

    algorithm: str
    private: Ed25519PrivateKey | ec.EllipticCurvePrivateKey

    @classmethod
    def ed25519(cls) -> DomainKey:
        return cls("ed25519", Ed25519PrivateKey.generate())

    @classmethod
    def p384(cls) -> DomainKey:
        return cls("ecdsap384", ec.generate_private_key(ec.SECP384R1()))

    @property
    def record(self) -> str:
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
        if isinstance(self.private, Ed25519PrivateKey):
            return self.private.sign(message)
        r, s = decode_dss_signature(self.private.sign(message, ec.ECDSA(hashes.SHA384())))
        return r.to_bytes(48, "big") + s.to_bytes(48, "big")

    def body(self, domain: str, *, at: datetime | None = None) -> dict[str, str]:
        """The login body for ``domain``, signed now (or at ``at``)."""
        moment = (at or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
        return {
            "domain": domain,
            "timestamp": moment,
            "signed_timestamp": self.sign(moment.encode()).hex(),
        }
