"""Built-in plugin ``dns``: prove control of a domain with a key published in its TXT records.

Grants ``publish`` on ``<reversed domain>/*`` and on ``<reversed domain>.*`` (subdomains),
like the official registry. Resolvers come from ``MCP_REGISTRY_DNS_NAMESERVERS``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import dns.resolver

from mcp_registry.plugins.key_proof import check_proof, parse_request, reverse_domain
from mcp_registry.shared.plugin_api import (
    Clock,
    Identity,
    IdentityProvider,
    LookupFailed,
    Settings,
    UpstreamUnavailable,
    hookimpl,
    make_resolver,
    publish_on,
    txt_records,
    utcnow,
)

METHOD = "dns"


class DnsKeyProvider:
    """``POST /v0/auth/dns`` with ``{"domain", "timestamp", "signed_timestamp"}``."""

    method = METHOD
    description = "Ed25519/ECDSA P-384 key proof published in the domain's DNS TXT records"

    def __init__(self, resolver: dns.resolver.Resolver, *, clock: Clock = utcnow) -> None:
        self._resolver = resolver
        self._clock = clock

    def exchange(self, body: Mapping[str, Any]) -> Identity:
        request = parse_request(body, clock=self._clock)
        try:
            records = txt_records(self._resolver, request.domain)
        except LookupFailed as exc:
            raise UpstreamUnavailable(str(exc)) from None
        check_proof(request, records, f"the TXT records of {request.domain}")
        namespace = reverse_domain(request.domain)
        return Identity(
            auth_method=METHOD,
            subject=request.domain,
            permissions=publish_on(f"{namespace}/*", f"{namespace}.*"),
            domain_grants=False,
        )


@hookimpl
def mcp_registry_auth_methods(settings: Settings) -> Sequence[IdentityProvider]:
    return [DnsKeyProvider(make_resolver(settings))]
