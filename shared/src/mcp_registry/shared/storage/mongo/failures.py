"""How a MongoDB driver failure reaches a client: retryable unavailability or a server error.

A lost primary, an election, a network error, an expired deadline or a majority that does not
acknowledge in time are transient: the caller gets :class:`StorageUnavailable` (503 with
``Retry-After``) within the deadline, never a hung worker. Anything else is a
:class:`~mcp_registry.shared.errors.StorageError` (500).
"""

from __future__ import annotations

from pymongo.errors import (
    ConnectionFailure,
    ExecutionTimeout,
    PyMongoError,
    WTimeoutError,
)

from mcp_registry.shared.errors import RegistryError, StorageError, UpstreamUnavailable

RETRY_AFTER_SECONDS = "5"
"""What ``Retry-After`` says: about the time an election takes."""

UNKNOWN_COMMIT = "UnknownTransactionCommitResult"
TRANSIENT = "TransientTransactionError"


class StorageUnavailable(UpstreamUnavailable):
    """MongoDB did not answer (or no majority acknowledged) within the deadline; retryable."""


def is_transient(exc: PyMongoError) -> bool:
    """True for failures a later retry can get past (elections, network, deadlines)."""
    return (
        isinstance(exc, ConnectionFailure | ExecutionTimeout | WTimeoutError)
        or exc.has_error_label(TRANSIENT)
        or exc.has_error_label(UNKNOWN_COMMIT)
        or exc.has_error_label("RetryableWriteError")
    )


def commit_unknown(exc: PyMongoError) -> bool:
    """True when a commit may or may not have landed (the driver gave up asking)."""
    return exc.has_error_label(UNKNOWN_COMMIT)


def storage_failure(exc: PyMongoError) -> RegistryError:
    """The registry error a driver failure is reported as."""
    if is_transient(exc):
        return StorageUnavailable(
            f"MongoDB is unavailable, retry shortly: {exc}",
            headers={"Retry-After": RETRY_AFTER_SECONDS},
        )
    return StorageError(f"MongoDB failure: {exc}")
