"""The one JSON request-body parser of every route: bounded, chunked-aware, strict.

Every resource that takes a body reads it with :func:`read_json_body` (or
:func:`read_optional_json_body` when a route accepts none), so one set of rules holds
everywhere: at most ``max_bytes`` bytes whether the client sent ``Content-Length`` or a
chunked body, and only the JSON :func:`~mcp_registry.shared.web.strict_json.decode_strict`
accepts (depth, number size, finite numbers, valid Unicode).
"""

from __future__ import annotations

from typing import Any

import falcon

from mcp_registry.shared.errors import (
    BadRequest,
    ErrorDetail,
    InvalidInput,
    PayloadTooLarge,
    RequestTimeout,
)
from mcp_registry.shared.web.strict_json import decode_strict

BODY_REQUIRED = "request body is required"
"""The official registry's detail for a route that needs a body and got none (400)."""


def read_raw_body(req: falcon.Request, *, max_bytes: int) -> bytes:
    """The request body's bytes, never reading more than ``max_bytes + 1`` of them.

    With ``Content-Length`` the declared length is checked before reading. Without one, a
    chunked body (``Transfer-Encoding: chunked``, or a server that marks its input as
    terminated, as gunicorn does) is read from the de-chunked input stream up to the bound;
    a request with neither has no body. Raises :class:`PayloadTooLarge` (413).
    """
    length = req.content_length
    try:
        if length is not None:
            if length > max_bytes:
                raise PayloadTooLarge(f"Request body is {length} bytes; the limit is {max_bytes}")
            raw: bytes = req.bounded_stream.read(max_bytes + 1)
        elif _is_chunked(req):
            raw = _read_up_to(req.stream, max_bytes + 1)
        else:
            return b""
    except TimeoutError:
        # The server's body read timeout (MCP_REGISTRY_HTTP_BODY_TIMEOUT) passed mid-body.
        raise RequestTimeout("The request body stalled") from None
    if len(raw) > max_bytes:
        raise PayloadTooLarge(f"Request body exceeds the limit of {max_bytes} bytes")
    return raw


def read_json_body(req: falcon.Request, *, max_bytes: int) -> Any:
    """The decoded JSON body of a route that requires one.

    Raises :class:`BadRequest` (400, ``request body is required``) when there is no body at
    all, :class:`PayloadTooLarge` (413) over ``max_bytes``, and :class:`InvalidInput` (422)
    for a body that is blank or not strict JSON.
    """
    raw = read_raw_body(req, max_bytes=max_bytes)
    if not raw:
        raise BadRequest(BODY_REQUIRED, [ErrorDetail("expected a JSON body", "body")])
    return _decode(raw)


def read_optional_json_body(req: falcon.Request, *, max_bytes: int) -> Any | None:
    """Like :func:`read_json_body`, but ``None`` when the request carries no body."""
    raw = read_raw_body(req, max_bytes=max_bytes)
    return _decode(raw) if raw else None


def read_json_object(
    req: falcon.Request, *, max_bytes: int, optional: bool = False
) -> dict[str, Any]:
    """The body as a JSON object (422 for any other JSON value).

    With ``optional``, a request without a body reads as ``{}``.
    """
    body = (
        read_optional_json_body(req, max_bytes=max_bytes)
        if optional
        else read_json_body(req, max_bytes=max_bytes)
    )
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise InvalidInput("Request body must be a JSON object", [ErrorDetail("", "body")])
    return body


def _decode(raw: bytes) -> Any:
    if not raw.strip():
        raise InvalidInput("Request body is empty", [ErrorDetail("expected JSON", "body")])
    return decode_strict(raw)


def _is_chunked(req: falcon.Request) -> bool:
    encoding = (req.get_header("Transfer-Encoding") or "").lower()
    return "chunked" in encoding or bool(req.env.get("wsgi.input_terminated"))


def _read_up_to(stream: Any, limit: int) -> bytes:
    # A de-chunking reader may return fewer bytes than asked before the end: loop to EOF.
    parts: list[bytes] = []
    remaining = limit
    while remaining > 0:
        chunk = stream.read(min(remaining, 65536))
        if not chunk:
            break
        parts.append(chunk)
        remaining -= len(chunk)
    return b"".join(parts)
