"""The processes a benchmark runs: registry stacks and the constant-body ceiling server.

Each is a child process in its own session listening on a free loopback port; ``stop`` sends
SIGTERM (gunicorn's graceful stop) and kills only that child if it does not exit in time.
Worker processes are read from ``/proc`` for their resident memory.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
_MODULE = "mcp_registry.cli.registry"
CHECKOUT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A loopback TCP port that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Served:
    """A running gunicorn arbiter (child process) answering on ``url``."""

    label: str
    url: str
    process: subprocess.Popen[bytes]

    def worker_pids(self) -> list[int]:
        """The arbiter's worker processes (Linux ``/proc``; empty elsewhere)."""
        pid = self.process.pid
        path = Path(f"/proc/{pid}/task/{pid}/children")
        try:
            return [int(part) for part in path.read_text().split()]
        except OSError:
            return []

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each worker in MiB (``VmRSS``)."""
        sizes: list[float] = []
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return sizes

    def stop(self) -> None:
        """SIGTERM, wait, then SIGKILL this child's process group as a last resort."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _wait_ready(served: Served, probe: str, workers: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            raise RuntimeError(f"{served.label} exited with {served.process.returncode}")
        try:
            # Our own child on loopback.
            with urllib.request.urlopen(served.url + probe, timeout=5) as response:  # noqa: S310
                if response.status == 200 and len(served.worker_pids()) >= workers:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    served.stop()
    raise RuntimeError(f"{served.label} did not answer within {START_TIMEOUT:.0f} s")


def _spawn(label: str, args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", *args],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            # `python -m benchmarks.ceiling` resolves from the checkout that holds benchmarks/.
            cwd=CHECKOUT,
        )


def start_registry(
    label: str,
    *,
    data_dir: Path,
    database_url: str,
    workers: int,
    cache_entries: int,
    extra_env: dict[str, str] | None = None,
) -> Served:
    """``mcp-registry serve all`` over ``database_url``, without NATS (events stay queued in
    the outbox; freshness of reads does not depend on them)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MCP_REGISTRY_")}
    env.update(
        {
            "MCP_REGISTRY_DATA_DIR": str(data_dir),
            "MCP_REGISTRY_DATABASE_URL": database_url,
            "MCP_REGISTRY_WORKERS": str(workers),
            "MCP_REGISTRY_RESPONSE_CACHE_ENTRIES": str(cache_entries),
            "MCP_REGISTRY_LOG_LEVEL": "warning",
            # A benchmark measures throughput: one token publishes the whole catalog.
            "MCP_REGISTRY_RATE_LIMIT_WRITES": "",
            "MCP_REGISTRY_RATE_LIMIT_AUTH": "",
            **(extra_env or {}),
        }
    )
    bind = f"127.0.0.1:{port}"
    process = _spawn(
        label, [f"{_MODULE}.main", "serve", "all", "--bind", bind], env, data_dir / f"{label}.log"
    )
    served = Served(label, f"http://{bind}", process)
    _wait_ready(served, "/v0/health", workers)
    return served


def start_worker(
    label: str, worker: str, *, data_dir: Path, database_url: str, extra_env: dict[str, str]
) -> Served:
    """``mcp-registry worker <worker>`` over ``database_url`` (no HTTP: ``url`` is empty)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MCP_REGISTRY_")}
    env.update(
        {
            "MCP_REGISTRY_DATA_DIR": str(data_dir),
            "MCP_REGISTRY_DATABASE_URL": database_url,
            "MCP_REGISTRY_LOG_LEVEL": "warning",
            **extra_env,
        }
    )
    process = _spawn(label, [f"{_MODULE}.main", "worker", worker], env, data_dir / f"{label}.log")
    return Served(label, "", process)


def start_ceiling(*, body_file: Path, workers: int, log_dir: Path) -> Served:
    """The constant-body server (see ``bench_ceiling``) under the same gunicorn options."""
    port = free_port()
    bind = f"127.0.0.1:{port}"
    process = _spawn(
        "ceiling",
        ["benchmarks.ceiling", bind, str(body_file), str(workers)],
        dict(os.environ),
        log_dir / "ceiling.log",
    )
    served = Served("ceiling", f"http://{bind}", process)
    _wait_ready(served, "/", workers)
    return served
