"""(g) Resident memory per worker after a fixed read workload, at a given catalog size.

The workload touches everything a worker may keep: a full sync of every version, a walk of
every latest page, every search term, then the hot list under load, so the response cache
holds as much as it ever will for that catalog.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import quote

from benchmarks.catalog import SEARCH_TERMS
from benchmarks.load import Generator
from benchmarks.probe import get
from benchmarks.reads import load_list, sync
from benchmarks.stack import Served


@dataclass(frozen=True)
class MemoryPoint:
    """Worker RSS (MiB) at ``versions`` stored: right after start and after the workload."""

    versions: int
    workers: int
    rss_start_mb: float
    rss_mb: float

    @property
    def growth_mb(self) -> float:
        return self.rss_mb - self.rss_start_mb


def _mean(values: list[float]) -> float:
    if not values:
        raise RuntimeError("no worker processes found (RSS needs Linux /proc)")
    return sum(values) / len(values)


def measure_memory(
    served: Served, *, versions: int, rss_start: list[float], duration: float, generator: Generator
) -> MemoryPoint:
    """Run the workload against ``served`` and read its workers' RSS (mean over workers)."""
    sync(served, "")
    sync(served, "version=latest")
    for term in SEARCH_TERMS:
        get(served.url, f"/v0/servers?search={quote(term)}&version=latest&limit=100")
    workers = len(served.worker_pids())
    load_list(served, duration=duration, connections=2 * workers, generator=generator)
    return MemoryPoint(versions, workers, _mean(rss_start), _mean(served.worker_rss_mb()))


def growth_exponent(small: MemoryPoint, large: MemoryPoint) -> float:
    """``k`` in RSS = c * versions^k between two points (below 1 is sub-linear)."""
    return math.log(large.rss_mb / small.rss_mb) / math.log(large.versions / small.versions)
