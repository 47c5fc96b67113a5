"""The server store's reads: majority read concern in the thread's causally consistent session
on a replica set (see ``MongoDatabase.read_session``), each under the read deadline."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from mcp_registry.shared.errors import BadRequest
from mcp_registry.shared.storage.mongo.documents import RECORD_FIELDS, list_filter, record_of
from mcp_registry.shared.storage.mongo.schema import VERSIONS
from mcp_registry.shared.storage.mongo.versions import VersionCollection
from mcp_registry.shared.storage.records import (
    ItemPage,
    ListPage,
    ListQuery,
    SearchPhase,
    ServerRecord,
)
from mcp_registry.shared.storage.search_rank import ranked_rows
from mcp_registry.shared.storage.timestamps import from_micros

CHANGE_VISIBILITY_SLACK = 64
"""Sequence numbers below a reader's last seen ``seq`` that :meth:`changed_since` looks at
again: a standalone write allocates its ``seq`` before it commits, so a slower concurrent
writer with a smaller ``seq`` can become visible later."""


class ServerReads(VersionCollection):
    """The read half of :class:`~mcp_registry.shared.storage.port.ServerStore`."""

    def get_version(self, name: str, version: str) -> ServerRecord | None:
        """See :meth:`ServerStore.get_version`."""
        return self.database.call(lambda: self._record(name, version, None))

    def get_latest(self, name: str) -> ServerRecord | None:
        """See :meth:`ServerStore.get_latest`."""

        def read() -> ServerRecord | None:
            # Index: one_latest_per_name (partial on isLatest).
            doc = self.database.reader(VERSIONS).find_one(
                {"name": name, "isLatest": True},
                projection=RECORD_FIELDS,
                session=self.database.read_session(),
            )
            return record_of(doc) if doc is not None else None

        return self.database.call(read)

    def list_versions(self, name: str) -> list[ServerRecord]:
        """See :meth:`ServerStore.list_versions`."""
        return self.database.call(lambda: self._records_of(name, None))

    def list_servers(self, query: ListQuery) -> ListPage:
        """See :meth:`ServerStore.list_servers`; filter and index use in ``documents``, a
        search in ranked order (``search_rank``: one read per phase, in the thread's causally
        consistent session)."""
        if query.limit < 1:
            raise BadRequest(f"limit must be at least 1, got {query.limit}")
        if query.search:
            records, phase = self.database.call(
                lambda: ranked_rows(query, lambda p, after, n: self._find(query, p, after, n))
            )
            return ListPage(records[: query.limit], len(records) > query.limit, phase)
        records = self.database.call(lambda: self._find(query, None, query.after, query.limit + 1))
        return ListPage(items=records[: query.limit], has_more=len(records) > query.limit)

    def list_server_items(self, query: ListQuery) -> ItemPage | None:
        """See :meth:`ServerStore.list_server_items`: None (the documents hold no entry text;
        the caller makes the entries of :meth:`list_servers`)."""
        return None

    def _find(
        self,
        query: ListQuery,
        phase: SearchPhase | None,
        after: tuple[str, str] | None,
        wanted: int,
    ) -> list[ServerRecord]:
        """At most ``wanted`` records of ``query`` (of one search phase) after ``after``."""
        built = list_filter(replace(query, after=after), phase)
        if built is None:
            return []
        spec, hint = built
        # Index: the hint (search_trigrams, name_trigrams) or latest_keyset / name_version,
        # whose order is the sort; the top-level name bound of a keyset page bounds the scan.
        options: dict[str, Any] = {"hint": hint} if hint is not None else {}
        docs = self.database.reader(VERSIONS).find(
            spec,
            projection=RECORD_FIELDS,
            sort=[("name", 1), ("version", 1)],
            limit=wanted,
            session=self.database.read_session(),
            **options,
        )
        return [record_of(doc) for doc in docs]

    def change_seq(self) -> int:
        """See :meth:`ServerStore.change_seq`."""
        return self.database.call(lambda: self.database.current_seq(None))

    def changed_since(self, seq: int, limit: int) -> list[ServerRecord] | None:
        """See :meth:`ServerStore.changed_since`: standalone writers may commit out of
        ``seq`` order, so the window reaches ``CHANGE_VISIBILITY_SLACK`` below ``seq``."""
        since = max(0, seq - CHANGE_VISIBILITY_SLACK)

        def read() -> list[ServerRecord] | None:
            docs = list(
                self.database.db()[VERSIONS].find(
                    {"seq": {"$gt": since}},
                    projection=RECORD_FIELDS,
                    sort=[("seq", 1)],
                    limit=limit + 1,
                )
            )
            if len(docs) > limit:
                return None
            return [record_of(doc) for doc in docs]

        return self.database.call(read)

    def last_updated_at(self) -> datetime | None:
        """See :meth:`ServerStore.last_updated_at` (the ``updated_at`` index, descending)."""

        def read() -> datetime | None:
            # Index: updated_at.
            doc = self.database.reader(VERSIONS).find_one(
                {},
                projection={"_id": 0, "updatedAt": 1},
                sort=[("updatedAt", -1)],
                session=self.database.read_session(),
            )
            if doc is None:
                return None
            return from_micros(doc["updatedAt"])

        return self.database.call(read)

    def count_versions(self, name: str) -> int:
        """See :meth:`ServerStore.count_versions`."""
        # Index: name_version (name prefix).
        return self.database.call(
            lambda: self.database.reader(VERSIONS).count_documents(
                {"name": name}, session=self.database.read_session()
            )
        )
