"""Keys fetched from a JWKS over HTTP and cached by ``kid``: the one cache for remote key sets.

Two users: OIDC issuers' keys (``shared/plugins/id_tokens``) and the registry's own public keys
served by identity (``shared/auth/remote_keys``). What a JWKS entry turns into (any
asymmetric ``jwt.PyJWK``, or only Ed25519 keys) is up to the ``fetch`` callable each passes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

from mcp_registry.shared.errors import UpstreamUnavailable
from mcp_registry.shared.outbound_http import FetchError, http_get

MAX_DOCUMENT_BYTES = 256 * 1024
"""Largest discovery or JWKS document read; a real one is a few KiB."""

K = TypeVar("K")

log = logging.getLogger(__name__)


def fetch_json_object(
    url: str, *, timeout: float, max_bytes: int = MAX_DOCUMENT_BYTES, ca_file: str = ""
) -> dict[str, Any]:
    """GET ``url`` once (bounded, no redirects followed) and return its JSON object.

    Raises ``UpstreamUnavailable`` naming the URL (never a credential) when the request fails,
    the status is not 200 (a redirect counts as failure), the body is over ``max_bytes``
    or is not a JSON object.
    """
    try:
        reply = http_get(url, timeout=timeout, max_bytes=max_bytes, ca_file=ca_file)
        if reply.status != 200:
            raise FetchError(f"HTTP {reply.status}")
        data = reply.json()
    except FetchError as exc:
        raise UpstreamUnavailable(f"Could not fetch {url}: {exc}") from None
    if not isinstance(data, dict):
        raise UpstreamUnavailable(f"{url} did not return a JSON object")
    return data


class JwksCache(Generic[K]):
    """Keys by ``kid`` from ``fetch``, refetched on demand; thread-safe.

    :meth:`key` contract:

    - A known kid is answered from memory while the keys are younger than ``max_age``
      (``None``: they never go stale by age alone).
    - An unknown kid, or stale keys, cause a refetch, but at most one attempt per
      ``refresh_interval`` seconds, failed attempts included, so tokens naming made-up kids
      cannot make this process hammer the key server.
    - A failed refetch keeps the last good keys and logs a warning: known kids keep verifying
      while the key server is down.
    - ``UpstreamUnavailable`` (the caller answers 503, and the client retries) is raised only
      when the answer depends on keys that could not be fetched: no fetch has succeeded yet,
      or the kid is unknown and the latest attempt failed.

    ``fetch`` returns the usable keys or raises ``UpstreamUnavailable``; ``clock`` is a
    monotonic clock in seconds (injectable for tests).
    """

    def __init__(
        self,
        fetch: Callable[[], Mapping[str, K]],
        *,
        source: str,
        refresh_interval: float,
        max_age: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._source = source
        self._refresh_interval = refresh_interval
        self._max_age = max_age
        self._clock = clock
        # One lock for state and fetch: concurrent misses wait for one fetch (single flight)
        # instead of each sending their own request.
        self._lock = threading.Lock()
        self._keys: dict[str, K] = {}
        self._fetched_at: float | None = None
        self._attempted_at: float | None = None
        self._failure: UpstreamUnavailable | None = None

    def key(self, kid: str) -> K | None:
        """The key ``kid`` names, None when the key server does not publish it; see class doc."""
        with self._lock:
            now = self._clock()
            key = self._keys.get(kid)
            if key is not None and not self._stale(now):
                return key
            if self._may_attempt(now):
                self._refresh(now)
                key = self._keys.get(kid)
            if key is not None:
                return key
            if self._failure is not None:
                # The kid may be one the key server just started using: unknown, not invalid.
                raise UpstreamUnavailable(self._failure.detail)
            return None

    def _stale(self, now: float) -> bool:
        if self._fetched_at is None:
            return True
        return self._max_age is not None and now - self._fetched_at >= self._max_age

    def _may_attempt(self, now: float) -> bool:
        return self._attempted_at is None or now - self._attempted_at >= self._refresh_interval

    def _refresh(self, now: float) -> None:
        self._attempted_at = now
        try:
            keys = dict(self._fetch())
        except UpstreamUnavailable as exc:
            self._failure = exc
            # Says which key server and why; tokens never reach this code.
            log.warning(
                "keeping %d cached key(s) of %s: %s", len(self._keys), self._source, exc.detail
            )
            return
        self._keys, self._fetched_at, self._failure = keys, now, None
