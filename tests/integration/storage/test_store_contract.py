"""The storage contract (``shared/storage/port.py``), run against every backend.

Each test gets ``make_store``: a factory of initialized stores sharing one fresh database
(SQLite file, or MongoDB: real server, container or the mongomock stand-in; the test summary
says which).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import orjson
import pytest

from mcp_registry.shared.api_items import to_item
from mcp_registry.shared.errors import BadRequest, Conflict, NotFound
from mcp_registry.shared.event_model import (
    SERVER_PUBLISHED,
    SERVER_STATUS_CHANGED,
    SERVER_UPDATED,
)
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.storage.records import (
    ListQuery,
    NewVersion,
    SearchPhase,
    ServerRecord,
    Status,
)
from mcp_registry.shared.storage.search_rank import name_matches
from mcp_registry.shared.storage.search_text import matches
from mcp_registry.shared.storage.sqlite.servers import SqliteServerStore
from tests.support.server_json import MakeServerJson, npm_package
from tests.support.stores import (
    ACTOR,
    T0,
    MakeStore,
    Ticker,
    at,
    new_version,
)

NAME = "io.github.octo/weather"


def latest_version(store: ServerStore, name: str) -> str | None:
    """The latest version of ``name``, checking that exactly one record claims it."""
    flagged = [r.version for r in store.list_versions(name) if r.is_latest]
    assert len(flagged) <= 1, f"two latest versions: {flagged}"
    latest = store.get_latest(name)
    assert (latest.version if latest else None) == (flagged[0] if flagged else None)
    return flagged[0] if flagged else None


def publish(store: ServerStore, version: str, when: datetime, name: str = NAME) -> ServerRecord:
    return store.publish(new_version(name, version), actor=ACTOR, now=when)


def all_pages(store: ServerStore, query: ListQuery) -> list[tuple[str, str]]:
    """Every (name, version) of a query, following the keyset (and search phase) to the end."""
    seen: list[tuple[str, str]] = []
    after: tuple[str, str] | None = None
    phase: SearchPhase = "name"
    while True:
        page = store.list_servers(
            ListQuery(
                limit=query.limit,
                after=after,
                search=query.search,
                latest_only=query.latest_only,
                version=query.version,
                updated_since=query.updated_since,
                include_deleted=query.include_deleted,
                phase=phase,
            )
        )
        seen.extend((r.name, r.version) for r in page.items)
        if not page.has_more:
            return seen
        assert page.items, "has_more with an empty page"
        after = (page.items[-1].name, page.items[-1].version)
        phase = page.phase


def ranked(keys: list[tuple[str, str]], query: str) -> list[tuple[str, str]]:
    """``keys`` of matches in the order a search for ``query`` lists them: name matches first,
    each part in keyset order."""
    return sorted(keys, key=lambda key: (not name_matches(key[0], query), key))


# -- lifecycle ------------------------------------------------------------------------------


def test_init_is_idempotent_and_keeps_data(make_store: MakeStore) -> None:
    store = make_store(init=False)
    store.init()
    store.init()
    publish(store, "1.0.0", at(0))
    publish(store, "2.0.0", at(1))
    other = make_store(init=False)
    other.init()
    assert other.count_versions(NAME) == 2
    assert latest_version(other, NAME) == "2.0.0"
    assert other.change_seq() == store.change_seq() == 3


def test_empty_store(make_store: MakeStore) -> None:
    store = make_store()
    assert store.change_seq() == 0
    assert store.last_updated_at() is None
    assert store.get_latest(NAME) is None
    assert store.get_version(NAME, "1.0.0") is None
    assert store.list_versions(NAME) == []
    assert store.count_versions(NAME) == 0
    assert store.list_servers(ListQuery()).items == []
    assert store.database.pending_events() == []
    assert store.database.audit_log() == []


# -- publish --------------------------------------------------------------------------------


def test_publish_then_read_back_exactly(
    make_store: MakeStore, make_server_json: MakeServerJson
) -> None:
    store = make_store()
    server = make_server_json(
        name=NAME,
        version="1.0.0",
        title="Wëather ☀",
        packages=[npm_package("@octo/weather", "1.0.0")],
        _meta={"io.modelcontextprotocol.registry/publisher-provided": {"a.b": [1, 2.5, None]}},
    )
    now = datetime(2025, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)
    record = store.publish(NewVersion(NAME, "1.0.0", server), actor=ACTOR, now=now)
    assert record.name == NAME
    assert record.version == "1.0.0"
    assert record.server == server
    assert record.status == "active"
    assert record.status_message is None
    assert record.published_at == record.updated_at == record.status_changed_at == now
    assert record.published_at.tzinfo is not None
    assert record.published_at.utcoffset() == timedelta(0)
    assert record.is_latest
    assert record.seq >= 1
    assert store.get_version(NAME, "1.0.0") == record
    assert store.get_latest(NAME) == record
    assert store.list_versions(NAME) == [record]
    assert store.count_versions(NAME) == 1
    assert store.last_updated_at() == now
    assert store.change_seq() == record.seq


def test_publish_with_other_timezone_is_stored_as_utc(make_store: MakeStore) -> None:
    store = make_store()
    local = datetime(2025, 1, 1, 12, 0, 0, 1, tzinfo=timezone(timedelta(hours=2)))
    record = publish(store, "1.0.0", local)
    assert record.published_at == local
    assert record.published_at.utcoffset() == timedelta(0)


def test_publish_refuses_naive_time(make_store: MakeStore) -> None:
    store = make_store()
    with pytest.raises(ValueError, match="naive"):
        publish(store, "1.0.0", datetime(2025, 1, 1))  # naive on purpose
    assert store.count_versions(NAME) == 0


def test_publish_initial_status(make_store: MakeStore) -> None:
    store = make_store()
    record = store.publish(
        new_version(NAME, "1.0.0", status="deprecated", status_message="use 2"),
        actor=ACTOR,
        now=at(0),
    )
    assert (record.status, record.status_message) == ("deprecated", "use 2")


def test_duplicate_version_conflicts_and_changes_nothing(make_store: MakeStore) -> None:
    store = make_store()
    first = publish(store, "1.0.0", at(0))
    seq, events, audit = (
        store.change_seq(),
        store.database.pending_events(),
        store.database.audit_log(),
    )
    with pytest.raises(Conflict):
        publish(store, "1.0.0", at(1))
    assert store.get_version(NAME, "1.0.0") == first
    assert store.change_seq() == seq
    assert store.database.pending_events() == events
    assert store.database.audit_log() == audit


def test_server_json_must_match_the_stored_identity(
    make_store: MakeStore, make_server_json: MakeServerJson
) -> None:
    store = make_store()
    with pytest.raises(BadRequest):
        store.publish(
            NewVersion(NAME, "1.0.0", make_server_json(name="io.github.other/x", version="1.0.0")),
            actor=ACTOR,
            now=at(0),
        )
    assert store.count_versions(NAME) == 0


def test_max_versions_is_a_bad_request(make_store: MakeStore) -> None:
    store = make_store()
    publish(store, "1.0.0", at(0))
    store.publish(new_version(NAME, "1.0.1"), actor=ACTOR, now=at(1), max_versions=2)
    with pytest.raises(BadRequest) as caught:
        store.publish(new_version(NAME, "1.0.2"), actor=ACTOR, now=at(2), max_versions=2)
    assert not isinstance(caught.value, Conflict)
    assert store.count_versions(NAME) == 2
    # Other names are not affected by this name's count.
    store.publish(
        new_version("io.github.octo/other", "1.0.0"), actor=ACTOR, now=at(3), max_versions=2
    )


# -- latest ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("versions", "latest_after_each"),
    [
        # semver beats non-semver, whichever came first
        (["2024.10.01", "0.0.1", "2025.01.01"], ["2024.10.01", "0.0.1", "0.0.1"]),
        # semver precedence, pre-releases below their release
        (
            ["1.0.0", "2.0.0-rc.1", "1.5.0", "2.0.0", "2.0.0-rc.2", "1.10.0"],
            ["1.0.0", "2.0.0-rc.1", "2.0.0-rc.1", "2.0.0", "2.0.0", "2.0.0"],
        ),
        # a leading v is semver too
        (["1.2.0", "v1.3.0", "1.2.5"], ["1.2.0", "v1.3.0", "v1.3.0"]),
        # two non-semver versions: the later publish wins
        (["beta", "alpha", "2024-12"], ["beta", "alpha", "2024-12"]),
    ],
)
def test_latest_rules(
    make_store: MakeStore, versions: list[str], latest_after_each: list[str]
) -> None:
    store = make_store()
    for i, (version, expected) in enumerate(zip(versions, latest_after_each, strict=True)):
        publish(store, version, at(i))
        assert latest_version(store, NAME) == expected, f"after publishing {version}"


def test_record_losing_latest_is_bumped(make_store: MakeStore) -> None:
    store = make_store()
    old = publish(store, "1.0.0", at(0))
    new = publish(store, "2.0.0", at(10))
    demoted = store.get_version(NAME, "1.0.0")
    assert demoted is not None
    assert not demoted.is_latest
    assert demoted.updated_at == at(10)
    assert demoted.seq > old.seq
    assert demoted.published_at == old.published_at
    assert demoted.status_changed_at == old.status_changed_at
    assert new.is_latest
    # An older publish does not take latest, so the latest record stays untouched.
    publish(store, "1.5.0", at(20))
    assert store.get_version(NAME, "2.0.0") == new


def test_latest_is_per_name(make_store: MakeStore) -> None:
    store = make_store()
    publish(store, "2.0.0", at(0), name="io.github.a/one")
    publish(store, "1.0.0", at(1), name="io.github.a/two")
    assert latest_version(store, "io.github.a/one") == "2.0.0"
    assert latest_version(store, "io.github.a/two") == "1.0.0"


def test_seq_strictly_increases_across_writes(
    make_store: MakeStore, make_server_json: MakeServerJson
) -> None:
    store = make_store()
    clock = Ticker()
    seqs: list[int] = []

    def wrote(record: ServerRecord) -> None:
        seqs.append(record.seq)
        assert store.change_seq() == record.seq, "change_seq is the newest seq handed out"

    for version in ["1.0.0", "0.9.0", "2.0.0"]:
        wrote(publish(store, version, clock()))
    wrote(publish(store, "1.0.0", clock(), name="io.github.b/x"))
    [changed] = store.set_status(NAME, "2.0.0", "deprecated", None, actor=ACTOR, now=clock())
    wrote(changed)
    replacement = make_server_json(name=NAME, version="0.9.0", title="x")
    wrote(store.replace_server(NAME, "0.9.0", replacement, actor=ACTOR, now=clock()))
    assert seqs == sorted(set(seqs)), "every write gets a greater seq"
    record_seqs = [r.seq for name in (NAME, "io.github.b/x") for r in store.list_versions(name)]
    assert len(set(record_seqs)) == len(record_seqs), "seq is unique per record"
    assert store.change_seq() == max(record_seqs)


# -- status ---------------------------------------------------------------------------------


def test_set_status_of_one_version(make_store: MakeStore) -> None:
    store = make_store()
    one = publish(store, "1.0.0", at(0))
    two = publish(store, "2.0.0", at(1))
    one = store.get_version(NAME, "1.0.0") or one

    [deprecated] = store.set_status(NAME, "2.0.0", "deprecated", "use 3", actor=ACTOR, now=at(5))
    assert (deprecated.status, deprecated.status_message) == ("deprecated", "use 3")
    assert deprecated.status_changed_at == deprecated.updated_at == at(5)
    assert deprecated.published_at == two.published_at
    assert deprecated.seq > two.seq
    assert deprecated.is_latest, "deprecated versions still count for latest"
    assert store.get_version(NAME, "1.0.0") == one, "an unaddressed record is untouched"

    [deleted] = store.set_status(NAME, "2.0.0", "deleted", None, actor=ACTOR, now=at(6))
    assert deleted.status == "deleted"
    assert deleted.status_message is None
    assert not deleted.is_latest, "a deleted version loses latest to a live one"
    promoted = store.get_version(NAME, "1.0.0")
    assert promoted is not None
    assert promoted.is_latest
    assert promoted.updated_at == at(6)
    assert promoted.seq > one.seq
    assert promoted.status_changed_at == one.status_changed_at
    assert latest_version(store, NAME) == "1.0.0"


def test_set_status_of_every_version(make_store: MakeStore) -> None:
    store = make_store()
    for i, version in enumerate(["1.0.0", "3.0.0", "2.0.0"]):
        publish(store, version, at(i))
    records = store.set_status(NAME, None, "deleted", "gone", actor=ACTOR, now=at(9))
    assert [r.version for r in records] == ["1.0.0", "3.0.0", "2.0.0"]
    assert {r.status for r in records} == {"deleted"}
    assert all(r.updated_at == r.status_changed_at == at(9) for r in records)
    # Every version deleted: the best of them stays latest so latest-only pollers see it.
    assert latest_version(store, NAME) == "3.0.0"

    [restored] = store.set_status(NAME, "1.0.0", "active", None, actor=ACTOR, now=at(10))
    assert restored.is_latest, "the only live version is latest"
    assert latest_version(store, NAME) == "1.0.0"
    gone = store.get_version(NAME, "3.0.0")
    assert gone is not None
    assert gone.updated_at == at(10), "the record losing latest is bumped"


def test_set_status_without_change_bumps_nothing(make_store: MakeStore) -> None:
    store = make_store()
    record = publish(store, "1.0.0", at(0))
    events = len(store.database.pending_events())
    [same] = store.set_status(NAME, "1.0.0", "active", None, actor=ACTOR, now=at(5))
    assert same == record
    assert store.change_seq() == record.seq
    assert len(store.database.pending_events()) == events
    assert store.database.audit_log(limit=1)[0]["action"] == "status"


def test_set_status_message_change_counts_as_change(make_store: MakeStore) -> None:
    store = make_store()
    record = publish(store, "1.0.0", at(0))
    [changed] = store.set_status(NAME, "1.0.0", "active", "note", actor=ACTOR, now=at(5))
    assert changed.status_message == "note"
    assert changed.seq > record.seq
    # As the official registry: the message moved, the status did not.
    assert changed.updated_at == at(5)
    assert changed.status_changed_at == record.status_changed_at
    assert store.database.pending_events()[-1].subject.endswith("status_changed")
    [moved] = store.set_status(NAME, "1.0.0", "deprecated", "note", actor=ACTOR, now=at(6))
    assert moved.status_changed_at == moved.updated_at == at(6)


def test_set_status_unknown_is_not_found(make_store: MakeStore) -> None:
    store = make_store()
    publish(store, "1.0.0", at(0))
    with pytest.raises(NotFound):
        store.set_status(NAME, "9.9.9", "deleted", None, actor=ACTOR, now=at(1))
    with pytest.raises(NotFound):
        store.set_status("io.github.nobody/x", None, "deleted", None, actor=ACTOR, now=at(1))
    assert store.change_seq() == 1


# -- replace --------------------------------------------------------------------------------


def test_replace_server(make_store: MakeStore, make_server_json: MakeServerJson) -> None:
    store = make_store()
    old = publish(store, "1.0.0", at(0))
    publish(store, "0.5.0", at(1))
    replacement = make_server_json(
        name=NAME, version="1.0.0", title="Renamed Thing", description="fresh words"
    )
    record = store.replace_server(NAME, "1.0.0", replacement, actor=ACTOR, now=at(7))
    assert record.server == replacement
    assert record.updated_at == at(7)
    assert record.seq > old.seq
    assert record.published_at == old.published_at
    assert record.status_changed_at == old.status_changed_at
    assert record.is_latest == old.is_latest
    assert store.get_version(NAME, "1.0.0") == record
    found = store.list_servers(ListQuery(search="renamed thing")).items
    assert [(r.name, r.version) for r in found] == [(NAME, "1.0.0")]
    assert store.list_servers(ListQuery(search="a test server", latest_only=True)).items == []
    with pytest.raises(NotFound):
        store.replace_server(
            NAME, "7.0.0", make_server_json(name=NAME, version="7.0.0"), actor=ACTOR, now=at(8)
        )


# -- listing --------------------------------------------------------------------------------


def _catalog(store: ServerStore) -> None:
    """Three names, several versions; one deprecated, one deleted."""
    clock = Ticker()
    for name, versions in [
        ("io.github.alpha/a", ["1.0.0", "1.1.0"]),
        ("io.github.beta/b", ["0.1.0", "0.2.0", "0.3.0"]),
        ("io.github.gamma/c", ["2.0.0"]),
    ]:
        for version in versions:
            publish(store, version, clock(), name=name)
    store.set_status("io.github.beta/b", "0.3.0", "deleted", None, actor=ACTOR, now=clock())
    store.set_status("io.github.beta/b", "0.1.0", "deprecated", None, actor=ACTOR, now=clock())


def test_list_orders_by_name_then_version_and_pages(make_store: MakeStore) -> None:
    store = make_store()
    _catalog(store)
    everything = [
        ("io.github.alpha/a", "1.0.0"),
        ("io.github.alpha/a", "1.1.0"),
        ("io.github.beta/b", "0.1.0"),
        ("io.github.beta/b", "0.2.0"),
        ("io.github.gamma/c", "2.0.0"),
    ]
    page = store.list_servers(ListQuery(limit=100))
    assert [(r.name, r.version) for r in page.items] == everything
    assert not page.has_more
    page = store.list_servers(ListQuery(limit=2))
    assert [(r.name, r.version) for r in page.items] == everything[:2]
    assert page.has_more
    page = store.list_servers(ListQuery(limit=2, after=everything[1]))
    assert [(r.name, r.version) for r in page.items] == everything[2:4]
    assert page.has_more
    page = store.list_servers(ListQuery(limit=2, after=everything[3]))
    assert [(r.name, r.version) for r in page.items] == everything[4:]
    assert not page.has_more
    exact = store.list_servers(ListQuery(limit=5))
    assert len(exact.items) == 5
    assert not exact.has_more
    for limit in (1, 2, 3):
        assert all_pages(store, ListQuery(limit=limit)) == everything
    # A position that is not a stored record still orders correctly.
    page = store.list_servers(ListQuery(after=("io.github.beta/b", "0.15")))
    assert [(r.name, r.version) for r in page.items] == everything[3:]


def test_list_latest_only_and_deleted(make_store: MakeStore) -> None:
    store = make_store()
    _catalog(store)
    latest = store.list_servers(ListQuery(latest_only=True)).items
    assert [(r.name, r.version) for r in latest] == [
        ("io.github.alpha/a", "1.1.0"),
        ("io.github.beta/b", "0.2.0"),
        ("io.github.gamma/c", "2.0.0"),
    ]
    with_deleted = all_pages(store, ListQuery(limit=2, include_deleted=True))
    assert ("io.github.beta/b", "0.3.0") in with_deleted
    assert len(with_deleted) == 6
    assert ("io.github.beta/b", "0.3.0") not in all_pages(store, ListQuery(limit=2))


def test_list_an_exact_version(make_store: MakeStore) -> None:
    store = make_store()
    _catalog(store)
    exact = all_pages(store, ListQuery(limit=1, version="1.1.0"))
    assert exact == [("io.github.alpha/a", "1.1.0")]
    assert store.list_servers(ListQuery(version="9.9.9")).items == []


def test_list_after_a_bare_name_skips_every_version_of_it(make_store: MakeStore) -> None:
    # How official ``name`` cursors are replayed: NUL sorts before every other character.
    store = make_store()
    _catalog(store)
    page = store.list_servers(ListQuery(after=("io.github.alpha/a\x00", "")))
    assert {r.name for r in page.items} == {"io.github.beta/b", "io.github.gamma/c"}


def test_list_server_items_are_the_entries_of_list_servers(make_store: MakeStore) -> None:
    # None leaves the entries to the caller; a page of texts must be byte for byte those of
    # encoding each record's to_item.
    store = make_store()
    _catalog(store)
    store.set_status(
        "io.github.alpha/a", "1.0.0", "deprecated", 'use "1.1" ☃', actor=ACTOR, now=at(9)
    )
    queries = [
        ListQuery(),
        ListQuery(limit=2),
        ListQuery(limit=2, after=("io.github.alpha/a", "1.1.0")),
        ListQuery(latest_only=True),
        ListQuery(include_deleted=True),
        ListQuery(version="1.1.0"),
        ListQuery(search="gamma"),
        ListQuery(search="beta", latest_only=True),
        ListQuery(updated_since=at(0)),
        ListQuery(version="9.9.9"),
    ]
    for query in queries:
        written = store.list_server_items(query)
        if written is None:
            continue
        page = store.list_servers(query)
        assert written.texts == tuple(orjson.dumps(to_item(r)).decode() for r in page.items)
        assert written.names == tuple(r.name for r in page.items)
        assert written.last == (
            (page.items[-1].name, page.items[-1].version) if page.items else None
        )
        assert written.has_more == page.has_more


def test_list_updated_since_is_strict(make_store: MakeStore) -> None:
    store = make_store()
    publish(store, "1.0.0", at(0), name="io.github.a/x")
    publish(store, "1.0.0", at(1), name="io.github.b/x")
    publish(store, "1.0.0", at(2), name="io.github.c/x")
    since = store.list_servers(ListQuery(updated_since=at(1))).items
    assert [r.name for r in since] == ["io.github.c/x"]
    just_before = at(1) - timedelta(microseconds=1)
    assert [r.name for r in store.list_servers(ListQuery(updated_since=just_before)).items] == [
        "io.github.b/x",
        "io.github.c/x",
    ]
    store.set_status("io.github.a/x", "1.0.0", "deleted", None, actor=ACTOR, now=at(3))
    changed = store.list_servers(ListQuery(updated_since=at(2), include_deleted=True)).items
    assert [(r.name, r.status) for r in changed] == [("io.github.a/x", "deleted")]
    assert store.last_updated_at() == at(3)


def test_keyset_pages_survive_writes_between_pages(
    make_store: MakeStore, make_server_json: MakeServerJson
) -> None:
    store = make_store()
    clock = Ticker()
    names = [f"io.github.page/s{i:02d}" for i in range(12)]
    for name in names:
        publish(store, "1.0.0", clock(), name=name)
    at_start = [(name, "1.0.0") for name in names]
    seen: list[tuple[str, str]] = []
    after: tuple[str, str] | None = None
    step = 0
    while True:
        page = store.list_servers(ListQuery(limit=4, after=after))
        seen.extend((r.name, r.version) for r in page.items)
        # Writes between pages: before the cursor, after it, and to already-seen records.
        step += 1
        publish(store, "1.0.0", clock(), name=f"io.github.page/a{step}")
        publish(store, "1.0.0", clock(), name=f"io.github.page/z{step}")
        publish(store, f"2.0.{step}", clock(), name=names[0])
        store.replace_server(
            names[-1],
            "1.0.0",
            make_server_json(name=names[-1], version="1.0.0", title=f"t{step}"),
            actor=ACTOR,
            now=clock(),
        )
        if not page.has_more:
            break
        after = (page.items[-1].name, page.items[-1].version)
    assert len(seen) == len(set(seen)), "no record repeats"
    assert [k for k in seen if k in at_start] == at_start, "nothing existing is skipped"
    assert seen == sorted(seen)


CORPUS: list[dict[str, Any]] = [
    {"name": "io.github.acme/weather", "title": "Weather Now", "description": "Forecasts by city"},
    {
        "name": "io.github.acme/files",
        "description": "100% safe file_access",
        "packages": [npm_package("@acme/FS-tools", "1.0.0")],
    },
    {"name": "com.example/quotes", "title": 'Say "hello"', "description": "it's quoted * NEAR(x)"},
    {"name": "org.sample/regex", "description": r"matches a.*b [x] (y) \d+ $ ^ {2}"},
    {"name": "io.github.zed/empty", "description": "nothing special"},
    {"name": "eu.café/ünï", "title": "CAFÉ Ünïcode ☕", "description": "Straße"},
]

SEARCHES = [
    "weather",
    "WEATHER",
    "WeAtHeR nOw",
    "forecasts by",
    "fs-tools",
    "@acme/fs",
    "ACME",
    "100%",
    "%",
    "_",
    "file_",
    "le_a",
    '"',
    'say "hello"',
    "it's",
    "'",
    "*",
    "near(x)",
    "near",
    "AND",
    "a.*b",
    ".*",
    "[x]",
    "(y)",
    "\\d+",
    "$ ^",
    "{2}",
    "io.github",
    "io",
    "o",
    "zz",
    "not there at all",
    "e/w",
    "special\x1fsomething",
    # Control characters are dropped from queries (a NUL must never reach FTS5).
    "a\x00b",
    "\x00abc",
    "\x00\x00\x00",
    "wea\x00ther",
    "wea\nther\x7f",
    "café",
    "ÜNÏ",
    "☕",
    "straße",
]


@pytest.mark.parametrize("query", SEARCHES)
def test_search_is_case_insensitive_substring_of_fields(make_store: MakeStore, query: str) -> None:
    store = make_store()
    clock = Ticker()
    servers = []
    for entry in CORPUS:
        fields = {k: v for k, v in entry.items() if k != "name"}
        record = store.publish(
            new_version(entry["name"], "1.0.0", **fields), actor=ACTOR, now=clock()
        )
        servers.append(record.server)
    expected = [
        n for n, _ in ranked([(s["name"], "") for s in servers if matches(s, query)], query)
    ]
    found = [r.name for r in store.list_servers(ListQuery(search=query, limit=100)).items]
    assert found == expected
    for limit in (1, 2, 3):
        paged = all_pages(store, ListQuery(search=query, limit=limit))
        assert [name for name, _ in paged] == expected, limit
        latest = all_pages(store, ListQuery(search=query, limit=limit, latest_only=True))
        assert [name for name, _ in latest] == expected, limit


def test_search_examples(make_store: MakeStore) -> None:
    store = make_store()
    clock = Ticker()
    for entry in CORPUS:
        fields = {k: v for k, v in entry.items() if k != "name"}
        store.publish(new_version(entry["name"], "1.0.0", **fields), actor=ACTOR, now=clock())

    def names(search: str) -> list[str]:
        return [r.name for r in store.list_servers(ListQuery(search=search)).items]

    assert names("weather now") == ["io.github.acme/weather"]  # title
    assert names("BY CITY") == ["io.github.acme/weather"]  # description
    assert names("fs-TOOLS") == ["io.github.acme/files"]  # package identifier
    assert names("SAMPLE/REG") == ["org.sample/regex"]  # name
    assert names("%") == ["io.github.acme/files"]
    assert names("e_a") == ["io.github.acme/files"]  # _ is not a wildcard
    assert names('"hello"') == ["com.example/quotes"]
    assert names("no such thing") == []


def test_search_combines_with_latest_and_deleted(make_store: MakeStore) -> None:
    store = make_store()
    publish(store, "1.0.0", at(0))
    publish(store, "2.0.0", at(1))
    publish(store, "3.0.0", at(2))
    store.set_status(NAME, "3.0.0", "deleted", None, actor=ACTOR, now=at(3))
    hits = store.list_servers(ListQuery(search="weather")).items
    assert [r.version for r in hits] == ["1.0.0", "2.0.0"]
    hits = store.list_servers(ListQuery(search="weather", latest_only=True)).items
    assert [r.version for r in hits] == ["2.0.0"]
    hits = store.list_servers(
        ListQuery(search="weather", include_deleted=True, after=(NAME, "1.0.0"))
    ).items
    assert [r.version for r in hits] == ["2.0.0", "3.0.0"]
    # 2.0.0 regained latest when 3.0.0 was deleted: that is a change pollers must see.
    hits = store.list_servers(ListQuery(search="weather", updated_since=at(2))).items
    assert [r.version for r in hits] == ["2.0.0"]


def test_latest_search_pages_survive_publishes_between_pages(make_store: MakeStore) -> None:
    store = make_store()
    if isinstance(store, SqliteServerStore):
        # A window of three entries, so pages cross from the keyset walk to the trigram index.
        store.search_window = 3
    clock = Ticker()
    names = [f"io.github.page/w{i:02d}" for i in range(16)]
    for i, name in enumerate(names):
        topic = "weather station" if i % 2 == 0 else "other things"
        store.publish(new_version(name, "1.0.0", description=topic), actor=ACTOR, now=clock())
    matching = [name for i, name in enumerate(names) if i % 2 == 0]
    changed: set[str] = set()
    seen: list[tuple[str, str]] = []
    after: tuple[str, str] | None = None
    phase: SearchPhase = "name"
    step = 0
    while True:
        page = store.list_servers(
            ListQuery(search="WEATHER", latest_only=True, limit=3, after=after, phase=phase)
        )
        for record in page.items:
            assert record.is_latest, record.name
            assert matches(record.server, "weather"), record.name
        seen.extend((r.name, r.version) for r in page.items)
        # Between pages: new matches before and after the cursor, a new latest for a name
        # already shown, and one not yet shown losing the term.
        step += 1
        for name in (f"io.github.page/a{step}", f"io.github.page/z{step}", matching[0]):
            store.publish(
                new_version(name, f"2.0.{step}", description="weather"), actor=ACTOR, now=clock()
            )
        unseen = [n for n in matching[3:] if n not in changed and (n, "1.0.0") not in seen]
        if step == 2 and unseen:
            store.publish(
                new_version(unseen[-1], "2.0.0", description="gone"), actor=ACTOR, now=clock()
            )
            changed.add(unseen[-1])
        if not page.has_more:
            break
        after = (page.items[-1].name, page.items[-1].version)
        phase = page.phase
    assert len(seen) == len(set(seen)), "no record repeats"
    assert seen == sorted(seen), "keyset order across pages"
    unchanged = [(n, "1.0.0") for n in matching[1:] if n not in changed]
    assert [k for k in seen if k in unchanged] == unchanged, "nothing unchanged is skipped"
    assert changed, "a name not yet shown lost the term"
    assert not any(name in changed for name, _ in seen), "a lost match is not shown"
    assert ("io.github.page/z1", "2.0.1") in seen, "a match published past the cursor is shown"
    assert not any(name.startswith("io.github.page/a") for name, _ in seen)


# -- outbox ---------------------------------------------------------------------------------


def test_outbox_events_are_stored_with_each_write(
    make_store: MakeStore, make_server_json: MakeServerJson
) -> None:
    store = make_store()
    one = publish(store, "1.0.0", at(0))
    two = publish(store, "2.0.0", at(1))
    old = publish(store, "0.1.0", at(2))
    changed = store.set_status(NAME, None, "deprecated", "old", actor=ACTOR, now=at(3))
    edited = store.replace_server(
        NAME, "1.0.0", make_server_json(name=NAME, version="1.0.0"), actor=ACTOR, now=at(4)
    )

    events = store.database.pending_events()
    assert [e.subject for e in events] == [SERVER_PUBLISHED] * 3 + [SERVER_STATUS_CHANGED] * 3 + [
        SERVER_UPDATED
    ]
    assert len({e.id for e in events}) == len(events)
    assert events[0].payload == {
        "name": NAME,
        "version": "1.0.0",
        "seq": one.seq,
        "isLatest": True,
        "previousLatest": None,
    }
    assert events[1].payload == {
        "name": NAME,
        "version": "2.0.0",
        "seq": two.seq,
        "isLatest": True,
        "previousLatest": "1.0.0",
    }
    assert events[2].payload == {
        "name": NAME,
        "version": "0.1.0",
        "seq": old.seq,
        "isLatest": False,
        "previousLatest": None,
    }
    assert [e.payload for e in events[3:6]] == [
        {"name": NAME, "version": r.version, "status": "deprecated", "seq": r.seq} for r in changed
    ]
    assert events[6].payload == {"name": NAME, "version": "1.0.0", "seq": edited.seq}
    assert [e.created_at for e in events] == [at(0), at(1), at(2), at(3), at(3), at(3), at(4)]


def test_mark_events_sent(make_store: MakeStore) -> None:
    store = make_store()
    for i in range(5):
        publish(store, f"1.0.{i}", at(i))
    events = store.database.pending_events()
    assert len(events) == 5
    assert store.database.pending_events(limit=2) == events[:2]
    store.database.mark_events_sent([events[0].id, events[2].id, "no-such-event"], now=at(10))
    assert store.database.pending_events() == [events[1], events[3], events[4]]
    store.database.mark_events_sent([events[0].id], now=at(11))  # idempotent
    store.database.mark_events_sent([], now=at(11))
    assert store.database.pending_events() == [events[1], events[3], events[4]]
    store.database.mark_events_sent([e.id for e in events], now=at(12))
    assert store.database.pending_events() == []
    publish(store, "9.0.0", at(13))
    [fresh] = store.database.pending_events()
    assert fresh.payload["version"] == "9.0.0"


# -- audit ----------------------------------------------------------------------------------


def test_audit_log(make_store: MakeStore, make_server_json: MakeServerJson) -> None:
    store = make_store()
    admin = ACTOR.system("seed")
    publish(store, "1.0.0", at(0))
    store.publish(new_version("io.github.other/x", "1.0.0"), actor=admin, now=at(1))
    store.set_status(NAME, "1.0.0", "deprecated", "why", actor=admin, now=at(2))
    store.replace_server(
        NAME, "1.0.0", make_server_json(name=NAME, version="1.0.0"), actor=ACTOR, now=at(3)
    )

    log = store.database.audit_log()
    assert [(e["action"], e["target"]) for e in log] == [
        ("edit", NAME),
        ("status", NAME),
        ("publish", "io.github.other/x"),
        ("publish", NAME),
    ]
    assert log[1] == {
        "action": "status",
        "target": NAME,
        "subject": "system:seed",
        "auth_method": "system",
        "at": at(2),
        "detail": {
            "version": "1.0.0",
            "status": "deprecated",
            "message": "why",
            "changed": ["1.0.0"],
        },
    }
    assert log[3]["subject"] == ACTOR.subject
    assert log[3]["auth_method"] == ACTOR.auth_method
    assert log[3]["detail"]["version"] == "1.0.0"
    assert [e["action"] for e in store.database.audit_log(target=NAME)] == [
        "edit",
        "status",
        "publish",
    ]
    assert len(store.database.audit_log(limit=2)) == 2
    assert store.database.audit_log(target="io.github.nobody/x") == []


def test_failed_writes_leave_no_audit_or_events(
    make_store: MakeStore, make_server_json: MakeServerJson
) -> None:
    store = make_store()
    publish(store, "1.0.0", at(0))
    with pytest.raises(Conflict):
        publish(store, "1.0.0", at(1))
    with pytest.raises(NotFound):
        store.replace_server(
            NAME, "2.0.0", make_server_json(name=NAME, version="2.0.0"), actor=ACTOR, now=at(2)
        )
    assert len(store.database.audit_log()) == 1
    assert len(store.database.pending_events()) == 1


# -- concurrency ----------------------------------------------------------------------------


def _run_threads(count: int, work: Callable[[int], object]) -> list[object]:
    """Run ``work(i)`` on ``count`` threads released together; results or raised exceptions."""
    barrier = threading.Barrier(count)

    def run(i: int) -> object:
        barrier.wait(10)
        try:
            return work(i)
        except Exception as exc:
            return exc

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def test_concurrent_publishes_of_distinct_versions(make_store: MakeStore) -> None:
    stores = [make_store() for _ in range(2)]  # two "processes" sharing one database
    clock = Ticker()

    def work(i: int) -> object:
        return stores[i % 2].publish(new_version(NAME, f"1.{i}.0"), actor=ACTOR, now=clock())

    results = _run_threads(16, work)
    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    store = stores[0]
    versions = store.list_versions(NAME)
    assert len(versions) == 16
    assert latest_version(store, NAME) == "1.15.0"
    seqs = [r.seq for r in versions]
    assert len(set(seqs)) == 16
    assert store.change_seq() >= max(seqs)
    assert (
        len([e for e in store.database.pending_events(limit=1000) if e.subject == SERVER_PUBLISHED])
        == 16
    )
    assert len(store.database.audit_log(limit=1000)) == 16


def test_concurrent_publishes_of_the_same_version(make_store: MakeStore) -> None:
    stores = [make_store() for _ in range(2)]
    publish(stores[0], "0.9.0", at(0))

    def work(i: int) -> object:
        return stores[i % 2].publish(new_version(NAME, "1.0.0"), actor=ACTOR, now=at(1 + i))

    results = _run_threads(8, work)
    successes = [r for r in results if isinstance(r, ServerRecord)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(successes) == 1
    assert len(conflicts) == 7
    store = stores[0]
    assert store.count_versions(NAME) == 2
    assert latest_version(store, NAME) == "1.0.0"
    assert store.get_version(NAME, "1.0.0") == successes[0]
    published = [e for e in store.database.pending_events() if e.subject == SERVER_PUBLISHED]
    assert [e.payload["version"] for e in published] == ["0.9.0", "1.0.0"]


def test_concurrent_status_changes_keep_one_latest(make_store: MakeStore) -> None:
    store = make_store()
    clock = Ticker()
    for i in range(6):
        publish(store, f"1.{i}.0", clock())

    def work(i: int) -> object:
        status: Status = "deleted" if i % 2 else "active"
        return store.set_status(NAME, f"1.{i % 6}.0", status, None, actor=ACTOR, now=clock())

    results = _run_threads(12, work)
    assert [r for r in results if isinstance(r, Exception)] == []
    records = store.list_versions(NAME)
    live = [r for r in records if r.status != "deleted"]
    expected = max(live or records, key=lambda r: tuple(int(p) for p in r.version.split(".")))
    assert latest_version(store, NAME) == expected.version
    last = store.last_updated_at()
    assert last is not None
    assert last > T0


def test_changed_since_returns_the_records_changed_after_a_seq(make_store: MakeStore) -> None:
    store = make_store()
    clock = Ticker()
    publish(store, "1.0.0", clock(), name="io.github.a/one")
    before = store.change_seq()
    publish(store, "1.0.0", clock())
    publish(store, "2.0.0", clock())  # 1.0.0 loses latest: changed too
    changed = store.changed_since(before, limit=10)
    assert changed is not None
    found = {(r.name, r.version) for r in changed}
    # A backend may look a little further back (late-visible writes), never less far.
    assert found - {("io.github.a/one", "1.0.0")} == {(NAME, "1.0.0"), (NAME, "2.0.0")}
    assert [r.seq for r in changed] == sorted(r.seq for r in changed)
    latest = {r.version: r.is_latest for r in changed if r.name == NAME}
    assert latest == {"1.0.0": False, "2.0.0": True}, "records as they are now"
    assert store.changed_since(0, limit=1) is None, "more than the limit"
