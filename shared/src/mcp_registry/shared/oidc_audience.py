"""The audience a CI ID token for a registry carries, derived from the registry's URL.

Shared by the registry (its default expected audience) and the publisher CLI (the audience it
asks the CI for), so both derive the same string; stdlib only, so the publisher may import it.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def audience_for_url(url: str) -> str:
    """The audience CI ID tokens for the registry at ``url`` carry: the URL with its scheme
    and host lowercased and no trailing slash (``https://Registry.example/`` →
    ``https://registry.example``). ``mcp-publisher`` derives the same from ``--registry``."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, "", ""))
