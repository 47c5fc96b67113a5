"""The project's extension namespace: where routes beyond the official API live.

The official registry reserves ``/{version}/x/<reverse-DNS namespace>/<extension>`` for
extensions; ours is ``dev.mcp-registry`` (the official ``io.modelcontextprotocol.registry``
belongs to the upstream project). The same namespace prefixes our ``_meta`` keys.
"""

from __future__ import annotations

from typing import Any

EXTENSION_NAMESPACE = "dev.mcp-registry"

CHANGES_EXTENSION = "changes"
WEBHOOKS_EXTENSION = "webhooks"
REPORTS_EXTENSION = "reports"


def extension_path(extension: str) -> str:
    """The path of ``extension`` below an API prefix, e.g. ``/x/dev.mcp-registry/changes``."""
    return f"/x/{EXTENSION_NAMESPACE}/{extension}"


def meta_key(name: str) -> str:
    """A ``_meta`` key of ours, e.g. ``dev.mcp-registry/mirror``."""
    return f"{EXTENSION_NAMESPACE}/{name}"


MIRROR_META_KEY = meta_key("mirror")
"""In a mirrored version's server.json ``_meta``: ``{"source", "syncedAt"}``."""


def is_mirrored(server: dict[str, Any]) -> bool:
    """Whether a stored server.json came from the mirror."""
    meta = server.get("_meta")
    return isinstance(meta, dict) and MIRROR_META_KEY in meta
