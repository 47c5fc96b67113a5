"""Which subscriptions a change goes to, and the deliveries it makes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from mcp_registry.shared.auth.permissions import pattern_matches
from mcp_registry.shared.change_view import change_view
from mcp_registry.shared.storage.changes_port import ChangeRecord
from mcp_registry.shared.storage.webhooks_port import NewDelivery, Subscription


def wants(subscription: Subscription, change: ChangeRecord) -> bool:
    """Whether ``subscription`` asked for ``change``: a namespace pattern matches its name,
    its type is among ``types`` (any when empty), and it happened after the subscription."""
    return (
        any(pattern_matches(p, change.name) for p in subscription.namespaces)
        and (not subscription.types or change.type in subscription.types)
        and change.at >= subscription.created_at
    )


def message_id(change: ChangeRecord) -> str:
    """The ``webhook-id`` of a change: the same for every attempt and every subscription."""
    return f"msg_{change.position}"


def deliveries_for(
    changes: Iterable[ChangeRecord], subscriptions: Iterable[Subscription], now: datetime
) -> list[NewDelivery]:
    """One delivery per (change, subscription that wants it), due at once."""
    subs = list(subscriptions)
    return [
        NewDelivery(
            subscription_id=sub.id,
            message_id=message_id(change),
            body=change_view(change),
            due_at=now,
        )
        for change in changes
        for sub in subs
        if wants(sub, change)
    ]
