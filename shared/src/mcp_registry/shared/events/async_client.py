"""The registry's NATS client for asyncio code: events, request/reply, the events stream.

This is the one place that speaks nats-py. Plain asyncio worker processes use it directly;
sync WSGI code uses :class:`~mcp_registry.shared.events.bridge.NatsBridge`, which runs an
instance of it on a private event loop thread.

Availability contract: :meth:`AsyncNatsClient.start` never waits for the server. It keeps
(re)connecting in the background forever, while every operation that needs the server fails
fast with :class:`~mcp_registry.shared.errors.UpstreamUnavailable` when the connection is
down, and within its timeout when the server does not answer. Nothing ever hangs on NATS.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import nats.errors
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js.errors import NoStreamResponseError

from mcp_registry.shared.errors import BadRequest, RegistryError, UpstreamUnavailable
from mcp_registry.shared.event_model import OutboxEvent
from mcp_registry.shared.events import wire
from mcp_registry.shared.events.credentials import NatsCredentials
from mcp_registry.shared.events.stream import StreamSettings, ensure_stream

log = logging.getLogger(__name__)

EventHandler = Callable[[str, dict[str, Any]], Awaitable[None]]
"""Receives ``(subject, payload)`` of one message."""

ReplyHandler = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]
"""Receives a request's payload and returns the reply's; may raise ``RegistryError``."""

ConnectListener = Callable[[], Awaitable[None]]
"""Called after every successful connection, the first one included."""

# Errors that mean "the server is unreachable or did not answer", as opposed to a bug.
_UNAVAILABLE = (nats.errors.Error, asyncio.TimeoutError, OSError)
# The subset that a connection attempt reports over and over during an outage.
_CONNECTIVITY = (OSError, asyncio.TimeoutError, nats.errors.StaleConnectionError)


def redact_url(url: str) -> str:
    """``url`` without user info, for logs: a NATS URL may embed a token or password."""
    parts = urlsplit(url)
    if not parts.username and not parts.password:
        return url
    host = parts.hostname or ""
    netloc = f"***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


@dataclass(frozen=True)
class _Subscription:
    subject: str
    queue: str
    callback: Callable[[Msg], Awaitable[None]]


class AsyncNatsClient:
    """One NATS connection with unlimited reconnects; every method runs on one event loop.

    ``request_timeout`` bounds requests and JetStream publish acks unless a call says
    otherwise; ``reconnect_wait`` is the pause between connection attempts;
    ``drain_timeout`` bounds how long :meth:`close` waits for in-flight handlers;
    ``credentials`` are the user, password and TLS options (see
    :class:`~mcp_registry.shared.events.credentials.NatsCredentials`).
    """

    def __init__(
        self,
        url: str,
        *,
        name: str = "mcp-registry",
        request_timeout: float = 1.0,
        connect_timeout: float = 2.0,
        reconnect_wait: float = 1.0,
        drain_timeout: float = 2.0,
        stream: StreamSettings | None = None,
        credentials: NatsCredentials | None = None,
    ) -> None:
        self._url = url
        self._credentials = credentials or NatsCredentials()
        self._name = name
        self._request_timeout = request_timeout
        self._connect_timeout = connect_timeout
        self._reconnect_wait = reconnect_wait
        self._drain_timeout = drain_timeout
        self._stream = stream or StreamSettings()
        self._nc: Client | None = None
        self._connect_task: asyncio.Task[None] | None = None
        self._connect_began = False
        self._ready = False  # The first connection succeeded and subscriptions are in place.
        self._connected_event: asyncio.Event | None = None
        self._subscriptions: list[_Subscription] = []
        self._listeners: list[ConnectListener] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._reported_down = False
        self._stream_checked = False
        self._closed = False

    @property
    def connected(self) -> bool:
        """Whether the connection is up right now (may change at any moment)."""
        return self._nc is not None and self._ready and self._nc.is_connected

    async def start(self) -> None:
        """Begin connecting in the background; returns at once. Idempotent."""
        if self._closed:
            raise RuntimeError("the NATS client is closed")
        if self._connect_task is not None:
            return
        self._nc = Client()
        self._connected_event = asyncio.Event()
        self._connect_task = asyncio.create_task(self._connect(self._nc))
        self._connect_task.add_done_callback(_log_failure)

    async def wait_connected(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for a connection with subscriptions in place."""
        if self._connected_event is None:
            raise RuntimeError("start() the NATS client first")
        try:
            await asyncio.wait_for(self._connected_event.wait(), timeout)
        except TimeoutError:
            return False
        return True

    def on_connected(self, listener: ConnectListener) -> None:
        """Call ``listener`` after every (re)connection, e.g. to resync what may have been missed.

        If already connected, ``listener`` is also scheduled right away.
        """
        self._listeners.append(listener)
        if self.connected:
            self._spawn(self._notify(listener))

    async def publish_event(self, event: OutboxEvent, *, timeout: float | None = None) -> None:
        """Publish ``event`` to JetStream with ``Nats-Msg-Id`` = ``event.id``; return once stored.

        Raises :class:`UpstreamUnavailable` at once while disconnected and when no ack arrives
        within ``timeout`` (which bounds the whole call). A duplicate (already stored id) counts
        as success. The stream is checked, and created if missing, before the first publish of
        each connection: a server that came back without its store must not drop events, and
        with a core subscriber on the subject a missing stream would only show as a timeout.
        """
        wait = self._request_timeout if timeout is None else timeout
        nc = self._require_connection(f"publish {event.subject}")
        js = nc.jetstream(timeout=wait)
        data = wire.encode(event.payload)

        async def publish() -> None:
            ack = await js.publish(
                event.subject,
                data,
                timeout=wait,
                stream=self._stream.name,
                headers={wire.MSG_ID_HEADER: event.id},
            )
            if ack.duplicate:
                log.debug("event %s was already stored; JetStream dropped the copy", event.id)

        try:
            async with asyncio.timeout(wait):
                if not self._stream_checked:
                    await self._check_stream(nc, wait)
                try:
                    await publish()
                except NoStreamResponseError:
                    # The stream vanished since the check (deleted, or its store was lost).
                    await self._check_stream(nc, wait)
                    await publish()
        except _UNAVAILABLE as exc:
            raise UpstreamUnavailable(
                detail=f"NATS did not store event {event.id} ({event.subject}): {exc!r}"
            ) from exc

    async def request(
        self, subject: str, payload: dict[str, Any], *, timeout: float | None = None
    ) -> dict[str, Any]:
        """Send a JSON request and return the JSON reply.

        Raises :class:`UpstreamUnavailable` when disconnected (at once), when nobody serves
        ``subject`` (at once), on timeout, or for a malformed reply; re-raises a responder's
        :class:`RegistryError`.
        """
        wait = self._request_timeout if timeout is None else timeout
        nc = self._require_connection(f"call {subject}")
        try:
            msg = await nc.request(subject, wire.encode(payload), timeout=wait)
        except nats.errors.NoRespondersError as exc:
            raise UpstreamUnavailable(detail=f"no service is answering {subject}") from exc
        except _UNAVAILABLE as exc:
            raise UpstreamUnavailable(detail=f"{subject} did not answer within {wait:g}s") from exc
        error = wire.decode_error(msg.headers, msg.data)
        if error is not None:
            raise error
        try:
            return wire.decode(msg.data)
        except wire.MalformedMessage as exc:
            raise UpstreamUnavailable(detail=f"malformed reply from {subject}: {exc}") from exc

    async def subscribe(self, subject: str, handler: EventHandler, *, queue: str = "") -> None:
        """Deliver each JSON message on ``subject`` to ``handler``, one at a time, in order.

        With ``queue``, each message goes to one member of the group. Works before the first
        connection (applied once connected) and survives reconnects. When connected, the
        subscription is active on the server when this returns. Malformed messages and
        handler exceptions are logged and skipped.
        """

        async def deliver(msg: Msg) -> None:
            try:
                payload = wire.decode(msg.data)
            except wire.MalformedMessage as exc:
                log.warning("dropped a malformed message on %s: %s", msg.subject, exc)
                return
            try:
                await handler(msg.subject, payload)
            except Exception:
                log.exception("handler for %s failed", msg.subject)

        await self._add_subscription(_Subscription(subject, queue, deliver))

    async def reply(self, subject: str, handler: ReplyHandler, *, queue: str) -> None:
        """Serve requests on ``subject`` as a member of ``queue`` (load shared across members).

        Requests are answered concurrently. A :class:`RegistryError` from ``handler`` reaches
        the caller as the same error; any other exception is logged and answered as a
        generic internal error, so callers never wait for a timeout because of a bug here.
        """

        async def answer(msg: Msg) -> None:
            if not msg.reply:
                log.debug("ignored a message without reply subject on %s", msg.subject)
                return
            headers: dict[str, str] | None = None
            try:
                body = wire.encode(await handler(wire.decode(msg.data)))
            except wire.MalformedMessage as exc:
                body, headers = wire.encode_error(BadRequest(detail=str(exc)))
            except RegistryError as exc:
                body, headers = wire.encode_error(exc)
            except Exception:
                log.exception("responder for %s failed", msg.subject)
                body, headers = wire.encode_error(
                    RegistryError(detail=f"the service behind {msg.subject} failed")
                )
            nc = self._nc
            if nc is None:
                return
            try:
                await nc.publish(msg.reply, body, headers=headers)
            except _UNAVAILABLE as exc:
                log.warning("could not answer a request on %s: %r", msg.subject, exc)

        async def dispatch(msg: Msg) -> None:
            # nats-py awaits callbacks one by one per subscription; a task per request lets a
            # slow answer not hold up the next request.
            self._spawn(answer(msg))

        await self._add_subscription(_Subscription(subject, queue, dispatch))

    async def ensure_stream(self, *, timeout: float = 10.0) -> None:
        """Create or update the events stream (see :func:`ensure_stream`); idempotent.

        A set-up step, so unlike the other operations it first waits for a connection; all
        within ``timeout``. Raises :class:`UpstreamUnavailable` when that runs out.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        if not self.connected:
            await self.wait_connected(timeout)
        nc = self._require_connection("set up the events stream")
        try:
            await self._check_stream(nc, max(deadline - loop.time(), 0.1))
        except _UNAVAILABLE as exc:
            raise UpstreamUnavailable(
                detail=f"could not set up stream {self._stream.name}: {exc!r}"
            ) from exc

    async def close(self) -> None:
        """Stop reconnecting, let in-flight handlers finish (bounded), drain and close.

        Idempotent. After it returns no task of this client is left on the loop.
        """
        if self._closed:
            return
        self._closed = True
        if self._connect_task is not None:
            await _cancel(self._connect_task)
        nc = self._nc
        if nc is not None and self._ready:
            if self._tasks:
                await asyncio.wait(set(self._tasks), timeout=self._drain_timeout)
            try:
                # Drain lets subscriptions finish the messages they already received.
                await nc.drain()
            except _UNAVAILABLE as exc:
                log.debug("drain failed, closing instead: %r", exc)
        if nc is not None and self._connect_began and not nc.is_closed:
            # Also closes a socket left half-open by a cancelled first connection attempt.
            with contextlib.suppress(Exception):
                await asyncio.wait_for(nc.close(), self._drain_timeout)
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._connected_event is not None:
            self._connected_event.clear()

    # -- internals ---------------------------------------------------------------------------

    def _require_connection(self, what: str) -> Client:
        self._require_open()
        nc = self._nc
        if nc is None or not self.connected:
            raise UpstreamUnavailable(detail=f"cannot {what}: not connected to NATS")
        return nc

    async def _connect(self, nc: Client) -> None:
        self._connect_began = True
        log.info("connecting to NATS at %s as %s", redact_url(self._url), self._name)
        # nats-py types these as int but uses them as float seconds.
        await nc.connect(
            servers=[self._url],
            name=self._name,
            allow_reconnect=True,
            max_reconnect_attempts=-1,  # Forever: NATS coming back must never need a restart.
            reconnect_time_wait=self._reconnect_wait,  # type: ignore[arg-type]
            connect_timeout=self._connect_timeout,  # type: ignore[arg-type]
            drain_timeout=self._drain_timeout,  # type: ignore[arg-type]
            # Notice a silently dead peer within about a minute rather than nats-py's ~6.
            ping_interval=20,
            max_outstanding_pings=3,
            error_cb=self._on_error,
            disconnected_cb=self._on_disconnected,
            reconnected_cb=self._on_reconnected,
            **self._credentials.connect_options(),
        )
        index = 0
        # A subscribe() arriving while this loop awaits is appended and picked up here.
        while index < len(self._subscriptions):
            subscription = self._subscriptions[index]
            try:
                await self._apply(nc, subscription)
            except Exception:
                log.exception("could not subscribe to %s", subscription.subject)
            index += 1
        self._ready = True
        await self._flush_quietly(nc)
        log.info("connected to NATS at %s", redact_url(self._url))
        self._on_up()

    async def _add_subscription(self, subscription: _Subscription) -> None:
        self._require_open()
        nc = self._nc
        if nc is not None and self._ready:
            await self._apply(nc, subscription)  # Raises for a bad subject before recording it.
            self._subscriptions.append(subscription)
            await self._flush_quietly(nc)
        else:
            self._subscriptions.append(subscription)

    @staticmethod
    async def _apply(nc: Client, subscription: _Subscription) -> None:
        await nc.subscribe(subscription.subject, queue=subscription.queue, cb=subscription.callback)

    @staticmethod
    async def _flush_quietly(nc: Client) -> None:
        # A round trip so the server has processed our SUBs; if the connection just dropped,
        # nats-py replays the subscriptions on reconnect anyway.
        with contextlib.suppress(*_UNAVAILABLE):
            await nc.flush(timeout=2)

    async def _check_stream(self, nc: Client, timeout: float) -> None:
        await ensure_stream(nc.jetstream(timeout=timeout), self._stream)
        self._stream_checked = True

    def _on_up(self) -> None:
        self._reported_down = False
        self._stream_checked = False  # A different (or reset) server may be behind the URL.
        if self._connected_event is not None:
            self._connected_event.set()
        for listener in self._listeners:
            self._spawn(self._notify(listener))

    async def _notify(self, listener: ConnectListener) -> None:
        try:
            await listener()
        except Exception:
            log.exception("NATS connect listener failed")

    async def _on_reconnected(self) -> None:
        log.info("reconnected to NATS at %s", redact_url(self._url))
        self._on_up()

    async def _on_disconnected(self) -> None:
        if self._connected_event is not None:
            self._connected_event.clear()
        if not self._closed:
            log.warning("disconnected from NATS; reconnecting in the background")

    async def _on_error(self, exc: Exception) -> None:
        # Every failed attempt of an outage reports here; say it once, not every second.
        connectivity = isinstance(exc, _CONNECTIVITY)
        if connectivity and self._reported_down:
            log.debug("NATS connection attempt failed: %r", exc)
            return
        self._reported_down = self._reported_down or connectivity
        log.warning("NATS connection problem: %r", exc)

    def _require_open(self) -> None:
        if self._closed:
            raise RuntimeError("the NATS client is closed")

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


async def _cancel(task: asyncio.Task[None]) -> None:
    """Cancel ``task`` and wait for it to end, re-cancelling until it does.

    One cancel is not enough: on Python 3.11 ``asyncio.wait_for`` (used by nats-py around each
    connection attempt) swallows a cancellation that coincides with the attempt failing, and
    nats-py's retry loop then carries on forever.
    """
    while not task.done():
        task.cancel()
        await asyncio.wait({task}, timeout=0.05)
    if not task.cancelled() and task.exception() is not None:
        log.debug("task ended with %r", task.exception())


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("connecting to NATS failed for good", exc_info=task.exception())
