"""The benchmark's ceiling: the registry's gunicorn configuration serving one constant body.

``python -m benchmarks.ceiling HOST:PORT BODY_FILE WORKERS`` answers every
request with the bytes of ``BODY_FILE`` and the headers a cached list response carries, so the
difference to the real list endpoint is exactly the registry's own per-request work.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from mcp_registry.shared.web.gunicorn_app import gunicorn_options, run

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
WSGICallable = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def constant_app(body: bytes) -> WSGICallable:
    """A WSGI app answering 200 with ``body`` (JSON headers, a fixed ETag) to anything."""
    headers = [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body))),
        ("ETag", '"0123456789abcdef0123456789abcdef"'),
        ("Cache-Control", "public, max-age=30, s-maxage=300, stale-while-revalidate=600"),
        ("Vary", "Accept-Encoding"),
    ]

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        start_response("200 OK", headers)
        return [body]

    return app


def main(argv: list[str]) -> None:
    """Serve until SIGTERM."""
    bind, body_file, workers = argv
    body = Path(body_file).read_bytes()
    options = gunicorn_options(
        bind, workers=int(workers), log_level="warning", proc_name="mcp-registry-bench-ceiling"
    )
    run(lambda: constant_app(body), options)


if __name__ == "__main__":
    main(sys.argv[1:])
