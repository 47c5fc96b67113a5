"""Read-path measurements: list under load, deep paging, search, full and incremental sync.

Sequential measurements run from the benchmark process (one request at a time, so latency is
the server's and not a queue's); loads run in the load-generator process (``bench_load``).
Every loop is bounded by a duration and a count.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from benchmarks.catalog import SEARCH_TERMS
from benchmarks.load import Generator, LoadResult, combine, run_load
from benchmarks.probe import LatencySummary, get
from benchmarks.stack import Served

LIST_PATH = "/v0/servers?limit=100&version=latest"
MAX_PAGES = 10_000
MAX_SAMPLES = 2_000
DEEP_PAGE = 100


def _ok(served: Served, path: str) -> dict[str, object]:
    reply = get(served.url, path)
    if reply.status != 200:
        raise RuntimeError(f"GET {path} answered {reply.status}: {reply.body[:200]!r}")
    body: dict[str, object] = reply.json()
    return body


def _next_cursor(body: dict[str, object]) -> str | None:
    metadata = body.get("metadata")
    cursor = metadata.get("nextCursor") if isinstance(metadata, dict) else None
    return cursor if isinstance(cursor, str) else None


def _count(body: dict[str, object]) -> int:
    servers = body.get("servers")
    return len(servers) if isinstance(servers, list) else 0


def ceiling_body(reference: Served, work_dir: Path) -> Path:
    """(b) Save the list response's body for the constant-body server to send."""
    reply = get(reference.url, LIST_PATH)
    if reply.status != 200:
        raise RuntimeError(f"GET {LIST_PATH} answered {reply.status}")
    body_file = work_dir / "ceiling-body.json"
    body_file.write_bytes(reply.body)
    return body_file


def load_list(
    served: Served, *, duration: float, connections: int, generator: Generator
) -> LoadResult:
    """(a) ``GET /v0/servers?limit=100&version=latest`` under load, for one registry."""
    loads = interleaved_loads(
        {"list": served.url + LIST_PATH},
        duration=duration,
        rounds=1,
        connections=connections,
        generator=generator,
    )
    return loads["list"]


WARM_UP_SECONDS = 1.0
"""One connection's load per target before the measured slices."""


def interleaved_loads(
    urls: dict[str, str],
    *,
    duration: float,
    rounds: int,
    connections: int,
    generator: Generator,
    headers: dict[str, dict[str, str]] | None = None,
) -> dict[str, LoadResult]:
    """(a, b) Load each URL for ``duration`` seconds in total, in ``rounds`` alternating slices.

    Alternating spreads whatever else the machine is doing over every target alike, so the
    ratios between them hold even when the absolute numbers do not. ``headers`` maps a label
    to the request headers of its load.
    """
    for label, url in urls.items():
        # Warm every cache on the way with requests of the load's own shape: a single fetch
        # from here sends other headers (urllib's Accept-Encoding), so a cache keyed by Vary
        # (the ingress) held another variant, and the first slice met its cold start (the
        # load's 16 connections queued on nginx's cache lock, which waiters poll every 500 ms).
        run_load(
            url,
            duration=WARM_UP_SECONDS,
            connections=1,
            generator=generator,
            headers=(headers or {}).get(label),
        )
    slices: dict[str, list[LoadResult]] = {label: [] for label in urls}
    for _ in range(rounds):
        for label, url in urls.items():
            result = run_load(
                url,
                duration=duration / rounds,
                connections=connections,
                generator=generator,
                headers=(headers or {}).get(label),
            )
            slices[label].append(result)
    return {label: combine(results) for label, results in slices.items()}


@dataclass(frozen=True)
class DeepPaging:
    """(c) Latency of the first and the deepest page (``page``) of the latest list."""

    page: int
    first: LatencySummary
    deep: LatencySummary

    @property
    def ratio(self) -> float:
        return self.deep.p50_ms / self.first.p50_ms


def deep_paging(served: Served, *, duration: float) -> DeepPaging:
    """Walk the cursors to page 100 (or the last page), then time pages 1 and N alternately."""
    path = LIST_PATH
    page = 1
    body = _ok(served, path)
    while page < DEEP_PAGE and (cursor := _next_cursor(body)) is not None:
        path = f"{LIST_PATH}&cursor={quote(cursor)}"
        body = _ok(served, path)
        page += 1
    first: list[float] = []
    deep: list[float] = []
    deadline = time.monotonic() + duration
    for _ in range(MAX_SAMPLES // 2):
        first.append(get(served.url, LIST_PATH).ms)
        deep.append(get(served.url, path).ms)
        if time.monotonic() > deadline and len(first) >= 10:
            break
    return DeepPaging(page, LatencySummary.of(first), LatencySummary.of(deep))


def search_latency(served: Served, *, duration: float) -> LatencySummary:
    """(d) ``?search=<term>&version=latest&limit=100`` over a fixed mix of terms."""
    samples: list[float] = []
    deadline = time.monotonic() + duration
    for index in range(MAX_SAMPLES):
        term = SEARCH_TERMS[index % len(SEARCH_TERMS)]
        reply = get(served.url, f"/v0/servers?search={quote(term)}&version=latest&limit=100")
        if reply.status != 200:
            raise RuntimeError(f"search {term!r} answered {reply.status}")
        samples.append(reply.ms)
        if time.monotonic() > deadline and index >= len(SEARCH_TERMS):
            break
    return LatencySummary.of(samples)


def search_by_term(served: Served, *, rounds: int = 5) -> dict[str, float]:
    """The median latency of each term of the mix (``rounds`` requests each), to see which
    terms set the p99."""
    medians: dict[str, float] = {}
    for term in SEARCH_TERMS:
        path = f"/v0/servers?search={quote(term)}&version=latest&limit=100"
        samples = sorted(get(served.url, path).ms for _ in range(rounds))
        medians[term] = samples[len(samples) // 2]
    return medians


@dataclass(frozen=True)
class SyncRun:
    """(e) One sync: pages fetched, entries received, wall time and per-page latency."""

    pages: int
    items: int
    seconds: float
    page_latency: LatencySummary


def sync(served: Served, query: str) -> SyncRun:
    """Page through ``/v0/servers?limit=100&<query>`` until no ``nextCursor`` is returned."""
    base = f"/v0/servers?limit=100{'&' + query if query else ''}"
    path = base
    latencies: list[float] = []
    items = 0
    started = time.perf_counter()
    for _ in range(MAX_PAGES):
        reply = get(served.url, path)
        if reply.status != 200:
            raise RuntimeError(f"GET {path} answered {reply.status}")
        latencies.append(reply.ms)
        body = reply.json()
        items += _count(body)
        cursor = _next_cursor(body)
        if cursor is None:
            break
        path = f"{base}&cursor={quote(cursor)}"
    return SyncRun(
        len(latencies), items, time.perf_counter() - started, LatencySummary.of(latencies)
    )
