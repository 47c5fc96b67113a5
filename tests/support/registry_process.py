"""The registry as a subprocess, started exactly as the README's Quickstart says."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.http import free_port

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 180.0


@dataclass
class RunningRegistry:
    """A started registry: its URL, process, data dir, seed and what it printed so far."""

    url: str
    process: subprocess.Popen[str]
    data_dir: Path
    catalog: list[dict[str, Any]]
    output: list[str]
    reader: threading.Thread
    ready_at: float


def _readme_run_command() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quickstart", 1)[1].split("```", 2)[1]
    first = next(line for line in block.splitlines()[1:] if line.strip())
    return first.split()


def start_registry(
    workdir: Path, catalog: list[dict[str, Any]], extra_env: dict[str, str] | None = None
) -> RunningRegistry:
    """Run the README's first Quickstart line with its own port, data dir and seed."""
    seed = workdir / "seed.json"
    seed.write_text(json.dumps(catalog), encoding="utf-8")
    port = free_port()
    env = {
        **os.environ,
        "MCP_REGISTRY_SERVER_ADDRESS": f"127.0.0.1:{port}",
        "MCP_REGISTRY_DATA_DIR": str(workdir / "data"),
        "MCP_REGISTRY_SEED_FROM": str(seed),
        "MCP_REGISTRY_WORKERS": "2",
        # The catalog names packages that exist nowhere; there is no registry to ask here.
        "MCP_REGISTRY_ENABLE_REGISTRY_VALIDATION": "false",
        **(extra_env or {}),
    }
    env.pop("MCP_REGISTRY_NATS_URL", None)
    env.pop("MCP_REGISTRY_DATABASE_URL", None)
    process = subprocess.Popen(
        _readme_run_command(),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output: list[str] = []
    listening = threading.Event()

    def drain() -> None:
        # Keep reading so the child never blocks on a full pipe; remember the URL line.
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            if "listening on " in line:
                listening.set()

    reader = threading.Thread(target=drain, name="registry-output", daemon=True)
    reader.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not listening.wait(0.2):
        if process.poll() is not None or time.monotonic() > deadline:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            reader.join(5)
            pytest.fail("registry did not start:\n" + "".join(output))
    line = next(line for line in output if "listening on " in line)
    url = line.split("listening on ", 1)[1].split()[0]
    return RunningRegistry(
        url, process, workdir / "data", catalog, output, reader, time.monotonic()
    )


def stop_registry(running: RunningRegistry, sig: int = signal.SIGINT) -> int:
    """Signal the supervisor like a terminal would; kill the group only as a last resort."""
    process = running.process
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    running.reader.join(5)
    if process.stdout is not None:
        process.stdout.close()
    return process.returncode
