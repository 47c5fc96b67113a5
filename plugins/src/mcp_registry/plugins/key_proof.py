"""Domain key proofs shared by the ``dns`` and ``http`` providers (the official registry's rules).

The caller signs the current RFC 3339 timestamp with a private key whose public half the
domain publishes as ``v=MCPv1; k=<algorithm>; p=<base64 public key>`` (in TXT records for
``dns``, in ``https://<domain>/.well-known/mcp-registry-auth`` for ``http``). The body is
``{"domain", "timestamp", "signed_timestamp"}`` with the signature hex-encoded. Accepted:
``k=ed25519`` (32-byte key, 64-byte signature) and ``k=ecdsap384`` (49-byte compressed
point, 96-byte ``r || s`` signature over SHA-384). The timestamp must be within ±15 s.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from mcp_registry.shared.plugin_api import (
    Clock,
    ErrorDetail,
    InvalidInput,
    Unauthorized,
    parse_rfc3339,
    required_string,
)

WINDOW = timedelta(seconds=15)
RECORD = re.compile(r"v=MCPv1;\s*k=([^;\s]+);\s*p=([A-Za-z0-9+/=]+)")
_DOMAIN = re.compile(
    r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$"
)
# Shared hosting: whoever controls alice.github.io is not the owner of io.github.alice (the
# official registry refuses both). Those namespaces come from the github/gitlab logins.
_REFUSED_SUFFIXES = {
    "github.io": "github-at or github-oidc for io.github names",
    "gitlab.io": "a gitlab login for com.gitlab names",
}


@dataclass(frozen=True)
class ProofRequest:
    """A parsed key-proof body."""

    domain: str
    timestamp: str
    signature: bytes


@dataclass(frozen=True)
class PublishedKey:
    """One public key found in a proof record."""

    algorithm: str
    raw: bytes

    @property
    def fingerprint(self) -> str:
        """``<algorithm>:<first 8 base64 chars>``, so errors can say which key was tried."""
        return f"{self.algorithm}:{base64.b64encode(self.raw).decode()[:8]}"

    def verifies(self, message: bytes, signature: bytes) -> bool:
        try:
            if self.algorithm == "ed25519":
                Ed25519PublicKey.from_public_bytes(self.raw).verify(signature, message)
                return True
            if len(signature) != 96:
                return False
            der = encode_dss_signature(
                int.from_bytes(signature[:48], "big"), int.from_bytes(signature[48:], "big")
            )
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP384R1(), self.raw).verify(
                der, message, ec.ECDSA(hashes.SHA384())
            )
            return True
        except (InvalidSignature, ValueError):
            return False


def parse_request(body: Mapping[str, Any], *, clock: Clock) -> ProofRequest:
    """Check the body's shape, the domain and the timestamp window; decode the signature."""
    domain = required_string(body, "domain").lower().rstrip(".")
    timestamp = required_string(body, "timestamp")
    signed = required_string(body, "signed_timestamp")
    if _is_ip_literal(domain):
        raise InvalidInput(
            f"{domain!r} is an IP address; key proofs need a domain name",
            [ErrorDetail("IP addresses are not domains", "body.domain")],
        )
    if not _DOMAIN.match(domain):
        raise InvalidInput(
            f"{domain!r} is not a domain name", [ErrorDetail("invalid domain", "body.domain")]
        )
    for suffix, logins in _REFUSED_SUFFIXES.items():
        if domain == suffix or domain.endswith("." + suffix):
            raise Unauthorized(f"{domain} is a shared hosting domain ({suffix}); use {logins}")
    try:
        moment = parse_rfc3339(timestamp)
    except ValueError:
        raise InvalidInput(
            "The timestamp is not RFC 3339",
            [ErrorDetail("expected e.g. 2025-01-02T03:04:05Z", "body.timestamp")],
        ) from None
    now = clock()
    if not now - WINDOW <= moment <= now + WINDOW:
        raise Unauthorized(
            f"The timestamp {timestamp} is outside ±15 s of the registry's clock ({_z(now)})"
        )
    try:
        signature = binascii.unhexlify(signed)
    except (binascii.Error, ValueError):
        raise InvalidInput(
            "signed_timestamp is not hex",
            [ErrorDetail("expected a hex-encoded signature", "body.signed_timestamp")],
        ) from None
    return ProofRequest(domain, timestamp, signature)


def published_keys(records: Iterable[str], where: str) -> tuple[list[PublishedKey], list[str]]:
    """Keys in the proof records among ``records``, and a problem line for each bad record."""
    keys: list[PublishedKey] = []
    problems: list[str] = []
    for record in records:
        match = RECORD.search(record)
        if match is None:
            continue
        algorithm, encoded = match.group(1).lower(), match.group(2)
        try:
            raw = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            problems.append(f"a record at {where} has a public key that is not base64")
            continue
        expected = {"ed25519": 32, "ecdsap384": 49}.get(algorithm)
        if expected is None:
            problems.append(f"a record at {where} uses unsupported algorithm k={algorithm}")
        elif len(raw) != expected:
            problems.append(
                f"a k={algorithm} record at {where} has a {len(raw)}-byte key, not {expected}"
            )
        else:
            keys.append(PublishedKey(algorithm, raw))
    return keys, problems


def check_proof(request: ProofRequest, records: list[str], where: str) -> None:
    """Raise ``Unauthorized`` unless a published key verifies the signed timestamp.

    The message says what was found at ``where``: no records, unusable records, or which
    keys were tried.
    """
    keys, problems = published_keys(records, where)
    if not keys:
        found = f"{len(records)} record(s), none a usable v=MCPv1 key"
        detail = "; ".join(problems) if problems else found
        raise Unauthorized(f"No MCP public key found at {where}: {detail}")
    message = request.timestamp.encode()
    if any(key.verifies(message, request.signature) for key in keys):
        return
    tried = ", ".join(key.fingerprint for key in keys)
    raise Unauthorized(
        f"The signature does not match the key(s) published at {where} (tried {tried}); "
        "a stale record after a key rotation is the usual cause"
    )


def _is_ip_literal(domain: str) -> bool:
    """IPv4 or IPv6 literal (``[::1]`` too), or a name whose last label is all digits: no
    public suffix is, so such a name is an address in disguise (``1.0.0.127`` reversed)."""
    candidate = domain.strip("[]")
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return candidate.rsplit(".", 1)[-1].isdigit()
    return True


def reverse_domain(domain: str) -> str:
    """``example.com`` → ``com.example``."""
    return ".".join(reversed(domain.split(".")))


def _z(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
