"""The response cache's byte budget: memory stays bounded whatever the catalog size."""

from __future__ import annotations

from mcp_registry.services.discovery.http_cache import RenderedResponse, ResponseCache, render
from mcp_registry.services.discovery.reads import ReadResult


def body_of(size: int, seq: int = 1) -> RenderedResponse:
    # {"x":"..."} is 8 bytes of JSON around the string.
    return render(ReadResult({"x": "a" * (size - 8)}, None, ()), seq=seq, is_list=True)


def test_least_recently_used_entries_leave_when_bytes_run_out() -> None:
    cache = ResponseCache(max_entries=100, max_bytes=250)
    for key in ("a", "b"):
        cache.get_or_render(key, 1, lambda: body_of(100))
    cache.get_or_render("a", 1, lambda: body_of(100))  # touch a: b is now the oldest
    cache.get_or_render("c", 1, lambda: body_of(100))
    assert len(cache) == 2
    assert cache.size_bytes == 200
    produced: list[str] = []

    def produce_b() -> RenderedResponse:
        produced.append("b")
        return body_of(100)

    cache.get_or_render("b", 1, produce_b)
    assert produced == ["b"]  # b was evicted


def test_a_body_larger_than_the_budget_is_served_but_not_kept() -> None:
    cache = ResponseCache(max_entries=10, max_bytes=50)
    served = cache.get_or_render("big", 1, lambda: body_of(100))
    assert len(served.body) == 100
    assert len(cache) == 0
    assert cache.size_bytes == 0


def test_replacing_an_entry_and_clearing_keep_the_byte_count_exact() -> None:
    cache = ResponseCache(max_entries=10, max_bytes=1000)
    cache.get_or_render("k", 1, lambda: body_of(100))
    cache.get_or_render("k", 2, lambda: body_of(300, seq=2))
    assert cache.size_bytes == 300
    cache.clear()
    assert (len(cache), cache.size_bytes) == (0, 0)
