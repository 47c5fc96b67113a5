"""Run a WSGI app factory under gunicorn, building the app in each worker after the fork.

Building after the fork matters: MongoDB clients, SQLite connections and NATS connections
must not be shared between processes. The same holds for metrics, created in the workers
(see :mod:`mcp_registry.shared.web.multiprocess_metrics`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from gunicorn.app.base import BaseApplication

from mcp_registry.shared.web.multiprocess_metrics import child_exit, metrics_directory

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


def gunicorn_options(bind: str, *, workers: int, log_level: str, proc_name: str) -> dict[str, Any]:
    """The options every registry process runs with."""
    return {
        "bind": bind,
        "workers": workers,
        # Threads, not sync workers: a change-feed long poll (``wait=``, up to 30 s) holds
        # one thread, not a whole worker, and a sync worker would be killed by ``timeout``.
        "worker_class": "gthread",
        "threads": 8,
        "preload_app": False,
        "loglevel": log_level,
        "proc_name": proc_name,
        "accesslog": None,
        "errorlog": "-",
        # Slow clients are the CDN's job; keep workers from being held by idle sockets.
        "keepalive": 5,
        "timeout": 30,
        "graceful_timeout": 10,
        # Bound request lines and headers; bodies are bounded by the apps themselves.
        "limit_request_line": 8190,
        "limit_request_fields": 100,
        # A per-user control socket would collide between registries on one host
        # (tests run several); operators manage processes through signals instead.
        "control_socket_disable": True,
    }


def run(factory: Callable[[], WSGIApp], options: Mapping[str, Any]) -> None:
    """Serve until gunicorn's arbiter exits (SIGTERM/SIGINT stop it gracefully).

    Metrics run in Prometheus multiprocess mode over a directory made for this run, so
    ``/metrics`` on any worker answers for all of them.
    """
    with metrics_directory():
        FactoryApplication(factory, {**options, "child_exit": child_exit}).run()
