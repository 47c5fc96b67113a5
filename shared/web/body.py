"""Bounded JSON request bodies."""

from __future__ import annotations

import json
from typing import Any

import falcon

from mcp_registry.shared.errors import ErrorDetail, InvalidInput, PayloadTooLarge, RequestTimeout


def read_json_body(req: falcon.Request, *, max_bytes: int) -> Any:
    """The decoded JSON body, refusing bodies over ``max_bytes`` before reading them whole.

    Raises :class:`PayloadTooLarge` (413) for oversized bodies, :class:`InvalidInput` (422)
    for an empty or malformed body and :class:`RequestTimeout` (408) when the body stalls;
    never reads more than ``max_bytes + 1`` bytes.
    """
    length = req.content_length
    if length is not None and length > max_bytes:
        raise PayloadTooLarge(f"Request body is {length} bytes; the limit is {max_bytes}")
    try:
        raw = req.bounded_stream.read(max_bytes + 1)
    except TimeoutError:
        # The server's body read timeout (MCP_REGISTRY_HTTP_BODY_TIMEOUT) passed mid-body.
        raise RequestTimeout("The request body stalled") from None
    if len(raw) > max_bytes:
        raise PayloadTooLarge(f"Request body exceeds the limit of {max_bytes} bytes")
    if not raw.strip():
        raise InvalidInput("Request body is empty", [ErrorDetail("expected JSON", "body")])
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(
            "Request body is not valid JSON", [ErrorDetail(str(exc), "body")]
        ) from None
