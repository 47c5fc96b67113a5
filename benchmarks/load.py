"""Throughput under load from a separate process: ``wrk`` when available, else Python.

``ensure_wrk`` is the benchmark's setup step: when ``wrk`` is missing and this is a Debian
system run as root, it runs ``apt-get update`` and ``apt-get install -y wrk``. When that is
impossible the Python generator is used: ``connections`` processes, each sending requests on
fresh connections in a loop until the duration ends. Both report requests per second and
latency percentiles; the result names the generator that produced it.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from typing import Literal

from benchmarks.probe import get, percentile

Generator = Literal["wrk", "python"]
APT_TIMEOUT = 300.0
_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_LATENCY_LINE = re.compile(r"^\s*(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.MULTILINE)
_RPS_LINE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
_TOTAL_LINE = re.compile(r"^\s*(\d+) requests in ", re.MULTILINE)
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read \d+, write (\d+), timeout (\d+)")


@dataclass(frozen=True)
class LoadResult:
    """What a load run measured; ``errors`` counts non-2xx answers and failed connections."""

    generator: Generator
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


def ensure_wrk(log: list[str]) -> bool:
    """True when ``wrk`` is on PATH, installing it with apt-get first if it is missing."""
    if shutil.which("wrk"):
        return True
    if not shutil.which("apt-get") or os.geteuid() != 0:
        log.append("wrk missing and apt-get unavailable (or not root): using the Python generator")
        return False
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for args in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "wrk"]):
        try:
            subprocess.run(args, env=env, check=True, capture_output=True, timeout=APT_TIMEOUT)
        except (subprocess.SubprocessError, OSError) as exc:
            log.append(f"installing wrk failed ({' '.join(args)}: {exc}): using Python")
            return False
    log.append("installed wrk with apt-get")
    return shutil.which("wrk") is not None


def parse_wrk(output: str) -> LoadResult:
    """The numbers of ``wrk --latency`` output; ``ValueError`` when a figure is missing."""
    latencies = {
        m.group(1): float(m.group(2)) * _UNITS_MS[m.group(3)]
        for m in _LATENCY_LINE.finditer(output)
    }
    rps = _RPS_LINE.search(output)
    total = _TOTAL_LINE.search(output)
    if rps is None or total is None or "50" not in latencies or "99" not in latencies:
        raise ValueError(f"unexpected wrk output:\n{output}")
    errors = 0
    if non_2xx := _NON_2XX.search(output):
        errors += int(non_2xx.group(1))
    if sockets := _SOCKET_ERRORS.search(output):
        # Read errors are not counted: the sync workers close every connection after a reply.
        errors += sum(int(sockets.group(i)) for i in (1, 2, 3))
    return LoadResult(
        generator="wrk",
        requests=int(total.group(1)),
        rps=float(rps.group(1)),
        p50_ms=latencies["50"],
        p99_ms=latencies["99"],
        errors=errors,
    )


def _run_wrk(
    url: str, duration: float, connections: int, headers: dict[str, str] | None = None
) -> LoadResult:
    seconds = max(1, round(duration))
    extra = [arg for name, value in (headers or {}).items() for arg in ("-H", f"{name}: {value}")]
    completed = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "--timeout",
            "10s",
            *extra,
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    return parse_wrk(completed.stdout)


def _python_worker(
    url: str,
    path: str,
    duration: float,
    out: multiprocessing.SimpleQueue[tuple[list[float], int, float]],
    headers: dict[str, str] | None = None,
) -> None:
    samples: list[float] = []
    errors = 0
    started = time.monotonic()
    while time.monotonic() - started < duration:
        try:
            reply = get(url, path, timeout=10, headers=headers)
        except OSError:
            errors += 1
            continue
        if 200 <= reply.status < 400:
            samples.append(reply.ms)
        else:
            errors += 1
    out.put((samples, errors, time.monotonic() - started))


def _run_python(
    url: str, duration: float, connections: int, headers: dict[str, str] | None = None
) -> LoadResult:
    scheme, _, rest = url.partition("://")
    host, _, path = rest.partition("/")
    context = multiprocessing.get_context("spawn")
    queue: multiprocessing.SimpleQueue[tuple[list[float], int, float]] = context.SimpleQueue()
    workers = [
        context.Process(
            target=_python_worker,
            args=(f"{scheme}://{host}", "/" + path, duration, queue, headers),
        )
        for _ in range(connections)
    ]
    for worker in workers:
        worker.start()
    results = [queue.get() for _ in workers]
    for worker in workers:
        worker.join()
    samples = [ms for batch, _, _ in results for ms in batch]
    errors = sum(count for _, count, _ in results)
    if not samples:
        raise RuntimeError(f"no successful request to {url} ({errors} errors)")
    return LoadResult(
        generator="python",
        requests=len(samples),
        # Each process measures its own window: their start-up times do not count.
        rps=sum(len(batch) / active for batch, _, active in results),
        p50_ms=percentile(samples, 0.50),
        p99_ms=percentile(samples, 0.99),
        errors=errors,
    )


def combine(results: list[LoadResult]) -> LoadResult:
    """One figure from equal-length slices: mean throughput, median of each percentile."""
    if not results:
        raise ValueError("nothing to combine")

    def median(values: list[float]) -> float:
        ordered = sorted(values)
        middle = len(ordered) // 2
        if len(ordered) % 2:
            return ordered[middle]
        return (ordered[middle - 1] + ordered[middle]) / 2

    return LoadResult(
        generator=results[0].generator,
        requests=sum(r.requests for r in results),
        rps=sum(r.rps for r in results) / len(results),
        p50_ms=median([r.p50_ms for r in results]),
        p99_ms=median([r.p99_ms for r in results]),
        errors=sum(r.errors for r in results),
    )


def run_load(
    url: str,
    *,
    duration: float,
    connections: int,
    generator: Generator,
    headers: dict[str, str] | None = None,
) -> LoadResult:
    """Load ``url`` for ``duration`` seconds with ``connections`` concurrent clients
    (``headers`` on every request)."""
    if generator == "wrk":
        return _run_wrk(url, duration, connections, headers)
    return _run_python(url, duration, connections, headers)
