"""Timed HTTP requests from the benchmark process, and the statistics of their latencies."""

from __future__ import annotations

import http.client
import json
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Timed:
    """One response: status, body and how long it took, in milliseconds."""

    status: int
    body: bytes
    ms: float

    def json(self) -> Any:
        return json.loads(self.body)


def get(
    base_url: str,
    path: str,
    *,
    timeout: float = 30.0,
    headers: Mapping[str, str] | None = None,
) -> Timed:
    """``GET base_url + path`` on a fresh connection (the registry's workers close them),
    with ``headers`` on the request."""
    parts = urlsplit(base_url)
    started = time.perf_counter()
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
    try:
        conn.request("GET", path, headers=dict(headers or {}))
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    return Timed(response.status, body, (time.perf_counter() - started) * 1000)


def fetch(url: str, *, timeout: float = 30.0, headers: Mapping[str, str] | None = None) -> Timed:
    """``GET`` an absolute ``http://host:port/path?query`` URL (with ``headers``)."""
    parts = urlsplit(url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return get(f"{parts.scheme}://{parts.netloc}", path, timeout=timeout, headers=headers)


def percentile(samples: list[float], fraction: float) -> float:
    """The nearest-rank percentile (``fraction`` in 0..1) of non-empty ``samples``."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class LatencySummary:
    """p50/p99 and mean of a latency sample, in milliseconds."""

    count: int
    p50_ms: float
    p99_ms: float
    mean_ms: float

    @classmethod
    def of(cls, samples: list[float]) -> LatencySummary:
        return cls(
            count=len(samples),
            p50_ms=percentile(samples, 0.50),
            p99_ms=percentile(samples, 0.99),
            mean_ms=sum(samples) / len(samples),
        )
