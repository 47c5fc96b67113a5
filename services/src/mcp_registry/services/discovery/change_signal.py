"""Waking change-feed long polls when a change commits, without polling the store per request.

One :class:`ChangeSignal` per worker process. A NATS subscription to the server events calls
:meth:`ChangeSignal.notify` (the relay appends a change to the change log before it publishes
the event, so a woken reader finds it); each waiting request then re-reads the log once.
After a NATS reconnection the signal fires too, since events may have been missed meanwhile.
Without NATS nobody notifies and a long poll answers when its ``wait`` is over.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class ChangeSignal:
    """A generation counter under a condition variable; thread-safe."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._generation = 0
        self._waiting = 0

    @property
    def waiting(self) -> int:
        """How many requests are blocked in :meth:`wait_until` right now."""
        with self._condition:
            return self._waiting

    def notify(self) -> None:
        """Something may have changed: wake every waiter."""
        with self._condition:
            self._generation += 1
            self._condition.notify_all()

    def wait_until(self, ready: Callable[[], bool], timeout: float) -> bool:
        """Block until ``ready()`` is true or ``timeout`` seconds passed; return ``ready()``.

        ``ready`` runs once at the start and once after each notification, never on a timer.
        """
        deadline = time.monotonic() + timeout
        while True:
            with self._condition:
                seen = self._generation
            if ready():
                return True
            with self._condition:
                self._waiting += 1
                try:
                    while self._generation == seen:
                        remaining = deadline - time.monotonic()
                        if remaining <= 0:
                            return False
                        self._condition.wait(remaining)
                finally:
                    self._waiting -= 1
