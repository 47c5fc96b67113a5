"""DNS lookups with configurable resolvers (``MCP_REGISTRY_DNS_NAMESERVERS``), via dnspython.

Used for TXT key proofs and domain verification, and to vet addresses before fetching from a
caller-named host. Tests point the resolvers at a local DNS server.
"""

from __future__ import annotations

import dns.exception
import dns.rdatatype
import dns.resolver

from mcp_registry.shared.config import Settings


class LookupFailed(Exception):
    """The resolvers could not answer (timeout, SERVFAIL); not the same as "no such record"."""


def make_resolver(settings: Settings) -> dns.resolver.Resolver:
    """A resolver using ``settings.dns_nameservers`` (``ip`` or ``ip:port``), else the system's."""
    if not settings.dns_nameservers:
        resolver = dns.resolver.Resolver()
    else:
        resolver = dns.resolver.Resolver(configure=False)
        servers: list[str] = []
        ports: dict[str, int] = {}
        for entry in settings.dns_nameservers:
            host, port = _split_host_port(entry)
            servers.append(host)
            ports[host] = port
        resolver.nameservers = servers
        resolver.nameserver_ports = ports
    resolver.lifetime = settings.dns_timeout
    resolver.timeout = settings.dns_timeout
    return resolver


def txt_records(resolver: dns.resolver.Resolver, name: str) -> list[str]:
    """Every TXT string at ``name`` (multi-string records joined); ``[]`` when none exist."""
    try:
        answer = resolver.resolve(name, dns.rdatatype.TXT, search=False)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    except dns.exception.DNSException as exc:
        raise LookupFailed(f"TXT lookup for {name} failed: {exc}") from None
    return [b"".join(rdata.strings).decode("utf-8", "replace") for rdata in answer]


def addresses(resolver: dns.resolver.Resolver, name: str) -> list[str]:
    """The IPv4 and IPv6 addresses of ``name``; ``[]`` when it has none."""
    found: list[str] = []
    for rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA):
        try:
            answer = resolver.resolve(name, rdtype, search=False)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            continue
        except dns.exception.DNSException as exc:
            raise LookupFailed(f"address lookup for {name} failed: {exc}") from None
        found.extend(rdata.to_text() for rdata in answer)
    return found


def _split_host_port(entry: str) -> tuple[str, int]:
    if entry.count(":") == 1:  # ip:port; bare IPv6 has several colons
        host, port = entry.split(":")
        return host, int(port)
    if entry.startswith("[") and "]:" in entry:
        host, port = entry[1:].split("]:")
        return host, int(port)
    return entry, 53
