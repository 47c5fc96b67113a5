"""The change log, webhook and mirror-state stores behave alike on SQLite and MongoDB."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from mcp_registry.shared.storage.changes_port import NewChange
from mcp_registry.shared.storage.factory import Stores, mongo_stores, sqlite_stores
from mcp_registry.shared.storage.mongo.database import MongoDatabase
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase
from mcp_registry.shared.storage.webhooks_port import NewDelivery, Subscription
from tests.support.stores import T0, AtomicMongomockClient, as_mongo_client


@pytest.fixture(params=["sqlite", "mongodb-stand-in"])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stores]:
    client: AtomicMongomockClient | None = None
    opened: Stores
    if request.param == "sqlite":
        opened = sqlite_stores(SqliteDatabase(tmp_path / "registry.db"))
    else:
        client = AtomicMongomockClient()
        opened = mongo_stores(MongoDatabase(as_mongo_client(client), "mcp_registry_test"))
    opened.init()
    opened.init()  # idempotent
    yield opened
    opened.close()
    if client is not None:
        client.close()


def _change(key: str, version: str = "1.0.0") -> NewChange:
    return NewChange(key, "server.published", "io.github.a/x", version, T0, {"server": {}})


def test_the_change_log_appends_once_per_key_in_order(stores: Stores) -> None:
    log = stores.changes
    assert log.head() == 0
    assert log.append([_change("e1:1.0.0"), _change("e2:1.1.0", "1.1.0")]) == 2
    assert log.append([_change("e1:1.0.0"), _change("e3:1.2.0", "1.2.0")]) == 1
    assert log.head() == 3
    assert [c.position for c in log.read(0, 10)] == [1, 2, 3]
    assert [c.version for c in log.read(1, 1)] == ["1.1.0"]
    assert [c.version for c in log.for_event("e2")] == ["1.1.0"]
    assert log.for_event("e") == []


def test_webhook_subscriptions_and_deliveries(stores: Stores) -> None:
    hooks = stores.webhooks
    sub = Subscription("s1", "alice", "https://h.example/", ("io.github.a/*",), (), "whsec_x", T0)
    hooks.add_subscription(sub)
    assert hooks.subscriptions("alice") == [sub]
    assert hooks.subscriptions("bob") == []
    assert hooks.subscription("s1") == sub
    new = NewDelivery("s1", "msg_1", {"token": "1"}, T0)
    assert hooks.enqueue([new, new], now=T0) == 1
    assert hooks.enqueue([new], now=T0) == 0
    (due,) = hooks.due(T0, 10)
    lease = T0 + timedelta(seconds=40)
    assert hooks.claim(due.id, now=T0, until=lease) is True
    assert hooks.claim(due.id, now=T0, until=lease) is False  # taken: not due any more
    assert hooks.due(T0, 10) == []
    later = T0 + timedelta(seconds=2)
    hooks.record_attempt(due.id, at=T0, state="pending", due_at=later, status=500, error="500")
    assert hooks.due(T0, 10) == []
    (retry,) = hooks.due(later, 10)
    assert (retry.attempts, retry.last_status, retry.last_error) == (1, 500, "500")
    hooks.record_attempt(
        retry.id, at=later, state="delivered", due_at=later, status=204, error=None
    )
    (done,) = hooks.deliveries("s1")
    assert done.state == "delivered"
    assert done.attempts == 2
    assert hooks.due(later + timedelta(days=1), 10) == []
    assert hooks.delete_subscription("s1") is True
    assert hooks.delete_subscription("s1") is False
    assert hooks.deliveries("s1") == []


def test_mirror_state_round_trips(stores: Stores) -> None:
    assert stores.mirror.get("http://up") is None
    stores.mirror.put("http://up", {"mode": "feed", "failures": 0})
    stores.mirror.put("http://up", {"mode": "feed", "failures": 2})
    assert stores.mirror.get("http://up") == {"mode": "feed", "failures": 2}
    assert stores.mirror.all() == {"http://up": {"mode": "feed", "failures": 2}}
