"""Following the events stream with a durable JetStream pull consumer.

Each message is acknowledged only after its handler returned, so a worker stopped (or
crashed) mid-way gets the unacknowledged messages again from the server when it restarts:
nothing is lost, and handlers must be idempotent (enqueueing a delivery twice is a no-op).
NATS being down is waited out; the consumer's position is kept by the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any

import nats
from nats.errors import Error as NatsError
from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from mcp_registry.shared.event_model import SERVER_EVENTS, STREAM_NAME
from mcp_registry.shared.events.credentials import NatsCredentials
from mcp_registry.shared.events.stream import ensure_stream
from mcp_registry.shared.events.wire import MSG_ID_HEADER

log = logging.getLogger(__name__)

EventHandler = Callable[[str, str], None]
"""Receives ``(event id, subject)``; runs in a worker thread; raising leaves it unacked."""

_FETCH_BATCH = 50
_FETCH_TIMEOUT = 1.0
_RETRY_WAIT = 1.0


def consume(
    url: str,
    durable: str,
    handle: EventHandler,
    stop: threading.Event,
    *,
    subject: str = SERVER_EVENTS,
    credentials: NatsCredentials | None = None,
) -> None:
    """Call ``handle`` for each message of the durable consumer ``durable`` until ``stop``.

    A new durable starts at the beginning of the stream's retained history, so a change made
    before the worker first ran is not lost; handlers skip what is older than a subscription.
    ``credentials`` (user, password, TLS) are the deployment's NATS user for this worker.
    """
    options = credentials.connect_options() if credentials is not None else {}
    asyncio.run(_consume(url, durable, handle, stop, subject, options))


async def _consume(
    url: str,
    durable: str,
    handle: EventHandler,
    stop: threading.Event,
    subject: str,
    options: dict[str, Any],
) -> None:
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        try:
            nc = await nats.connect(
                url,
                name=f"mcp-registry-{durable}",
                connect_timeout=2,
                max_reconnect_attempts=-1,
                **options,
            )
        except (NatsError, OSError) as exc:
            log.warning("%s: NATS not reachable (%s); retrying", durable, exc)
            await asyncio.sleep(_RETRY_WAIT)
            continue
        try:
            js = nc.jetstream()
            await ensure_stream(js)
            config = ConsumerConfig(
                durable_name=durable,
                deliver_policy=DeliverPolicy.ALL,
                ack_policy=AckPolicy.EXPLICIT,
                ack_wait=30,
                filter_subject=subject,
            )
            sub = await js.pull_subscribe(
                subject, durable=durable, stream=STREAM_NAME, config=config
            )
            while not stop.is_set():
                try:
                    messages = await sub.fetch(_FETCH_BATCH, timeout=_FETCH_TIMEOUT)
                except NatsTimeout:
                    continue
                for msg in messages:
                    event_id = (msg.headers or {}).get(MSG_ID_HEADER, "")
                    try:
                        await loop.run_in_executor(None, handle, event_id, msg.subject)
                    except Exception:
                        log.exception(
                            "%s: handling event %s failed; redelivered later", durable, event_id
                        )
                        await msg.nak(delay=_RETRY_WAIT)
                        continue
                    await msg.ack()
        except (NatsError, OSError) as exc:
            # A Ctrl-C reaches nats-server and this worker together, and the lost connection
            # often shows before this process's own interrupt: pause first, and warn only
            # when no stop came in the meantime.
            await asyncio.sleep(_RETRY_WAIT)
            if not stop.is_set():
                log.warning("%s: NATS failed (%s); reconnecting", durable, exc)
        finally:
            with contextlib.suppress(NatsError, OSError):
                await nc.close()
