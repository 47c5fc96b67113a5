"""Revoked tokens and subject cutoffs, on every backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mcp_registry.shared.auth.revocation import TOKEN_REVOKED
from mcp_registry.shared.event_model import new_event
from mcp_registry.shared.storage.mongo.database import MongoDatabase
from mcp_registry.shared.storage.mongo.revocations import MongoRevocationStore
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.storage.revocation_port import Revocation, RevocationStore
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase
from mcp_registry.shared.storage.sqlite.revocations import SqliteRevocationStore
from tests.support.stores import MakeStore

T0 = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def revocation_store_for(store: ServerStore) -> RevocationStore:
    """The revocation store on ``store``'s database (one per backend), initialized."""
    database = store.database
    revocations: RevocationStore
    if isinstance(database, SqliteDatabase):
        revocations = SqliteRevocationStore(database)
    else:
        assert isinstance(database, MongoDatabase)
        revocations = MongoRevocationStore(database)
    revocations.init()
    return revocations


def test_a_revoked_token_is_refused_until_it_would_have_expired(make_store: MakeStore) -> None:
    store = make_store()
    revocations = revocation_store_for(store)
    assert not revocations.is_revoked(jti="j1", subject="s", issued_at=at(0), now=at(1))
    event = new_event(TOKEN_REVOKED, {"kind": "token", "key": "j1"}, now=at(1))
    revocations.add(Revocation("token", "j1", at(1), at(300), "s"), [event])
    assert revocations.is_revoked(jti="j1", subject="s", issued_at=at(0), now=at(2))
    assert not revocations.is_revoked(jti="j2", subject="s", issued_at=at(0), now=at(2))
    assert not revocations.is_revoked(jti="j1", subject="s", issued_at=at(0), now=at(301))
    assert [e.subject for e in store.database.pending_events()] == [TOKEN_REVOKED]


def test_a_subject_cutoff_covers_tokens_issued_up_to_it(make_store: MakeStore) -> None:
    store = make_store()
    # A second store on the same database stands for another replica.
    replica = revocation_store_for(make_store())
    revocation_store_for(store).add(
        Revocation("subject", "github-at:alice", at(10), at(400), "admin")
    )
    assert replica.is_revoked(jti="a", subject="github-at:alice", issued_at=at(9), now=at(11))
    assert replica.is_revoked(jti="b", subject="github-at:alice", issued_at=at(10), now=at(11))
    assert not replica.is_revoked(jti="c", subject="github-at:alice", issued_at=at(11), now=at(12))
    assert not replica.is_revoked(jti="a", subject="github-at:bob", issued_at=at(9), now=at(11))
    # A later cutoff wins; an earlier one does not move it back.
    replica.add(Revocation("subject", "github-at:alice", at(20), at(500), "admin"))
    replica.add(Revocation("subject", "github-at:alice", at(5), at(100), "admin"))
    assert replica.is_revoked(jti="c", subject="github-at:alice", issued_at=at(15), now=at(21))
    assert replica.is_revoked(jti="c", subject="github-at:alice", issued_at=at(15), now=at(450))
