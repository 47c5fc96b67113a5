from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from mcp_registry.services.discovery.http_cache import (
    RenderedResponse,
    ResponseCache,
    cache_control,
    not_modified,
    render,
)
from mcp_registry.services.discovery.reads import ReadResult
from mcp_registry.shared.config import Settings

MODIFIED = datetime(2025, 5, 1, 12, 0, 0, 250_000, tzinfo=UTC)


def rendered(
    body: dict[str, object] | None = None, names: tuple[str, ...] = ("a/b",)
) -> RenderedResponse:
    return render(ReadResult(body or {"x": 1}, MODIFIED, names), seq=7, is_list=True)


def test_etag_is_strong_and_follows_the_bytes() -> None:
    first, same, other = rendered(), rendered(), rendered({"x": 2})
    assert first.etag.startswith('"')
    assert not first.etag.startswith("W/")
    assert first.etag == same.etag
    assert first.etag != other.etag


def test_last_modified_is_an_http_date_in_whole_seconds() -> None:
    assert rendered().last_modified == "Thu, 01 May 2025 12:00:00 GMT"


def test_lists_carry_only_the_collection_key_and_details_their_name() -> None:
    assert rendered(names=("a/b", "c/d")).surrogate_key == "servers"
    detail = render(ReadResult({}, None, ("a/b",)), seq=1, is_list=False)
    assert detail.surrogate_key == "server:a/b"


def test_a_list_surrogate_header_stays_small() -> None:
    names = tuple(f"io.github.user{i}/{'x' * 150}" for i in range(100))
    assert len(rendered(names=names).surrogate_key) < 256


def test_conditional_requests() -> None:
    r = rendered()
    assert not_modified(r, r.etag, None)
    assert not_modified(r, f'"nope", {r.etag}', None)
    assert not_modified(r, "W/" + r.etag, None)
    assert not_modified(r, "*", None)
    assert not not_modified(r, '"nope"', None)
    assert not_modified(r, None, "Thu, 01 May 2025 12:00:00 GMT")
    assert not not_modified(r, None, "Thu, 01 May 2025 11:59:59 GMT")
    # If-None-Match wins over If-Modified-Since.
    assert not not_modified(r, '"nope"', "Thu, 01 May 2025 12:00:00 GMT")
    assert not not_modified(r, None, "garbage")


def test_cache_control_carries_cdn_directives() -> None:
    value = cache_control(Settings(cache_max_age=10, cache_s_maxage=60))
    assert value == "public, max-age=10, s-maxage=60, stale-while-revalidate=600"


def test_response_cache_serves_only_at_the_same_sequence() -> None:
    cache = ResponseCache(max_entries=2)
    calls: list[int] = []

    def produce(seq: int) -> Callable[[], RenderedResponse]:
        def inner() -> RenderedResponse:
            calls.append(seq)
            return render(ReadResult({"seq": seq}, None, ()), seq=seq, is_list=True)

        return inner

    cache.get_or_render("k", 1, produce(1))
    cache.get_or_render("k", 1, produce(1))
    assert calls == [1]
    cache.get_or_render("k", 2, produce(2))
    assert calls == [1, 2]
    cache.get_or_render("a", 2, produce(2))
    cache.get_or_render("b", 2, produce(2))
    assert len(cache) == 2  # LRU bound
    cache.clear()
    assert len(cache) == 0
