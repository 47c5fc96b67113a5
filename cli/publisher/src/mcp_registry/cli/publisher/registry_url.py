"""The registry's base URL as people type it, made into the one the API lives under.

Newcomers paste what they see: ``https://registry.example.com/v0``, ``.../v0.1/``,
``registry.example.com``. The base URL is what comes before ``/v0``: an API-version suffix
and trailing slashes are dropped, a missing scheme becomes ``https://`` (``http://`` for
loopback hosts, where ``./run dev`` listens). Anything that cannot be a base URL (another
scheme, a query, no host) is refused with a sentence saying what to pass.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

API_SUFFIX = re.compile(r"(?:/v0(?:\.1)?)+$")
"""``/v0`` or ``/v0.1`` at the end of the path: the API's prefixes, not part of the base."""

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]", "::1")


class RegistryUrlError(ValueError):
    """``--registry`` cannot be made into a base URL; the message says why and what to do."""


def _is_loopback(host: str) -> bool:
    return host in LOOPBACK_HOSTS or host.startswith("127.")


def normalize_registry_url(raw: str) -> str:
    """The base URL for ``raw``: ``scheme://host[:port][/path]`` without an API suffix.

    >>> normalize_registry_url("https://registry.example.com/v0/")
    'https://registry.example.com'
    >>> normalize_registry_url("127.0.0.1:8080")
    'http://127.0.0.1:8080'
    """
    text = raw.strip()
    if not text:
        raise RegistryUrlError("the registry URL is empty; pass e.g. https://registry.example.com")
    if "://" not in text:
        host = text.split("/", 1)[0].rsplit("@", 1)[-1]
        hostname = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0] + "]"
        text = ("http://" if _is_loopback(hostname) else "https://") + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https"):
        raise RegistryUrlError(
            f"{raw!r} is not an http(s) URL; pass the registry's address, "
            "e.g. https://registry.example.com"
        )
    if not parts.hostname:
        raise RegistryUrlError(f"{raw!r} has no host; pass e.g. https://registry.example.com")
    if parts.query or parts.fragment:
        raise RegistryUrlError(
            f"{raw!r} has a query or fragment; pass only the registry's address "
            "(e.g. https://registry.example.com)"
        )
    try:
        parts.port  # noqa: B018 (validates the port)
    except ValueError:
        raise RegistryUrlError(f"{raw!r} has an invalid port") from None
    path = API_SUFFIX.sub("", parts.path.rstrip("/")).rstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))
