"""Webhook subscriptions and deliveries (:class:`WebhookStore`) on MongoDB.

Collections ``webhook_subscriptions`` (``_id`` = id) and ``webhook_deliveries`` (``_id`` = id,
unique on subscription and message id); bodies are JSON text like server.json elsewhere.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pymongo.errors import DuplicateKeyError

from mcp_registry.shared.storage.mongo.database import MongoDatabase
from mcp_registry.shared.storage.timestamps import from_micros, to_micros
from mcp_registry.shared.storage.webhooks_port import (
    Delivery,
    DeliveryState,
    NewDelivery,
    Subscription,
)

SUBSCRIPTIONS = "webhook_subscriptions"
DELIVERIES = "webhook_deliveries"
_STATES: dict[str, DeliveryState] = {"pending": "pending", "delivered": "delivered", "dead": "dead"}


def _subscription(doc: dict[str, Any]) -> Subscription:
    return Subscription(
        id=str(doc["_id"]),
        owner=str(doc["owner"]),
        url=str(doc["url"]),
        namespaces=tuple(doc["namespaces"]),
        types=tuple(doc["types"]),
        secret=str(doc["secret"]),
        created_at=from_micros(int(doc["createdAt"])),
    )


def _delivery(doc: dict[str, Any]) -> Delivery:
    last_at = doc.get("lastAttemptAt")
    return Delivery(
        id=str(doc["_id"]),
        subscription_id=str(doc["subscriptionId"]),
        message_id=str(doc["messageId"]),
        body=json.loads(doc["body"]),
        state=_STATES[str(doc["state"])],
        attempts=int(doc["attempts"]),
        due_at=from_micros(int(doc["dueAt"])),
        created_at=from_micros(int(doc["createdAt"])),
        last_attempt_at=from_micros(int(last_at)) if last_at is not None else None,
        last_status=doc.get("lastStatus"),
        last_error=doc.get("lastError"),
    )


class MongoWebhookStore:
    """Webhook subscriptions and deliveries in the MongoDB database ``database``."""

    def __init__(self, database: MongoDatabase) -> None:
        self.database = database

    def init(self) -> None:
        def create() -> None:
            deliveries = self.database.db()[DELIVERIES]
            deliveries.create_index(
                [("subscriptionId", 1), ("messageId", 1)], name="message", unique=True
            )
            deliveries.create_index([("state", 1), ("dueAt", 1)], name="due")
            deliveries.create_index([("subscriptionId", 1), ("createdAt", -1)], name="recent")
            self.database.db()[SUBSCRIPTIONS].create_index([("owner", 1)], name="owner")

        self.database.call(create)

    def add_subscription(self, subscription: Subscription) -> None:
        doc = {
            "_id": subscription.id,
            "owner": subscription.owner,
            "url": subscription.url,
            "namespaces": list(subscription.namespaces),
            "types": list(subscription.types),
            "secret": subscription.secret,
            "createdAt": to_micros(subscription.created_at),
        }
        self.database.call(lambda: self.database.db()[SUBSCRIPTIONS].insert_one(doc))

    def subscriptions(self, owner: str | None = None) -> list[Subscription]:
        spec: dict[str, Any] = {"owner": owner} if owner is not None else {}

        def read() -> list[dict[str, Any]]:
            found = self.database.db()[SUBSCRIPTIONS].find(spec, sort=[("createdAt", 1)])
            return list(found)

        return [_subscription(doc) for doc in self.database.call(read)]

    def subscription(self, subscription_id: str) -> Subscription | None:
        doc = self.database.call(
            lambda: self.database.db()[SUBSCRIPTIONS].find_one({"_id": subscription_id})
        )
        return _subscription(doc) if doc is not None else None

    def delete_subscription(self, subscription_id: str) -> bool:
        def delete() -> bool:
            gone = self.database.db()[SUBSCRIPTIONS].delete_one({"_id": subscription_id})
            self.database.db()[DELIVERIES].delete_many({"subscriptionId": subscription_id})
            return bool(gone.deleted_count)

        return self.database.call(delete)

    def enqueue(self, deliveries: Sequence[NewDelivery], *, now: datetime) -> int:
        def insert() -> int:
            added = 0
            for new in deliveries:
                try:
                    self.database.db()[DELIVERIES].insert_one(
                        {
                            "_id": uuid.uuid4().hex,
                            "subscriptionId": new.subscription_id,
                            "messageId": new.message_id,
                            "body": json.dumps(new.body, separators=(",", ":")),
                            "state": "pending",
                            "attempts": 0,
                            "dueAt": to_micros(new.due_at),
                            "createdAt": to_micros(now),
                        }
                    )
                    added += 1
                except DuplicateKeyError:
                    pass  # Enqueued before (a redelivered message): at least once, not twice.
            return added

        return self.database.call(insert)

    def due(self, now: datetime, limit: int) -> list[Delivery]:
        def read() -> list[dict[str, Any]]:
            found = self.database.db()[DELIVERIES].find(
                {"state": "pending", "dueAt": {"$lte": to_micros(now)}},
                sort=[("dueAt", 1)],
                limit=limit,
            )
            return list(found)

        return [_delivery(doc) for doc in self.database.call(read)]

    def claim(self, delivery_id: str, *, now: datetime, until: datetime) -> bool:
        spec = {"_id": delivery_id, "state": "pending", "dueAt": {"$lte": to_micros(now)}}
        taken = self.database.call(
            lambda: self.database.db()[DELIVERIES].update_one(
                spec, {"$set": {"dueAt": to_micros(until)}}
            )
        )
        return bool(taken.modified_count)

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
        update = {
            "$inc": {"attempts": 1},
            "$set": {
                "state": state,
                "dueAt": to_micros(due_at),
                "lastAttemptAt": to_micros(at),
                "lastStatus": status,
                "lastError": error,
            },
        }
        self.database.call(
            lambda: self.database.db()[DELIVERIES].update_one({"_id": delivery_id}, update)
        )

    def deliveries(self, subscription_id: str, limit: int = 50) -> list[Delivery]:
        def read() -> list[dict[str, Any]]:
            found = self.database.db()[DELIVERIES].find(
                {"subscriptionId": subscription_id}, sort=[("createdAt", -1)], limit=limit
            )
            return list(found)

        return [_delivery(doc) for doc in self.database.call(read)]
