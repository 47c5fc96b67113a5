"""Reading an upstream registry over its public API (only the configured host, no redirects)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from mcp_registry.shared.extensions import CHANGES_EXTENSION, extension_path

MAX_PAGE_BYTES = 32 * 1024 * 1024
PAGE_LIMIT = 100


class UpstreamError(Exception):
    """The upstream could not be read; the message says how."""


class NoFeed(UpstreamError):
    """The upstream has no change feed of ours (any other official-API registry)."""


@dataclass(frozen=True)
class Page:
    """Items (official list items) and where to continue (None: this was the last page)."""

    items: list[dict[str, Any]]
    next: str | None


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Upstream:
    """The registry at ``base_url`` (e.g. ``https://registry.modelcontextprotocol.io``)."""

    def __init__(self, base_url: str, *, timeout: float = 30.0) -> None:
        parts = urllib.parse.urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"not an http(s) URL: {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._opener = urllib.request.build_opener(_NoRedirects())

    def changes(self, since: str | None, *, wait: float = 0) -> Page:
        """One page of the upstream's change feed after ``since``, long-polling up to ``wait``
        seconds when there is none yet; ``next`` is the token to resume from (never None: the
        feed has no end). :class:`NoFeed` when the upstream has no feed."""
        query = {"limit": str(PAGE_LIMIT), **({"since": since} if since else {})}
        if wait > 0:
            query["wait"] = f"{wait:g}"
        body = self._get(
            f"/v0.1{extension_path(CHANGES_EXTENSION)}", query, missing_ok=True, extra=wait
        )
        if body is None:
            raise NoFeed(f"{self.base_url} has no change feed")
        try:
            items = [change["server"] for change in body["changes"]]
            token = str(body["metadata"]["nextToken"])
        except (KeyError, TypeError) as exc:
            raise UpstreamError(f"{self.base_url}: not a change feed answer ({exc})") from None
        return Page(items=[i for i in items if isinstance(i, dict)], next=token)

    def servers(self, updated_since: str | None, cursor: str | None) -> Page:
        """One page of ``/v0.1/servers`` changed after ``updated_since`` (everything, deleted
        entries included, without it); ``next`` is the cursor of the next page."""
        query = {"limit": str(PAGE_LIMIT)}
        if updated_since:
            query["updated_since"] = updated_since
        else:
            query["include_deleted"] = "true"
        if cursor:
            query["cursor"] = cursor
        body = self._get("/v0.1/servers", query, missing_ok=False)
        assert body is not None
        items = body.get("servers")
        if not isinstance(items, list):
            raise UpstreamError(f"{self.base_url}: not an official /servers answer")
        metadata = body.get("metadata") or {}
        cursor = metadata.get("nextCursor") if isinstance(metadata, dict) else None
        return Page(items=[i for i in items if isinstance(i, dict)], next=cursor or None)

    def _get(
        self, path: str, query: dict[str, str], *, missing_ok: bool, extra: float = 0
    ) -> dict[str, Any] | None:
        url = f"{self.base_url}{path}?{urllib.parse.urlencode(query)}"
        # The scheme was checked in __init__: only http(s) reaches urlopen.
        request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
        try:
            with self._opener.open(request, timeout=self._timeout + extra) as response:
                raw = response.read(MAX_PAGE_BYTES + 1)
        except urllib.error.HTTPError as exc:
            if missing_ok and exc.code in (404, 405):
                return None
            raise UpstreamError(f"{url} answered {exc.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise UpstreamError(f"cannot fetch {url}: {exc}") from None
        if len(raw) > MAX_PAGE_BYTES:
            raise UpstreamError(f"{url}: page larger than {MAX_PAGE_BYTES} bytes")
        try:
            body = json.loads(raw)
        except ValueError:
            raise UpstreamError(f"{url}: not JSON") from None
        if not isinstance(body, dict):
            raise UpstreamError(f"{url}: not a JSON object")
        return body
