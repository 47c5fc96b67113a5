"""Domain events: the outbox event, NATS subjects and the JetStream stream (DESIGN §5).

The bottom of the event path, imported by storage (which writes events in the same write as
the change they describe) and by the event bus (which relays and consumes them); it imports
neither, so the two do not depend on each other.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class OutboxEvent:
    """A domain event stored in the same write as the change it describes.

    ``subject`` is the full NATS subject (``registry.events.server.published``); ``id`` is
    unique and becomes ``Nats-Msg-Id`` so JetStream drops duplicates of a re-sent event.
    """

    id: str
    subject: str
    payload: dict[str, Any]
    created_at: datetime


STREAM_NAME = "REGISTRY_EVENTS"
EVENTS_PREFIX = "registry.events"
EVENTS_WILDCARD = f"{EVENTS_PREFIX}.>"

SERVER_EVENTS = f"{EVENTS_PREFIX}.server.>"
SERVER_PUBLISHED = f"{EVENTS_PREFIX}.server.published"
SERVER_UPDATED = f"{EVENTS_PREFIX}.server.updated"
SERVER_STATUS_CHANGED = f"{EVENTS_PREFIX}.server.status_changed"
DOMAIN_VERIFIED = f"{EVENTS_PREFIX}.domain.verified"
DOMAIN_REVOKED = f"{EVENTS_PREFIX}.domain.revoked"
NAMESPACE_BLOCKED = f"{EVENTS_PREFIX}.namespace.blocked"


def request_subject(service: str, verb: str) -> str:
    """Request/reply subject of a service verb, e.g. ``registry.domains.grants``."""
    return f"registry.{service}.{verb}"


DOMAINS_GRANTS = "registry.domains.grants"
"""Request/reply: which namespaces an identity verified (see ``shared.auth.domain_grants``)."""


def new_event(subject: str, payload: dict[str, Any], *, now: datetime) -> OutboxEvent:
    """A fresh outbox event with a unique id (becomes ``Nats-Msg-Id``)."""
    return OutboxEvent(id=uuid.uuid4().hex, subject=subject, payload=payload, created_at=now)
