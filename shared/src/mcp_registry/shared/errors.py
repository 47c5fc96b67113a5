"""The one error type tree of the registry.

Domain code raises these; the web layer maps every one of them to an
``application/problem+json`` response with the official registry's shape::

    {"title": ..., "status": ..., "detail": ..., "errors": [{"message": ..., "location": ...}]}

Nothing in here imports falcon, so storage, validation and services can raise them freely.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True)
class ErrorDetail:
    """One entry of a problem's ``errors`` list; ``location`` like ``body.name``."""

    message: str
    location: str | None = None

    def to_dict(self) -> dict[str, str]:
        out = {"message": self.message}
        if self.location is not None:
            out["location"] = self.location
        return out


@dataclass
class RegistryError(Exception):
    """Base of every error the registry reports to a client.

    ``status`` and ``title`` are class-level defaults; ``detail`` is the human sentence;
    ``errors`` lists individual problems; ``headers`` are extra response headers
    (e.g. ``Retry-After``).
    """

    detail: str
    errors: list[ErrorDetail] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    status: ClassVar[int] = 500
    title: ClassVar[str] = "Internal Server Error"

    def __post_init__(self) -> None:
        super().__init__(self.detail)

    def to_problem(self) -> dict[str, Any]:
        """The problem+json body."""
        body: dict[str, Any] = {"title": self.title, "status": self.status, "detail": self.detail}
        if self.errors:
            body["errors"] = [e.to_dict() for e in self.errors]
        return body


class BadRequest(RegistryError):
    """A business rule refused the request (official: 400)."""

    status = 400
    title = "Bad Request"


class InvalidInput(RegistryError):
    """The body or a parameter does not match its schema (official: 422)."""

    status = 422
    title = "Unprocessable Entity"


class Unauthorized(RegistryError):
    """Missing, malformed, expired or untrusted credentials."""

    status = 401
    title = "Unauthorized"


class Forbidden(RegistryError):
    """Authenticated, but without the permission the action needs."""

    status = 403
    title = "Forbidden"


class NotFound(RegistryError):
    """The addressed resource does not exist (or is hidden, e.g. deleted)."""

    status = 404
    title = "Not Found"


class Conflict(BadRequest):
    """A write collides with existing state (duplicate version, remote URL owned elsewhere).

    The official registry answers these with 400, so this stays a ``BadRequest``.
    """


class MirroredName(RegistryError):
    """A local publish into a name this registry mirrors from another (409: the upstream
    owns the name here, unless the operator allows overrides)."""

    status = 409
    title = "Conflict"


class PayloadTooLarge(RegistryError):
    """The request body exceeds the configured bound."""

    status = 413
    title = "Payload Too Large"


class RequestTimeout(RegistryError):
    """The client stopped sending its request body (the body read timeout passed)."""

    status = 408
    title = "Request Timeout"


class UpstreamUnavailable(RegistryError):
    """A dependency (NATS peer, package registry, resolver) did not answer in time; retryable."""

    status = 503
    title = "Service Unavailable"


class StorageError(RegistryError):
    """The store failed in a way the caller cannot fix."""

    status = 500
    title = "Internal Server Error"
