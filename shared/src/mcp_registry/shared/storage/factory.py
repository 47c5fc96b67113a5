"""Open the backend ``MCP_REGISTRY_DATABASE_URL`` names: its database and the stores on it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from mcp_registry.shared.storage.changes_port import ChangeLog
from mcp_registry.shared.storage.database import Database
from mcp_registry.shared.storage.domain_port import DomainStore
from mcp_registry.shared.storage.mirror_port import MirrorStateStore
from mcp_registry.shared.storage.moderation_port import ModerationStore
from mcp_registry.shared.storage.mongo.changes import MongoChangeLog
from mcp_registry.shared.storage.mongo.database import MongoDatabase
from mcp_registry.shared.storage.mongo.domains import MongoDomainStore
from mcp_registry.shared.storage.mongo.mirror import MongoMirrorStateStore
from mcp_registry.shared.storage.mongo.moderation import MongoModerationStore
from mcp_registry.shared.storage.mongo.rate_counters import MongoRateCounterStore
from mcp_registry.shared.storage.mongo.revocations import MongoRevocationStore
from mcp_registry.shared.storage.mongo.servers import MongoServerStore
from mcp_registry.shared.storage.mongo.webhooks import MongoWebhookStore
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.storage.rate_counter_port import RateCounterStore
from mcp_registry.shared.storage.revocation_port import RevocationStore
from mcp_registry.shared.storage.sqlite.changes import SqliteChangeLog
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase
from mcp_registry.shared.storage.sqlite.domains import SqliteDomainStore
from mcp_registry.shared.storage.sqlite.mirror import SqliteMirrorStateStore
from mcp_registry.shared.storage.sqlite.moderation import SqliteModerationStore
from mcp_registry.shared.storage.sqlite.rate_counters import SqliteRateCounterStore
from mcp_registry.shared.storage.sqlite.revocations import SqliteRevocationStore
from mcp_registry.shared.storage.sqlite.servers import SqliteServerStore
from mcp_registry.shared.storage.sqlite.webhooks import SqliteWebhookStore
from mcp_registry.shared.storage.webhooks_port import WebhookStore

SQLITE_PREFIX = "sqlite:///"
MONGO_SCHEMES = ("mongodb", "mongodb+srv")
DEFAULT_MONGO_DATABASE = "mcp_registry"


def sqlite_path(database_url: str) -> Path:
    """The file of a ``sqlite:///relative.db`` or ``sqlite:////absolute.db`` URL."""
    path = database_url[len(SQLITE_PREFIX) :]
    if not path or path == ":memory:":
        raise ValueError(
            f"{database_url!r}: name a database file, e.g. sqlite:///data/registry.db "
            "(in-memory databases cannot be shared between the store's connections)"
        )
    return Path(path)


def mongo_database(database_url: str) -> str:
    """The database named by a MongoDB URL's path, or ``mcp_registry`` when it names none."""
    name = unquote(urlsplit(database_url).path.lstrip("/"))
    return name or DEFAULT_MONGO_DATABASE


@dataclass(frozen=True)
class Stores:
    """One backend's database and the stores on it (one per process).

    ``outbox`` is the database itself seen as the relay sees it; ``close()`` closes the
    database, and with it every store. ``changes`` is the change log behind the change feed,
    ``webhooks`` the webhook subscriptions and their deliveries, ``mirror`` the mirror
    worker's progress. ``starting`` is what :meth:`start` runs.
    """

    database: Database
    servers: ServerStore
    domains: DomainStore
    revocations: RevocationStore
    moderation: ModerationStore
    rate_counters: RateCounterStore
    changes: ChangeLog
    webhooks: WebhookStore
    mirror: MirrorStateStore
    # Keyword-only, so stores added later can stay positional fields without defaults.
    starting: Callable[[], None] | None = field(default=None, kw_only=True)

    @property
    def outbox(self) -> Database:
        return self.database

    def init(self) -> None:
        """Create every table/collection and index (idempotent): servers first, since the
        server schema holds the shared outbox and audit log."""
        self.servers.init()
        self.domains.init()
        self.revocations.init()
        self.moderation.init()
        self.rate_counters.init()
        self.changes.init()
        self.webhooks.init()
        self.mirror.init()

    def start(self) -> None:
        """What a service or worker process does at start: SQLite (one local file) creates its
        schema like :meth:`init`; MongoDB only reads that ``mcp-registry db init`` created
        every index (StorageError otherwise) and writes nothing, so a read-only database user
        suffices for discovery."""
        if self.starting is None:
            self.init()
        else:
            self.starting()

    def close(self) -> None:
        self.database.close()


def sqlite_stores(sqlite: SqliteDatabase) -> Stores:
    """Every store on the SQLite database ``sqlite``."""
    return Stores(
        sqlite,
        SqliteServerStore(sqlite),
        SqliteDomainStore(sqlite),
        SqliteRevocationStore(sqlite),
        SqliteModerationStore(sqlite),
        SqliteRateCounterStore(sqlite),
        SqliteChangeLog(sqlite),
        SqliteWebhookStore(sqlite),
        SqliteMirrorStateStore(sqlite),
    )


def mongo_stores(mongo: MongoDatabase) -> Stores:
    """Every store on the MongoDB database ``mongo``; starting a process only checks that
    ``mcp-registry db init`` created the indexes (it writes nothing)."""
    servers, domains = MongoServerStore(mongo), MongoDomainStore(mongo)

    def check() -> None:
        servers.check_schema()
        domains.check_schema()

    return Stores(
        mongo,
        servers,
        domains,
        MongoRevocationStore(mongo),
        MongoModerationStore(mongo),
        MongoRateCounterStore(mongo),
        MongoChangeLog(mongo),
        MongoWebhookStore(mongo),
        MongoMirrorStateStore(mongo),
        starting=check,
    )


def open_database(database_url: str) -> Stores:
    """The database ``database_url`` names and its stores; nothing connects until first use.

    ``sqlite:///relative.db`` (relative to the working directory), ``sqlite:////absolute.db``
    (the parent directory is created), ``mongodb://…`` or ``mongodb+srv://…`` (database from
    the URL path, default ``mcp_registry``). Any other scheme is a :class:`ValueError`.
    """
    if database_url.startswith(SQLITE_PREFIX):
        path = sqlite_path(database_url)
        path.parent.mkdir(parents=True, exist_ok=True)
        return sqlite_stores(SqliteDatabase(path))
    scheme, sep, _ = database_url.partition("://")
    if sep and scheme.lower() in MONGO_SCHEMES:
        return mongo_stores(MongoDatabase(database_url, mongo_database(database_url)))
    shown = f"{scheme}://" if sep else repr(database_url)
    raise ValueError(
        f"unsupported database URL scheme {shown}: use sqlite:///relative.db, "
        "sqlite:////absolute.db, mongodb://host/database or mongodb+srv://host/database"
    )


def open_store(database_url: str) -> ServerStore:
    """The server store of :func:`open_database` (its ``close()`` closes the database)."""
    return open_database(database_url).servers
