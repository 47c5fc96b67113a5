"""Attempting due deliveries: signed POSTs, backoff on failure, dead-letter after the last.

One slow endpoint never delays others: deliveries run in a pool of ``concurrency`` threads and
at most one delivery per subscription is in flight, so a receiver that hangs holds one thread
for at most ``timeout`` seconds while the rest keep flowing. Each attempt first claims its
delivery in the store (a lease), so several workers never attempt the same one at once, and
an attempt cut short by a crash is made again when the lease ends.
"""

from __future__ import annotations

import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from mcp_registry.services.webhooks.backoff import retry_delay
from mcp_registry.services.webhooks.signing import signed_headers
from mcp_registry.shared.clock import Clock, utcnow
from mcp_registry.shared.outbound_http import FetchError, http_post
from mcp_registry.shared.storage.webhooks_port import Delivery, WebhookStore
from mcp_registry.shared.webhook_targets import TargetRefused, resolve_target

log = logging.getLogger(__name__)

_MAX_ERROR = 500
# A claimed delivery is retried this long after its attempt's timeout if the worker died.
_LEASE_SLACK = 30.0


class Deliverer:
    """Attempts the store's due deliveries; :meth:`run_once` starts what is due now."""

    def __init__(
        self,
        store: WebhookStore,
        *,
        timeout: float,
        max_attempts: int,
        concurrency: int,
        allow_private: bool,
        clock: Clock = utcnow,
    ) -> None:
        self._store = store
        self._timeout = timeout
        self._max_attempts = max_attempts
        self._allow_private = allow_private
        self._clock = clock
        self._pool = ThreadPoolExecutor(concurrency, thread_name_prefix="webhook")
        self._slots = threading.Semaphore(concurrency)
        self._lock = threading.Lock()
        self._in_flight: set[str] = set()
        self.wake = threading.Event()

    def run_once(self) -> int:
        """Start every due delivery whose subscription has none in flight, as far as the
        pool has room; return how many started."""
        started = 0
        now = self._clock()
        lease = now + timedelta(seconds=self._timeout + _LEASE_SLACK)
        for delivery in self._store.due(now, limit=200):
            with self._lock:
                if delivery.subscription_id in self._in_flight:
                    continue
                if not self._slots.acquire(blocking=False):
                    break
                self._in_flight.add(delivery.subscription_id)
            if not self._store.claim(delivery.id, now=now, until=lease):
                self._release(delivery.subscription_id)  # another worker took it
                continue
            self._pool.submit(self._attempt_safely, delivery)
            started += 1
        return started

    def run_forever(self, stop: threading.Event, poll_interval: float = 0.5) -> None:
        """Start due deliveries until ``stop``; wakes early on :attr:`wake`."""
        while not stop.is_set():
            try:
                self.run_once()
            except Exception:
                log.exception("webhook deliveries could not be read")
            self.wake.wait(poll_interval)
            self.wake.clear()

    def close(self) -> None:
        """Wait for attempts in flight, then stop the pool."""
        self._pool.shutdown(wait=True)

    def _attempt_safely(self, delivery: Delivery) -> None:
        try:
            self._attempt(delivery)
        except Exception:
            log.exception("webhook delivery %s failed unexpectedly", delivery.id)
        finally:
            self._release(delivery.subscription_id)
            self.wake.set()  # The subscription may have more due.

    def _release(self, subscription_id: str) -> None:
        with self._lock:
            self._in_flight.discard(subscription_id)
        self._slots.release()

    def _attempt(self, delivery: Delivery) -> None:
        subscription = self._store.subscription(delivery.subscription_id)
        now = self._clock()
        if subscription is None:
            return  # Removed meanwhile; its deliveries went with it.
        body = json.dumps(delivery.body, separators=(",", ":"), ensure_ascii=False).encode()
        status: int | None = None
        error: str | None = None
        try:
            address = resolve_target(subscription.url, allow_private=self._allow_private)
            headers = signed_headers(subscription.secret, delivery.message_id, body, now)
            reply = http_post(
                subscription.url,
                body,
                timeout=self._timeout,
                headers=headers,
                connect_address=address,
            )
            status = reply.status
            if not 200 <= reply.status < 300:
                error = f"the receiver answered {reply.status}"
        except (TargetRefused, FetchError) as exc:
            error = str(exc)[:_MAX_ERROR]
        done = self._clock()
        if error is None:
            self._store.record_attempt(
                delivery.id, at=done, state="delivered", due_at=done, status=status, error=None
            )
            return
        failed = delivery.attempts + 1
        if failed >= self._max_attempts:
            log.warning("webhook delivery %s dead after %d attempts", delivery.id, failed)
            self._store.record_attempt(
                delivery.id, at=done, state="dead", due_at=done, status=status, error=error
            )
            return
        due = done + timedelta(seconds=retry_delay(failed))
        self._store.record_attempt(
            delivery.id, at=done, state="pending", due_at=due, status=status, error=error
        )
