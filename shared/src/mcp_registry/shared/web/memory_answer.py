"""The contract between an app that holds responses in memory and the server in front of it.

An app may offer ``answer_from_memory``: given a request's method, raw path, raw query string
and headers (as an ASGI scope holds them: lowercase names, latin-1 bytes), it returns the whole
response when it holds it, or None. The server (:mod:`.asgi_worker`) asks before handing the
request to the WSGI app in a thread, so a hit costs neither the hand-over nor the framework.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

RawHeaders = list[tuple[bytes, bytes]]

RawAnswer = tuple[int, RawHeaders, bytes]
"""``(status, headers, body)``; headers include ``content-length`` where the response has one,
and the body is empty for HEAD and 304."""

MemoryAnswer = Callable[[str, str, str, Sequence[tuple[bytes, bytes]]], RawAnswer | None]
"""``answer_from_memory(method, raw_path, query_string, headers)``: must not block (it runs on
the server's event loop), must answer exactly what the app would, and returns None for any
request it does not hold."""
