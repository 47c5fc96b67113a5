"""The client's address behind trusted proxies, never blindly from ``X-Forwarded-For``.

With no trusted proxies configured, the client is the socket peer. When the peer is a
trusted proxy, ``X-Forwarded-For`` is read from the right (each proxy appends the address it
saw): the first address that is not itself a trusted proxy is the client. Anything to its
left was written by the client and is ignored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

import falcon

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """CIDRs or single addresses; ``ValueError`` names a bad entry."""
    networks: list[Network] = []
    for entry in entries:
        text = entry.strip()
        if not text:
            continue
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError:
            raise ValueError(f"not an IP address or CIDR: {text!r}") from None
    return tuple(networks)


class ClientAddress:
    """Finds the client address of a request given the trusted proxy networks."""

    def __init__(self, trusted: Iterable[Network] = ()) -> None:
        self._trusted = tuple(trusted)

    def _is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address.strip())
        except ValueError:
            return False
        return any(ip in network for network in self._trusted)

    def of(self, req: falcon.Request) -> str:
        """The client address of ``req`` (see the module doc)."""
        peer = req.remote_addr or "unknown"
        if not self._trusted or not self._is_trusted(peer):
            return peer
        forwarded = [a.strip() for a in (req.get_header("X-Forwarded-For") or "").split(",")]
        hops = [a for a in forwarded if a]
        for address in reversed(hops):
            if not self._is_trusted(address):
                return address
        return hops[0] if hops else peer
