"""What travels over NATS: JSON object bodies, and how a responder's error reaches its caller.

Bodies are UTF-8 JSON objects. A responder that fails answers with the problem body of a
:class:`~mcp_registry.shared.errors.RegistryError` and the header ``Registry-Error`` naming the
error class, so the caller re-raises the same error (a remote ``NotFound`` stays a 404)
instead of waiting for its timeout.
"""

from __future__ import annotations

import json
from typing import Any

from mcp_registry.shared import errors
from mcp_registry.shared.errors import ErrorDetail, RegistryError

MSG_ID_HEADER = "Nats-Msg-Id"
"""JetStream drops a message whose id it has already stored within the duplicate window."""

ERROR_HEADER = "Registry-Error"


class MalformedMessage(ValueError):
    """A body is not a UTF-8 JSON object."""


def encode(payload: dict[str, Any]) -> bytes:
    """Compact JSON bytes of ``payload``; raises ``TypeError`` for values JSON cannot hold."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def decode(data: bytes) -> dict[str, Any]:
    """The JSON object in ``data``; raises :class:`MalformedMessage` for anything else."""
    try:
        value = json.loads(data)
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedMessage(f"body is not JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise MalformedMessage(f"body is a JSON {type(value).__name__}, not an object")
    return value


def encode_error(error: RegistryError) -> tuple[bytes, dict[str, str]]:
    """Body and headers of an error reply carrying ``error``."""
    return encode(error.to_problem()), {ERROR_HEADER: type(error).__name__}


def decode_error(headers: dict[str, str] | None, data: bytes) -> RegistryError | None:
    """The error carried by a reply, or ``None`` if the reply is a success.

    Only classes of :mod:`mcp_registry.shared.errors` are rebuilt; an unknown name becomes a
    plain :class:`RegistryError` (500) so a newer responder cannot make the caller import
    anything.
    """
    name = (headers or {}).get(ERROR_HEADER)
    if name is None:
        return None
    try:
        problem = decode(data)
    except MalformedMessage:
        problem = {}
    candidate = getattr(errors, name, None)
    cls = (
        candidate
        if isinstance(candidate, type) and issubclass(candidate, RegistryError)
        else RegistryError
    )
    details = [
        ErrorDetail(message=str(item.get("message", "")), location=item.get("location"))
        for item in problem.get("errors", [])
        if isinstance(item, dict)
    ]
    return cls(detail=str(problem.get("detail", "remote error")), errors=details)
