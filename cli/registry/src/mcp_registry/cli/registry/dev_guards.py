"""What ``mcp-registry dev`` checks before it starts anything, so it cannot trip itself.

* :class:`DataDirLock`: one ``dev`` per data directory. Two would run two nats-servers on one
  JetStream directory and two relays on one outbox; the second is refused, naming the first.
* :func:`address_problem`: the listen address is free. Otherwise one clear line naming the
  address and ``MCP_REGISTRY_SERVER_ADDRESS``, instead of gunicorn's bind retries.
* :func:`plugin_problem`: every enabled plugin loads. A plugin that cannot load fails the
  start loudly, here, rather than later in a worker.
"""

from __future__ import annotations

import errno
import fcntl
import os
import socket
from pathlib import Path
from types import TracebackType
from typing import IO

from mcp_registry.shared.config import Settings
from mcp_registry.shared.plugins.host import PluginError, PluginHost

LOCK_FILE = "dev.lock"


class DataDirBusy(RuntimeError):
    """Another ``mcp-registry dev`` holds the data directory's lock."""


class DataDirLock:
    """An exclusive ``flock`` on ``<data dir>/dev.lock``, held while the supervisor runs.

    The kernel drops it when the process ends, however it ends: a crash never leaves a stale
    lock behind. Child processes do not inherit it (they are started with ``close_fds``).
    """

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_FILE
        self._file: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock or raise :class:`DataDirBusy` naming the holder's pid."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            raise DataDirBusy(
                f"another `mcp-registry dev` (pid {holder}) is already using the data directory "
                f"{self.path.parent}; stop it first, or give this one its own directory with "
                "MCP_REGISTRY_DATA_DIR"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing drops the flock
            self._file = None

    def __enter__(self) -> DataDirLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()


def address_problem(address: str) -> str | None:
    """Why the registry cannot listen on ``host:port``, in one line, or None when it can.

    Binds the way gunicorn will (``SO_REUSEADDR``), so a port in TIME_WAIT is not reported
    but one another process listens on is.
    """
    host, _, port = address.rpartition(":")
    host = host.strip("[]") or "0.0.0.0"  # noqa: S104 (what an empty host means to gunicorn)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, int(port)))
        except OSError as exc:
            reason = "it is already in use" if exc.errno == errno.EADDRINUSE else exc.strerror
            return (
                f"cannot listen on {address}: {reason}; stop whatever uses it, or choose "
                "another address with MCP_REGISTRY_SERVER_ADDRESS=host:port"
            )
    return None


def plugin_problem(settings: Settings) -> str | None:
    """Why the enabled plugins cannot all be loaded, or None when they can."""
    try:
        PluginHost.load(settings)
    except PluginError as exc:
        return f"cannot start: {exc} (fix or uninstall it, or leave it out of MCP_REGISTRY_PLUGINS)"
    return None
