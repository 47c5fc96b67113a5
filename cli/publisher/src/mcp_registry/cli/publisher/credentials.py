"""The stored login: ``token.json`` in the publisher's config directory.

The file lives at ``$XDG_CONFIG_HOME/mcp-publisher/token.json`` (``~/.config/...`` when
``XDG_CONFIG_HOME`` is unset), the official publisher's place. It holds a bearer token, so the
directory is 0700 and the file 0600, written through a temporary file and an atomic rename so
a crash never leaves a half-written or world-readable token behind.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

APP_DIR = "mcp-publisher"
TOKEN_FILE = "token.json"  # noqa: S105 (a file name)
REGISTRY_FILE = "registry.json"
"""The registry last logged in to, kept apart from the token so ``logout`` keeps it."""


@dataclass(frozen=True)
class Credentials:
    """A registry token and what it is for."""

    registry_url: str
    token: str
    method: str
    expires_at: int | None = None

    def expired(self, now: float | None = None) -> bool:
        """True once the token's expiry (seconds since the epoch) has passed."""
        if self.expires_at is None:
            return False
        return (time.time() if now is None else now) >= self.expires_at

    def __repr__(self) -> str:
        # Never let the token reach a traceback or a log line.
        return f"Credentials(registry_url={self.registry_url!r}, method={self.method!r})"


def config_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The publisher's config directory, honouring ``XDG_CONFIG_HOME`` and ``HOME``."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CONFIG_HOME") or ""
    if not base:
        home = env.get("HOME") or str(Path.home())
        base = str(Path(home) / ".config")
    return Path(base) / APP_DIR


def token_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where the token file lives."""
    return config_dir(environ) / TOKEN_FILE


def load(path: Path | None = None) -> Credentials | None:
    """The stored credentials, or None when there are none (or the file is unusable)."""
    target = path or token_path()
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    token, registry = data.get("token"), data.get("registry_url")
    if not isinstance(token, str) or not isinstance(registry, str):
        return None
    expires = data.get("expires_at")
    method = data.get("method")
    return Credentials(
        registry_url=registry,
        token=token,
        method=method if isinstance(method, str) else "unknown",
        expires_at=expires if isinstance(expires, int) else None,
    )


def save(credentials: Credentials, path: Path | None = None) -> Path:
    """Write ``credentials`` (directory 0700, file 0600); return the file's path."""
    target = path or token_path()
    directory = target.parent
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    # mkdir's mode is masked by the umask and ignored for an existing directory: enforce it.
    os.chmod(directory, 0o700)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".token-", suffix=".json")
    try:
        os.fchmod(handle, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(asdict(credentials), stream, indent=2)
            stream.write("\n")
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    remember_registry(credentials.registry_url, directory / REGISTRY_FILE)
    return target


def remember_registry(url: str, path: Path | None = None) -> None:
    """Keep ``url`` as the registry later commands use by default (no secret in it)."""
    target = path or config_dir() / REGISTRY_FILE
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    target.write_text(json.dumps({"registry_url": url}) + "\n", encoding="utf-8")


def remembered_registry(path: Path | None = None) -> str | None:
    """The registry last logged in to, even after ``logout``; None when there is none."""
    target = path or config_dir() / REGISTRY_FILE
    try:
        data = json.loads(target.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    url = data.get("registry_url") if isinstance(data, dict) else None
    return url if isinstance(url, str) and url else None


def remove(path: Path | None = None) -> bool:
    """Delete the token file; True when there was one."""
    target = path or token_path()
    try:
        target.unlink()
    except FileNotFoundError:
        return False
    return True
