"""Request-path handling shared by every service: encoded names and trailing slashes.

Server names contain a slash (``io.github.alice/weather``) and travel URL-encoded
(``io.github.alice%2Fweather``). WSGI servers decode ``PATH_INFO``, which would split such a
name into two segments, so routing uses the raw request URI instead and resources decode
their parameters with :func:`path_param`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

import falcon

API_PREFIXES: tuple[str, ...] = ("/v0", "/v0.1")
"""Every public route exists under each prefix, served by the same resource."""


def raw_path(env: dict[str, Any]) -> str | None:
    """The undecoded request path from ``RAW_URI``/``REQUEST_URI`` when the server gives one."""
    raw = env.get("RAW_URI") or env.get("REQUEST_URI")
    if not raw:
        return None
    path = str(raw).split("?", 1)[0]
    if path.startswith(("http://", "https://")):
        # Absolute-form request target: keep only the path.
        path = "/" + path.split("/", 3)[-1] if path.count("/") >= 3 else "/"
    return path or "/"


def query_params(req: falcon.Request) -> dict[str, str]:
    """Query parameters as single strings; a repeated parameter keeps its first value."""
    return {k: v[0] if isinstance(v, list) else v for k, v in req.params.items()}


def path_param(value: str) -> str:
    """Decode one path parameter routed from the raw path (``a%2Fb`` → ``a/b``)."""
    return unquote(value)


class RawPathMiddleware:
    """Route on the raw path and answer a trailing slash with 308 to the path without it."""

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        path = raw_path(req.env)
        if path is not None:
            # Falcon routes on ``req.path``; setting it here re-routes the request.
            req.path = path
        if len(req.path) > 1 and req.path.endswith("/"):
            target = req.path.rstrip("/") or "/"
            if req.query_string:
                target += "?" + req.query_string
            raise falcon.HTTPPermanentRedirect(location=target)
