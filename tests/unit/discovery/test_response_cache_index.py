"""The response cache finds the entries a change affects through its indexes; these tests hold
the result to the rule itself: every entry whose scope says the change affects it, and no other.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from mcp_registry.services.discovery.cache_scope import EVERYTHING, ChangedName, Scope
from mcp_registry.services.discovery.http_cache import (
    Changes,
    RenderedResponse,
    ResponseCache,
    render_bytes,
)
from mcp_registry.shared.storage.records import ServerRecord, Status

WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
NAMES = [f"io.github.o{i % 7}/s{i}" for i in range(40)]
TERMS = ["s1", "O3", "weather", "tool", "pkg-2", "zzz", "a\x00b", "x"]
WORDS = ["weather", "tools", "search", "files", "maps"]


def record(rng: random.Random, name: str, seq: int) -> ServerRecord:
    server = {
        "name": name,
        "description": f"{rng.choice(WORDS)} for {rng.choice(WORDS)}",
        "version": f"1.0.{seq}",
        "packages": [{"identifier": f"pkg-{rng.randrange(5)}"}],
    }
    status: Status = rng.choice(["active", "active", "deprecated", "deleted"])
    return ServerRecord(
        name=name,
        version=f"1.0.{seq}",
        server_json=json.dumps(server),
        status=status,
        status_message=None,
        published_at=WHEN,
        updated_at=WHEN,
        status_changed_at=WHEN,
        is_latest=rng.random() < 0.6,
        seq=seq,
    )


def random_scope(rng: random.Random) -> Scope:
    kind = rng.randrange(4)
    shown = frozenset(rng.sample(NAMES, rng.randrange(0, 4)))
    if kind == 0:
        return EVERYTHING
    if kind == 1:
        return Scope(names=frozenset((rng.choice(NAMES),)))
    low, high = sorted(rng.sample(NAMES, 2))
    return Scope(
        names=shown,
        listing=True,
        low=rng.choice([None, low]),
        high=rng.choice([None, high]),
        search=rng.choice(TERMS) if kind == 3 else None,
        latest_only=rng.random() < 0.5,
        include_deleted=rng.random() < 0.3,
    )


def entry(scope: Scope, seq: int) -> RenderedResponse:
    return render_bytes(b"{}", last_modified=None, names=(), seq=seq, is_list=True, scope=scope)


def producing(scope: Scope, seq: int) -> Callable[[], RenderedResponse]:
    return lambda: entry(scope, seq)


def changes_of(records: list[ServerRecord]) -> Changes:
    return lambda _seq, _limit: records


@pytest.mark.parametrize("seed", range(25))
def test_a_catch_up_drops_exactly_the_affected_entries(seed: int) -> None:
    rng = random.Random(seed)
    cache = ResponseCache(max_entries=10_000, max_bytes=10**9)
    seq = 1
    scopes: dict[str, Scope] = {}
    for i in range(rng.randrange(20, 120)):
        scopes[f"k{i}"] = random_scope(rng)
        cache.get_or_render(f"k{i}", seq, producing(scopes[f"k{i}"], seq))
    for _ in range(6):
        changed = [record(rng, rng.choice(NAMES), seq + n + 1) for n in range(rng.randrange(1, 4))]
        by_name: defaultdict[str, list[ServerRecord]] = defaultdict(list)
        for changed_record in changed:
            by_name[changed_record.name].append(changed_record)
        prepared = [ChangedName.of(name, records) for name, records in by_name.items()]
        held = [key for key in scopes if cache.holds(key)]
        expected = {key for key in held if not any(scopes[key].affected_by(n) for n in prepared)}
        seq += len(changed)
        cache.lookup("none", seq, changes_of(changed))
        assert {key for key in scopes if cache.holds(key)} == expected
        # Refill some of what went, so later rounds see entries added after a catch-up.
        for key in sorted(set(held) - expected)[:5]:
            cache.get_or_render(key, seq, producing(scopes[key], seq))


def test_evicted_and_replaced_entries_leave_the_indexes() -> None:
    cache = ResponseCache(max_entries=2, max_bytes=10**9)
    detail = Scope(names=frozenset(("io.github.a/x",)))
    search = Scope(listing=True, search="weather")
    cache.get_or_render("d", 1, lambda: entry(detail, 1))
    cache.get_or_render("s", 1, lambda: entry(search, 1))
    cache.get_or_render("other", 1, lambda: entry(Scope(names=frozenset(("io.github.b/y",))), 1))
    assert not cache.holds("d")  # least recently used, evicted
    rng = random.Random(1)
    changed = [record(rng, "io.github.a/x", 2)]
    # The evicted entry's index slot is gone: the catch-up neither fails nor drops the others.
    cache.lookup("none", 2, lambda _seq, _limit: changed)
    assert cache.holds("other")
    assert len(cache) == 2 - (0 if cache.holds("s") else 1)


def test_a_term_that_can_match_nothing_is_affected_only_through_its_names() -> None:
    cache = ResponseCache(max_entries=10, max_bytes=10**9)
    shown = Scope(names=frozenset(("io.github.a/x",)), listing=True, search="a\x00b")
    cache.get_or_render("nul", 1, lambda: entry(shown, 1))
    rng = random.Random(2)
    cache.lookup("none", 2, lambda _seq, _limit: [record(rng, "io.github.b/y", 2)])
    assert cache.holds("nul")
    cache.lookup("none", 3, lambda _seq, _limit: [record(rng, "io.github.a/x", 3)])
    assert not cache.holds("nul")
