"""``/health``, ``/ping`` and ``/version``: answered by every service (DESIGN §9).

``/ready`` is the deployment's readiness probe: it runs the process's dependency checks
(MongoDB, NATS) and answers 503 while one fails. ``/health`` stays a liveness answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import falcon

from mcp_registry.shared.config import Settings
from mcp_registry.shared.release import __version__


class HealthResource:
    """``{"status": "ok", "github_client_id"?}`` — the publisher CLI reads the client id here."""

    def __init__(self, settings: Settings) -> None:
        body: dict[str, str] = {"status": "ok"}
        if settings.github_client_id:
            body["github_client_id"] = settings.github_client_id
        self._body = body

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = self._body
        resp.cache_control = ["no-store"]

    on_head = on_get


class PingResource:
    """``{"pong": true}``."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"pong": True}
        resp.cache_control = ["no-store"]

    on_head = on_get


class VersionResource:
    """``{"version", "git_commit", "build_time"}`` of the running build."""

    def __init__(self, settings: Settings) -> None:
        self._body = {
            "version": __version__,
            "git_commit": settings.git_commit,
            "build_time": settings.build_time,
        }

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = self._body
        resp.cache_control = ["no-store"]

    on_head = on_get


ReadinessCheck = Callable[[], object]
"""Returns when a dependency is usable; raises (any exception) when it is not."""


class ReadinessResource:
    """``{"status": "ready"|"unavailable", "checks": {name: "ok"|reason}}``; 503 on a failure."""

    def __init__(self, checks: Mapping[str, ReadinessCheck]) -> None:
        self._checks = dict(checks)

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        results: dict[str, str] = {}
        for name, check in self._checks.items():
            try:
                check()
            except Exception as exc:  # a probe reports every failure, whatever its type
                results[name] = f"{type(exc).__name__}: {exc}"[:200]
            else:
                results[name] = "ok"
        ready = all(result == "ok" for result in results.values())
        resp.status = falcon.HTTP_200 if ready else falcon.HTTP_503
        resp.media = {"status": "ready" if ready else "unavailable", "checks": results}
        resp.cache_control = ["no-store"]
