"""Webhook subscriptions and deliveries (:class:`WebhookStore`) on SQLite."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from mcp_registry.shared.storage.sqlite.database import SqliteDatabase, dumps
from mcp_registry.shared.storage.timestamps import from_micros, to_micros
from mcp_registry.shared.storage.webhooks_port import (
    Delivery,
    DeliveryState,
    NewDelivery,
    Subscription,
)

_SCHEMA = (
    """
    CREATE TABLE IF NOT EXISTS webhook_subscriptions (
        id TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        url TEXT NOT NULL,
        namespaces TEXT NOT NULL,
        types TEXT NOT NULL,
        secret TEXT NOT NULL,
        created_at INTEGER NOT NULL
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS webhook_deliveries (
        id TEXT PRIMARY KEY,
        subscription_id TEXT NOT NULL,
        message_id TEXT NOT NULL,
        body TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        due_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        last_attempt_at INTEGER,
        last_status INTEGER,
        last_error TEXT,
        UNIQUE (subscription_id, message_id)
    )
    """,
    "CREATE INDEX IF NOT EXISTS webhook_due ON webhook_deliveries (due_at) WHERE state = 'pending'",
    "CREATE INDEX IF NOT EXISTS webhook_recent ON webhook_deliveries (subscription_id, created_at)",
)

_DELIVERY_COLUMNS = (
    "id, subscription_id, message_id, body, state, attempts, due_at, created_at,"
    " last_attempt_at, last_status, last_error"
)
_STATES: dict[str, DeliveryState] = {"pending": "pending", "delivered": "delivered", "dead": "dead"}


def _subscription(row: Sequence[Any]) -> Subscription:
    sub_id, owner, url, namespaces, types, secret, created = row
    return Subscription(
        id=sub_id,
        owner=owner,
        url=url,
        namespaces=tuple(json.loads(namespaces)),
        types=tuple(json.loads(types)),
        secret=secret,
        created_at=from_micros(created),
    )


def _delivery(row: Sequence[Any]) -> Delivery:
    (d_id, sub_id, message_id, body, state, attempts, due, created, last_at, status, error) = row
    return Delivery(
        id=d_id,
        subscription_id=sub_id,
        message_id=message_id,
        body=json.loads(body),
        state=_STATES[state],
        attempts=attempts,
        due_at=from_micros(due),
        created_at=from_micros(created),
        last_attempt_at=from_micros(last_at) if last_at is not None else None,
        last_status=status,
        last_error=error,
    )


class SqliteWebhookStore:
    """Webhook subscriptions and deliveries in the SQLite database ``database``."""

    def __init__(self, database: SqliteDatabase) -> None:
        self.database = database

    def init(self) -> None:
        with self.database.write() as conn:
            for statement in _SCHEMA:
                conn.execute(statement)

    def add_subscription(self, subscription: Subscription) -> None:
        with self.database.write() as conn:
            conn.execute(
                "INSERT INTO webhook_subscriptions VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    subscription.id,
                    subscription.owner,
                    subscription.url,
                    dumps(list(subscription.namespaces)),
                    dumps(list(subscription.types)),
                    subscription.secret,
                    to_micros(subscription.created_at),
                ),
            )

    def subscriptions(self, owner: str | None = None) -> list[Subscription]:
        sql = "SELECT * FROM webhook_subscriptions"
        params: tuple[str, ...] = ()
        if owner is not None:
            sql, params = sql + " WHERE owner = ?", (owner,)
        with self.database.read() as conn:
            rows = conn.execute(sql + " ORDER BY created_at, id", params).fetchall()
        return [_subscription(row) for row in rows]

    def subscription(self, subscription_id: str) -> Subscription | None:
        with self.database.read() as conn:
            row = conn.execute(
                "SELECT * FROM webhook_subscriptions WHERE id = ?", (subscription_id,)
            ).fetchone()
        return _subscription(row) if row is not None else None

    def delete_subscription(self, subscription_id: str) -> bool:
        with self.database.write() as conn:
            gone = conn.execute(
                "DELETE FROM webhook_subscriptions WHERE id = ?", (subscription_id,)
            ).rowcount
            conn.execute(
                "DELETE FROM webhook_deliveries WHERE subscription_id = ?", (subscription_id,)
            )
        return bool(gone)

    def enqueue(self, deliveries: Sequence[NewDelivery], *, now: datetime) -> int:
        if not deliveries:
            return 0
        added = 0
        with self.database.write() as conn:
            for new in deliveries:
                added += conn.execute(
                    "INSERT OR IGNORE INTO webhook_deliveries"
                    " (id, subscription_id, message_id, body, state, due_at, created_at)"
                    " VALUES (?, ?, ?, ?, 'pending', ?, ?)",
                    (
                        uuid.uuid4().hex,
                        new.subscription_id,
                        new.message_id,
                        dumps(new.body),
                        to_micros(new.due_at),
                        to_micros(now),
                    ),
                ).rowcount
        return added

    def due(self, now: datetime, limit: int) -> list[Delivery]:
        with self.database.read() as conn:
            rows = conn.execute(
                f"SELECT {_DELIVERY_COLUMNS} FROM webhook_deliveries"  # noqa: S608 - constant
                " WHERE state = 'pending' AND due_at <= ? ORDER BY due_at LIMIT ?",
                (to_micros(now), limit),
            ).fetchall()
        return [_delivery(row) for row in rows]

    def claim(self, delivery_id: str, *, now: datetime, until: datetime) -> bool:
        with self.database.write() as conn:
            taken = conn.execute(
                "UPDATE webhook_deliveries SET due_at = ?"
                " WHERE id = ? AND state = 'pending' AND due_at <= ?",
                (to_micros(until), delivery_id, to_micros(now)),
            ).rowcount
        return bool(taken)

    def record_attempt(
        self,
        delivery_id: str,
        *,
        at: datetime,
        state: DeliveryState,
        due_at: datetime,
        status: int | None,
        error: str | None,
    ) -> None:
        with self.database.write() as conn:
            conn.execute(
                "UPDATE webhook_deliveries SET attempts = attempts + 1, state = ?, due_at = ?,"
                " last_attempt_at = ?, last_status = ?, last_error = ? WHERE id = ?",
                (state, to_micros(due_at), to_micros(at), status, error, delivery_id),
            )

    def deliveries(self, subscription_id: str, limit: int = 50) -> list[Delivery]:
        with self.database.read() as conn:
            rows = conn.execute(
                f"SELECT {_DELIVERY_COLUMNS} FROM webhook_deliveries"  # noqa: S608 - constant
                " WHERE subscription_id = ? ORDER BY created_at DESC, id LIMIT ?",
                (subscription_id, limit),
            ).fetchall()
        return [_delivery(row) for row in rows]
