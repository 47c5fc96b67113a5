"""`./run dev` stops cleanly, with every child process, on SIGINT and SIGTERM."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from benchmarks.official_catalog import make_catalog
from tests.support.http import request
from tests.support.registry_process import start_registry, stop_registry

pytestmark = pytest.mark.e2e


def processes_mentioning(text: str) -> list[int]:
    """Live processes whose command line mentions ``text`` (our data dir is unique)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            environ = (entry / "environ").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if text in cmdline or text in environ:
            found.append(int(entry.name))
    return [pid for pid in found if pid != os.getpid()]


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_stops_with_all_children(tmp_path: Path, sig: int) -> None:
    running = start_registry(tmp_path, make_catalog(n_servers=3, seed=1))
    assert request(running.url, "GET", "/v0/ping").json == {"pong": True}
    assert processes_mentioning(str(running.data_dir))  # supervisor, nats, relay, gunicorn
    assert stop_registry(running, sig) == 0
    assert processes_mentioning(str(running.data_dir)) == []
    with pytest.raises(ConnectionRefusedError):
        request(running.url, "GET", "/v0/ping", timeout=2)
