"""A local DNS server (dnslib) answering TXT and A records from a dict, over UDP."""

from __future__ import annotations

import threading
from typing import Any

from dnslib import QTYPE, RCODE, RR, TXT, A, DNSRecord
from dnslib.server import BaseResolver, DNSLogger, DNSServer


class _Resolver(BaseResolver):  # type: ignore[misc]
    def __init__(self, zone: LocalDns) -> None:
        self.zone = zone

    def resolve(self, request: DNSRecord, handler: Any) -> DNSRecord:
        reply = request.reply()
        name = str(request.q.qname).rstrip(".").lower()
        qtype = QTYPE[request.q.qtype]
        if name in self.zone.nxdomain:
            reply.header.rcode = RCODE.NXDOMAIN
            return reply
        if qtype == "TXT":
            for text in self.zone.txt.get(name, []):
                # Long values are split into 255-byte strings, as real zones publish them.
                chunks = [text[i : i + 255].encode() for i in range(0, len(text), 255)]
                reply.add_answer(RR(request.q.qname, QTYPE.TXT, rdata=TXT(chunks), ttl=60))
        elif qtype == "A":
            for address in self.zone.a.get(name, []):
                reply.add_answer(RR(request.q.qname, QTYPE.A, rdata=A(address), ttl=60))
        return reply


class LocalDns:
    """Records by lower-case name; ``nameserver`` is ``127.0.0.1:<port>`` for the settings.

    Names in ``nxdomain`` answer NXDOMAIN; every other name exists (NOERROR), with or without
    records.
    """

    def __init__(self) -> None:
        self.txt: dict[str, list[str]] = {}
        self.nxdomain: set[str] = set()
        self.a: dict[str, list[str]] = {}
        self._udp = DNSServer(
            _Resolver(self),
            port=0,
            address="127.0.0.1",
            logger=DNSLogger("-request,-reply,-truncated,-error,-recv,-send,-data"),
        )
        self.port: int = self._udp.server.server_address[1]
        self.nameserver = f"127.0.0.1:{self.port}"

    def __enter__(self) -> LocalDns:
        self._thread = threading.Thread(
            target=self._udp.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._udp.server.shutdown()
        self._udp.server.server_close()
        self._thread.join(5)
