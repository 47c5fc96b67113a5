"""What a public read answers for a rendered response: status, headers and body.

One function decides it for both ways a read is served: through falcon
(:class:`~.resources.CachedReads`) and straight from memory on the server's event loop
(:class:`~.memory_answers.MemoryAnswers`), so the two cannot drift apart.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from mcp_registry.services.discovery import encodings
from mcp_registry.services.discovery.http_cache import RenderedResponse, not_modified

JSON_MEDIA = "application/json"

ACCEL_EXPIRES = "X-Accel-Expires"
"""Tells an nginx cache in front (the shipped ingress) how long it may keep a response.

The value is ``@<this second>``: nginx keeps validity in whole seconds and treats an entry as
fresh while its expiry second has not passed, so the entry is fresh until the end of the
current second and a change is visible through the ingress within one second (``1s`` of
validity would mean one to two). nginx never passes this header on to clients. It assumes the
registry's and nginx's clocks agree, as TLS and token lifetimes already do.
"""


@dataclass(frozen=True)
class Answer:
    """A read's response: ``headers`` in order (names as HTTP writes them), ``body`` to send
    (empty for 304; a HEAD request sends none of it but its length)."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes


def answer(
    rendered: RenderedResponse,
    *,
    accept_encoding: str | None,
    if_none_match: str | None,
    if_modified_since: str | None,
    dated: bool,
    cache_control: str,
    media: str = JSON_MEDIA,
) -> Answer:
    """The 200 or 304 answer to a conditional GET for ``rendered``.

    The representation follows ``Accept-Encoding`` (each coding its own ETag);
    ``Last-Modified`` is sent, and ``If-Modified-Since`` honoured, only when ``dated`` (see
    :meth:`~.http_cache.RenderedResponse.dates_reliable`). The 304 carries the validators and
    caching headers of the 200 it stands for, without a body or ``Content-Type``.
    """
    body, etag, coding = rendered.representation(encodings.choose(accept_encoding))
    headers = [("ETag", etag)]
    if coding != encodings.IDENTITY:
        headers.append(("Content-Encoding", coding))
    if dated and rendered.last_modified:
        headers.append(("Last-Modified", rendered.last_modified))
    headers.append(("Cache-Control", cache_control))
    headers.append(("Surrogate-Key", rendered.surrogate_key))
    headers.append((ACCEL_EXPIRES, f"@{int(time.time())}"))
    headers.append(("Vary", "Accept-Encoding"))
    if not_modified(rendered, if_none_match, if_modified_since, dates_reliable=dated, etag=etag):
        return Answer(304, headers, b"")
    headers.append(("Content-Type", media))
    return Answer(200, headers, body)
