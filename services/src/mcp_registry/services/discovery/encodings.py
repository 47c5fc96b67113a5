"""Content codings of public reads: which one a request accepts, and the encoded bytes.

A rendered response is compressed at most once per coding (the response cache keeps the
result), so a compressed cache hit costs what an identity hit costs. Each coding is its own
representation and has its own strong ETag (RFC 9110 §8.8.3: the bytes differ).
"""

from __future__ import annotations

import gzip

import brotli  # type: ignore[import-untyped]

IDENTITY = "identity"
GZIP = "gzip"
BROTLI = "br"

PREFERENCE = (BROTLI, GZIP)
"""Among codings a client accepts equally, the smaller first."""

MIN_COMPRESSED_SIZE = 512
"""Bodies shorter than this are sent as they are: the coding would gain next to nothing."""

GZIP_LEVEL = 6
BROTLI_QUALITY = 5
"""Middle settings: most of the size gain for a fraction of the highest settings' cost."""


def choose(accept_encoding: str | None) -> str:
    """The coding to send for an ``Accept-Encoding`` value (RFC 9110 §12.5.3).

    No header means identity. ``q=0`` refuses a coding; ``*`` stands for codings not named.
    The highest q wins, ties go by :data:`PREFERENCE`. Identity is always acceptable here:
    a client refusing it too gets identity rather than a 406.
    """
    if not accept_encoding:
        return IDENTITY
    weights: dict[str, float] = {}
    for part in accept_encoding.split(","):
        coding, _, params = part.strip().partition(";")
        coding = coding.strip().lower()
        if not coding:
            continue
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        weights[coding] = quality
    star = weights.get("*", 0.0)
    best, best_q = IDENTITY, 0.0
    for coding in PREFERENCE:
        quality = weights.get(coding, star)
        if quality > best_q:
            best, best_q = coding, quality
    return best


def encode(body: bytes, coding: str) -> bytes:
    """``body`` in ``coding`` (deterministic: gzip carries no timestamp)."""
    if coding == GZIP:
        return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
    if coding == BROTLI:
        encoded: bytes = brotli.compress(body, quality=BROTLI_QUALITY)
        return encoded
    return body


def variant_etag(etag: str, coding: str) -> str:
    """The strong ETag of the ``coding`` representation of a body whose ETag is ``etag``."""
    if coding == IDENTITY:
        return etag
    return etag[:-1] + "-" + coding + '"'
