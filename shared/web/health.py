"""``/health``, ``/ping`` and ``/version``: answered by every service (DESIGN §9)."""

from __future__ import annotations

import falcon

from mcp_registry import __version__
from mcp_registry.shared.config import Settings


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


class PingResource:
    """``{"pong": true}``."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"pong": True}
        resp.cache_control = ["no-store"]


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
