"""Built-in plugin ``http``: prove control of a domain with a key served over HTTPS.

The key is read from ``https://<domain>/.well-known/mcp-registry-auth``: no redirects
followed, at most 4 KiB read, and only from public addresses (the domain is resolved first
and the connection pinned to a vetted address) unless
``MCP_REGISTRY_HTTP_AUTH_ALLOW_PRIVATE_ADDRESSES`` is set for tests. Grants ``publish`` on
``<reversed domain>/*`` (not subdomains: a web server proves less than the zone).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from typing import Any

import dns.resolver

from mcp_registry.plugins.key_proof import check_proof, parse_request, reverse_domain
from mcp_registry.shared.plugin_api import (
    Clock,
    FetchError,
    Identity,
    IdentityProvider,
    LookupFailed,
    Settings,
    Unauthorized,
    UpstreamUnavailable,
    addresses,
    hookimpl,
    http_get,
    make_resolver,
    publish_on,
    utcnow,
)

METHOD = "http"
WELL_KNOWN_PATH = "/.well-known/mcp-registry-auth"
MAX_BYTES = 4096


class HttpKeyProvider:
    """``POST /v0/auth/http`` with ``{"domain", "timestamp", "signed_timestamp"}``."""

    method = METHOD
    description = "Ed25519/ECDSA P-384 key proof served at https://<domain>" + WELL_KNOWN_PATH

    def __init__(
        self,
        resolver: dns.resolver.Resolver,
        *,
        port: int = 443,
        timeout: float = 5.0,
        ca_file: str = "",
        allow_private: bool = False,
        clock: Clock = utcnow,
    ) -> None:
        self._resolver = resolver
        self._port = port
        self._timeout = timeout
        self._ca_file = ca_file
        self._allow_private = allow_private
        self._clock = clock

    def exchange(self, body: Mapping[str, Any]) -> Identity:
        request = parse_request(body, clock=self._clock)
        port = "" if self._port == 443 else f":{self._port}"
        url = f"https://{request.domain}{port}{WELL_KNOWN_PATH}"
        address = self._vetted_address(request.domain)
        try:
            reply = http_get(
                url,
                timeout=self._timeout,
                max_bytes=MAX_BYTES,
                ca_file=self._ca_file,
                connect_address=address,
            )
        except FetchError as exc:
            raise Unauthorized(f"Could not read {url}: {exc}") from None
        if 300 <= reply.status < 400:
            raise Unauthorized(
                f"{url} answered {reply.status} (a redirect); the key must be served there directly"
            )
        if reply.status != 200:
            raise Unauthorized(f"{url} answered HTTP {reply.status}")
        lines = reply.body.decode("utf-8", "replace").splitlines()
        check_proof(request, [line.strip() for line in lines if line.strip()], url)
        return Identity(
            auth_method=METHOD,
            subject=request.domain,
            permissions=publish_on(f"{reverse_domain(request.domain)}/*"),
            domain_grants=False,
        )

    def _vetted_address(self, domain: str) -> str:
        try:
            found = addresses(self._resolver, domain)
        except LookupFailed as exc:
            raise UpstreamUnavailable(str(exc)) from None
        if not found:
            raise Unauthorized(f"{domain} has no A or AAAA record")
        usable = [a for a in found if self._allow_private or ipaddress.ip_address(a).is_global]
        if not usable:
            raise Unauthorized(
                f"{domain} resolves only to non-public addresses ({', '.join(found)}); refused"
            )
        return usable[0]


@hookimpl
def mcp_registry_auth_methods(settings: Settings) -> Sequence[IdentityProvider]:
    return [
        HttpKeyProvider(
            make_resolver(settings),
            port=settings.http_auth_port,
            timeout=settings.outbound_timeout,
            ca_file=settings.http_auth_ca_file,
            allow_private=settings.http_auth_allow_private_addresses,
        )
    ]
