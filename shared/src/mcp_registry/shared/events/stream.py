"""The JetStream stream of domain events: its settings and their idempotent creation."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from nats.js import JetStreamContext
from nats.js.api import StorageType, StreamConfig
from nats.js.errors import NotFoundError

from mcp_registry.shared.event_model import EVENTS_WILDCARD, STREAM_NAME

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StreamSettings:
    """What the registry requires of the events stream.

    ``duplicate_window`` (seconds) bounds how late a re-sent event is still recognised by its
    ``Nats-Msg-Id``: the relay re-sends an event only when marking it sent failed, normally
    seconds later, so two minutes leaves ample margin. ``max_age`` (seconds, ``None`` = keep
    forever) bounds the history; the database, not the stream, is the source of truth.
    """

    name: str = STREAM_NAME
    subjects: tuple[str, ...] = (EVENTS_WILDCARD,)
    duplicate_window: float = 120.0
    max_age: float | None = 7 * 24 * 3600.0


async def ensure_stream(js: JetStreamContext, settings: StreamSettings | None = None) -> None:
    """Create the stream, or update it where it differs from ``settings``; safe to repeat.

    Settings the registry does not own (limits an operator tuned, replicas, ...) are kept:
    only ``subjects``, ``duplicate_window`` and ``max_age`` are compared and written.
    """
    wanted = settings or StreamSettings()
    try:
        info = await js.stream_info(wanted.name)
    except NotFoundError:
        await js.add_stream(
            StreamConfig(
                name=wanted.name,
                subjects=list(wanted.subjects),
                storage=StorageType.FILE,
                duplicate_window=wanted.duplicate_window,
                max_age=wanted.max_age,
            )
        )
        log.info("created JetStream stream %s", wanted.name)
        return
    current = info.config
    if (
        sorted(current.subjects or []) == sorted(wanted.subjects)
        and current.duplicate_window == wanted.duplicate_window
        and (current.max_age or None) == wanted.max_age
    ):
        return
    await js.update_stream(
        current.evolve(
            subjects=list(wanted.subjects),
            duplicate_window=wanted.duplicate_window,
            max_age=wanted.max_age,
        )
    )
    log.info("updated JetStream stream %s", wanted.name)
