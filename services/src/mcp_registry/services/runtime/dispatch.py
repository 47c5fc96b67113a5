"""One WSGI app out of several services, dispatched by the route table.

``mcp-registry dev`` serves this in one gunicorn, so a single process answers the whole
unified API exactly as the ingress would route it in production.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from mcp_registry.services.route_table import ROUTES, Route, service_for
from mcp_registry.shared.web.memory_answer import MemoryAnswer, RawAnswer
from mcp_registry.shared.web.paths import raw_path

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class RouteDispatcher:
    """Send each request to the app of the service the route table names.

    Unmatched paths go to ``fallback`` (its 404 is the registry's 404). A route whose
    service is not part of this composition answers 503 problem+json naming the service.
    """

    def __init__(
        self,
        apps: Mapping[str, WSGIApp],
        *,
        fallback: str,
        routes: tuple[Route, ...] = ROUTES,
    ) -> None:
        if fallback not in apps:
            raise ValueError(f"fallback service {fallback!r} is not composed")
        self._apps = dict(apps)
        self._fallback = fallback
        self._routes = routes
        self._memory_answers: list[MemoryAnswer] = [
            found
            for found in (getattr(app, "answer_from_memory", None) for app in self._apps.values())
            if found is not None
        ]

    def answer_from_memory(
        self, method: str, path: str, query: str, headers: Sequence[tuple[bytes, bytes]]
    ) -> RawAnswer | None:
        """A composed app's answer from memory, if one holds the request (see
        :mod:`mcp_registry.shared.web.memory_answer`)."""
        for answers in self._memory_answers:
            found = answers(method, path, query, headers)
            if found is not None:
                return found
        return None

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        path = raw_path(environ) or environ.get("PATH_INFO") or "/"
        # Route a trailing-slash path like its canonical form so the owner answers the 308.
        lookup = path.rstrip("/") or "/"
        service = service_for(environ.get("REQUEST_METHOD", "GET"), lookup, self._routes)
        if service is None:
            return self._apps[self._fallback](environ, start_response)
        app = self._apps.get(service)
        if app is None:
            body = json.dumps(
                {
                    "title": "Service Unavailable",
                    "status": 503,
                    "detail": f"The {service} service is not part of this deployment",
                }
            ).encode()
            start_response(
                "503 Service Unavailable",
                [("Content-Type", "application/problem+json"), ("Content-Length", str(len(body)))],
            )
            return [body]
        return app(environ, start_response)
