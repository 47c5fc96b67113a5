"""Server-side failures answered without the backend's own words.

A storage failure's message names tables, drivers and SQL; it is for the operator, not the
client. :func:`handle_storage_error` logs it under a fresh request id and answers a generic
500 problem carrying only that id (``detail`` and the ``X-Request-Id`` header), so a report
from a client can be matched to the log line.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

import falcon

from mcp_registry.shared.errors import StorageError

PROBLEM_JSON = "application/problem+json"
REQUEST_ID_HEADER = "X-Request-Id"

log = logging.getLogger(__name__)


def new_request_id() -> str:
    """A random id naming one failure in the log and in its response."""
    return uuid.uuid4().hex


def handle_storage_error(
    req: falcon.Request, resp: falcon.Response, ex: StorageError, params: dict[str, Any]
) -> None:
    """Log ``ex`` (message and cause) with a request id; answer 500 naming only the id."""
    request_id = new_request_id()
    log.error(
        "storage failure on %s %s (request id %s): %s",
        req.method,
        req.path,
        request_id,
        ex.detail,
        exc_info=ex,
    )
    resp.status = 500
    resp.content_type = PROBLEM_JSON
    resp.text = json.dumps(
        {
            "title": "Internal Server Error",
            "status": 500,
            "detail": f"An internal error occurred (request id {request_id})",
        }
    )
    resp.cache_control = ["no-store"]
    resp.set_header(REQUEST_ID_HEADER, request_id)
