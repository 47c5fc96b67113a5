"""The sequencer of the change feed: server events enter the change log in commit order.

The outbox relay reads committed events oldest first; wrapping its outbox in
:class:`SequencingOutbox` appends each server event to the
:class:`~mcp_registry.shared.storage.changes_port.ChangeLog` as the relay first sees it,
before it is published to NATS. An event is only seen once its write committed, so positions
follow commit order, never the order in which writes took their ``seq`` (see
``changes_port``). Appending happens whether or not NATS is up, so the feed keeps advancing
through a NATS outage; events seen again (not yet marked sent) are skipped by their key.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from mcp_registry.shared.api_items import to_item
from mcp_registry.shared.event_model import (
    EVENTS_PREFIX,
    SERVER_PUBLISHED,
    SERVER_STATUS_CHANGED,
    SERVER_UPDATED,
    OutboxEvent,
)
from mcp_registry.shared.storage.changes_port import ChangeLog, NewChange
from mcp_registry.shared.storage.database import Outbox
from mcp_registry.shared.storage.port import ServerStore

_SERVER_SUBJECTS = (SERVER_PUBLISHED, SERVER_STATUS_CHANGED, SERVER_UPDATED)


def change_type(subject: str) -> str:
    """The feed's ``type`` of an event subject: ``server.published`` and so on."""
    return subject.removeprefix(f"{EVENTS_PREFIX}.")


def changes_of(event: OutboxEvent, servers: ServerStore) -> list[NewChange]:
    """The change records an event stands for: one per version whose visible state changed.

    A publish that took ``isLatest`` from another version also changes that version: it is
    recorded as ``server.updated``. A version that no longer exists yields nothing.
    """
    if event.subject not in _SERVER_SUBJECTS:
        return []
    name, version = event.payload.get("name"), event.payload.get("version")
    if not isinstance(name, str) or not isinstance(version, str):
        return []
    touched = [(change_type(event.subject), version)]
    previous = event.payload.get("previousLatest") if event.subject == SERVER_PUBLISHED else None
    if isinstance(previous, str) and previous != version:
        touched.append((change_type(SERVER_UPDATED), previous))
    changes: list[NewChange] = []
    for kind, touched_version in touched:
        record = servers.get_version(name, touched_version)
        if record is None:
            continue
        changes.append(
            NewChange(
                key=f"{event.id}:{touched_version}",
                type=kind,
                name=name,
                version=touched_version,
                at=event.created_at,
                server=to_item(record),
            )
        )
    return changes


class SequencingOutbox:
    """``outbox`` as the relay sees it, appending server events to ``changes`` as they are
    handed out (see the module doc). Run it in the single relay of a database."""

    def __init__(self, outbox: Outbox, servers: ServerStore, changes: ChangeLog) -> None:
        self._outbox = outbox
        self._servers = servers
        self._changes = changes

    def pending_events(self, limit: int) -> list[OutboxEvent]:
        """The outbox's pending events, after appending their changes to the change log."""
        events = self._outbox.pending_events(limit)
        self._changes.append([c for e in events for c in changes_of(e, self._servers)])
        return events

    def mark_events_sent(self, ids: Sequence[str], *, now: datetime) -> None:
        """Delegated to the outbox."""
        self._outbox.mark_events_sent(ids, now=now)
