"""Bounded outbound HTTP GETs for identity providers (stdlib only, no redirects followed).

Every call has a timeout and a byte limit; a 3xx is returned as is, never followed, so a
fetch cannot be bounced to another host. ``connect_address`` pins the TCP connection to an
address the caller already vetted (the URL's host still drives TLS verification and the
``Host`` header), which closes the gap between checking a name and connecting to it.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


class FetchError(Exception):
    """The request could not be completed (connection, TLS, timeout, size); message says why."""


class ResponseTooLarge(FetchError):
    """The body is over ``max_bytes``: a property of the resource, not a passing failure."""


@dataclass(frozen=True)
class HttpReply:
    """Status, lower-cased headers and the (bounded) body of one response."""

    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON; raises :class:`FetchError` when it is not."""
        try:
            return json.loads(self.body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise FetchError("the response is not JSON") from None


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to a pre-resolved address, verifying the certificate for the URL's host."""

    def __init__(
        self, host: str, port: int, *, address: str, context: ssl.SSLContext, timeout: float
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._tls = context

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


def tls_context(ca_file: str = "") -> ssl.SSLContext:
    """The system's trust store, plus ``ca_file`` when given (private PKI, test CAs)."""
    context = ssl.create_default_context()
    if ca_file:
        context.load_verify_locations(cafile=ca_file)
    return context


def http_get(
    url: str,
    *,
    timeout: float,
    max_bytes: int,
    headers: Mapping[str, str] | None = None,
    ca_file: str = "",
    connect_address: str | None = None,
) -> HttpReply:
    """GET ``url`` once; raise :class:`FetchError` on failure or a body over ``max_bytes``."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"not an http(s) URL: {url}")
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = connect_address or host
    conn: http.client.HTTPConnection
    if parts.scheme == "https":
        conn = _PinnedHTTPSConnection(
            host, port, address=address, context=tls_context(ca_file), timeout=timeout
        )
    else:
        conn = _PinnedHTTPConnection(host, port, address=address, timeout=timeout)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    response: http.client.HTTPResponse | None = None
    try:
        conn.request("GET", target, headers={"User-Agent": "mcp-registry", **(headers or {})})
        response = conn.getresponse()
        length = response.getheader("Content-Length")
        if length is not None and length.isdigit() and int(length) > max_bytes:
            raise ResponseTooLarge(f"the response is {length} bytes; the limit is {max_bytes}")
        body = response.read(max_bytes + 1)
        if len(body) > max_bytes:
            raise ResponseTooLarge(f"the response exceeds {max_bytes} bytes")
        return HttpReply(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
    except ssl.SSLError as exc:
        raise FetchError(f"TLS failed: {exc.reason or exc}") from None
    except TimeoutError:
        raise FetchError(f"no answer within {timeout:g}s") from None
    except (OSError, http.client.HTTPException) as exc:
        raise FetchError(f"connection failed: {exc}") from None
    finally:
        # A response that will close hands the socket over to itself (the connection lets go
        # of it), so a body left unread, as on a refusal for size, must be closed here too.
        if response is not None:
            response.close()
        conn.close()


def http_post(
    url: str,
    body: bytes,
    *,
    timeout: float,
    headers: Mapping[str, str],
    connect_address: str,
    max_bytes: int = 4096,
    ca_file: str = "",
) -> HttpReply:
    """POST ``body`` to ``url`` once, connecting to ``connect_address`` (checked by the caller);
    redirects are not followed. Raises :class:`FetchError` when no answer arrives."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"not an http(s) URL: {url}")
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    conn: http.client.HTTPConnection
    if parts.scheme == "https":
        conn = _PinnedHTTPSConnection(
            host, port, address=connect_address, context=tls_context(ca_file), timeout=timeout
        )
    else:
        conn = _PinnedHTTPConnection(host, port, address=connect_address, timeout=timeout)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request("POST", target, body=body, headers={"User-Agent": "mcp-registry", **headers})
        response = conn.getresponse()
        data = response.read(max_bytes)
        return HttpReply(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
    except ssl.SSLError as exc:
        raise FetchError(f"TLS failed: {exc.reason or exc}") from None
    except TimeoutError:
        raise FetchError(f"no answer within {timeout:g}s") from None
    except (OSError, http.client.HTTPException) as exc:
        raise FetchError(f"connection failed: {exc}") from None
    finally:
        conn.close()
