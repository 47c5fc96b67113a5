"""The ``server_versions`` collection as the server store's writes and reads see it."""

from __future__ import annotations

from pymongo.collection import Collection
from pymongo.database import Database

from mcp_registry.shared.storage.mongo.connection import Session
from mcp_registry.shared.storage.mongo.database import MongoDatabase
from mcp_registry.shared.storage.mongo.documents import (
    RECORD_FIELDS,
    STATE_FIELDS,
    Document,
    record_of,
    state_of,
)
from mcp_registry.shared.storage.mongo.schema import VERSIONS
from mcp_registry.shared.storage.planning import VersionState
from mcp_registry.shared.storage.records import ServerRecord


class VersionCollection:
    """Lookups by name shared by writes (in their session) and reads (session None: the
    thread's causally consistent read session at majority read concern)."""

    database: MongoDatabase

    def _db(self) -> Database[Document]:
        return self.database.db()

    def _versions(self) -> Collection[Document]:
        return self.database.db()[VERSIONS]

    def _source(self, session: Session) -> tuple[Collection[Document], Session]:
        """Where a lookup reads: the write's transaction, else the consistent read path."""
        if session is not None:
            return self._versions(), session
        return self.database.reader(VERSIONS), self.database.read_session()

    def _states(self, name: str, session: Session) -> list[VersionState]:
        # Index: name_version (name prefix).
        docs = self._versions().find({"name": name}, projection=STATE_FIELDS, session=session)
        return [state_of(doc) for doc in docs]

    def _record(self, name: str, version: str, session: Session) -> ServerRecord | None:
        # Index: name_version.
        collection, session = self._source(session)
        doc = collection.find_one(
            {"name": name, "version": version}, projection=RECORD_FIELDS, session=session
        )
        return record_of(doc) if doc is not None else None

    def _records_of(self, name: str, session: Session) -> list[ServerRecord]:
        # Index: name_published (name, publishedAt, version), which is also the sort.
        collection, session = self._source(session)
        docs = collection.find(
            {"name": name},
            projection=RECORD_FIELDS,
            sort=[("publishedAt", 1), ("version", 1)],
            session=session,
        )
        return [record_of(doc) for doc in docs]
