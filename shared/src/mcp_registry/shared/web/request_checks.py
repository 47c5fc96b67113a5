"""Requests refused before routing: a NUL byte in the path or the query (400, as official).

A NUL (``%00`` or a raw ``\\x00``) has no meaning in a server name, version or parameter,
and some stores and logs truncate at it, so it never reaches a resource.
"""

from __future__ import annotations

import falcon

from mcp_registry.shared.errors import BadRequest, ErrorDetail
from mcp_registry.shared.web.paths import raw_path

_NUL_ENCODED = "%00"
_NUL = "\x00"


def has_nul(text: str) -> bool:
    """True when ``text`` holds a NUL byte, raw or percent-encoded."""
    return _NUL in text or _NUL_ENCODED in text


class NulByteMiddleware:
    """Answer 400 for a NUL byte anywhere in the request target."""

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        path = raw_path(req.env) or req.path
        if has_nul(path) or _NUL in req.path:
            raise BadRequest(
                "Invalid request path",
                [ErrorDetail("the path contains a NUL byte", "path")],
            )
        if has_nul(req.query_string) or any(
            _NUL in name or any(_NUL in v for v in (value if isinstance(value, list) else [value]))
            for name, value in req.params.items()
        ):
            raise BadRequest(
                "Invalid query parameter",
                [ErrorDetail("the query contains a NUL byte", "query")],
            )
