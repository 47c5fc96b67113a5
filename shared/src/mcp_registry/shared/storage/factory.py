"""Pick the storage backend from ``MCP_REGISTRY_DATABASE_URL``'s scheme."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from mcp_registry.shared.storage.mongo import MongoServerStore
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.storage.sqlite import SqliteServerStore

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


def open_store(database_url: str) -> ServerStore:
    """A store for ``database_url``; nothing connects until the store is first used.

    ``sqlite:///relative.db`` (relative to the working directory), ``sqlite:////absolute.db``
    (the parent directory is created), ``mongodb://…`` or ``mongodb+srv://…`` (database from
    the URL path, default ``mcp_registry``). Any other scheme is a :class:`ValueError`.
    """
    if database_url.startswith(SQLITE_PREFIX):
        path = sqlite_path(database_url)
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteServerStore(path)
    scheme, sep, _ = database_url.partition("://")
    if sep and scheme.lower() in MONGO_SCHEMES:
        return MongoServerStore(database_url, mongo_database(database_url))
    shown = f"{scheme}://" if sep else repr(database_url)
    raise ValueError(
        f"unsupported database URL scheme {shown}: use sqlite:///relative.db, "
        "sqlite:////absolute.db, mongodb://host/database or mongodb+srv://host/database"
    )
