"""A small JSON-over-HTTP client for the registry API (stdlib only, no global state).

Every non-2xx answer becomes :class:`ApiError` carrying the problem+json fields
(``title``, ``status``, ``detail``, ``errors``), so commands can show what the registry said
and choose an exit code; a registry that cannot be reached becomes :class:`Unreachable`.

A 429 (rate limited) with a ``Retry-After`` of at most :data:`MAX_RETRY_WAIT` seconds is
waited out and the request sent once more, saying so on stderr; a second 429, or a longer
wait, is an :class:`ApiError` like any other.
"""

from __future__ import annotations

import json
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from mcp_registry.cli.publisher.release import __version__

USER_AGENT = f"mcp-publisher/{__version__}"
DEFAULT_TIMEOUT = 30.0
MAX_RETRY_WAIT = 120
"""The longest ``Retry-After`` (seconds) a rate-limited request waits out before its retry."""


@dataclass
class ApiError(Exception):
    """The registry refused a request; fields of its problem+json answer."""

    status: int
    title: str
    detail: str
    errors: list[dict[str, Any]] = field(default_factory=list)
    body: Any = None
    retry_after: int | None = None

    def __post_init__(self) -> None:
        super().__init__(f"{self.status} {self.title}: {self.detail}")


class Unreachable(Exception):
    """No HTTP answer at all (connection refused, DNS failure, timeout)."""


def encode_segment(value: str) -> str:
    """One path segment, fully percent-encoded (``io.github.a/b`` → ``io.github.a%2Fb``)."""
    return quote(value, safe="")


def version_path(name: str, version: str) -> str:
    """``/v0/servers/{name}/versions/{version}`` with both parts encoded."""
    return f"/v0/servers/{encode_segment(name)}/versions/{encode_segment(version)}"


class JsonHttp:
    """JSON requests against one base URL, optionally with a bearer token."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        sleep: Callable[[float], None] = time.sleep,
        notice: Callable[[str], None] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._timeout = timeout
        self._sleep = sleep
        self._notice = notice or _to_stderr

    def __repr__(self) -> str:
        return f"JsonHttp({self.base_url!r})"  # The token stays out of reprs.

    def get(self, path: str, query: Mapping[str, str | int | bool] | None = None) -> Any:
        return self.request("GET", path, query=query)

    def post(self, path: str, body: Any = None) -> Any:
        return self.request("POST", path, body=body)

    def patch(self, path: str, body: Any) -> Any:
        return self.request("PATCH", path, body=body)

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        query: Mapping[str, str | int | bool] | None = None,
        form: Mapping[str, str] | None = None,
    ) -> Any:
        """Send one request; the decoded JSON answer (None for an empty body).

        Rate limited (429) with a short ``Retry-After``: waits, says so, and retries once.
        """
        try:
            return self._send(method, path, body=body, query=query, form=form)
        except ApiError as exc:
            wait = exc.retry_after
            if exc.status != 429 or wait is None or wait > MAX_RETRY_WAIT:
                raise
            self._notice(
                f"rate limited by {self.base_url}: waiting {wait} s (Retry-After), "
                "then retrying once"
            )
            self._sleep(wait)
            return self._send(method, path, body=body, query=query, form=form)

    def _send(
        self,
        method: str,
        path: str,
        *,
        body: Any,
        query: Mapping[str, str | int | bool] | None,
        form: Mapping[str, str] | None,
    ) -> Any:
        url = self.base_url + path
        if query:
            url += "?" + urlencode({k: _query_value(v) for k, v in query.items()})
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        data: bytes | None = None
        if form is not None:
            data = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:  # noqa: S310
                return _decode(response.read())
        except urllib.error.HTTPError as exc:
            raise _api_error(exc) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise Unreachable(f"{self.base_url} could not be reached: {reason}") from None


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _retry_after(exc: urllib.error.HTTPError) -> int | None:
    """``Retry-After`` in whole seconds (the delay form; an HTTP date is not waited for)."""
    raw = (exc.headers.get("Retry-After") if exc.headers is not None else None) or ""
    return int(raw.strip()) if raw.strip().isdigit() else None


def _query_value(value: str | int | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _decode(raw: bytes) -> Any:
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


def _api_error(exc: urllib.error.HTTPError) -> ApiError:
    retry_after = _retry_after(exc)
    try:
        body = _decode(exc.read())
    except OSError:
        body = None
    finally:
        exc.close()
    if isinstance(body, dict):
        errors = body.get("errors")
        return ApiError(
            status=exc.code,
            title=str(body.get("title") or exc.reason or "HTTP error"),
            detail=str(body.get("detail") or body.get("message") or body.get("error") or ""),
            errors=[e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else [],
            body=body,
            retry_after=retry_after,
        )
    text = body if isinstance(body, str) else ""
    return ApiError(
        exc.code,
        str(exc.reason or "HTTP error"),
        text.strip()[:300],
        body=body,
        retry_after=retry_after,
    )
