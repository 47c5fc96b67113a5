"""Which requests each per-address limit counts."""

from __future__ import annotations

from datetime import datetime

from mcp_registry.services.rate_limit_rules import address_rules
from mcp_registry.services.route_table import EXTENSION_PREFIX
from mcp_registry.shared.config import Settings
from mcp_registry.shared.rate_limits import Limiter
from mcp_registry.shared.web.client_address import ClientAddress
from mcp_registry.shared.web.rate_limiting import RateLimitMiddleware


def counted(settings: Settings, method: str, path: str) -> list[str]:
    return [r.limit.name for r in address_rules(settings) if r.matches(method, path)]


def test_the_defaults_count_auth_verify_domain_and_reports_but_not_reads() -> None:
    settings = Settings()
    assert counted(settings, "POST", "/v0/auth/github-at") == ["auth"]
    assert counted(settings, "GET", "/v0.1/auth/providers") == ["auth"]
    assert counted(settings, "POST", "/v0/verify-domain/check") == ["auth"]
    assert counted(settings, "POST", f"/v0.1{EXTENSION_PREFIX}/reports") == ["reports"]
    assert counted(settings, "GET", "/v0/servers") == []
    assert counted(settings, "POST", "/v0/publish") == []


def test_reads_are_counted_when_limited_and_nothing_when_all_are_off() -> None:
    reads = Settings(rate_limit_reads="100/second")
    assert counted(reads, "GET", "/v0/servers/io.github.a%2Fb/versions") == ["reads"]
    assert counted(reads, "HEAD", "/v0.1/servers") == ["reads"]
    off = Settings(rate_limit_auth="", rate_limit_writes="")
    assert address_rules(off) == []


class NoCounters:
    """A counter store that is never asked: ``counts`` only reads the rules."""

    def init(self) -> None:
        """Nothing to create."""

    def hit(self, key: str, *, window: int, expires_at: datetime, cost: int = 1) -> int:
        raise AssertionError("counted a request")


NO_LIMITER = Limiter(NoCounters())


def test_the_middleware_says_which_requests_it_counts() -> None:
    """An app answering reads from memory asks this, so counted reads still reach it."""
    for settings, counts_reads in (
        (Settings(), False),
        (Settings(rate_limit_reads="100/second"), True),
    ):
        middleware = RateLimitMiddleware(address_rules(settings), NO_LIMITER, ClientAddress())
        assert middleware.counts("GET", "/v0/servers") is counts_reads
        assert middleware.counts("POST", "/v0/auth/github-at")
