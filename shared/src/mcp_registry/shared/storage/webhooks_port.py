"""Webhook subscriptions and their deliveries: the records and the store's contract.

A delivery is one change sent to one subscription. It is stored (``pending``) before the
webhooks worker acknowledges the JetStream message it came from, so stopping the worker loses
nothing; the worker then attempts it until it is ``delivered`` or, after the last allowed
attempt, ``dead`` (the dead-letter state, kept for inspection).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol

DeliveryState = Literal["pending", "delivered", "dead"]


@dataclass(frozen=True)
class Subscription:
    """Changes of names matching ``namespaces`` (and of ``types``, all when empty) are
    POSTed to ``url``, signed with ``secret``; ``owner`` is the token subject that made it."""

    id: str
    owner: str
    url: str
    namespaces: tuple[str, ...]
    types: tuple[str, ...]
    secret: str
    created_at: datetime


@dataclass(frozen=True)
class NewDelivery:
    """A delivery to enqueue: ``message_id`` (the ``webhook-id``) is unique per subscription,
    so enqueueing it again is a no-op; ``body`` is the change record sent."""

    subscription_id: str
    message_id: str
    body: dict[str, Any]
    due_at: datetime


@dataclass(frozen=True)
class Delivery:
    """A delivery and the outcome of its last attempt."""

    id: str
    subscription_id: str
    message_id: str
    body: dict[str, Any]
    state: DeliveryState
    attempts: int
    due_at: datetime
    created_at: datetime
    last_attempt_at: datetime | None
    last_status: int | None
    last_error: str | None


class WebhookStore(Protocol):
    """Subscriptions and deliveries on a backend's database."""

    def init(self) -> None:
        """Create tables/collections and indexes (idempotent)."""
        ...

    def add_subscription(self, subscription: Subscription) -> None:
        """Store a new subscription."""
        ...

    def subscriptions(self, owner: str | None = None) -> list[Subscription]:
        """Every subscription (of ``owner`` when given), oldest first."""
        ...

    def subscription(self, subscription_id: str) -> Subscription | None:
        """One subscription, or None."""
        ...

    def delete_subscription(self, subscription_id: str) -> bool:
        """Remove a subscription and its deliveries; False when there was none."""
        ...

    def enqueue(self, deliveries: Sequence[NewDelivery], *, now: datetime) -> int:
        """Store the deliveries not stored yet (by subscription and message id); how many."""
        ...

    def due(self, now: datetime, limit: int) -> list[Delivery]:
        """Pending deliveries due at ``now``, the earliest due first."""
        ...

    def claim(self, delivery_id: str, *, now: datetime, until: datetime) -> bool:
        """Take a due pending delivery for one attempt: its due time moves to ``until`` (so
        no other worker takes it meanwhile, and a crashed attempt is retried then). False
        when it is no longer due or pending (another worker took it)."""
        ...

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
        """Count one attempt of a delivery and store its outcome and next due time."""
        ...

    def deliveries(self, subscription_id: str, limit: int = 50) -> list[Delivery]:
        """Recent deliveries of a subscription, newest first."""
        ...
