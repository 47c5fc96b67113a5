"""The slow-client check: do reads keep answering while slow and idle clients hold sockets?

``idle`` connections are opened and send nothing; ``slow`` connections send a request line
and then one header line every ``drip_interval`` seconds, never the blank line that ends the
head. While all of them are open, ``reads`` ordinary requests are made one after another,
each on a new connection with ``within`` seconds to answer. The result counts how many did.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from urllib.parse import urlsplit

READ_PATH = "/v0/servers?limit=10"


@dataclass(frozen=True)
class SlowClientResult:
    """``answered`` of ``reads`` reads got a 200 within ``within`` seconds each."""

    idle: int
    slow: int
    reads: int
    answered: int
    within: float
    slowest_ms: float

    @property
    def passed(self) -> bool:
        """Every read answered in time."""
        return self.answered == self.reads

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form for the bench report."""
        return {
            "idle_connections": self.idle,
            "slow_connections": self.slow,
            "reads": self.reads,
            "answered": self.answered,
            "within_s": self.within,
            "slowest_ms": round(self.slowest_ms, 1),
            "passed": self.passed,
        }


def _connect(host: str, port: int) -> socket.socket:
    sock = socket.create_connection((host, port), timeout=5)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def _one_read(host: str, port: int, path: str, within: float) -> float | None:
    """Milliseconds until a 200 arrived, or None when it did not within ``within``."""
    started = time.monotonic()
    conn = http.client.HTTPConnection(host, port, timeout=within)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        elapsed = time.monotonic() - started
        if response.status == 200 and elapsed <= within:
            return elapsed * 1000
        return None
    except OSError:
        return None
    finally:
        conn.close()


def check_slow_clients(
    base_url: str,
    *,
    idle: int = 16,
    slow: int = 16,
    reads: int = 10,
    within: float = 3.0,
    drip_interval: float = 1.0,
    path: str = READ_PATH,
) -> SlowClientResult:
    """Run the check against ``base_url`` (loopback) and count the reads answered in time."""
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    stop = threading.Event()
    with ExitStack() as stack:
        idle_socks = [stack.enter_context(_connect(host, port)) for _ in range(idle)]
        slow_socks = [stack.enter_context(_connect(host, port)) for _ in range(slow)]
        for sock in slow_socks:
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n".encode())

        def drip() -> None:
            # One more header line per socket every interval, never the blank line.
            count = 0
            while not stop.wait(drip_interval):
                count += 1
                for sock in slow_socks:
                    with suppress(OSError):
                        sock.sendall(f"X-Slow-{count}: 1\r\n".encode())

        dripper = threading.Thread(target=drip, name="slow-client-drip", daemon=True)
        dripper.start()
        stack.callback(dripper.join, 5)
        stack.callback(stop.set)
        timings = [_one_read(host, port, path, within) for _ in range(reads)]
        del idle_socks
    answered = [t for t in timings if t is not None]
    return SlowClientResult(
        idle=idle,
        slow=slow,
        reads=reads,
        answered=len(answered),
        within=within,
        slowest_ms=max(answered, default=0.0),
    )
