"""Per-thread SQLite connections that are safe across ``fork``.

Each thread gets its own connection, opened on first use (never in a constructor: gunicorn
forks workers after the store is built). A connection inherited through ``fork`` is never used
nor closed by the child: closing it there could checkpoint and delete the WAL the parent is
still writing. The child keeps a reference to it (so garbage collection does not close it
either) and opens its own.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import weakref

from mcp_registry.shared.errors import StorageError


class ConnectionPool:
    """Hands each thread of the current process its own connection to ``path``.

    ``busy_timeout`` (seconds) is how long a statement waits for another writer's lock before
    failing; connections run in autocommit mode so transactions are explicit
    (``BEGIN IMMEDIATE``), use WAL and ``synchronous=FULL`` (a commit that returned survives a
    power cut, so a publish that succeeded is never lost).
    """

    def __init__(self, path: str, *, busy_timeout: float) -> None:
        self._path = path
        self._busy_timeout = busy_timeout
        self._local = threading.local()
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._open: list[sqlite3.Connection] = []
        self._inherited: list[sqlite3.Connection] = []
        self._closed = False

    def get(self) -> sqlite3.Connection:
        """This thread's connection, opened now if it has none (or only one from the parent)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        pid = os.getpid()
        if conn is not None and getattr(self._local, "pid", None) == pid:
            return conn
        with self._lock:
            if self._closed:
                raise StorageError("the SQLite store is closed")
            if pid != self._pid:
                self._inherited.extend(self._open)
                self._open = []
                self._pid = pid
            conn = self._connect()
            self._open.append(conn)
        self._local.conn = conn
        self._local.pid = pid
        # A thread that ends takes its connection with it instead of leaking it until close().
        weakref.finalize(threading.current_thread(), self._discard, conn)
        return conn

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(
                self._path,
                timeout=self._busy_timeout,
                isolation_level=None,
                # Only ever used by its own thread; close() may run on another one.
                check_same_thread=False,
            )
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open SQLite database: {exc}") from exc
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
        except sqlite3.Error as exc:
            conn.close()
            raise StorageError(f"cannot configure SQLite database: {exc}") from exc
        return conn

    def _discard(self, conn: sqlite3.Connection) -> None:
        with self._lock:
            if conn not in self._open:
                return
            self._open.remove(conn)
        conn.close()

    def close(self) -> None:
        """Close every connection this process opened; further :meth:`get` calls fail."""
        with self._lock:
            self._closed = True
            if os.getpid() != self._pid:
                self._inherited.extend(self._open)
                self._open = []
            connections, self._open = self._open, []
        for conn in connections:
            conn.close()
