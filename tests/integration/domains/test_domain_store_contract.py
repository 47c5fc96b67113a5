"""The DomainStore contract, run against SQLite and MongoDB (mongomock stand-in here)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from mcp_registry.shared.event_model import DOMAIN_VERIFIED, new_event
from mcp_registry.shared.storage.domain_errors import DomainTaken, StaleRecord
from mcp_registry.shared.storage.domain_port import DomainStore
from mcp_registry.shared.storage.domain_records import DomainRecord, Owner
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.storage.records import Actor, AuditEntry
from tests.support.stores import T0

ALICE = Owner("github-at", "alice")
BOB = Owner("github-at", "bob")


def pending(domain: str = "example.com", owner: Owner = ALICE) -> DomainRecord:
    return DomainRecord(
        domain=domain,
        owner=owner,
        token="tok-" + owner.auth_method_sub,
        state="pending",
        created_at=T0,
        updated_at=T0,
        token_expires_at=T0 + timedelta(hours=1),
    )


def verified(record: DomainRecord, next_check: float = 3600) -> DomainRecord:
    return dataclasses.replace(
        record,
        state="verified",
        verified_at=T0,
        last_checked_at=T0,
        next_check_at=T0 + timedelta(seconds=next_check),
    )


def test_insert_then_read_back_every_field(domain_store: DomainStore) -> None:
    record = dataclasses.replace(
        verified(pending()), consecutive_failures=2, failing_since=T0, last_failure="gone"
    )
    saved = domain_store.save(record, expected_revision=None)
    assert saved.revision == 1
    assert domain_store.get("example.com", ALICE) == saved
    assert domain_store.get("example.com", BOB) is None
    assert domain_store.verified("example.com") == saved


def test_insert_of_an_existing_key_is_stale(domain_store: DomainStore) -> None:
    domain_store.save(pending(), expected_revision=None)
    with pytest.raises(StaleRecord):
        domain_store.save(pending(), expected_revision=None)


def test_updates_are_compare_and_set(domain_store: DomainStore) -> None:
    first = domain_store.save(pending(), expected_revision=None)
    second = domain_store.save(verified(first), expected_revision=1)
    assert second.revision == 2
    with pytest.raises(StaleRecord):
        domain_store.save(verified(first), expected_revision=1)
    assert domain_store.get("example.com", ALICE) == second


def test_one_verified_owner_per_domain(domain_store: DomainStore) -> None:
    domain_store.save(verified(pending(owner=ALICE)), expected_revision=None)
    bob = domain_store.save(pending(owner=BOB), expected_revision=None)
    with pytest.raises(DomainTaken):
        domain_store.save(verified(bob), expected_revision=bob.revision)
    assert domain_store.get("example.com", BOB) == bob
    domain_store.save(verified(pending("example.org", BOB)), expected_revision=None)


def test_events_and_audit_commit_with_the_change(
    domain_store: DomainStore, server_store: ServerStore
) -> None:
    event = new_event(DOMAIN_VERIFIED, {"domain": "example.com"}, now=T0)
    audit = AuditEntry("domain.verify", "example.com", Actor("github-at:alice", "github-at"), T0)
    domain_store.save(verified(pending()), expected_revision=None, events=[event], audit=audit)
    assert [e.id for e in server_store.database.pending_events()] == [event.id]
    assert [a["action"] for a in server_store.database.audit_log(target="example.com")] == [
        "domain.verify"
    ]

    refused = new_event(DOMAIN_VERIFIED, {"domain": "example.com"}, now=T0)
    with pytest.raises(StaleRecord):
        domain_store.save(verified(pending()), expected_revision=7, events=[refused], audit=audit)
    assert [e.id for e in server_store.database.pending_events()] == [event.id]
    assert len(server_store.database.audit_log(target="example.com")) == 1


def test_listings(domain_store: DomainStore) -> None:
    domain_store.save(verified(pending("example.org", ALICE)), expected_revision=None)
    domain_store.save(pending("example.com", ALICE), expected_revision=None)
    domain_store.save(pending("example.com", BOB), expected_revision=None)

    assert [r.domain for r in domain_store.for_owner(ALICE)] == ["example.com", "example.org"]
    assert [r.owner for r in domain_store.for_domain("example.com")] == [ALICE, BOB]
    assert [(r.domain, r.owner) for r in domain_store.list_all()] == [
        ("example.com", ALICE),
        ("example.com", BOB),
        ("example.org", ALICE),
    ]
    assert [r.domain for r in domain_store.list_all(state="verified")] == ["example.org"]
    assert len(domain_store.list_all(limit=2)) == 2


def test_due_lists_verified_records_whose_check_time_came(domain_store: DomainStore) -> None:
    domain_store.save(verified(pending("a.example"), next_check=10), expected_revision=None)
    domain_store.save(verified(pending("b.example"), next_check=5), expected_revision=None)
    domain_store.save(verified(pending("c.example"), next_check=100), expected_revision=None)
    domain_store.save(pending("d.example"), expected_revision=None)

    due = domain_store.due(T0 + timedelta(seconds=10))

    assert [r.domain for r in due] == ["b.example", "a.example"]
    assert domain_store.due(T0) == []
    domain_store.repair()  # nothing to finish: a no-op
