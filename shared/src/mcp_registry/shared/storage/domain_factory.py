"""The domain-verification store that lives beside a server store (same database)."""

from __future__ import annotations

from mcp_registry.shared.storage.domain_port import DomainStore
from mcp_registry.shared.storage.mongo import MongoServerStore
from mcp_registry.shared.storage.mongo_domains import MongoDomainStore
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.storage.sqlite import SqliteServerStore
from mcp_registry.shared.storage.sqlite_domains import SqliteDomainStore


def domain_store_for(store: ServerStore) -> DomainStore:
    """A :class:`DomainStore` sharing ``store``'s connections, outbox and audit log.

    Sharing (rather than opening the database again) is what lets a verification change and
    its ``domain.*`` event commit together in the outbox the relay already drains. Raises
    ``TypeError`` for a backend without domain support.
    """
    if isinstance(store, SqliteServerStore):
        return SqliteDomainStore(store)
    if isinstance(store, MongoServerStore):
        return MongoDomainStore(store)
    raise TypeError(f"no domain verification store for {type(store).__name__}")
