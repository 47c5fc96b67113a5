"""Real nats-server processes for tests, and an independent look into the events stream.

The stream is read with a fresh nats-py connection of its own, never through the code under
test, so assertions about what JetStream stored do not trust the bridge.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nats
from nats.js.errors import NotFoundError

from mcp_registry.shared.event_model import STREAM_NAME
from mcp_registry.shared.events import wire
from mcp_registry.shared.events.bridge import NatsBridge
from mcp_registry.shared.events.embedded import EmbeddedNats

BridgeFactory = Callable[..., NatsBridge]
"""``make(url, **NatsBridge options) -> started NatsBridge`` (the ``make_bridge`` fixture)."""


def start_nats(tmp_path: Path, *, port: int = 0) -> EmbeddedNats:
    """A running JetStream server storing under ``tmp_path/nats``; the caller stops it."""
    server = EmbeddedNats(tmp_path / "nats", port=port)
    server.start()
    return server


@dataclass(frozen=True)
class StoredMessage:
    """One message as JetStream stored it."""

    seq: int
    subject: str
    msg_id: str | None
    payload: dict[str, Any]


def stream_messages(url: str, stream: str = STREAM_NAME) -> list[StoredMessage]:
    """Every message currently in ``stream``, by sequence; ``[]`` if the stream is missing."""
    return asyncio.run(_stream_messages(url, stream))


def stream_exists(url: str, stream: str = STREAM_NAME) -> bool:
    """Whether ``stream`` exists on the server at ``url``."""
    return asyncio.run(_stream_exists(url, stream))


def stream_duplicate_window(url: str, stream: str = STREAM_NAME) -> float:
    """The duplicate window of ``stream``, in seconds."""
    return asyncio.run(_duplicate_window(url, stream))


async def _stream_messages(url: str, stream: str) -> list[StoredMessage]:
    nc = await nats.connect(url, allow_reconnect=False, connect_timeout=2)
    try:
        js = nc.jetstream()
        try:
            info = await js.stream_info(stream)
        except NotFoundError:
            return []
        out = []
        for seq in range(info.state.first_seq, info.state.last_seq + 1):
            if info.state.messages == 0:
                break
            raw = await js.get_msg(stream, seq)
            headers = raw.headers or {}
            out.append(
                StoredMessage(
                    seq=seq,
                    subject=raw.subject or "",
                    msg_id=headers.get(wire.MSG_ID_HEADER),
                    payload=wire.decode(raw.data or b""),
                )
            )
        return out
    finally:
        await nc.close()


async def _stream_exists(url: str, stream: str) -> bool:
    nc = await nats.connect(url, allow_reconnect=False, connect_timeout=2)
    try:
        await nc.jetstream().stream_info(stream)
    except NotFoundError:
        return False
    finally:
        await nc.close()
    return True


async def _duplicate_window(url: str, stream: str) -> float:
    nc = await nats.connect(url, allow_reconnect=False, connect_timeout=2)
    try:
        info = await nc.jetstream().stream_info(stream)
    finally:
        await nc.close()
    return info.config.duplicate_window


def serving(
    bridge: NatsBridge, subject: str, handler: Callable[[dict[str, Any]], Any], *, queue: str
) -> NatsBridge:
    """``bridge`` answering ``subject`` with ``handler``, once the responder is really there.

    A request sent before the responder's connection is up finds no one ("no service is
    answering"): wait for the connection (with its subscriptions), never for a fixed time.
    """
    bridge.reply(subject, handler, queue=queue)
    assert bridge.wait_connected(5), f"responder for {subject} did not connect"
    return bridge


def consumer_exists(url: str, durable: str, stream: str = STREAM_NAME) -> bool:
    """Whether the durable consumer ``durable`` of ``stream`` exists at ``url``."""
    return asyncio.run(_consumer_exists(url, stream, durable))


async def _consumer_exists(url: str, stream: str, durable: str) -> bool:
    nc = await nats.connect(url, allow_reconnect=False, connect_timeout=2)
    try:
        await nc.jetstream().consumer_info(stream, durable)
    except NotFoundError:
        return False
    finally:
        await nc.close()
    return True
