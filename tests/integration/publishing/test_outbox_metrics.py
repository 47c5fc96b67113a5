"""/metrics reports the outbox backlog and its oldest event's age, read from the real store."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from mcp_registry.shared.storage.sqlite.database import SqliteDatabase
from mcp_registry.shared.storage.sqlite.domains import SqliteDomainStore
from mcp_registry.shared.storage.sqlite.servers import SqliteServerStore
from mcp_registry.shared.web.metrics import exposition, set_live_collector
from mcp_registry.shared.web.store_gauges import (
    DOMAINS_FAILING,
    OUTBOX_OLDEST_AGE,
    OUTBOX_PENDING,
    DomainGauges,
    OutboxGauges,
)
from tests.support.stores import ACTOR, at, new_version


def _scraped() -> dict[str, float]:
    return {
        sample.name: sample.value
        for family in text_string_to_metric_families(exposition().decode())
        for sample in family.samples
    }


def test_the_backlog_and_its_age_follow_the_outbox(tmp_path: Path) -> None:
    store = SqliteServerStore(SqliteDatabase(tmp_path / "registry.db"))
    store.init()
    try:
        now = at(100)
        set_live_collector("outbox", OutboxGauges(store.database, clock=lambda: now))
        assert _scraped()[OUTBOX_PENDING] == 0
        assert _scraped()[OUTBOX_OLDEST_AGE] == 0
        store.publish(new_version("io.github.a/x", "1.0.0"), actor=ACTOR, now=at(10))
        store.publish(new_version("io.github.a/x", "1.1.0"), actor=ACTOR, now=at(40))
        scraped = _scraped()
        assert scraped[OUTBOX_PENDING] == 2
        assert scraped[OUTBOX_OLDEST_AGE] == 90.0
        first = store.database.pending_events(limit=1)
        store.database.mark_events_sent([e.id for e in first], now=now)
        assert _scraped()[OUTBOX_OLDEST_AGE] == 60.0
        store.database.mark_events_sent([e.id for e in store.database.pending_events()], now=now)
        assert _scraped()[OUTBOX_PENDING] == 0
    finally:
        store.close()


def test_the_count_is_bounded_but_the_age_is_not(tmp_path: Path) -> None:
    store = SqliteServerStore(SqliteDatabase(tmp_path / "registry.db"))
    store.init()
    try:
        for i in range(5):
            store.publish(new_version(f"io.github.a/x{i}", "1.0.0"), actor=ACTOR, now=at(i))
        gauges = OutboxGauges(store.database, clock=lambda: at(0) + timedelta(hours=1), cap=3)
        values = {m.name: m.samples[0].value for m in gauges.collect()}
        assert values[OUTBOX_PENDING] == 3
        assert values[OUTBOX_OLDEST_AGE] == 3600.0
    finally:
        store.close()


def test_a_store_that_fails_leaves_the_scrape_answering(tmp_path: Path) -> None:
    store = SqliteServerStore(SqliteDatabase(tmp_path / "registry.db"))
    store.init()
    store.close()
    set_live_collector("outbox", OutboxGauges(store.database))
    assert OUTBOX_PENDING not in _scraped()


def test_failing_domains_are_counted(tmp_path: Path) -> None:
    store = SqliteServerStore(SqliteDatabase(tmp_path / "registry.db"))
    store.init()
    try:
        domains = SqliteDomainStore(store.database)
        domains.init()
        set_live_collector("domains", DomainGauges(domains))
        assert _scraped()[DOMAINS_FAILING] == 0
    finally:
        store.close()
