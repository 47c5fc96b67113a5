"""Webhook subscriptions as their owners manage them (no falcon here).

A token may subscribe to namespace patterns its ``publish`` or ``edit`` permissions cover
(a ``*`` permission, an administrator's, covers any). Each caller sees and removes only its own
subscriptions; an administrator may remove anyone's. The secret is returned once, at creation.
"""

from __future__ import annotations

import uuid
from typing import Any

from mcp_registry.shared.auth.permissions import EDIT, PUBLISH, pattern_covers
from mcp_registry.shared.auth.tokens import RegistryClaims
from mcp_registry.shared.clock import Clock, format_rfc3339
from mcp_registry.shared.errors import ErrorDetail, Forbidden, InvalidInput, NotFound
from mcp_registry.shared.storage.webhooks_port import Delivery, Subscription, WebhookStore
from mcp_registry.shared.webhook_secrets import new_secret
from mcp_registry.shared.webhook_targets import TargetRefused, check_target_url

TYPES = ("server.published", "server.updated", "server.status_changed")
MAX_NAMESPACES = 20
MAX_URL_LENGTH = 2048
MAX_SUBSCRIPTIONS_PER_OWNER = 50


def _invalid(message: str, location: str) -> InvalidInput:
    return InvalidInput(message, [ErrorDetail(message, location)])


def _strings(value: Any, location: str, *, limit: int) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _invalid("expected a list of non-empty strings", location)
    if len(value) > limit:
        raise _invalid(f"at most {limit} entries", location)
    return tuple(dict.fromkeys(value))


def _is_admin(claims: RegistryClaims) -> bool:
    return any(p.resource == "*" for p in claims.permissions)


def subscription_view(subscription: Subscription) -> dict[str, Any]:
    """A subscription as listed (never with its secret)."""
    return {
        "id": subscription.id,
        "url": subscription.url,
        "namespaces": list(subscription.namespaces),
        "types": list(subscription.types),
        "createdAt": format_rfc3339(subscription.created_at),
    }


def delivery_view(delivery: Delivery) -> dict[str, Any]:
    """A delivery with the outcome of its last attempt."""
    return {
        "id": delivery.id,
        "webhookId": delivery.message_id,
        "token": delivery.body.get("token"),
        "state": delivery.state,
        "attempts": delivery.attempts,
        "nextAttemptAt": format_rfc3339(delivery.due_at) if delivery.state == "pending" else None,
        "lastAttemptAt": (
            format_rfc3339(delivery.last_attempt_at) if delivery.last_attempt_at else None
        ),
        "lastStatus": delivery.last_status,
        "lastError": delivery.last_error,
    }


class Webhooks:
    """Create, list and remove subscriptions; show their deliveries."""

    def __init__(self, store: WebhookStore, clock: Clock, *, allow_private: bool) -> None:
        self._store = store
        self._clock = clock
        self._allow_private = allow_private

    def create(self, claims: RegistryClaims, body: Any) -> dict[str, Any]:
        """A new subscription of the caller: its view plus the ``secret`` (shown only now)."""
        if not isinstance(body, dict):
            raise _invalid("expected a JSON object", "body")
        url = body.get("url")
        if not isinstance(url, str) or not url or len(url) > MAX_URL_LENGTH:
            raise _invalid("url: expected an https:// URL", "body.url")
        try:
            check_target_url(url, allow_private=self._allow_private)
        except TargetRefused as exc:
            raise _invalid(str(exc), "body.url") from None
        namespaces = _strings(body.get("namespaces"), "body.namespaces", limit=MAX_NAMESPACES)
        if not namespaces:
            raise _invalid("name at least one namespace pattern", "body.namespaces")
        types: tuple[str, ...] = ()
        if body.get("types") is not None:
            types = _strings(body["types"], "body.types", limit=len(TYPES))
            unknown = [t for t in types if t not in TYPES]
            if unknown:
                raise _invalid(f"unknown types {unknown}; known: {list(TYPES)}", "body.types")
        granted = [p.resource for p in claims.permissions if p.action in (PUBLISH, EDIT)]
        uncovered = [n for n in namespaces if not any(pattern_covers(g, n) for g in granted)]
        if uncovered:
            raise Forbidden(
                "Your token's publish or edit permissions do not cover: " + ", ".join(uncovered)
            )
        if len(self._store.subscriptions(claims.subject)) >= MAX_SUBSCRIPTIONS_PER_OWNER:
            raise Forbidden(f"at most {MAX_SUBSCRIPTIONS_PER_OWNER} subscriptions per account")
        subscription = Subscription(
            id=uuid.uuid4().hex,
            owner=claims.subject,
            url=url,
            namespaces=namespaces,
            types=types,
            secret=new_secret(),
            created_at=self._clock(),
        )
        self._store.add_subscription(subscription)
        return {**subscription_view(subscription), "secret": subscription.secret}

    def list(self, claims: RegistryClaims) -> dict[str, Any]:
        """The caller's subscriptions."""
        subs = self._store.subscriptions(claims.subject)
        return {"webhooks": [subscription_view(s) for s in subs], "metadata": {"count": len(subs)}}

    def delete(self, claims: RegistryClaims, subscription_id: str) -> None:
        """Remove one of the caller's subscriptions (any, for an administrator)."""
        self._owned(claims, subscription_id)
        self._store.delete_subscription(subscription_id)

    def deliveries(self, claims: RegistryClaims, subscription_id: str) -> dict[str, Any]:
        """Recent deliveries of one of the caller's subscriptions, newest first."""
        self._owned(claims, subscription_id)
        found = self._store.deliveries(subscription_id)
        return {"deliveries": [delivery_view(d) for d in found], "metadata": {"count": len(found)}}

    def _owned(self, claims: RegistryClaims, subscription_id: str) -> Subscription:
        subscription = self._store.subscription(subscription_id)
        if subscription is None or (subscription.owner != claims.subject and not _is_admin(claims)):
            raise NotFound("Webhook subscription not found")
        return subscription
