"""Which publishes re-check verified-domain grants, and what the check answers (no NATS)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mcp_registry.services.publishing.domain_check import DomainGrantCheck, domain_only_grants
from mcp_registry.shared.auth.domain_grant_sources import NoDomainGrants
from mcp_registry.shared.auth.permissions import Permission
from mcp_registry.shared.auth.tokens import RegistryClaims
from mcp_registry.shared.errors import Forbidden, UpstreamUnavailable
from tests.support.auth_doubles import FixedDomainGrants

NOW = datetime(2025, 1, 1, tzinfo=UTC)
EXAMPLE = (Permission("publish", "com.example/*"), Permission("publish", "com.example.*"))


def claims(
    *patterns: str, from_domains: tuple[str, ...] = (), method: str = "github-at"
) -> RegistryClaims:
    domain = tuple(Permission("publish", p) for p in from_domains)
    return RegistryClaims(
        auth_method=method,
        auth_method_sub="alice",
        permissions=tuple(Permission("publish", p) for p in patterns) + domain,
        issuer="i",
        audience="a",
        subject=f"{method}:alice",
        issued_at=NOW,
        expires_at=NOW + timedelta(minutes=5),
        jti="j",
        kid="k",
        domain_permissions=domain,
    )


class RecordingGrants:
    """Answers like the domains service would and records who was asked about."""

    def __init__(self, *grants: Permission) -> None:
        self.grants = grants
        self.asked: list[tuple[str, str]] = []

    def grants_for(self, auth_method: str, auth_method_sub: str) -> tuple[Permission, ...]:
        self.asked.append((auth_method, auth_method_sub))
        return self.grants


def test_a_publish_resting_only_on_a_verified_domain_needs_a_live_check() -> None:
    token = claims("io.github.alice/*", from_domains=("com.example/*", "com.example.*"))
    assert domain_only_grants(token, "com.example/x") == (EXAMPLE[0],)
    assert domain_only_grants(token, "com.example.api/x") == (EXAMPLE[1],)


@pytest.mark.parametrize(
    ("token", "name"),
    [
        # Allowed by something else as well: admin `*`, an operator-configured pattern.
        (claims("*", from_domains=("com.example/*",)), "com.example/x"),
        (claims("com.example/*", from_domains=("com.example.*",)), "com.example/x"),
        # Never from a domain: GitHub, the anonymous namespace, a plugin's reverse-DNS namespace.
        (claims("io.github.alice/*"), "io.github.alice/x"),
        (
            claims("io.modelcontextprotocol.anonymous/*", method="none"),
            "io.modelcontextprotocol.anonymous/x",
        ),
        (claims("io.gitlab.acme/*", method="gitlab"), "io.gitlab.acme/x"),
        # dns/http logins prove the domain themselves: identity marks nothing.
        (claims("com.example/*", "com.example.*", method="dns"), "com.example/x"),
        (claims("com.example/*", method="http"), "com.example/x"),
        # Not allowed at all: the static check's 403 comes first.
        (claims(from_domains=("com.example/*",)), "org.other/x"),
    ],
)
def test_publishes_that_need_no_live_check(token: RegistryClaims, name: str) -> None:
    assert domain_only_grants(token, name) == ()
    grants = RecordingGrants()
    DomainGrantCheck(grants).require_still_granted(token, name)
    assert grants.asked == []


def test_a_domain_still_verified_allows_the_publish() -> None:
    grants = RecordingGrants(*EXAMPLE)
    DomainGrantCheck(grants).require_still_granted(
        claims(from_domains=("com.example.*",)), "com.example.api/x"
    )
    assert grants.asked == [("github-at", "alice")]


def test_a_revoked_domain_refuses_the_publish_and_says_how_to_recover() -> None:
    check = DomainGrantCheck(FixedDomainGrants({}))
    with pytest.raises(Forbidden) as caught:
        check.require_still_granted(claims(from_domains=("com.example.*",)), "com.example.api/x")
    detail = caught.value.detail
    assert "You may no longer publish com.example.api/x" in detail
    assert "grants com.example.* through the verified domain example.com" in detail
    assert "revoked or is no longer yours" in detail
    assert "POST /v0/verify-domain" in detail
    assert "new registry token" in detail


def test_another_domain_still_verified_does_not_help() -> None:
    other = (Permission("publish", "org.other/*"),)
    check = DomainGrantCheck(FixedDomainGrants({("github-at", "alice"): other}))
    with pytest.raises(Forbidden):
        check.require_still_granted(claims(from_domains=("com.example/*",)), "com.example/x")


def test_no_answer_is_a_503_with_retry_after_not_a_pass() -> None:
    check = DomainGrantCheck(NoDomainGrants())
    with pytest.raises(UpstreamUnavailable) as caught:
        check.require_still_granted(claims(from_domains=("com.example/*",)), "com.example/x")
    assert caught.value.status == 503
    assert caught.value.headers == {"Retry-After": "5"}
    assert "still verified" in caught.value.detail


def test_without_nats_the_check_is_skipped() -> None:
    DomainGrantCheck(None).require_still_granted(
        claims(from_domains=("com.example/*",)), "com.example/x"
    )
