"""Re-verification with an injected clock (grace-period revoke) and the admin endpoints."""

from __future__ import annotations

import threading

from mcp_registry.services.domains.dns_probe import DnsProbe
from mcp_registry.services.domains.recheck import Rechecker
from mcp_registry.services.domains.worker import run_rechecks
from mcp_registry.shared.config import Settings
from mcp_registry.shared.event_model import DOMAIN_REVOKED, DOMAIN_VERIFIED
from mcp_registry.shared.storage.domain_records import Owner
from tests.support.domains import POLICY, Domains

ALICE = Owner("github-at", "alice")


def state(domains: Domains, domain: str = "example.com") -> str:
    record = domains.store.get(domain, ALICE)
    assert record is not None
    return record.state


def subjects(domains: Domains) -> list[str]:
    return [e.subject for e in domains.server_store.database.pending_events()]


def test_nothing_is_rechecked_before_it_is_due(domains: Domains) -> None:
    domains.verify("example.com")
    domains.dns.txt.clear()
    domains.clock.advance(hours=23)
    assert domains.rechecker.sweep().failing == 0


def test_a_passing_recheck_schedules_the_next(domains: Domains) -> None:
    domains.verify("example.com")
    domains.clock.advance(hours=24)
    assert domains.rechecker.sweep().passed == 1
    record = domains.store.get("example.com", ALICE)
    assert record is not None
    assert record.next_check_at == domains.clock.now + POLICY.recheck_interval


def test_revoked_only_after_repeated_failures_across_the_grace_period(domains: Domains) -> None:
    domains.verify("example.com")
    domains.dns.txt.clear()  # the owner removed the record

    domains.clock.advance(hours=24)
    assert domains.rechecker.sweep().failing == 1
    for _ in range(5):  # many failures, but the grace period has not passed
        domains.clock.advance(hours=1)
        domains.rechecker.sweep()
    assert state(domains) == "verified"
    assert [p.resource for p in domains.verifier.grants(ALICE)] == [
        "com.example/*",
        "com.example.*",
    ]

    domains.clock.advance(hours=67)  # 72 h since the first failure
    report = domains.rechecker.sweep()

    assert report.revoked == 1
    assert state(domains) == "revoked"
    assert domains.verifier.grants(ALICE) == ()
    revoked = [
        e for e in domains.server_store.database.pending_events() if e.subject == DOMAIN_REVOKED
    ]
    assert revoked[0].payload["reason"] == "dns"
    assert revoked[0].payload["namespaces"] == ["com.example/*", "com.example.*"]
    view = domains.call("GET", "/verify-domain/example.com").json
    assert view["state"] == "revoked"
    assert view["revoked_by"] == "dns"


def test_one_failure_after_a_long_gap_does_not_revoke(domains: Domains) -> None:
    domains.verify("example.com")
    domains.dns.txt.clear()
    domains.clock.advance(days=30)
    domains.rechecker.sweep()
    domains.clock.advance(days=30)
    domains.rechecker.sweep()
    assert state(domains) == "verified"  # 30 days failing, but only two checks


def test_a_recovered_record_clears_the_failure_streak(domains: Domains) -> None:
    domains.verify("example.com")
    value = domains.dns.txt.pop("example.com")
    domains.clock.advance(hours=24)
    domains.rechecker.sweep()
    domains.dns.txt["example.com"] = value
    domains.clock.advance(hours=1)
    domains.rechecker.sweep()
    record = domains.store.get("example.com", ALICE)
    assert record is not None
    assert (record.consecutive_failures, record.failing_since) == (0, None)


def test_resolver_outages_never_count_as_failures(
    domains: Domains, settings: Settings, silent_nameserver: str
) -> None:
    domains.verify("example.com")
    deaf = settings.replace(dns_nameservers=(silent_nameserver,), dns_timeout=0.2)
    rechecker = Rechecker(domains.store, DnsProbe.from_settings(deaf), POLICY, clock=domains.clock)
    for hours in (24, 40, 40):
        domains.clock.advance(hours=hours)
        assert rechecker.sweep().inconclusive == 1
    record = domains.store.get("example.com", ALICE)
    assert record is not None
    assert record.state == "verified"
    assert record.consecutive_failures == 0
    assert "no answer within" in (record.last_failure or "")


def test_the_worker_loop_sweeps_until_stopped(domains: Domains) -> None:
    domains.verify("example.com")
    domains.dns.txt.clear()
    domains.clock.advance(hours=24)
    stop = threading.Event()
    thread = threading.Thread(
        target=run_rechecks, args=(domains.store, domains.rechecker, stop, 0.01)
    )
    thread.start()
    try:
        deadline = threading.Event()
        for _ in range(200):
            record = domains.store.get("example.com", ALICE)
            if record is not None and record.consecutive_failures:
                break
            deadline.wait(0.01)
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive()
    record = domains.store.get("example.com", ALICE)
    assert record is not None
    assert record.consecutive_failures == 1


# -- admin ---------------------------------------------------------------------------------


def test_admin_endpoints_need_an_admin_token(domains: Domains) -> None:
    result = domains.call("GET", "/admin/domains")
    assert result.status_code == 403
    assert "edit permission on '*'" in result.json["detail"]


def test_admin_lists_revokes_and_restores(domains: Domains) -> None:
    domains.verify("example.com")
    domains.start("example.org", as_="bob")

    listed = domains.call("GET", "/admin/domains", admin=True, as_="root")
    assert [(d["domain"], d["owner"], d["state"]) for d in listed.json["domains"]] == [
        ("example.com", "github-at:alice", "verified"),
        ("example.org", "github-at:bob", "pending"),
    ]
    only = domains.call("GET", "/admin/domains?state=pending", admin=True, as_="root")
    assert [d["domain"] for d in only.json["domains"]] == ["example.org"]
    one = domains.call("GET", "/admin/domains/example.com", admin=True, as_="root")
    assert one.json["domains"][0]["owner"] == "github-at:alice"

    domains.clock.advance(minutes=1)  # audit entries of one instant have no defined order
    revoked = domains.call("POST", "/admin/domains/example.com/revoke", admin=True, as_="root")
    assert revoked.status_code == 200, revoked.text
    assert (revoked.json["state"], revoked.json["revoked_by"]) == ("revoked", "admin")
    assert domains.verifier.grants(ALICE) == ()
    # The owner cannot simply verify again after an admin revoked it.
    again = domains.call("POST", "/verify-domain", {"domain": "example.com"})
    assert again.status_code == 403
    assert "revoked by a registry administrator" in again.json["detail"]

    domains.clock.advance(minutes=1)
    restored = domains.call(
        "POST",
        "/admin/domains/example.com/restore",
        {"owner": "github-at:alice"},
        admin=True,
        as_="root",
    )
    assert restored.status_code == 200, restored.text
    assert restored.json["state"] == "verified"
    assert [p.resource for p in domains.verifier.grants(ALICE)] == [
        "com.example/*",
        "com.example.*",
    ]
    assert subjects(domains) == [DOMAIN_VERIFIED, DOMAIN_REVOKED, DOMAIN_VERIFIED]
    actions = [a["action"] for a in domains.server_store.database.audit_log(target="example.com")]
    assert actions[:2] == ["domain.admin_restore", "domain.admin_revoke"]
    assert (
        domains.server_store.database.audit_log(target="example.com")[0]["subject"]
        == "github-at:root"
    )


def test_admin_errors(domains: Domains) -> None:
    missing = domains.call("POST", "/admin/domains/example.com/revoke", admin=True)
    assert missing.status_code == 404
    nothing = domains.call("POST", "/admin/domains/example.com/restore", admin=True)
    assert nothing.status_code == 404
    bad_state = domains.call("GET", "/admin/domains?state=nope", admin=True)
    assert bad_state.status_code == 400
    bad_limit = domains.call("GET", "/admin/domains?limit=x", admin=True)
    assert bad_limit.status_code == 422
