"""Map every error to ``application/problem+json`` in the official registry's shape."""

from __future__ import annotations

import json
import logging
from typing import Any

import falcon

from mcp_registry.shared.errors import RegistryError, StorageError
from mcp_registry.shared.web.incidents import handle_storage_error
from mcp_registry.shared.web.paths import API_PREFIXES

PROBLEM_JSON = "application/problem+json"

log = logging.getLogger(__name__)


def _write_problem(resp: falcon.Response, status: int, body: dict[str, Any]) -> None:
    resp.status = status
    resp.content_type = PROBLEM_JSON
    resp.text = json.dumps(body)
    # Errors are never cached by browsers or CDNs: a 404 may become a 200 a second later.
    resp.cache_control = ["no-store"]


def handle_registry_error(
    req: falcon.Request, resp: falcon.Response, ex: RegistryError, params: dict[str, Any]
) -> None:
    """Domain errors carry their own status, title, detail and errors list."""
    _write_problem(resp, ex.status, ex.to_problem())
    for name, value in ex.headers.items():
        resp.set_header(name, value)


def handle_http_error(
    req: falcon.Request, resp: falcon.Response, ex: falcon.HTTPError, params: dict[str, Any]
) -> None:
    """Falcon's own errors (unknown route, wrong method, bad media) in the same shape."""
    status = ex.status_code
    # Falcon titles carry the code ("404 Not Found"); problem titles are the phrase alone, as
    # for the registry's own errors.
    title = falcon.code_to_http_status(status).split(" ", 1)[-1]
    detail = ex.description or (ex.title if ex.title and ex.title[:3] != str(status) else title)
    if isinstance(ex, falcon.HTTPRouteNotFound):
        detail = route_not_found_detail(req.path)
    body: dict[str, Any] = {"title": title, "status": status, "detail": detail}
    _write_problem(resp, status, body)
    if ex.headers:
        resp.set_headers(ex.headers)


def route_not_found_detail(path: str) -> str:
    """The 404 detail for an unknown path; an unprefixed one gets the prefixed suggestions."""
    if any(path == p or path.startswith(p + "/") for p in API_PREFIXES):
        return "Endpoint not found. See /docs for the available endpoints"
    return (
        f"Endpoint not found. Did you mean '/v0.1{path}' or '/v0{path}'? "
        "API endpoints are versioned under /v0.1 and /v0"
    )


def handle_unexpected(
    req: falcon.Request, resp: falcon.Response, ex: Exception, params: dict[str, Any]
) -> None:
    """Anything else is a bug: log it with the trace, tell the client nothing internal."""
    if isinstance(ex, falcon.HTTPError | falcon.HTTPStatus):
        raise ex
    log.exception("unhandled error on %s %s", req.method, req.path)
    _write_problem(
        resp,
        500,
        {"title": "Internal Server Error", "status": 500, "detail": "An unexpected error occurred"},
    )


def install_error_handlers(app: falcon.App[falcon.Request, falcon.Response]) -> None:
    """Register the handlers; later registrations win, so the most specific goes last."""
    app.add_error_handler(Exception, handle_unexpected)
    app.add_error_handler(falcon.HTTPError, handle_http_error)
    app.add_error_handler(RegistryError, handle_registry_error)
    # Storage messages name backend internals: logged under a request id, never sent.
    app.add_error_handler(StorageError, handle_storage_error)
