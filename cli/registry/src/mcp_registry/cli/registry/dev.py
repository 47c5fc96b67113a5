"""``mcp-registry dev``: supervise the whole registry as child processes on one machine.

Children: an embedded ``nats-server`` (unless ``MCP_REGISTRY_NATS_URL`` is set), the outbox
relay worker, the domains re-verification worker, the webhooks worker, the mirror worker (with
``MCP_REGISTRY_MIRROR_FROM``) and one gunicorn serving every service composed by the route
table. The supervisor prints the URL once the registry answers, and on SIGINT/SIGTERM stops
the children in reverse order, waiting for each.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import FrameType

import click

from mcp_registry.cli.registry.dev_guards import (
    DataDirBusy,
    DataDirLock,
    address_problem,
    plugin_problem,
)
from mcp_registry.cli.registry.importing import print_report, run_import
from mcp_registry.services.publishing.wsgi import ownership_checker
from mcp_registry.shared.auth.signing_keys import KeyDirectory
from mcp_registry.shared.config import Settings
from mcp_registry.shared.events.embedded import EmbeddedNats
from mcp_registry.shared.storage.factory import open_store

READY_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0


def _child(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    # Own process group: a terminal's Ctrl-C reaches the supervisor, which then stops
    # children in order instead of every process racing to exit at once.
    return subprocess.Popen(
        [sys.executable, "-m", "mcp_registry.cli.registry.main", *args],
        env=env,
        start_new_session=True,
    )


def _wait_ready(url: str, children: list[subprocess.Popen[bytes]], stop: threading.Event) -> bool:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline and not stop.is_set():
        if any(child.poll() is not None for child in children):
            return False
        try:
            # Our own loopback address, built from a checked host:port setting.
            with urllib.request.urlopen(url + "/v0/health", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    return False


def _stop(children: list[subprocess.Popen[bytes]]) -> None:
    for child in reversed(children):
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for child in reversed(children):
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _ensure_signing_key(settings: Settings) -> None:
    """A local stack needs a key to sign tokens with; make one on first start."""
    keys = KeyDirectory(settings.effective_jwt_keys_dir)
    if not settings.jwt_private_key and not keys.entries():
        entry = keys.generate()
        click.echo(f"generated registry signing key {entry.kid} in {keys.path}")


def run_dev(settings: Settings) -> int:
    """Run until a signal or a child's death; return the exit code."""
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    data_dir = Path(settings.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = DataDirLock(data_dir)
    try:
        lock.acquire()
    except DataDirBusy as exc:
        click.echo(str(exc), err=True)
        return 1
    try:
        problem = address_problem(settings.server_address) or plugin_problem(settings)
        if problem is not None:
            click.echo(problem, err=True)
            return 1
        return _run_locked(settings, data_dir, stop)
    finally:
        lock.release()


def _run_locked(settings: Settings, data_dir: Path, stop: threading.Event) -> int:
    _ensure_signing_key(settings)
    nats: EmbeddedNats | None = None
    if not settings.nats_url:
        # Its own session: Ctrl-C reaches only us, and we stop it after its clients.
        nats = EmbeddedNats(store_dir=data_dir / "nats", own_session=True)
        nats.start()
        settings = settings.replace(nats_url=nats.url)

    children: list[subprocess.Popen[bytes]] = []
    try:
        store = open_store(settings.effective_database_url)
        try:
            store.init()
            if settings.seed_from:
                click.echo(f"seeding from {settings.seed_from}")
                # The seed follows the same rules as `mcp-registry import`, ownership included.
                report = run_import(
                    settings.seed_from,
                    store,
                    show_progress=False,
                    ownership=ownership_checker(settings),
                )
                print_report(report)
        finally:
            store.close()

        env = {**os.environ, **settings.to_env()}
        children.append(_child(["worker", "relay"], env))
        children.append(_child(["worker", "domains"], env))
        children.append(_child(["worker", "webhooks"], env))
        if settings.mirror_from:
            children.append(_child(["worker", "mirror"], env))
        children.append(_child(["serve", "all"], env))
        url = f"http://{settings.server_address}"
        if not _wait_ready(url, children, stop):
            if stop.is_set():
                return 0
            click.echo("the registry did not start; see the errors above", err=True)
            return 1
        click.echo(f"MCP Registry listening on {url}  (NATS {settings.nats_url}, data {data_dir})")
        click.echo(f"  try: curl '{url}/v0/servers?limit=5'   stop: Ctrl-C", err=True)
        while not stop.is_set():
            if any(child.poll() is not None for child in children):
                click.echo("a registry process exited unexpectedly; stopping", err=True)
                return 1
            stop.wait(0.5)
        return 0
    finally:
        _stop(children)
        if nats is not None:
            nats.stop()
