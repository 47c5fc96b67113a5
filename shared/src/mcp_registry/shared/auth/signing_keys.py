"""Ed25519 signing keys for registry tokens, and the key directory that rotates them.

Two sources, both read only at the process edge:

- ``MCP_REGISTRY_JWT_PRIVATE_KEY``: one key from the environment, as the official registry
  takes it (hex-encoded 32-byte seed) or as PEM. It signs when the key directory has no
  current key, and it always verifies.
- The key directory (``MCP_REGISTRY_JWT_KEYS_DIR``), managed by ``mcp-registry keys``:
  ``<kid>.pem`` private keys (mode 0600) and ``keyring.json`` saying, per key, when it was
  created, from when it signs (``signs_from``) and when it stopped signing (``retired_at``).
  A rotated-out key keeps verifying for the retention period after it stopped signing, so
  tokens it signed stay valid until they expire (rotation with overlap).

Publish before signing: a rotation publishes the new key at once (it verifies, and the JWKS
serves it) but the new key signs only from ``signs_from``, an activation delay later; until
then the previous key keeps signing. A verifier that fetched the JWKS before the rotation may
refetch by the time it sees the new ``kid`` (the delay is at least its refresh interval), so
no verifier ever meets a ``kid`` it is not allowed to look up yet.

Every process re-reads the directory when ``keyring.json`` changes, so a rotation reaches
running workers on their next token without a restart.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

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


class _SigningWindow(Protocol):
    @property
    def signs_from(self) -> datetime: ...

    @property
    def retired_at(self) -> datetime | None: ...


W = TypeVar("W", bound=_SigningWindow)


def signing_choice(keys: Sequence[W], now: datetime) -> W | None:
    """The key that signs at ``now``: the one whose window ``[signs_from, retired_at)`` holds it.

    Rotation makes the windows adjacent (a key's ``retired_at`` is its successor's
    ``signs_from``), so at most one holds ``now``; should hand-edited times overlap, the latest
    ``signs_from`` wins. None when no window holds ``now`` (only before the first key's start,
    e.g. on a host whose clock is behind the one that wrote the keyring).
    """
    live = [k for k in keys if k.signs_from <= now and (k.retired_at is None or now < k.retired_at)]
    return max(live, key=lambda k: k.signs_from, default=None)


@dataclass(frozen=True)
class SigningKey:
    """One key: its id, the private half, and its signing window.

    ``signs_from`` is None only for the environment key (it has no window: it signs when no
    directory key does); ``retired_at`` is None while no successor is scheduled, and may lie
    in the future while the successor waits for its activation.
    """

    kid: str
    private_key: Ed25519PrivateKey
    created_at: datetime | None = None
    retired_at: datetime | None = None
    signs_from: datetime | None = None

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @classmethod
    def of(cls, private_key: Ed25519PrivateKey, **times: datetime | None) -> SigningKey:
        return cls(key_id(private_key.public_key()), private_key, **times)


KeyStatus = Literal["current", "next", "retired"]
"""At a given moment: signing, published and waiting to sign, or no longer signing."""


@dataclass(frozen=True)
class KeyEntry:
    """One key of the directory as ``mcp-registry keys list`` shows it.

    ``status`` is as of the directory clock's reading when the entry was made.
    """

    kid: str
    created_at: datetime
    signs_from: datetime
    retired_at: datetime | None
    status: KeyStatus


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
        """Every key in the directory, oldest first, with its status now; ``[]`` without one."""
        now = self._clock()
        windows = []
        for kid, meta in self._read_index().get("keys", {}).items():
            created = parse_rfc3339(meta["created_at"])
            windows.append(
                _Window(kid, created, _signs_from(meta, created), _time(meta.get("retired_at")))
            )
        signing = signing_choice(windows, now)
        out = []
        for w in windows:
            # A key whose window is empty (a later rotation queued behind it) never signs.
            never_signs = w.retired_at is not None and w.retired_at <= w.signs_from
            status: KeyStatus = (
                "current"
                if w is signing
                else "next"
                if w.signs_from > now and not never_signs
                else "retired"
            )
            out.append(KeyEntry(w.kid, w.created_at, w.signs_from, w.retired_at, status))
        return sorted(out, key=lambda e: e.created_at)

    def load(self) -> list[SigningKey]:
        """The keys with their private halves and signing windows, oldest first."""
        keys = []
        for entry in self.entries():
            pem = (self.path / f"{entry.kid}.pem").read_text(encoding="ascii")
            key = SigningKey(
                entry.kid,
                parse_private_key(pem),
                created_at=entry.created_at,
                retired_at=entry.retired_at,
                signs_from=entry.signs_from,
            )
            if key_id(key.public_key) != entry.kid:
                raise SigningKeyError(f"{entry.kid}.pem does not hold the key its name says")
            keys.append(key)
        return keys

    def generate(self) -> KeyEntry:
        """Create the first key, signing at once (there is no earlier key to sign meanwhile).

        Refuses when the directory already has one (use rotate).
        """
        if self.entries():
            raise SigningKeyError(f"{self.path} already holds keys; use `mcp-registry keys rotate`")
        return self._add_key({"keys": {}}, signs_from=self._clock())

    def rotate(self, retention: timedelta, *, activation_delay: timedelta) -> KeyEntry:
        """Add a new key, published now, signing from ``activation_delay`` later.

        The newest key so far keeps signing until then and stops there (its ``retired_at``),
        after which it verifies for ``retention``. Keys that stopped signing more than
        ``retention`` ago are deleted: no token they signed can still be valid. With no key in
        the directory yet the new one signs at once, like :meth:`generate`.

        Rotating again before a pending key activates queues the newer one behind it: each
        key's window starts where its predecessor's ends, never earlier, so no key ever signs
        before it has been published for ``activation_delay``.
        """
        index = self._read_index()
        now = self._clock()
        keys: dict[str, Any] = index.setdefault("keys", {})
        newest = index.get("current") if index.get("current") in keys else None
        signs_from = now
        if newest is not None:
            meta = keys[newest]
            signs_from = max(
                now + activation_delay, _signs_from(meta, parse_rfc3339(meta["created_at"]))
            )
        for kid, meta in list(keys.items()):
            if kid == newest:
                meta["retired_at"] = format_rfc3339(signs_from)
            elif meta.get("retired_at") and parse_rfc3339(meta["retired_at"]) + retention < now:
                del keys[kid]
                (self.path / f"{kid}.pem").unlink(missing_ok=True)
        return self._add_key(index, signs_from=signs_from)

    def _add_key(self, index: dict[str, Any], *, signs_from: datetime) -> KeyEntry:
        """Write a new key and make it the index's newest (``current``) key."""
        self.path.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = Ed25519PrivateKey.generate()
        kid = key_id(key.public_key())
        now = self._clock()
        pem_path = self.path / f"{kid}.pem"
        # Created 0600 from the start: the private key is never readable by others.
        fd = os.open(pem_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(private_key_pem(key))
        index.setdefault("keys", {})[kid] = {
            "created_at": format_rfc3339(now),
            "signs_from": format_rfc3339(signs_from),
            "retired_at": None,
        }
        # "current" names the newest key, the one the next rotation retires; which key signs
        # at a given moment follows from the windows (``signing_choice``).
        index["current"] = kid
        # Write-then-rename so a reader never sees half a keyring.
        tmp = self.index_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(index, indent=2), encoding="utf-8")
        tmp.replace(self.index_path)
        return KeyEntry(kid, now, signs_from, None, "current" if signs_from <= now else "next")

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


@dataclass(frozen=True)
class _Window:
    kid: str
    created_at: datetime
    signs_from: datetime
    retired_at: datetime | None


def _time(value: str | None) -> datetime | None:
    return parse_rfc3339(value) if value else None


def _signs_from(meta: dict[str, Any], created_at: datetime) -> datetime:
    # Keyrings written before activation delays existed: a key signed from its creation.
    return _time(meta.get("signs_from")) or created_at


@dataclass(frozen=True)
class _KeyWindow:
    key: SigningKey
    signs_from: datetime

    @property
    def retired_at(self) -> datetime | None:
        return self.key.retired_at


class KeyRing:
    """The keys this process signs and verifies with; see the module doc for the sources.

    ``signing_key`` is the directory key whose signing window holds now (see
    :func:`signing_choice`); ``public_key(kid)`` and ``verification_keys()`` answer for every
    key still in its verification window, including a key published but not yet signing. All
    three re-read the directory when its keyring file changed.
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
        for key in self.verification_keys():
            if key.kid == kid:
                return key.public_key
        return None

    def verification_keys(self) -> list[SigningKey]:
        """Every key that verifies now: the env key, the signing key, keys waiting to sign,
        and keys that stopped signing less than the retention ago.

        Re-reads the directory first: the JWKS is built from this, and a rotation must reach
        it at once, before the new key signs anything.
        """
        self._reload_if_changed()
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
            keys = list(self._keys)
        # Directory keys always carry ``signs_from`` (``load`` sets it).
        windows = [_KeyWindow(k, k.signs_from) for k in keys if k.signs_from is not None]
        chosen = signing_choice(windows, self._clock())
        if chosen is not None:
            return chosen.key
        if self._env_key is not None:
            return self._env_key
        # This host's clock is behind the one that wrote the keyring: signing with the
        # earliest key beats signing with none.
        return min(windows, key=lambda w: w.signs_from).key if windows else None

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
