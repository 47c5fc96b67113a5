"""Content-coding negotiation and encoding of public reads."""

from __future__ import annotations

import gzip

import brotli  # type: ignore[import-untyped]
import pytest

from mcp_registry.services.discovery import encodings


@pytest.mark.parametrize(
    ("header", "chosen"),
    [
        (None, "identity"),
        ("", "identity"),
        ("gzip", "gzip"),
        ("gzip, deflate, br", "br"),
        ("br;q=0.5, gzip", "gzip"),
        ("br;q=0, gzip;q=0", "identity"),
        ("*", "br"),
        ("*;q=0.2, gzip;q=0", "br"),
        ("identity", "identity"),
        ("GZIP;Q=1", "gzip"),
        ("gzip;q=nonsense", "identity"),
        ("deflate", "identity"),
    ],
)
def test_choose_follows_q_values_and_prefers_the_smaller_coding(
    header: str | None, chosen: str
) -> None:
    assert encodings.choose(header) == chosen


def test_encodings_round_trip_and_are_deterministic() -> None:
    body = b'{"servers":[' + b'{"name":"io.github.a/b"},' * 200 + b"{}]}"
    gz = encodings.encode(body, "gzip")
    assert gzip.decompress(gz) == body
    assert encodings.encode(body, "gzip") == gz  # no timestamp in the header
    assert brotli.decompress(encodings.encode(body, "br")) == body
    assert encodings.encode(body, "identity") is body


def test_each_coding_has_its_own_strong_etag() -> None:
    etag = '"abc"'
    assert encodings.variant_etag(etag, "identity") == etag
    assert encodings.variant_etag(etag, "gzip") == '"abc-gzip"'
    assert encodings.variant_etag(etag, "br") == '"abc-br"'
