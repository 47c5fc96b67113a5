"""Which remote URLs a server.json declares (the "a remote URL belongs to one name" rule).

Both adapters pre-select candidate records by a substring match on the stored JSON text and
confirm with :func:`declares_remote`, so a URL that merely appears elsewhere (a description,
a header value) never counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def remote_urls(server: Mapping[str, Any]) -> set[str]:
    """The ``url`` of every entry of ``remotes`` (non-string values ignored)."""
    remotes = server.get("remotes")
    if not isinstance(remotes, list):
        return set()
    return {r["url"] for r in remotes if isinstance(r, dict) and isinstance(r.get("url"), str)}


def declares_remote(server: Mapping[str, Any], url: str) -> bool:
    """Whether ``server`` lists ``url`` (exactly) among its remotes."""
    return url in remote_urls(server)
