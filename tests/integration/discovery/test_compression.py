"""Compressed reads: negotiated, compressed once per cached response, validated per coding."""

from __future__ import annotations

import gzip

import brotli  # type: ignore[import-untyped]

from tests.support.discovery import MakeDiscovery

PAGE = "/v0/servers"
QUERY = "limit=100&version=latest"


def test_a_page_of_100_is_compressed_once_and_validated_per_coding(
    make_discovery: MakeDiscovery,
) -> None:
    d = make_discovery()
    for i in range(120):
        d.publish(f"io.github.user{i:03d}/server-{i}", "1.0.0", description=f"Server number {i}")
    plain = d.client.simulate_get(PAGE, query_string=QUERY)
    gz = d.client.simulate_get(PAGE, query_string=QUERY, headers={"Accept-Encoding": "gzip"})
    br = d.client.simulate_get(PAGE, query_string=QUERY, headers={"Accept-Encoding": "br, gzip"})

    assert plain.headers.get("content-encoding") is None
    assert gz.headers["content-encoding"] == "gzip"
    assert br.headers["content-encoding"] == "br"
    for response in (plain, gz, br):
        assert response.headers["vary"] == "Accept-Encoding"
    assert gzip.decompress(gz.content) == plain.content
    assert brotli.decompress(br.content) == plain.content
    assert len(gz.content) <= 0.25 * len(plain.content)
    assert len({plain.headers["etag"], gz.headers["etag"], br.headers["etag"]}) == 3

    # A hit reuses the bytes compressed on the first request: nothing is compressed again.
    entry = d.cache.peek(f"{PAGE}?{QUERY}")
    assert entry is not None
    first_bytes = entry.representation("gzip")[0]
    again = d.client.simulate_get(PAGE, query_string=QUERY, headers={"Accept-Encoding": "gzip"})
    assert again.content == gz.content
    assert entry.representation("gzip")[0] is first_bytes
    assert d.cache.size_bytes == len(plain.content) + len(gz.content) + len(br.content)

    # Validators belong to one coding: the gzip ETag revalidates the gzip representation only.
    gz_etag = gz.headers["etag"]
    revalidated = d.client.simulate_get(
        PAGE,
        query_string=QUERY,
        headers={"Accept-Encoding": "gzip", "If-None-Match": gz_etag},
    )
    assert revalidated.status_code == 304
    assert revalidated.headers["etag"] == gz_etag
    other = d.client.simulate_get(PAGE, query_string=QUERY, headers={"If-None-Match": gz_etag})
    assert other.status_code == 200
    assert other.content == plain.content


def test_small_bodies_stay_identity(make_discovery: MakeDiscovery) -> None:
    d = make_discovery()
    d.publish("io.github.a/one", "1.0.0")
    detail = d.client.simulate_get(
        "/v0/servers/io.github.a%2Fone/versions/latest", headers={"Accept-Encoding": "gzip"}
    )
    assert detail.status_code == 200
    assert len(detail.content) < 512
    assert detail.headers.get("content-encoding") is None
