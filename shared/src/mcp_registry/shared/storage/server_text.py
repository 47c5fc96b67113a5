"""server.json as every backend stores it: JSON text, parsed only when someone needs the dict.

Every writer (publish, admin edit, restore, seeding) stores ``json.dumps(server,
ensure_ascii=False, separators=(",", ":"))`` of the validated document (SQLite column
``server_versions.server``, MongoDB field ``serverJson``), and has since the first schema.
Reads keep that text on the record (:attr:`ServerRecord.server_json
<mcp_registry.shared.storage.records.ServerRecord.server_json>`), so a response can embed it
as it is (:func:`spliceable`) instead of parsing it and encoding it again.
"""

from __future__ import annotations

import json
from typing import Any

import orjson


def load_server_text(text: str) -> Any:
    """The value of a stored server.json, exactly as the standard library parses it.

    orjson first (several times faster). It refuses ``NaN`` and ``Infinity`` and silently
    turns an integer beyond 64 bits into a float; only writers that bypass the strict request
    decoder (import, mirror) can have stored either. orjson writes every float of 1e16 or
    more with ``e+``, such a float among them, so a value whose encoding holds ``e+`` (a rare
    large float, or such an integer) is parsed again by the standard library, which keeps the
    integer exact.
    """
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)
    if b"e+" in orjson.dumps(value):
        return json.loads(text)
    return value


UNSPLICEABLE = ("e-0", "NaN", "Infinity")
"""Substrings of the stored text without which orjson re-encodes it to the very same bytes.

The stored text and orjson agree on every string (same escapes, UTF-8 as is, for every code
point), integer, ``true``/``false``/``null``, key order and separator. They differ only on
floats the standard library writes with a one-digit negative exponent (``1e-05``, ``1e-07``;
orjson writes ``0.00001``, ``1e-7``) and on ``NaN``/``Infinity`` (not JSON; orjson writes
``null``). A text holding none of these substrings anywhere (a string may hold one too: then it
is merely parsed like a document that needs it) is spliced; the unit tests check this claim
against every code point and over a hundred thousand floats of every magnitude.
"""


def spliceable(text: str) -> bool:
    """Whether ``text`` (a stored server.json) may be embedded as it is in an orjson-encoded
    response: the bytes are then exactly those of encoding its parsed value with orjson.

    Trusts ``text`` to be what the store writes (valid JSON from a dict, see the module doc);
    it is never given text from anywhere else.
    """
    # This runs for every item served: plain ``in`` tests, and a one-character test (memchr,
    # much faster than a substring search) first where one rules the substring out.
    return (
        "e-0" not in text
        and ("N" not in text or "NaN" not in text)
        and ("I" not in text or "Infinity" not in text)
    )
