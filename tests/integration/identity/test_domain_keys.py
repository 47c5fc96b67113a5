"""``dns`` against a local DNS server and ``http`` against a local HTTPS server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mcp_registry.cli.publisher.domain_keys import ALGORITHMS, DomainKey
from mcp_registry.shared.auth.permissions import Permission
from mcp_registry.shared.config import Settings
from tests.support.dns_server import LocalDns
from tests.support.identity import DOMAIN, IdentityClient, MakeClient, Peers
from tests.support.local_http import Answer


def publish(*patterns: str) -> tuple[Permission, ...]:
    return tuple(Permission("publish", p) for p in patterns)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_dns_key_proof_grants_the_domain_and_subdomains(
    identity: IdentityClient, peers: Peers, algorithm: str
) -> None:
    key = DomainKey.generate(algorithm)
    peers.dns.txt[DOMAIN] = ["google-site-verification=abc", key.record]
    claims = identity.claims(identity.login("dns", key.login_body(DOMAIN)))
    assert claims.auth_method == "dns"
    assert claims.auth_method_sub == DOMAIN
    assert claims.permissions == publish("com.example/*", "com.example.*")


def test_dns_finds_the_right_key_among_several(identity: IdentityClient, peers: Peers) -> None:
    old, new = DomainKey.generate(), DomainKey.generate()
    peers.dns.txt[DOMAIN] = [old.record, new.record]
    assert identity.login("dns", new.login_body(DOMAIN)).status_code == 200


def test_dns_without_a_key_record_says_what_it_found(
    identity: IdentityClient, peers: Peers
) -> None:
    peers.dns.txt[DOMAIN] = ["v=spf1 -all"]
    result = identity.login("dns", DomainKey.generate().login_body(DOMAIN))
    assert result.status_code == 401
    assert result.json["detail"] == (
        "No MCP public key found at the TXT records of example.com: "
        "1 record(s), none a usable v=MCPv1 key"
    )


def test_dns_with_another_key_names_the_key_tried(identity: IdentityClient, peers: Peers) -> None:
    published, used = DomainKey.generate(), DomainKey.generate()
    peers.dns.txt[DOMAIN] = [published.record]
    result = identity.login("dns", used.login_body(DOMAIN))
    assert result.status_code == 401
    fingerprint = "ed25519:" + published.record.split("p=")[1][:8]
    assert f"(tried {fingerprint})" in result.json["detail"]


def test_dns_record_with_a_bad_key_is_explained(identity: IdentityClient, peers: Peers) -> None:
    peers.dns.txt[DOMAIN] = ["v=MCPv1; k=ed25519; p=AAAA"]
    result = identity.login("dns", DomainKey.generate().login_body(DOMAIN))
    assert result.status_code == 401
    assert "has a 3-byte key, not 32" in result.json["detail"]


@pytest.mark.parametrize("skew", [timedelta(seconds=-16), timedelta(seconds=16)])
def test_stale_or_future_timestamps_are_refused(
    identity: IdentityClient, peers: Peers, skew: timedelta
) -> None:
    key = DomainKey.generate()
    peers.dns.txt[DOMAIN] = [key.record]
    result = identity.login("dns", key.login_body(DOMAIN, at=datetime.now(UTC) + skew))
    assert result.status_code == 401
    assert "outside ±15 s" in result.json["detail"]


def test_github_io_domains_are_refused(identity: IdentityClient) -> None:
    result = identity.login("dns", DomainKey.generate().login_body("alice.github.io"))
    assert result.status_code == 401
    assert "github-at or github-oidc" in result.json["detail"]


@pytest.mark.parametrize("domain", ["gitlab.io", "alice.gitlab.io", "x.alice.github.io"])
def test_gitlab_io_and_github_io_domains_are_refused(identity: IdentityClient, domain: str) -> None:
    result = identity.login("dns", DomainKey.generate().login_body(domain))
    assert result.status_code == 401
    assert "shared hosting" in result.json["detail"]


@pytest.mark.parametrize("method", ["dns", "http"])
@pytest.mark.parametrize("domain", ["127.0.0.1", "10.0.0.1", "::1", "[::1]", "1.2.3.4.5", "0x7f.1"])
def test_ip_literals_are_not_domains(identity: IdentityClient, method: str, domain: str) -> None:
    result = identity.login(method, DomainKey.generate().login_body(domain))
    assert result.status_code == 422, result.text
    assert "body.domain" in result.text


def test_malformed_key_proof_bodies_are_422(identity: IdentityClient) -> None:
    body = DomainKey.generate().login_body(DOMAIN)
    assert identity.login("dns", {**body, "domain": "not a domain"}).status_code == 422
    assert identity.login("dns", {**body, "timestamp": "yesterday"}).status_code == 422
    result = identity.login("dns", {**body, "signed_timestamp": "zz"})
    assert result.status_code == 422
    assert result.json["errors"][0]["location"] == "body.signed_timestamp"


def test_unreachable_resolvers_are_503(settings: Settings, make_client: MakeClient) -> None:
    with LocalDns() as dns:
        dead = dns.nameserver
    client = make_client(settings.replace(dns_nameservers=(dead,), dns_timeout=0.3))
    result = client.login("dns", DomainKey.generate().login_body(DOMAIN))
    assert result.status_code == 503


def test_http_key_proof_grants_the_domain_only(identity: IdentityClient, peers: Peers) -> None:
    key = DomainKey.generate()
    peers.web.answer = Answer(200, (key.record + "\n").encode())
    claims = identity.claims(identity.login("http", key.login_body(DOMAIN)))
    assert claims.auth_method == "http"
    assert claims.auth_method_sub == DOMAIN
    assert claims.permissions == publish("com.example/*")
    # TLS was verified for example.com although the connection went to the vetted address.
    assert peers.web_server.requests[-1].headers["host"].startswith(DOMAIN)


def test_http_redirects_are_not_followed(identity: IdentityClient, peers: Peers) -> None:
    peers.web.answer = Answer(302, b"", {"Location": "https://elsewhere.example/key"})
    result = identity.login("http", DomainKey.generate().login_body(DOMAIN))
    assert result.status_code == 401
    assert "answered 302 (a redirect)" in result.json["detail"]


def test_http_oversized_answers_are_refused(identity: IdentityClient, peers: Peers) -> None:
    key = DomainKey.generate()
    peers.web.answer = Answer(200, (key.record + "\n" + "x" * 5000).encode())
    result = identity.login("http", key.login_body(DOMAIN))
    assert result.status_code == 401
    assert "limit is 4096" in result.json["detail"]


def test_http_missing_file_is_named(identity: IdentityClient) -> None:
    result = identity.login("http", DomainKey.generate().login_body(DOMAIN))
    assert result.status_code == 401
    assert result.json["detail"].endswith("/.well-known/mcp-registry-auth answered HTTP 404")


def test_http_refuses_private_addresses_unless_allowed(
    settings: Settings, make_client: MakeClient, peers: Peers
) -> None:
    key = DomainKey.generate()
    peers.web.answer = Answer(200, key.record.encode())
    client = make_client(settings.replace(http_auth_allow_private_addresses=False))
    result = client.login("http", key.login_body(DOMAIN))
    assert result.status_code == 401
    assert "only to non-public addresses (127.0.0.1); refused" in result.json["detail"]
    assert peers.web_server.requests == []  # never connected


def test_http_refuses_untrusted_certificates(
    settings: Settings, make_client: MakeClient, peers: Peers
) -> None:
    key = DomainKey.generate()
    peers.web.answer = Answer(200, key.record.encode())
    client = make_client(settings.replace(http_auth_ca_file=""))
    result = client.login("http", key.login_body(DOMAIN))
    assert result.status_code == 401
    assert "TLS failed" in result.json["detail"]
