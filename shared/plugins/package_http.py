"""Outbound HTTP for package validators: allowed origins only, timeouts, bounded bodies.

Wraps :func:`mcp_registry.shared.outbound_http.http_get`. Upstream trouble (timeouts,
connection errors, 429, 5xx) becomes a retryable 503 naming the upstream, with
``Retry-After`` when the upstream sent one; it is never treated as a pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit

from mcp_registry.shared.errors import UpstreamUnavailable
from mcp_registry.shared.outbound_http import FetchError, http_get
from mcp_registry.shared.plugins.packages import PackageRejected

MAX_REDIRECTS = 3


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of ``url`` (lower-cased scheme and host, default ports kept off)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    port = parts.port
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    netloc = host if port is None or port == default else f"{host}:{port}"
    return f"{parts.scheme.lower()}://{netloc}"


class RegistryHttp:
    """GETs restricted to ``origins``; see the module doc for how failures surface."""

    def __init__(
        self, origins: Iterable[str], *, timeout: float, label: str, ca_file: str = ""
    ) -> None:
        self._origins = frozenset(origin_of(o) for o in origins)
        self._timeout = timeout
        self._label = label
        self._ca_file = ca_file

    def allows(self, url: str) -> bool:
        """Whether ``url`` is an http(s) URL on one of the allowed origins."""
        return urlsplit(url).scheme in ("http", "https") and origin_of(url) in self._origins

    def get(
        self, url: str, *, accept: str = "application/json", max_bytes: int = 5 * 1024 * 1024
    ) -> tuple[int, bytes]:
        """See :class:`~mcp_registry.shared.plugins.packages.RegistryFetch`."""
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            if not self.allows(current):
                raise PackageRejected(
                    f"{self._label}: {current} is not on a host this registry is configured "
                    f"to contact"
                )
            try:
                reply = http_get(
                    current,
                    timeout=self._timeout,
                    max_bytes=max_bytes,
                    headers={"Accept": accept},
                    ca_file=self._ca_file,
                )
            except FetchError as exc:
                raise UpstreamUnavailable(
                    f"{self._label} could not be checked, please retry: {exc}",
                    headers={"Retry-After": "30"},
                ) from None
            if reply.status in (301, 302, 303, 307, 308) and reply.headers.get("location"):
                current = urljoin(current, reply.headers["location"])
                continue
            if reply.status == 429 or reply.status >= 500:
                retry_after = reply.headers.get("retry-after", "30")
                raise UpstreamUnavailable(
                    f"{self._label} answered {reply.status}; the package could not be checked, "
                    f"please retry later",
                    headers={"Retry-After": retry_after if retry_after.isdigit() else "30"},
                )
            return reply.status, reply.body
        raise PackageRejected(f"{self._label}: more than {MAX_REDIRECTS} redirects from {url}")
