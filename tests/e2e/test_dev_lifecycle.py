"""`./run dev` stops cleanly, with every child process, on SIGINT and SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import pytest

from benchmarks.official_catalog import make_catalog
from tests.support.http import free_port, request
from tests.support.registry_process import (
    ROOT,
    START_TIMEOUT,
    _readme_run_command,
    start_registry,
    stop_registry,
)

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


def run_second(workdir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The README's run command once more, expected to refuse to start (so it returns)."""
    environment = {
        **os.environ,
        "MCP_REGISTRY_DATA_DIR": str(workdir / "data"),
        "MCP_REGISTRY_SERVER_ADDRESS": f"127.0.0.1:{free_port()}",
        **env,
    }
    environment.pop("MCP_REGISTRY_NATS_URL", None)
    environment.pop("MCP_REGISTRY_DATABASE_URL", None)
    return subprocess.run(
        _readme_run_command(),
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
        check=False,
    )


def test_a_second_dev_on_the_same_data_dir_or_port_is_refused_clearly(tmp_path: Path) -> None:
    running = start_registry(tmp_path, [])
    try:
        same_dir = run_second(tmp_path)
        assert same_dir.returncode == 1
        assert "already using the data directory" in same_dir.stderr
        assert "MCP_REGISTRY_DATA_DIR" in same_dir.stderr
        address = running.url.removeprefix("http://")
        same_port = run_second(tmp_path / "other", MCP_REGISTRY_SERVER_ADDRESS=address)
        assert same_port.returncode == 1
        lines = [line for line in same_port.stderr.splitlines() if line.strip()]
        assert lines == [
            f"cannot listen on {address}: it is already in use; stop whatever uses it, or "
            "choose another address with MCP_REGISTRY_SERVER_ADDRESS=host:port"
        ]
        # The running registry was not disturbed by either.
        assert request(running.url, "GET", "/v0/ping").json == {"pong": True}
        assert len(list((running.data_dir / "nats").glob("nats-server_*.ports"))) <= 1
    finally:
        assert stop_registry(running) == 0


def test_a_plugin_that_cannot_load_fails_the_start_loudly(tmp_path: Path) -> None:
    refused = run_second(tmp_path, MCP_REGISTRY_PLUGINS="no-such-plugin")
    assert refused.returncode == 1
    assert "cannot start" in refused.stderr
    assert "no-such-plugin" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_a_clean_stop_logs_no_nats_warnings(tmp_path: Path) -> None:
    running = start_registry(tmp_path, make_catalog(n_servers=3, seed=2))
    assert request(running.url, "GET", "/v0/servers").status == 200
    # What a terminal's Ctrl-C does: SIGINT to the whole foreground process group.
    os.killpg(running.process.pid, signal.SIGINT)
    assert stop_registry(running) == 0
    output = "".join(running.output)
    assert "WARNING" not in output, output
    assert "Traceback" not in output, output
