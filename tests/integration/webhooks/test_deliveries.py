"""Deliveries to loopback receivers: signatures, retries with the same id, dead-letter, and a
slow receiver not holding up another."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from standardwebhooks.webhooks import Webhook

from mcp_registry.services.webhooks.backoff import RETRY_DELAYS
from mcp_registry.services.webhooks.deliverer import Deliverer
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase
from mcp_registry.shared.storage.sqlite.webhooks import SqliteWebhookStore
from mcp_registry.shared.storage.webhooks_port import NewDelivery, Subscription
from mcp_registry.shared.webhook_secrets import new_secret
from tests.support.local_http import Answer, LocalServer, Seen
from tests.support.waiting import wait_until


class Clock:
    """The deliverer's now; a test moves it past a retry's due time instead of sleeping."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteWebhookStore]:
    database = SqliteDatabase(tmp_path / "registry.db")
    webhooks = SqliteWebhookStore(database)
    webhooks.init()
    yield webhooks
    database.close()


def _subscribe(store: SqliteWebhookStore, url: str, clock: Clock, name: str = "a") -> Subscription:
    subscription = Subscription(
        id=f"sub-{name}",
        owner="alice",
        url=url,
        namespaces=("io.github.alice/*",),
        types=(),
        secret=new_secret(),
        created_at=clock(),
    )
    store.add_subscription(subscription)
    return subscription


def _deliverer(store: SqliteWebhookStore, clock: Clock, *, max_attempts: int = 5) -> Deliverer:
    return Deliverer(
        store,
        timeout=5.0,
        max_attempts=max_attempts,
        concurrency=4,
        allow_private=True,
        clock=clock,
    )


def test_the_first_retry_comes_within_five_seconds() -> None:
    assert RETRY_DELAYS[0] <= 5, "the first retry must come within 5 s"


def test_fail_then_accept_with_one_webhook_id_and_valid_signatures(
    store: SqliteWebhookStore,
) -> None:
    clock = Clock()
    answers = iter([500])

    def respond(seen: Seen) -> Answer:
        return Answer(next(answers, 204))

    with LocalServer(respond) as receiver:
        sub = _subscribe(store, receiver.url + "/hook", clock)
        body = {"token": "7", "type": "server.published", "name": "io.github.alice/x"}
        store.enqueue([NewDelivery(sub.id, "msg_7", body, clock())], now=clock())
        deliverer = _deliverer(store, clock)
        try:
            assert deliverer.run_once() == 1
            wait_until(lambda: store.deliveries(sub.id)[0].attempts == 1, what="first attempt")
            first = store.deliveries(sub.id)[0]
            assert first.state == "pending"
            assert first.last_status == 500
            assert first.due_at - first.last_attempt_at <= timedelta(seconds=5)  # type: ignore[operator]
            assert deliverer.run_once() == 0  # not due yet
            clock.now = first.due_at
            assert deliverer.run_once() == 1
            wait_until(lambda: store.deliveries(sub.id)[0].state == "delivered", what="delivered")
        finally:
            deliverer.close()
        ids = [r.headers["webhook-id"] for r in receiver.requests]
        assert ids == ["msg_7", "msg_7"]
        for request in receiver.requests:
            assert request.path == "/hook"
            # The receiver's side of the specification: verify with the shared secret.
            assert Webhook(sub.secret).verify(request.body, dict(request.headers)) == body
            assert json.loads(request.body) == body


def test_a_delivery_is_dead_lettered_after_the_last_attempt(store: SqliteWebhookStore) -> None:
    clock = Clock()
    with LocalServer(lambda seen: Answer(503)) as receiver:
        sub = _subscribe(store, receiver.url, clock)
        store.enqueue([NewDelivery(sub.id, "msg_1", {"token": "1"}, clock())], now=clock())
        deliverer = _deliverer(store, clock, max_attempts=3)
        try:
            for attempt in (1, 2, 3):
                clock.now = store.deliveries(sub.id)[0].due_at
                assert deliverer.run_once() == 1
                wait_until(
                    lambda n=attempt: store.deliveries(sub.id)[0].attempts == n,  # type: ignore[misc]
                    what=f"attempt {attempt}",
                )
            dead = store.deliveries(sub.id)[0]
            assert dead.state == "dead"
            assert dead.last_error == "the receiver answered 503"
            clock.now += timedelta(days=1)
            assert deliverer.run_once() == 0  # dead stays dead
        finally:
            deliverer.close()
        assert len(receiver.requests) == 3


def test_an_unreachable_receiver_is_retried_with_the_error_recorded(
    store: SqliteWebhookStore,
) -> None:
    clock = Clock()
    with LocalServer(lambda seen: Answer(200)) as gone:
        url = gone.url
    sub = _subscribe(store, url, clock)
    store.enqueue([NewDelivery(sub.id, "msg_1", {"token": "1"}, clock())], now=clock())
    deliverer = _deliverer(store, clock)
    try:
        deliverer.run_once()
        wait_until(lambda: store.deliveries(sub.id)[0].attempts == 1, what="attempt")
    finally:
        deliverer.close()
    failed = store.deliveries(sub.id)[0]
    assert failed.state == "pending"
    assert failed.last_error is not None
    assert "connection failed" in failed.last_error


def test_private_targets_are_refused_at_delivery_time(store: SqliteWebhookStore) -> None:
    clock = Clock()
    with LocalServer(lambda seen: Answer(200)) as receiver:
        sub = _subscribe(store, receiver.url.replace("http://", "https://"), clock)
        store.enqueue([NewDelivery(sub.id, "msg_1", {"token": "1"}, clock())], now=clock())
        deliverer = Deliverer(
            store, timeout=5, max_attempts=5, concurrency=2, allow_private=False, clock=clock
        )
        try:
            deliverer.run_once()
            wait_until(lambda: store.deliveries(sub.id)[0].attempts == 1, what="attempt")
        finally:
            deliverer.close()
        assert receiver.requests == []
    assert "public" in (store.deliveries(sub.id)[0].last_error or "")


def test_a_slow_receiver_does_not_delay_another(store: SqliteWebhookStore) -> None:
    clock = Clock()
    release = threading.Event()

    def slow(seen: Seen) -> Answer:
        release.wait(10)
        return Answer(200)

    with LocalServer(slow) as sluggish, LocalServer(lambda seen: Answer(200)) as quick:
        slow_sub = _subscribe(store, sluggish.url, clock, "slow")
        quick_sub = _subscribe(store, quick.url, clock, "quick")
        store.enqueue(
            [NewDelivery(slow_sub.id, f"msg_{n}", {"token": str(n)}, clock()) for n in range(3)],
            now=clock(),
        )
        store.enqueue([NewDelivery(quick_sub.id, "msg_9", {"token": "9"}, clock())], now=clock())
        deliverer = _deliverer(store, clock)
        stop = threading.Event()
        runner = threading.Thread(target=deliverer.run_forever, args=(stop, 0.05))
        runner.start()
        try:
            wait_until(
                lambda: store.deliveries(quick_sub.id)[0].state == "delivered",
                timeout=3,
                what="the quick receiver served while the slow one hangs",
            )
            assert len(sluggish.requests) == 1  # one in flight per subscription
        finally:
            release.set()
            stop.set()
            runner.join(10)
            deliverer.close()


def test_two_workers_never_attempt_the_same_delivery(store: SqliteWebhookStore) -> None:
    clock = Clock()
    with LocalServer(lambda seen: Answer(200)) as receiver:
        subs = [_subscribe(store, receiver.url, clock, str(n)) for n in range(5)]
        store.enqueue(
            [NewDelivery(s.id, f"msg_{n}", {"token": str(n)}, clock()) for n, s in enumerate(subs)],
            now=clock(),
        )
        first, second = _deliverer(store, clock), _deliverer(store, clock)
        try:
            started = first.run_once() + second.run_once()
            assert started == 5
            wait_until(
                lambda: all(store.deliveries(s.id)[0].state == "delivered" for s in subs),
                what="every delivery made",
            )
        finally:
            first.close()
            second.close()
        assert sorted(r.headers["webhook-id"] for r in receiver.requests) == [
            f"msg_{n}" for n in range(5)
        ]
