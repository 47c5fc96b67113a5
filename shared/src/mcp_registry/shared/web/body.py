"""Bounded JSON request bodies."""

from __future__ import annotations

import json
from typing import Any

import falcon

from mcp_registry.shared.errors import ErrorDetail, InvalidInput, PayloadTooLarge


def read_json_body(req: falcon.Request, *, max_bytes: int) -> Any:
    """The decoded JSON body, refusing bodies over ``max_bytes`` before reading them whole.

    Raises :class:`PayloadTooLarge` (413) for oversized bodies and :class:`InvalidInput` (422)
    for an empty or malformed body; never reads more than ``max_bytes + 1`` bytes.
    """
    length = req.content_length
    if length is not None and length > max_bytes:
        raise PayloadTooLarge(f"Request body is {length} bytes; the limit is {max_bytes}")
    raw = req.bounded_stream.read(max_bytes + 1)
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
