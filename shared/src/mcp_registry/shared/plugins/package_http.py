"""Outbound HTTP for package validators: allowed origins only, timeouts, bounded bodies.

Wraps :func:`mcp_registry.shared.outbound_http.http_get`. Upstream trouble (timeouts,
connection errors, 429, 5xx) becomes a retryable 503 naming the upstream, with
``Retry-After`` when the upstream sent one; it is never treated as a pass. A body over the
size limit is the package's problem, so it is a 400. An ``Authorization`` header is dropped
when a redirect leaves the origin it was sent to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import urljoin, urlsplit

from mcp_registry.shared.errors import UpstreamUnavailable
from mcp_registry.shared.outbound_http import FetchError, HttpReply, ResponseTooLarge, http_get
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
        reply = self.fetch(url, headers={"Accept": accept}, max_bytes=max_bytes)
        return reply.status, reply.body

    def fetch(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        max_bytes: int = 5 * 1024 * 1024,
    ) -> HttpReply:
        """See :class:`~mcp_registry.shared.plugins.packages.RegistryFetch`."""
        current = url
        sent = dict(headers or {})
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
                    headers=sent,
                    ca_file=self._ca_file,
                )
            except ResponseTooLarge as exc:
                # The resource itself is too big: the publisher's problem, not a retry.
                raise PackageRejected(
                    f"{self._label}: {current} is too large to check ({exc})"
                ) from None
            except FetchError as exc:
                raise UpstreamUnavailable(
                    f"{self._label} could not be checked, please retry: {exc}",
                    headers={"Retry-After": "30"},
                ) from None
            if reply.status in (301, 302, 303, 307, 308) and reply.headers.get("location"):
                target = urljoin(current, reply.headers["location"])
                if origin_of(target) != origin_of(current):
                    # Credentials stay with the origin that issued them (e.g. a registry token
                    # must not reach the storage host a blob download is redirected to).
                    sent = {k: v for k, v in sent.items() if k.lower() != "authorization"}
                current = target
                continue
            if reply.status == 429 or reply.status >= 500:
                retry_after = reply.headers.get("retry-after", "30")
                raise UpstreamUnavailable(
                    f"{self._label} answered {reply.status}; the package could not be checked, "
                    f"please retry later",
                    headers={"Retry-After": retry_after if retry_after.isdigit() else "30"},
                )
            return reply
        raise PackageRejected(f"{self._label}: more than {MAX_REDIRECTS} redirects from {url}")
