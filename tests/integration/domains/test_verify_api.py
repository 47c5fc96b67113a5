"""The verify-domain flow over HTTP, DNS answered by a local server the tests change."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mcp_registry.services.domains.challenge import record_value
from mcp_registry.services.domains.dns_probe import DnsProbe
from mcp_registry.services.domains.verification import DomainVerifier
from mcp_registry.shared.config import Settings
from mcp_registry.shared.errors import UpstreamUnavailable
from mcp_registry.shared.event_model import DOMAIN_VERIFIED
from mcp_registry.shared.storage.domain_records import Owner
from tests.support.domains import POLICY, Domains

PROBLEM = "application/problem+json"


def problem(result: object, status: int) -> str:
    """The problem+json detail of ``result``, asserting its status and media type."""
    assert result.status_code == status, result.text  # type: ignore[attr-defined]
    assert result.headers["content-type"] == PROBLEM  # type: ignore[attr-defined]
    detail: str = result.json["detail"]  # type: ignore[attr-defined]
    return detail


@pytest.mark.parametrize("prefix", ["/v0", "/v0.1"])
def test_the_seed_flow_verifies_and_emits_an_event(domains: Domains, prefix: str) -> None:
    started = domains.call("POST", "/verify-domain", {"domain": "Example.COM."}, prefix=prefix)
    assert started.status_code == 200, started.text
    body = started.json
    token = body["record"]["value"].removeprefix("mcp-verify=")
    assert body["domain"] == "example.com"
    assert body["state"] == "pending"
    assert body["record"] == {
        "type": "TXT",
        "name": "example.com",
        "host": "@",
        "value": f"mcp-verify={token}",
    }
    assert body["expires_at"].endswith("Z")
    assert domains.store.get("example.com", _alice()).state == "pending"  # type: ignore[union-attr]

    domains.dns.txt["example.com"] = ["v=spf1 -all", f"mcp-verify={token}"]
    domains.clock.advance(minutes=5)
    checked = domains.call("POST", "/verify-domain/check", {"domain": "example.com"}, prefix=prefix)

    assert checked.status_code == 200, checked.text
    assert checked.json["state"] == "verified"
    assert checked.json["namespaces"] == ["com.example/*", "com.example.*"]
    events = [
        e for e in domains.server_store.database.pending_events() if e.subject == DOMAIN_VERIFIED
    ]
    assert [e.payload["domain"] for e in events] == ["example.com"]
    assert events[0].payload["owner"] == "github-at:alice"
    assert events[0].payload["namespaces"] == ["com.example/*", "com.example.*"]
    audit = domains.server_store.database.audit_log(target="example.com")
    assert [a["action"] for a in audit] == ["domain.verify", "domain.challenge"]


def test_reads_show_the_callers_domains_with_state(domains: Domains) -> None:
    domains.verify("example.com")
    domains.start("example.org")
    domains.start("example.net", as_="bob")

    mine = domains.call("GET", "/verify-domain")
    one = domains.call("GET", "/verify-domain/example.com")
    other = domains.call("GET", "/verify-domain/example.net")

    assert mine.status_code == 200
    assert [(d["domain"], d["state"]) for d in mine.json["domains"]] == [
        ("example.com", "verified"),
        ("example.org", "pending"),
    ]
    assert one.json["state"] == "verified"
    assert one.json["next_check_at"].endswith("Z")
    assert "no-store" in one.headers["cache-control"]
    assert "you have no verification of example.net" in problem(other, 404)


def test_starting_twice_keeps_the_token_until_it_expires(domains: Domains) -> None:
    first = domains.start("example.com")
    assert domains.start("example.com") == first
    domains.clock.advance(seconds=POLICY.challenge_ttl.total_seconds() + 1)
    assert domains.start("example.com") != first


def test_the_grants_are_the_verified_namespaces(domains: Domains) -> None:
    domains.verify("example.com")
    domains.start("example.org")
    assert [p.resource for p in domains.verifier.grants(_alice())] == [
        "com.example/*",
        "com.example.*",
    ]


def test_a_request_without_a_token_is_refused(domains: Domains) -> None:
    result = domains.client.simulate_post("/v0/verify-domain", json={"domain": "example.com"})
    assert "Authorization" in problem(result, 401)


# -- every error the issue lists ----------------------------------------------------------


def test_record_missing(domains: Domains) -> None:
    value = domains.start("example.com")
    result = domains.call("POST", "/verify-domain/check", {"domain": "example.com"})
    detail = problem(result, 400)
    assert f"no TXT record {value} at example.com" in detail
    assert "host '@'" in detail
    assert result.json["errors"] == [{"message": "missing", "location": "dns.example.com"}]


@pytest.mark.parametrize(
    "wrong_name",
    ["_mcp-verify.example.com", "www.example.com", "example.com.example.com"],
)
def test_record_at_the_wrong_name_says_where_it_must_be(domains: Domains, wrong_name: str) -> None:
    domains.dns.txt[wrong_name] = [domains.start("example.com")]
    result = domains.call("POST", "/verify-domain/check", {"domain": "example.com"})
    detail = problem(result, 400)
    assert f"was found at {wrong_name}, but it must be at the domain apex example.com" in detail
    assert result.json["errors"][0]["location"] == f"dns.{wrong_name}"


def test_wrong_token(domains: Domains) -> None:
    value = domains.start("example.com")
    domains.dns.txt["example.com"] = [record_value("someone-elses-token")]
    detail = problem(domains.call("POST", "/verify-domain/check", {"domain": "example.com"}), 400)
    assert "holds a different challenge (mcp-verify=someone-e…)" in detail
    assert f"it must be exactly {value}" in detail


def test_expired_token(domains: Domains) -> None:
    domains.dns.txt["example.com"] = [domains.start("example.com")]
    domains.clock.advance(seconds=POLICY.challenge_ttl.total_seconds())
    detail = problem(domains.call("POST", "/verify-domain/check", {"domain": "example.com"}), 400)
    assert "the challenge for example.com expired at" in detail
    assert "POST /v0/verify-domain again" in detail


def test_check_without_a_challenge(domains: Domains) -> None:
    detail = problem(domains.call("POST", "/verify-domain/check", {"domain": "example.com"}), 400)
    assert "no verification of example.com was started by you" in detail


def test_nxdomain(domains: Domains) -> None:
    domains.start("example.com")
    domains.dns.nxdomain.add("example.com")
    detail = problem(domains.call("POST", "/verify-domain/check", {"domain": "example.com"}), 400)
    assert "example.com does not exist in DNS (NXDOMAIN)" in detail


def test_resolver_timeout(domains: Domains, settings: Settings, silent_nameserver: str) -> None:
    domains.start("example.com")
    slow = settings.replace(dns_nameservers=(silent_nameserver,), dns_timeout=0.3)
    verifier = DomainVerifier(
        domains.store, DnsProbe.from_settings(slow), POLICY, clock=domains.clock
    )
    with pytest.raises(UpstreamUnavailable) as caught:
        verifier.check(Owner("github-at", "alice"), "example.com")
    assert "the DNS lookup of TXT example.com timed out" in caught.value.detail
    assert caught.value.headers == {"Retry-After": "5"}
    assert caught.value.status == 503


@pytest.mark.parametrize(
    ("domain", "status", "expected"),
    [
        ("com", 400, "com is a public suffix"),
        ("co.uk", 400, "co.uk is a public suffix"),
        ("github.io", 400, "io.github.* namespaces belong to GitHub logins"),
        ("alice.github.io", 400, "io.github.* namespaces belong to GitHub logins"),
        ("https://example.com/", 422, "no scheme, path or port"),
        ("exa mple.com", 422, "must be 1-63 letters"),
        ("localhost", 422, "at least two labels"),
        ("-bad.example.com", 422, "must be 1-63 letters"),
        ("", 422, "Field 'domain' is required"),
    ],
)
def test_invalid_public_suffix_and_reserved_domains(
    domains: Domains, domain: str, status: int, expected: str
) -> None:
    for path in ("/verify-domain", "/verify-domain/check"):
        result = domains.call("POST", path, {"domain": domain})
        assert expected in problem(result, status)
        assert result.json["errors"][0]["location"] == "body.domain"


def test_a_domain_verified_by_someone_else(domains: Domains) -> None:
    domains.verify("example.com", as_="alice")
    bob_value = domains.start("example.com", as_="bob")
    domains.dns.txt["example.com"] = [bob_value]

    refused = domains.call("POST", "/verify-domain/check", {"domain": "example.com"}, as_="bob")

    detail = problem(refused, 400)
    assert "example.com is verified by another identity" in detail
    assert "only after that verification is revoked" in detail
    assert "alice" not in detail  # who holds it is not disclosed


def test_a_new_owner_gets_the_domain_only_after_the_old_owners_grace_period(
    domains: Domains,
) -> None:
    domains.verify("example.com", as_="alice")
    domains.dns.txt["example.com"] = [domains.start("example.com", as_="bob")]
    check = {"domain": "example.com"}

    # Alice's re-checks now fail (Bob replaced her record); she keeps it during the grace.
    domains.clock.advance(hours=24)
    domains.rechecker.sweep()
    refused = domains.call("POST", "/verify-domain/check", check, as_="bob")
    assert "its re-checks are failing; the earliest revocation is" in problem(refused, 400)
    for _ in range(3):
        domains.clock.advance(hours=1)
        domains.rechecker.sweep()
    assert domains.store.verified("example.com").owner.auth_method_sub == "alice"  # type: ignore[union-attr]
    domains.clock.advance(hours=72)
    report = domains.rechecker.sweep()
    assert report.revoked == 1

    # Bob's challenge expired meanwhile: he asks again, and then wins.
    value = domains.start("example.com", as_="bob")
    domains.dns.txt["example.com"] = [value]
    taken = domains.call("POST", "/verify-domain/check", check, as_="bob")
    assert taken.status_code == 200, taken.text
    assert domains.verifier.grants(_alice()) == ()


def _alice() -> Owner:
    return Owner("github-at", "alice")


def test_challenge_expiry_is_reported_in_rfc3339(domains: Domains) -> None:
    result = domains.call("POST", "/verify-domain", {"domain": "example.com"})
    assert result.json["expires_at"] == (
        (domains.clock.now + POLICY.challenge_ttl).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    )
    assert timedelta(hours=1) == POLICY.challenge_ttl
