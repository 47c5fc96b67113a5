"""Blocking access to NATS for sync code (Falcon WSGI apps under gunicorn, the outbox relay).

Threading model: a :class:`NatsBridge` owns one asyncio event loop running in a daemon thread
and one :class:`~mcp_registry.shared.events.async_client.AsyncNatsClient` on it. Sync methods
hand a coroutine to that loop and wait for its result with a bound, so a caller never waits
longer than its timeout plus a small grace. Handlers given to :meth:`NatsBridge.subscribe` and
:meth:`NatsBridge.reply` are sync callables run in the bridge's thread pool, never on the loop,
so a slow handler cannot stall the connection.

Fork safety: nothing (thread, loop, socket) exists until :meth:`NatsBridge.start` or the first
use, so a bridge built in gunicorn's master but first used in a worker starts in the worker.
A bridge started before a fork refuses to be used in the child instead of misbehaving.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import threading
from collections.abc import Callable, Coroutine
from types import TracebackType
from typing import Any, Self, TypeVar

from mcp_registry.shared.errors import UpstreamUnavailable
from mcp_registry.shared.event_model import OutboxEvent
from mcp_registry.shared.events.async_client import AsyncNatsClient, ConnectListener
from mcp_registry.shared.events.credentials import NatsCredentials
from mcp_registry.shared.events.stream import StreamSettings

log = logging.getLogger(__name__)

T = TypeVar("T")

SyncEventHandler = Callable[[str, dict[str, Any]], None]
"""Receives ``(subject, payload)`` of one message; runs in the bridge's thread pool."""

SyncReplyHandler = Callable[[dict[str, Any]], dict[str, Any]]
"""Receives a request's payload, returns the reply's; may raise ``RegistryError``."""

# Slack on top of an operation's own timeout for handing work to and from the loop thread.
_GRACE = 1.0
# Subscribing flushes once (bounded at 2 s by the client) when connected.
_SUBSCRIBE_TIMEOUT = 2.0
_THREAD_JOIN_TIMEOUT = 10.0


class NatsBridge:
    """Sync facade over one NATS connection per process; see the module doc for threading.

    ``request_timeout`` bounds requests and publish acks; ``connect_timeout`` bounds each
    connection attempt; ``reconnect_wait`` is the pause between attempts (forever);
    ``handler_threads`` is the size of the pool running subscribe/reply handlers.
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
        handler_threads: int = 4,
        stream: StreamSettings | None = None,
        credentials: NatsCredentials | None = None,
    ) -> None:
        self._client = AsyncNatsClient(
            url,
            name=name,
            request_timeout=request_timeout,
            connect_timeout=connect_timeout,
            reconnect_wait=reconnect_wait,
            drain_timeout=drain_timeout,
            stream=stream,
            credentials=credentials,
        )
        self._name = name
        self._request_timeout = request_timeout
        self._drain_timeout = drain_timeout
        self._handler_threads = handler_threads
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._executor: concurrent.futures.ThreadPoolExecutor | None = None
        self._pid: int | None = None
        self._closed = False

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Start the loop thread and begin connecting in the background; returns at once.

        Idempotent; other methods call it implicitly. The server need not be up.
        """
        self._started()

    @property
    def connected(self) -> bool:
        """Whether the connection is up right now (``False`` before start and after close)."""
        return self._loop is not None and not self._closed and self._client.connected

    def wait_connected(self, timeout: float) -> bool:
        """Block up to ``timeout`` seconds until connected with subscriptions in place."""
        return self._call(lambda c: c.wait_connected(timeout), timeout)

    def close(self) -> None:
        """Drain and close the connection, stop the loop, join its thread, close the loop.

        In-flight handlers get ``drain_timeout`` seconds to finish. Idempotent; afterwards
        every method except ``close`` and ``connected`` raises ``RuntimeError``. Call it from
        the owning code, not from a handler (it waits for the handler pool to finish).
        """
        if threading.current_thread() is self._thread:
            raise RuntimeError("NatsBridge.close() on its own loop thread would deadlock")
        with self._lock:
            if self._closed:
                return
            self._closed = True
            loop, thread, executor = self._loop, self._thread, self._executor
        if loop is None or thread is None or executor is None:
            return
        if self._pid != os.getpid():
            return  # Forked child: the loop thread only exists in the parent.
        try:
            asyncio.run_coroutine_threadsafe(self._client.close(), loop).result(
                3 * self._drain_timeout + _GRACE
            )
        except Exception:
            log.warning("closing the NATS connection did not finish cleanly", exc_info=True)
        # Before stopping the loop, so handlers finishing now can still report to it.
        executor.shutdown(wait=True, cancel_futures=True)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(_THREAD_JOIN_TIMEOUT)
        if thread.is_alive():
            log.warning("the NATS bridge thread did not stop within %ss", _THREAD_JOIN_TIMEOUT)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- operations --------------------------------------------------------------------------

    def publish_event(self, event: OutboxEvent) -> None:
        """Store ``event`` in the events stream (``Nats-Msg-Id`` = ``event.id``).

        Returns once JetStream acknowledged it (a duplicate counts). Raises
        :class:`UpstreamUnavailable` at once while disconnected, or after ``request_timeout``
        without an ack.
        """
        self._call(lambda c: c.publish_event(event), self._request_timeout)

    def request(
        self, subject: str, payload: dict[str, Any], timeout: float | None = None
    ) -> dict[str, Any]:
        """JSON request/reply on ``subject``; see :meth:`AsyncNatsClient.request`.

        Raises :class:`UpstreamUnavailable` at once when disconnected or nobody serves
        ``subject``, and after ``timeout`` (default ``request_timeout``) without an answer.
        """
        wait = self._request_timeout if timeout is None else timeout
        return self._call(lambda c: c.request(subject, payload, timeout=wait), wait)

    def subscribe(self, subject: str, handler: SyncEventHandler, queue: str | None = None) -> None:
        """Call ``handler(subject, payload)`` for each message on ``subject`` (wildcards ok).

        Messages of one subscription are handled one at a time, in order, in the thread pool.
        With ``queue``, each message goes to one member of the group. Usable before the
        server is up; survives reconnects.
        """
        executor = self._started()[1]

        async def run(subject: str, payload: dict[str, Any]) -> None:
            await asyncio.get_running_loop().run_in_executor(executor, handler, subject, payload)

        self._call(lambda c: c.subscribe(subject, run, queue=queue or ""), _SUBSCRIBE_TIMEOUT)

    def reply(self, subject: str, handler: SyncReplyHandler, queue: str) -> None:
        """Serve JSON requests on ``subject`` in queue group ``queue`` (members share load).

        ``handler`` runs in the thread pool, requests concurrently up to ``handler_threads``.
        A ``RegistryError`` it raises reaches the caller as the same error.
        """
        executor = self._started()[1]

        async def run(payload: dict[str, Any]) -> dict[str, Any]:
            return await asyncio.get_running_loop().run_in_executor(executor, handler, payload)

        self._call(lambda c: c.reply(subject, run, queue=queue), _SUBSCRIBE_TIMEOUT)

    def on_connected(self, listener: Callable[[], None]) -> None:
        """Call ``listener()`` in the thread pool after every (re)connection, the first too."""
        executor = self._started()[1]

        async def run() -> None:
            await asyncio.get_running_loop().run_in_executor(executor, listener)

        self._call(lambda c: self._register_listener(c, run), _GRACE)

    def ensure_stream(self, timeout: float = 10.0) -> None:
        """Create or update the events stream idempotently, first waiting for a connection.

        Raises ``UpstreamUnavailable`` if that does not all happen within ``timeout`` seconds.
        """
        self._call(lambda c: c.ensure_stream(timeout=timeout), timeout)

    # -- internals ---------------------------------------------------------------------------

    @staticmethod
    async def _register_listener(client: AsyncNatsClient, listener: ConnectListener) -> None:
        client.on_connected(listener)

    def _started(self) -> tuple[asyncio.AbstractEventLoop, concurrent.futures.ThreadPoolExecutor]:
        with self._lock:
            if self._closed:
                raise RuntimeError("the NATS bridge is closed")
            if self._loop is not None and self._executor is not None:
                if self._pid != os.getpid():
                    raise RuntimeError(
                        f"NatsBridge {self._name!r} was started in process {self._pid}; "
                        "start a separate bridge in each process after forking"
                    )
                return self._loop, self._executor
            loop = asyncio.new_event_loop()
            executor = concurrent.futures.ThreadPoolExecutor(
                max_workers=self._handler_threads, thread_name_prefix=f"{self._name}-handler"
            )
            ready = threading.Event()
            thread = threading.Thread(
                target=_run_loop, args=(loop, ready), name=f"{self._name}-nats", daemon=True
            )
            thread.start()
            ready.wait()
            self._loop, self._thread, self._executor = loop, thread, executor
            self._pid = os.getpid()
            asyncio.run_coroutine_threadsafe(self._client.start(), loop).result(_GRACE)
            return loop, executor

    def _call(self, make: Callable[[AsyncNatsClient], Coroutine[Any, Any, T]], timeout: float) -> T:
        loop = self._started()[0]
        if threading.current_thread() is self._thread:
            raise RuntimeError("a blocking NatsBridge call on its own loop thread would deadlock")
        future = asyncio.run_coroutine_threadsafe(make(self._client), loop)
        try:
            return future.result(timeout + _GRACE)
        except TimeoutError:
            if future.done():
                raise  # The operation itself raised TimeoutError; not ours to reinterpret.
            future.cancel()
            raise UpstreamUnavailable(
                detail=f"NATS operation did not finish within {timeout:g}s"
            ) from None


def _run_loop(loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
    """Body of the loop thread: run until stopped, then cancel leftovers and close the loop."""
    asyncio.set_event_loop(loop)
    loop.call_soon(ready.set)
    try:
        loop.run_forever()
    finally:
        try:
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            # getaddrinfo runs in the loop's default executor; stop its threads too.
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            asyncio.set_event_loop(None)
            loop.close()
