"""The revocation store that lives beside a server store (same database)."""

from __future__ import annotations

from mcp_registry.shared.storage.mongo import MongoServerStore
from mcp_registry.shared.storage.mongo_revocations import MongoRevocationStore
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.storage.revocation_port import RevocationStore
from mcp_registry.shared.storage.sqlite import SqliteServerStore
from mcp_registry.shared.storage.sqlite_revocations import SqliteRevocationStore


def revocation_store_for(store: ServerStore) -> RevocationStore:
    """A :class:`RevocationStore` sharing ``store``'s connections and outbox, initialized.

    Raises ``TypeError`` for a backend without revocation support.
    """
    revocations: RevocationStore
    if isinstance(store, SqliteServerStore):
        revocations = SqliteRevocationStore(store)
    elif isinstance(store, MongoServerStore):
        revocations = MongoRevocationStore(store)
    else:
        raise TypeError(f"no revocation store for {type(store).__name__}")
    revocations.init()
    return revocations
