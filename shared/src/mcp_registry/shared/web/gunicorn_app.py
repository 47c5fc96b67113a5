"""Run a WSGI app factory under gunicorn, building the app in each worker after the fork.

Building after the fork matters: MongoDB clients, SQLite connections and NATS connections
must not be shared between processes. The same holds for metrics, created in the workers
(see :mod:`mcp_registry.shared.web.multiprocess_metrics`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from gunicorn.app.base import BaseApplication

from mcp_registry.shared.config import Settings
from mcp_registry.shared.web.multiprocess_metrics import child_exit, metrics_directory
from mcp_registry.shared.web.thread_worker import worker_class

WSGIApp = Callable[..., Any]


class FactoryApplication(BaseApplication):  # type: ignore[misc]
    """A gunicorn application whose ``load`` calls ``factory()`` (in the worker)."""

    def __init__(self, factory: Callable[[], WSGIApp], options: Mapping[str, Any]) -> None:
        self._factory = factory
        self._options = dict(options)
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self) -> WSGIApp:
        return self._factory()


def gunicorn_options(
    bind: str,
    *,
    workers: int,
    log_level: str,
    proc_name: str,
    threads: int = 4,
    keepalive: int = 5,
    header_timeout: float = 5.0,
    body_timeout: float = 10.0,
    worker_model: str = "asgi",
    max_body_bytes: int = 262_144,
    switch_interval: float = 0.0005,
) -> dict[str, Any]:
    """The options every registry process runs with.

    Either model keeps connections alive (a cached response costs no close per request) and
    gives a request a thread only once its head has arrived, so slow and idle clients stall
    nothing: ``asgi`` is uvicorn's worker with the app in a thread pool
    (:mod:`mcp_registry.shared.web.asgi_worker`, the faster one here), ``gthread`` gunicorn's
    threaded worker (:mod:`mcp_registry.shared.web.thread_worker`).
    """
    chosen: type[Any]
    if worker_model == "asgi":
        from mcp_registry.shared.web.asgi_worker import asgi_worker_class

        chosen = asgi_worker_class(
            threads=threads,
            max_body_bytes=max_body_bytes,
            header_timeout=header_timeout,
            body_timeout=body_timeout,
            switch_interval=switch_interval,
        )
    elif worker_model == "gthread":
        chosen = worker_class(header_timeout=header_timeout, body_timeout=body_timeout)
    else:
        raise ValueError(f"unknown worker model {worker_model!r}")
    return {
        "bind": bind,
        "workers": workers,
        "worker_class": chosen,
        "threads": threads,
        "preload_app": False,
        "loglevel": log_level,
        "proc_name": proc_name,
        "accesslog": None,
        "errorlog": "-",
        # Idle kept-alive connections, and connections that never send, close after this.
        "keepalive": keepalive,
        "timeout": 30,
        "graceful_timeout": 10,
        # Bound request lines and headers; bodies are bounded by the apps themselves.
        "limit_request_line": 8190,
        "limit_request_fields": 100,
        # A per-user control socket would collide between registries on one host
        # (tests run several); operators manage processes through signals instead.
        "control_socket_disable": True,
    }


def options_from_settings(
    bind: str, settings: Settings, *, proc_name: str, workers: int | None = None
) -> dict[str, Any]:
    """:func:`gunicorn_options` with the worker, thread and timeout settings applied."""
    return gunicorn_options(
        bind,
        workers=settings.workers if workers is None else workers,
        log_level=settings.log_level,
        proc_name=proc_name,
        threads=settings.threads,
        keepalive=settings.http_keepalive,
        header_timeout=settings.http_header_timeout,
        body_timeout=settings.http_body_timeout,
        worker_model=settings.worker_model,
        max_body_bytes=settings.max_body_bytes,
        switch_interval=settings.switch_interval,
    )


def run(factory: Callable[[], WSGIApp], options: Mapping[str, Any]) -> None:
    """Serve until gunicorn's arbiter exits (SIGTERM/SIGINT stop it gracefully).

    Metrics run in Prometheus multiprocess mode over a directory made for this run, so
    ``/metrics`` on any worker answers for all of them.
    """
    with metrics_directory():
        FactoryApplication(factory, {**options, "child_exit": child_exit}).run()
