"""Registry processes for tests: ``mcp-registry serve`` children in their own sessions."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import pytest

from tests.support.http import request
from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "mcp_registry.cli.registry.main"]
START_TIMEOUT = 120.0
STOP_TIMEOUT = 20.0


@dataclass
class Child:
    """A process in its own session, its output in a file."""

    name: str
    process: subprocess.Popen[bytes]
    log_path: Path
    log: TextIO

    def output(self) -> str:
        self.log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def run_cli(args: list[str], env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """Run ``mcp-registry ARGS`` to completion."""
    return subprocess.run(
        [*CLI, *args], cwd=ROOT, env=dict(env), capture_output=True, text=True, timeout=120
    )


def spawn(name: str, argv: list[str], workdir: Path, env: Mapping[str, str]) -> Child:
    """Start ``argv`` (e.g. ``[*CLI, "serve", "all"]``, or nginx) in a session of its own,
    its output in ``workdir/<name>.log``."""
    log_path = workdir / f"{name}.log"
    log = log_path.open("w", encoding="utf-8")
    try:
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    except BaseException:
        log.close()
        raise
    return Child(name, process, log_path, log)


def stop(child: Child, sig: int = signal.SIGTERM) -> None:
    """Ask politely, wait (bounded), then kill whatever is left of the child's group."""
    process = child.process
    try:
        if process.poll() is None:
            process.send_signal(sig)
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=STOP_TIMEOUT)
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT)
    finally:
        child.log.close()


def wait_for_answer(
    url: str,
    path: str,
    children: list[Child],
    *,
    status: int = 200,
    timeout: float = START_TIMEOUT,
) -> None:
    """Poll ``url + path`` until it answers ``status``; fail at once when a child exits, and
    with every child's log when the deadline passes."""

    def answered() -> bool:
        dead = [c for c in children if c.process.poll() is not None]
        if dead:
            pytest.fail(f"{dead[0].name} exited:\n{dead[0].output()}")
        try:
            return request(url, "GET", path, timeout=2).status == status
        except OSError:
            return False

    try:
        wait_until(answered, timeout=timeout, what=f"{url}{path} to answer {status}")
    except AssertionError as exc:
        logs = "\n".join(f"--- {c.name}\n{c.output()}" for c in children)
        pytest.fail(f"{exc}:\n{logs}")


def wait_until_healthy(url: str, children: list[Child]) -> None:
    """Poll ``url/v0/health`` until it answers 200; fail with the logs otherwise."""
    wait_for_answer(url, "/v0/health", children)
