"""Rate-limit policies, headers, and the client address behind trusted proxies."""

from __future__ import annotations

import falcon.testing
import pytest

from mcp_registry.shared.config import ConfigError, Settings
from mcp_registry.shared.rate_limits import Decision, RateLimit, TooManyRequests
from mcp_registry.shared.web.client_address import ClientAddress, parse_networks


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10/second", RateLimit("w", 10, 1)),
        ("60/minute", RateLimit("w", 60, 60)),
        (" 5/hour ", RateLimit("w", 5, 3600)),
        ("", None),
    ],
)
def test_policies_parse(text: str, expected: RateLimit | None) -> None:
    assert RateLimit.parse("w", text) == expected


@pytest.mark.parametrize("text", ["0/minute", "ten/minute", "10/day", "10", "-1/second"])
def test_malformed_policies_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="N/second"):
        RateLimit.parse("w", text)
    with pytest.raises(ConfigError, match="MCP_REGISTRY_RATE_LIMIT_WRITES"):
        Settings.from_env({"MCP_REGISTRY_RATE_LIMIT_WRITES": text})


def test_headers_follow_the_ietf_structured_fields() -> None:
    limit = RateLimit("writes", 3, 60)
    ok = Decision(limit, count=1, reset=42)
    assert ok.headers() == {
        "RateLimit-Policy": '"writes";q=3;w=60',
        "RateLimit": '"writes";r=2;t=42',
    }
    ok.require_allowed()
    refused = Decision(limit, count=4, reset=7)
    assert refused.headers()["Retry-After"] == "7"
    with pytest.raises(TooManyRequests) as caught:
        refused.require_allowed()
    assert caught.value.status == 429
    assert caught.value.headers["RateLimit"] == '"writes";r=0;t=7'


def _req(peer: str, forwarded: str | None = None) -> falcon.Request:
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    return falcon.testing.create_req(remote_addr=peer, headers=headers)


def test_without_trusted_proxies_the_peer_is_the_client() -> None:
    assert ClientAddress().of(_req("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client() -> None:
    addresses = ClientAddress(parse_networks(["10.0.0.0/8", "192.0.2.1"]))
    # The client forged the first entry; the proxies appended what they saw.
    assert addresses.of(_req("10.1.2.3", "1.1.1.1, 198.51.100.7, 192.0.2.1")) == "198.51.100.7"
    assert addresses.of(_req("10.1.2.3")) == "10.1.2.3"
    assert addresses.of(_req("10.1.2.3", "10.9.9.9")) == "10.9.9.9"
    # A peer that is not a trusted proxy cannot choose its address.
    assert addresses.of(_req("203.0.113.9", "198.51.100.7")) == "203.0.113.9"


def test_trusted_proxies_must_be_addresses_or_networks() -> None:
    with pytest.raises(ConfigError, match="MCP_REGISTRY_TRUSTED_PROXIES"):
        Settings.from_env({"MCP_REGISTRY_TRUSTED_PROXIES": "10.0.0.0/8,proxy.internal"})
