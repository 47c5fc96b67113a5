"""Where the mirror worker keeps its progress per upstream: resume position, last sync,
counts and the last error (what ``mcp-registry mirror status`` prints)."""

from __future__ import annotations

from typing import Any, Protocol


class MirrorStateStore(Protocol):
    """One JSON object of state per upstream base URL."""

    def init(self) -> None:
        """Create the table/collection (idempotent)."""
        ...

    def get(self, source: str) -> dict[str, Any] | None:
        """The state saved for ``source``, or None before its first sync."""
        ...

    def put(self, source: str, state: dict[str, Any]) -> None:
        """Replace the state of ``source``."""
        ...

    def all(self) -> dict[str, dict[str, Any]]:
        """Every upstream's state, by source."""
        ...
