"""Prometheus metrics of every service: request counts and durations, response-cache lookups.

Labels are bounded: the route is Falcon's URI template (``/v0/servers/{name}/versions``),
never the raw path; methods outside the HTTP verbs the registry knows count as ``OTHER``;
statuses count by class (``2xx``). Instruments are created on first use, in the process that
serves requests: under gunicorn that is the worker, after the runner chose multiprocess mode
(see :mod:`mcp_registry.shared.web.multiprocess_metrics`).

``GET /metrics`` answers in the Prometheus text format. In multiprocess mode it aggregates the
files of every worker of this server, so any worker answers for all of them.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import falcon
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.metrics_core import Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
"""Set (by the gunicorn runner) to the directory the workers' metric files live in."""

METRICS_PATH = "/metrics"

UNMATCHED_ROUTE = "(unmatched)"
"""The route label of requests no route answered (404s, redirects before routing)."""

KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
"""Seconds; reads from the response cache take milliseconds, ownership checks seconds."""

_START = "metrics_started_at"


@dataclass(frozen=True)
class Instruments:
    """The metric objects of this process."""

    requests: Counter
    duration: Histogram
    cache_lookups: Counter


_lock = threading.Lock()
_instruments: Instruments | None = None


def instruments() -> Instruments:
    """This process's instruments, registered in the default registry on first use."""
    global _instruments
    with _lock:
        if _instruments is None:
            _instruments = Instruments(
                requests=Counter(
                    "mcp_registry_http_requests",
                    "HTTP requests answered, by service, method, route template and status class",
                    ("service", "method", "route", "status"),
                ),
                duration=Histogram(
                    "mcp_registry_http_request_duration_seconds",
                    "Time to answer an HTTP request, by service and route template",
                    ("service", "route"),
                    buckets=DURATION_BUCKETS,
                ),
                cache_lookups=Counter(
                    "mcp_registry_response_cache_lookups",
                    "Lookups in discovery's response cache, by result (hit or miss)",
                    ("result",),
                ),
            )
        return _instruments


_lookup_counters: dict[bool, Counter] = {}


def record_cache_lookup(hit: bool) -> None:
    """Count one response-cache lookup."""
    counter = _lookup_counters.get(hit)
    if counter is None:
        # Found once per process (after the fork: instruments are the worker's own).
        counter = instruments().cache_lookups.labels("hit" if hit else "miss")
        _lookup_counters[hit] = counter
    counter.inc()


def status_class(code: int) -> str:
    """``2xx`` for 200..299 and so on."""
    return f"{code // 100}xx"


class MetricsMiddleware:
    """Count and time every request of the app under the ``service`` label."""

    def __init__(self, service: str) -> None:
        self._service = service
        instruments()

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Note when the request started."""
        req.context[_START] = time.perf_counter()

    def process_response(
        self,
        req: falcon.Request,
        resp: falcon.Response,
        resource: object,
        req_succeeded: bool,
    ) -> None:
        """Record the request once its status is final."""
        started = req.context.get(_START)
        route = req.uri_template or UNMATCHED_ROUTE
        method = req.method if req.method in KNOWN_METHODS else "OTHER"
        found = instruments()
        found.requests.labels(self._service, method, route, status_class(resp.status_code)).inc()
        if isinstance(started, float):
            found.duration.labels(self._service, route).observe(time.perf_counter() - started)


_live: dict[str, Collector] = {}
_live_lock = threading.Lock()


def set_live_collector(key: str, collector: Collector) -> None:
    """Serve ``collector`` on ``/metrics`` of this process, computed at each scrape.

    For state every process shares (the outbox backlog): one collector per ``key``, the last
    app built in this process wins, so rebuilding an app never duplicates a metric.
    """
    with _live_lock:
        _live[key] = collector


def _live_exposition() -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    with _live_lock:
        collectors = list(_live.values())
    for collector in collectors:
        registry.register(collector)
    return generate_latest(registry)


ExtraMetrics = Callable[[], Iterable[Metric]]
"""Metric families read on each scrape (e.g. from the store), beside the instruments."""


class _Extra(Collector):
    def __init__(self, collect: ExtraMetrics) -> None:
        self._collect = collect

    def collect(self) -> Iterable[Metric]:
        return self._collect()


def exposition(extra: ExtraMetrics | None = None) -> bytes:
    """The metrics of this server in the Prometheus text format, plus ``extra``'s.

    In multiprocess mode a fresh registry collects every worker's files; otherwise the
    process's default registry (with its process and platform collectors) is rendered. The
    live collectors follow, computed now by this process.
    """
    directory = os.environ.get(MULTIPROC_ENV)
    if directory:
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
        text = generate_latest(registry)
    else:
        text = generate_latest(REGISTRY)
    text += _live_exposition()
    if extra is not None:
        own = CollectorRegistry(auto_describe=False)
        own.register(_Extra(extra))
        text += generate_latest(own)
    return text


class MetricsResource:
    """``GET /metrics``: for scrapers that reach the service directly, not via the ingress.

    ``extra`` adds metric families read at scrape time (discovery: the mirror's progress).
    """

    def __init__(self, extra: ExtraMetrics | None = None) -> None:
        self.extra = extra

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Answer the exposition; only on the canonical path (Falcon also routes ``//metrics``)."""
        if req.path != METRICS_PATH:
            raise falcon.HTTPNotFound()
        resp.data = exposition(self.extra)
        resp.content_type = CONTENT_TYPE_LATEST
        resp.cache_control = ["no-store"]

    on_head = on_get
