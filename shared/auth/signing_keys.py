"""Ed25519 signing keys for registry tokens, and the key directory that rotates them.

Two sources, both read only at the process edge:

- ``MCP_REGISTRY_JWT_PRIVATE_KEY``: one key from the environment, as the official registry
  takes it (hex-encoded 32-byte seed) or as PEM. It signs when the key directory has no
  current key, and it always verifies.
- The key directory (``MCP_REGISTRY_JWT_KEYS_DIR``), managed by ``mcp-registry keys``:
  ``<kid>.pem`` private keys (mode 0600) and ``keyring.json`` saying which key is current
  and when each older one was rotated out. A rotated-out key keeps verifying for the
  retention period, so tokens it signed stay valid until they expire (rotation with overlap).

Every process re-reads the directory when ``keyring.json`` changes, so a rotation reaches
running workers on their next token without a restart.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from mcp_registry.shared.clock import Clock, format_rfc3339, parse_rfc3339, utcnow

KEYRING_FILE = "keyring.json"


class SigningKeyError(ValueError):
    """A key or the key directory cannot be used; the message says which and why."""


def b64url(data: bytes) -> str:
    """Unpadded base64url, as JOSE encodes binary values."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def raw_public_bytes(key: Ed25519PublicKey) -> bytes:
    """The 32 raw bytes of an Ed25519 public key."""
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(key: Ed25519PublicKey) -> str:
    """The RFC 7638 JWK thumbprint of ``key``: stable, derived from the key alone."""
    canonical = json.dumps(
        {"crv": "Ed25519", "kty": "OKP", "x": b64url(raw_public_bytes(key))},
        separators=(",", ":"),
        sort_keys=True,
    )
    return b64url(hashlib.sha256(canonical.encode()).digest())


def parse_private_key(text: str) -> Ed25519PrivateKey:
    """An Ed25519 key from a hex-encoded 32-byte seed (the official format) or a PEM block.

    Raises :class:`SigningKeyError` without echoing the value (it is a secret).
    """
    value = text.strip()
    if value.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_private_key(value.encode(), password=None)
        except ValueError:
            raise SigningKeyError("the PEM signing key does not parse") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise SigningKeyError("the PEM signing key is not an Ed25519 key")
        return key
    try:
        seed = bytes.fromhex(value)
    except ValueError:
        raise SigningKeyError("the signing key is neither PEM nor hex") from None
    if len(seed) != 32:
        raise SigningKeyError(f"a hex signing key is a 32-byte seed, got {len(seed)} bytes")
    return Ed25519PrivateKey.from_private_bytes(seed)


def private_key_pem(key: Ed25519PrivateKey) -> bytes:
    """PKCS#8 PEM of ``key``, unencrypted (the file's mode protects it)."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


@dataclass(frozen=True)
class SigningKey:
    """One key: its id, the private half, and when it was rotated out (None while current)."""

    kid: str
    private_key: Ed25519PrivateKey
    created_at: datetime | None = None
    retired_at: datetime | None = None

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @classmethod
    def of(cls, private_key: Ed25519PrivateKey, **times: datetime | None) -> SigningKey:
        return cls(key_id(private_key.public_key()), private_key, **times)


@dataclass(frozen=True)
class KeyEntry:
    """One key of the directory as ``mcp-registry keys list`` shows it."""

    kid: str
    created_at: datetime
    retired_at: datetime | None
    current: bool


class KeyDirectory:
    """The rotated keys on disk. Not thread-safe for writers: one operator command at a time."""

    def __init__(self, path: Path, *, clock: Clock = utcnow) -> None:
        self.path = path
        self._clock = clock

    @property
    def index_path(self) -> Path:
        return self.path / KEYRING_FILE

    def exists(self) -> bool:
        return self.index_path.is_file()

    def entries(self) -> list[KeyEntry]:
        """Every key in the directory, oldest first; ``[]`` when there is no keyring."""
        index = self._read_index()
        current = index.get("current")
        out = [
            KeyEntry(
                kid=kid,
                created_at=parse_rfc3339(meta["created_at"]),
                retired_at=parse_rfc3339(meta["retired_at"]) if meta.get("retired_at") else None,
                current=kid == current,
            )
            for kid, meta in index.get("keys", {}).items()
        ]
        return sorted(out, key=lambda e: e.created_at)

    def load(self) -> list[SigningKey]:
        """The keys with their private halves, current one last."""
        keys = []
        for entry in self.entries():
            pem = (self.path / f"{entry.kid}.pem").read_text(encoding="ascii")
            key = SigningKey(entry.kid, parse_private_key(pem), entry.created_at, entry.retired_at)
            if key_id(key.public_key) != entry.kid:
                raise SigningKeyError(f"{entry.kid}.pem does not hold the key its name says")
            keys.append(key)
        keys.sort(key=lambda k: (k.retired_at is None, k.created_at or datetime.min))
        return keys

    def generate(self) -> KeyEntry:
        """Create the first key. Refuses when the directory already has one (use rotate)."""
        if self.entries():
            raise SigningKeyError(f"{self.path} already holds keys; use `mcp-registry keys rotate`")
        return self._add_current({"keys": {}})

    def rotate(self, retention: timedelta) -> KeyEntry:
        """Make a new key current; the old one verifies for ``retention``; older ones go.

        Keys rotated out longer than ``retention`` ago are deleted: no token they signed
        can still be valid.
        """
        index = self._read_index()
        now = self._clock()
        for kid, meta in list(index.get("keys", {}).items()):
            if kid == index.get("current"):
                meta["retired_at"] = format_rfc3339(now)
            elif meta.get("retired_at") and parse_rfc3339(meta["retired_at"]) + retention < now:
                del index["keys"][kid]
                (self.path / f"{kid}.pem").unlink(missing_ok=True)
        return self._add_current(index)

    def _add_current(self, index: dict[str, Any]) -> KeyEntry:
        self.path.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = Ed25519PrivateKey.generate()
        kid = key_id(key.public_key())
        now = self._clock()
        pem_path = self.path / f"{kid}.pem"
        # Created 0600 from the start: the private key is never readable by others.
        fd = os.open(pem_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(private_key_pem(key))
        index.setdefault("keys", {})[kid] = {"created_at": format_rfc3339(now), "retired_at": None}
        index["current"] = kid
        # Write-then-rename so a reader never sees half a keyring.
        tmp = self.index_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(index, indent=2), encoding="utf-8")
        tmp.replace(self.index_path)
        return KeyEntry(kid, now, None, True)

    def _read_index(self) -> dict[str, Any]:
        if not self.exists():
            return {"keys": {}}
        try:
            data = json.loads(self.index_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise SigningKeyError(f"{self.index_path} is unreadable: {exc}") from None
        if not isinstance(data, dict) or not isinstance(data.get("keys"), dict):
            raise SigningKeyError(f"{self.index_path} is not a keyring")
        return data


class KeyRing:
    """The keys this process signs and verifies with; see the module doc for the sources.

    ``signing_key`` is the current key; ``public_key(kid)`` answers for every key still in
    its verification window. Both re-read the directory when its keyring file changed.
    """

    def __init__(
        self,
        *,
        env_key: Ed25519PrivateKey | None = None,
        directory: KeyDirectory | None = None,
        retention: timedelta = timedelta(hours=1),
        clock: Clock = utcnow,
    ) -> None:
        self._env_key = SigningKey.of(env_key) if env_key is not None else None
        self._directory = directory
        self._retention = retention
        self._clock = clock
        self._lock = threading.Lock()
        self._stamp: float | None = None
        self._keys: list[SigningKey] = []
        self._reload_if_changed()
        if self._current() is None:
            where = (
                f" or run `mcp-registry keys generate` for {directory.path}" if directory else ""
            )
            raise SigningKeyError(
                f"no registry signing key: set MCP_REGISTRY_JWT_PRIVATE_KEY{where}"
            )

    @property
    def signing_key(self) -> SigningKey:
        """The key new tokens are signed with."""
        self._reload_if_changed()
        current = self._current()
        assert current is not None  # The constructor refused a ring without one.
        return current

    def public_key(self, kid: str) -> Ed25519PublicKey | None:
        """The public key ``kid`` names, if it may still verify tokens; else None."""
        self._reload_if_changed()
        for key in self.verification_keys():
            if key.kid == kid:
                return key.public_key
        return None

    def verification_keys(self) -> list[SigningKey]:
        """Every key that verifies now: the env key, current and recently rotated-out keys."""
        now = self._clock()
        return [
            k for k in self._all() if k.retired_at is None or k.retired_at + self._retention >= now
        ]

    def _all(self) -> Iterator[SigningKey]:
        with self._lock:
            keys = list(self._keys)
        yield from keys
        if self._env_key is not None and all(k.kid != self._env_key.kid for k in keys):
            yield self._env_key

    def _current(self) -> SigningKey | None:
        with self._lock:
            for key in reversed(self._keys):
                if key.retired_at is None:
                    return key
        return self._env_key

    def _reload_if_changed(self) -> None:
        if self._directory is None:
            return
        try:
            stamp: float | None = self._directory.index_path.stat().st_mtime_ns
        except FileNotFoundError:
            stamp = None
        with self._lock:
            if stamp == self._stamp:
                return
        keys = self._directory.load() if stamp is not None else []
        with self._lock:
            self._keys, self._stamp = keys, stamp
