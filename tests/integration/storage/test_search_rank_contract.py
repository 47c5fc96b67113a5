"""Ranked search (``search_rank``) on every backend: name matches first, then the others.

Each test compares a backend's pages with the reference order computed here from every stored
record (``search_text.matches`` and ``search_rank.name_matches``); on SQLite the bounded plan's
window is made small, so pages of both phases cross from the window to the trigram indexes.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.storage.records import ListQuery, SearchPhase, ServerRecord
from mcp_registry.shared.storage.search_rank import name_matches, phase_of
from mcp_registry.shared.storage.search_text import matches
from mcp_registry.shared.storage.sqlite.servers import SqliteServerStore
from tests.support.stores import ACTOR, MakeStore, Ticker, new_version

Key = tuple[str, str]
TERMS = ("weather", "WEATHER", "maps", "io.github", "ther", "we", "e", "gamma/maps", "nowhere")


def seed(store: ServerStore) -> list[str]:
    """Names in three owner blocks; the term is in some names, in other entries only in the
    description or a package identifier; two versions each, some deprecated or deleted, some
    whose latest version lost the term. Returns every name."""
    if isinstance(store, SqliteServerStore):
        store.search_window = 3
    clock = Ticker()
    chooser = random.Random(11)
    names: list[str] = []
    for i in range(36):
        owner = ("alpha", "beta", "gamma")[i // 12]
        topic = ("weather", "maps", "notes")[i % 3]
        name = f"io.github.{owner}/{topic}-{i}"
        names.append(name)
        other = ("maps", "notes", "weather")[i % 3]
        store.publish(
            new_version(name, "1.0.0", description=f"{other} and more"), actor=ACTOR, now=clock()
        )
        later = other if chooser.random() < 0.7 else "plain"
        packages = [{"registryType": "npm", "identifier": f"@x/{later}-kit", "version": "1.1.0"}]
        store.publish(
            new_version(name, "1.1.0", description=f"{later} things", packages=packages),
            actor=ACTOR,
            now=clock(),
        )
        roll = chooser.random()
        if roll < 0.15:
            store.set_status(name, "1.1.0", "deleted", None, actor=ACTOR, now=clock())
        elif roll < 0.3:
            store.set_status(name, None, "deprecated", "old", actor=ACTOR, now=clock())
    return names


def expected(store: ServerStore, names: list[str], query: ListQuery) -> list[Key]:
    """The reference: every record the query lists, in ranked order."""
    records: list[ServerRecord] = [r for name in names for r in store.list_versions(name)]
    term = query.search or ""
    kept = [
        r
        for r in records
        if matches(r.server, term)
        and (r.is_latest or not query.latest_only)
        and (r.status != "deleted" or query.include_deleted)
    ]
    return sorted(
        ((r.name, r.version) for r in kept),
        key=lambda key: (not name_matches(key[0], term), key),
    )


def pages(store: ServerStore, query: ListQuery) -> tuple[list[Key], list[SearchPhase]]:
    """Every page of ``query`` following the store's (position, phase); the keys and each
    page's phase."""
    seen: list[Key] = []
    phases: list[SearchPhase] = []
    after: Key | None = None
    phase: SearchPhase = "name"
    for _ in range(500):
        page = store.list_servers(replace(query, after=after, phase=phase))
        seen.extend((r.name, r.version) for r in page.items)
        phases.append(page.phase)
        if page.items:
            assert page.phase == phase_of(page.items[-1].name, query.search or ""), "last phase"
        if not page.has_more:
            return seen, phases
        assert page.items, "has_more with an empty page"
        after = (page.items[-1].name, page.items[-1].version)
        phase = page.phase
    raise AssertionError("paging did not end")


@pytest.mark.parametrize("latest_only", [True, False])
@pytest.mark.parametrize("include_deleted", [False, True])
def test_name_matches_come_first_and_every_match_is_paged_once(
    make_store: MakeStore, latest_only: bool, include_deleted: bool
) -> None:
    store = make_store()
    names = seed(store)
    for term in TERMS:
        base = ListQuery(search=term, latest_only=latest_only, include_deleted=include_deleted)
        want = expected(store, names, base)
        whole = store.list_servers(replace(base, limit=100))
        assert [(r.name, r.version) for r in whole.items] == want, term
        for limit in (1, 2, 3):
            seen, _ = pages(store, replace(base, limit=limit))
            assert seen == want, (term, limit)


def test_a_broad_term_lists_names_then_descriptions(make_store: MakeStore) -> None:
    store = make_store()
    names = seed(store)
    page = store.list_servers(ListQuery(search="weather", latest_only=True, limit=100))
    found = [r.name for r in page.items]
    in_name = [n for n in found if "weather" in n]
    assert in_name, "some names match"
    assert len(in_name) < len(found), "some entries match through another field only"
    assert found[: len(in_name)] == in_name, "name matches first"
    assert found[: len(in_name)] == sorted(in_name)
    assert found[len(in_name) :] == sorted(found[len(in_name) :])
    assert all(n in names for n in found)
    assert page.phase == "other"
    assert not page.has_more


def test_the_page_phase_is_that_of_its_last_item(make_store: MakeStore) -> None:
    store = make_store()
    names = seed(store)
    query = ListQuery(search="weather", latest_only=True, limit=2)
    want = expected(store, names, query)
    seen, phases = pages(store, query)
    assert seen == want
    boundary = sum(1 for name, _ in want if "weather" in name)
    # Pages before the boundary are in the name phase, every page after it in the other.
    assert phases == sorted(phases, key=lambda p: p == "other")
    # Page k ends at item 2k - 1: in the name phase while that is before the boundary.
    assert phases.count("name") == boundary // 2


def test_a_second_phase_position_reads_only_the_second_phase(make_store: MakeStore) -> None:
    store = make_store()
    names = seed(store)
    query = ListQuery(search="weather", latest_only=True, limit=100)
    want = expected(store, names, query)
    others = [key for key in want if "weather" not in key[0]]
    middle = others[len(others) // 2]
    page = store.list_servers(replace(query, after=middle, phase="other"))
    assert [(r.name, r.version) for r in page.items] == others[len(others) // 2 + 1 :]
    # The same position in the first phase: the name matches after it, then every other.
    page = store.list_servers(replace(query, after=middle))
    tail = [k for k in want if "weather" in k[0] and k > middle] + others
    assert [(r.name, r.version) for r in page.items] == tail


def test_pages_across_the_boundary_survive_writes_between_them(make_store: MakeStore) -> None:
    store = make_store()
    if isinstance(store, SqliteServerStore):
        store.search_window = 2
    clock = Ticker()
    for i in range(6):
        store.publish(new_version(f"io.github.m/weather-{i}", "1.0.0"), actor=ACTOR, now=clock())
        store.publish(
            new_version(f"io.github.m/other-{i}", "1.0.0", description="weather too"),
            actor=ACTOR,
            now=clock(),
        )
    at_start = [(f"io.github.m/weather-{i}", "1.0.0") for i in range(6)] + [
        (f"io.github.m/other-{i}", "1.0.0") for i in range(6)
    ]
    seen: list[Key] = []
    after: Key | None = None
    phase: SearchPhase = "name"
    step = 0
    while True:
        page = store.list_servers(
            ListQuery(search="weather", latest_only=True, limit=3, after=after, phase=phase)
        )
        seen.extend((r.name, r.version) for r in page.items)
        step += 1
        # Between pages: a name match and an other match at both ends of the name space.
        for name in (f"io.github.a/weather-new-{step}", f"io.github.z/weather-new-{step}"):
            store.publish(new_version(name, "1.0.0"), actor=ACTOR, now=clock())
        for name in (f"io.github.a/other-new-{step}", f"io.github.z/other-new-{step}"):
            store.publish(
                new_version(name, "1.0.0", description="weather"), actor=ACTOR, now=clock()
            )
        if not page.has_more:
            break
        after = (page.items[-1].name, page.items[-1].version)
        phase = page.phase
    assert len(seen) == len(set(seen)), "no entry repeats"
    ranks = [(not name_matches(name, "weather"), (name, version)) for name, version in seen]
    assert ranks == sorted(ranks), "ranked order across pages"
    assert [k for k in seen if k in at_start] == at_start, "nothing existing is skipped"
    # Other matches published while the first phase was being paged appear in the second.
    assert ("io.github.a/other-new-1", "1.0.0") in seen


def test_a_name_match_is_not_listed_again_among_the_others(make_store: MakeStore) -> None:
    store = make_store()
    clock = Ticker()
    # Term in the name and in the description: listed once, in the first phase.
    store.publish(
        new_version("io.github.x/maps", "1.0.0", description="maps of maps"),
        actor=ACTOR,
        now=clock(),
    )
    store.publish(
        new_version("io.github.a/atlas", "1.0.0", description="Maps"), actor=ACTOR, now=clock()
    )
    for latest_only in (True, False):
        found = all_keys(store, ListQuery(search="MAPS", latest_only=latest_only, limit=1))
        assert found == [("io.github.x/maps", "1.0.0"), ("io.github.a/atlas", "1.0.0")]


def all_keys(store: ServerStore, query: ListQuery) -> list[Key]:
    return pages(store, query)[0]


def test_an_updated_since_search_is_ranked_too(make_store: MakeStore) -> None:
    store = make_store()
    names = seed(store)
    since = min(r.updated_at for r in store.list_versions(names[12]))
    query = ListQuery(search="weather", updated_since=since, include_deleted=True, limit=2)
    want = [
        key
        for key in expected(store, names, replace(query, updated_since=None))
        if any(r.version == key[1] and r.updated_at > since for r in store.list_versions(key[0]))
    ]
    assert want
    assert all_keys(store, query) == want
