"""List cursors: ours carry their filter; the official registry's are accepted as positions.

Ours look like ``_1.<payload>.<check>``: base64url (URL-unreserved characters only, because
VS Code appends ``nextCursor`` to its URL without encoding it) of a JSON object holding the
keyset position and the filter parameters the page was listed with, and a checksum of the
payload. The checksum is unkeyed: it catches a cursor that was cut or edited, not a forgery,
and a forged cursor could only ask for what any client may ask for directly. No server name
starts with ``_``, so ours never collide with an official cursor.

A search lists name matches first (``search_rank``): a cursor of ours past that first phase
says so (``"s": "other"``; absent means the first phase, so cursors of pages before the
boundary are what they were before ranking). An official cursor is always a first-phase
position.

The official registry's cursor is ``name:version`` (the keyset position after that entry) or
a bare ``name`` (after every version of that name); any other string is taken as a name the
same way. Aggregators switching registries resume with those unchanged.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from mcp_registry.shared.errors import BadRequest, ErrorDetail
from mcp_registry.shared.storage.records import SearchPhase

OURS = re.compile(r"^_\d+\.")
"""What marks a cursor as ours (a version digit); anything else is an official position."""

PREFIX = "_1."
MAX_CURSOR_LENGTH = 1024
_CHECK_BYTES = 8
NAME_END = "\x00"
"""Sorts before every character a name may hold: ``(name + NAME_END, "")`` is the position
after every version of ``name`` (names never contain NUL; requests with one are refused)."""


@dataclass(frozen=True)
class Cursor:
    """A keyset position ``after``, the search phase it is in (``search_rank``) and the
    filter parameters it was issued under."""

    after: tuple[str, str]
    filters: Mapping[str, str] = field(default_factory=dict)
    phase: SearchPhase = "name"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _check(payload: bytes) -> str:
    return _b64(hashlib.sha256(payload).digest()[:_CHECK_BYTES])


def encode_cursor(
    name: str,
    version: str,
    filters: Mapping[str, str] | None = None,
    phase: SearchPhase = "name",
) -> str:
    """Our cursor for the position after ``(name, version)`` in ``phase`` under ``filters``."""
    body: dict[str, object] = {"p": [name, version]}
    if filters:
        body["f"] = dict(sorted(filters.items()))
    if phase != "name":
        body["s"] = phase
    payload = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    return f"{PREFIX}{_b64(payload)}.{_check(payload)}"


def _tampered() -> BadRequest:
    return BadRequest(
        "Invalid cursor parameter",
        [
            ErrorDetail(
                "the cursor was altered: pass back the nextCursor of a previous response unchanged",
                "query.cursor",
            )
        ],
    )


def decode_cursor(raw: str) -> Cursor:
    """The position (and filter) a cursor names.

    Ours are checked and raise :class:`BadRequest` (400) when altered; an official cursor
    (``name:version`` or ``name``) or any other string is a position with the official
    meaning, as is the bare base64 ``[name, version]`` our earlier releases issued.
    """
    if len(raw) > MAX_CURSOR_LENGTH:
        raise BadRequest(
            "Invalid cursor parameter",
            [ErrorDetail(f"a cursor has at most {MAX_CURSOR_LENGTH} characters", "query.cursor")],
        )
    if OURS.match(raw):
        return _decode_ours(raw)
    legacy = _legacy(raw)
    if legacy is not None:
        return Cursor(legacy)
    name, colon, version = raw.partition(":")
    if colon:
        return Cursor((name, version))
    return Cursor((raw + NAME_END, ""))


def _decode_ours(raw: str) -> Cursor:
    if not raw.startswith(PREFIX):
        raise _tampered()
    encoded, dot, check = raw[len(PREFIX) :].partition(".")
    try:
        payload = _unb64(encoded)
        if not dot or check != _check(payload):
            raise _tampered()
        body = json.loads(payload)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise _tampered() from None
    position = body.get("p") if isinstance(body, dict) else None
    filters = body.get("f", {}) if isinstance(body, dict) else None
    phase = body.get("s", "name") if isinstance(body, dict) else None
    if (
        phase not in ("name", "other")
        or not isinstance(position, list)
        or len(position) != 2
        or not all(isinstance(part, str) for part in position)
        or not isinstance(filters, dict)
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in filters.items())
    ):
        raise _tampered()
    return Cursor((position[0], position[1]), filters, "other" if phase == "other" else "name")


def _legacy(raw: str) -> tuple[str, str] | None:
    """The position of a cursor from before cursors carried filters, if ``raw`` is one."""
    if not raw or not re.fullmatch(r"[A-Za-z0-9_-]+", raw):
        return None
    try:
        value = json.loads(_unb64(raw))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if isinstance(value, list) and len(value) == 2 and all(isinstance(p, str) for p in value):
        return value[0], value[1]
    return None
