"""TXT lookups for domain verification, telling "no record" from "no answer" (dnspython).

Unlike ``shared.dns_lookup.txt_records``, a probe keeps NXDOMAIN apart from an existing name
without TXT records, and a timeout apart from other resolver failures, because each gets its
own explanation for the publisher.
"""

from __future__ import annotations

from dataclasses import dataclass

import dns.exception
import dns.rdatatype
import dns.resolver

from mcp_registry.shared.config import Settings
from mcp_registry.shared.dns_lookup import make_resolver


@dataclass(frozen=True)
class TxtLookup:
    """The TXT strings at ``name``; ``exists`` is False when the name is NXDOMAIN."""

    name: str
    exists: bool
    values: tuple[str, ...]


class DnsUnavailable(Exception):
    """The resolvers gave no usable answer; ``timed_out`` tells a timeout from SERVFAIL etc."""

    def __init__(self, name: str, reason: str, *, timed_out: bool) -> None:
        super().__init__(f"TXT lookup of {name} failed: {reason}")
        self.name = name
        self.reason = reason
        self.timed_out = timed_out


class DnsProbe:
    """Looks up TXT records with the configured resolvers and timeout."""

    def __init__(self, resolver: dns.resolver.Resolver, *, timeout: float) -> None:
        self._resolver = resolver
        self.timeout = timeout

    @classmethod
    def from_settings(cls, settings: Settings) -> DnsProbe:
        """``MCP_REGISTRY_DNS_NAMESERVERS`` and ``MCP_REGISTRY_DNS_TIMEOUT``."""
        return cls(make_resolver(settings), timeout=settings.dns_timeout)

    def txt(self, name: str) -> TxtLookup:
        """The TXT strings at ``name`` (multi-string records joined); raise
        :class:`DnsUnavailable` when the resolvers time out or fail."""
        try:
            answer = self._resolver.resolve(
                name, dns.rdatatype.TXT, search=False, raise_on_no_answer=False
            )
        except dns.resolver.NXDOMAIN:
            return TxtLookup(name, False, ())
        except dns.exception.Timeout:
            raise DnsUnavailable(
                name, f"no answer within {self.timeout:g}s", timed_out=True
            ) from None
        except dns.exception.DNSException as exc:
            raise DnsUnavailable(name, str(exc) or type(exc).__name__, timed_out=False) from None
        values = tuple(
            b"".join(rdata.strings).decode("utf-8", "replace") for rdata in (answer.rrset or ())
        )
        return TxtLookup(name, True, values)
