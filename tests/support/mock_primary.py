"""A scripted MongoDB replica-set primary for pymongo: mockupdb on the wire, mongomock behind.

mongomock has no sessions, so the transaction path of the MongoDB store never runs against it.
:class:`MockPrimary` speaks the wire protocol (mockupdb) as the primary of replica set ``rs0``,
so pymongo discovers a replica set, the store runs its writes in transactions, and each
command is answered by a mongomock database (filters, updates, unique indexes). A transaction
works on a private copy of the data, which its commit installs and its abort discards (one
writer at a time, which is all these tests need).

Faults are scripted with :meth:`MockPrimary.fault`: the first request matching a fault's
command (and collection) gets the fault's answer instead (an error reply, a hang-up, a commit
that lands but never says so), ``times`` times. :attr:`MockPrimary.requests` records what
arrived, for assertions.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import mongomock
from bson import Int64
from mockupdb import MockupDB, Request

REPLICA_SET = "rs0"
Reply = Callable[[Request, "MockPrimary"], None]
"""A fault's answer: it must reply to (or hang up) the request itself."""

_HELLO = ("hello", "ismaster", "isMaster")


def error_reply(code: int, message: str, *labels: str) -> Reply:
    """Answer with a command error (``ok: 0``) carrying ``code`` and ``labels``."""

    def reply(request: Request, primary: MockPrimary) -> None:
        body: dict[str, Any] = {"ok": 0, "code": code, "errmsg": message}
        if labels:
            body["errorLabels"] = list(labels)
        request.reply(body)

    return reply


def hang_up(request: Request, primary: MockPrimary) -> None:
    """Close the connection without answering (a network error)."""
    request.hangup()


def commit_then_hang_up(request: Request, primary: MockPrimary) -> None:
    """The commit lands, then the connection drops before the answer (result unknown)."""
    primary.commit(request)
    request.hangup()


def commit_without_majority(request: Request, primary: MockPrimary) -> None:
    """The commit lands on the primary, but no majority acknowledges it in time."""
    primary.commit(request)
    request.reply(
        {"ok": 1, "writeConcernError": {"code": 64, "errmsg": "waiting for replication timed out"}}
    )


def duplicate_key(index: str) -> Reply:
    """Answer a write with an E11000 write error on ``index`` (a concurrent writer won)."""

    def reply(request: Request, primary: MockPrimary) -> None:
        request.reply(
            {
                "ok": 1,
                "n": 0,
                "writeErrors": [
                    {
                        "index": 0,
                        "code": 11000,
                        "errmsg": f"E11000 duplicate key error index: {index}",
                    }
                ],
            }
        )

    return reply


def no_majority(request: Request, primary: MockPrimary) -> None:
    """Nothing lands and no majority answers: a lost majority."""
    request.reply(
        {"ok": 1, "writeConcernError": {"code": 64, "errmsg": "waiting for replication timed out"}}
    )


@dataclass
class Fault:
    command: str
    reply: Reply
    collection: str | None = None
    times: int = 1
    seen: int = 0


@dataclass(frozen=True)
class Seen:
    """One request: its command, collection (or None), whether it ran in a transaction, and
    the command document itself."""

    command: str
    collection: str | None
    in_transaction: bool
    doc: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass
class _Transaction:
    data: dict[str, list[dict[str, Any]]]
    indexes: dict[str, dict[str, Any]]
    failed: bool = False


@dataclass
class MockPrimary:
    """A replica-set primary on a loopback port; use as a context manager (:func:`running`)."""

    database: str = "mcp_registry_faults"
    requests: list[Seen] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    hello_answers: list[Reply] = field(default_factory=list)
    _faults: list[Fault] = field(default_factory=list)
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _data: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _indexes: dict[str, dict[str, Any]] = field(default_factory=dict)
    _transactions: dict[tuple[bytes, int], _Transaction] = field(default_factory=dict)
    _committed: set[tuple[bytes, int]] = field(default_factory=set)
    _server: MockupDB | None = None

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> str:
        """Listen; returns the replica-set URL to give the store."""
        self._server = MockupDB(max_wire_version=21)
        port = self._server.run()
        self._address = f"localhost:{port}"
        self._server.autoresponds(self._handle)
        return f"mongodb://{self._address}/{self.database}?replicaSet={REPLICA_SET}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()

    def reset(self) -> None:
        """Forget data, faults, transactions and the request log (one server, many tests)."""
        with self._lock:
            self.requests.clear()
            self.errors.clear()
            self.hello_answers.clear()
            self._faults.clear()
            self._data.clear()
            self._indexes.clear()
            self._transactions.clear()
            self._committed.clear()

    # -- scripting --------------------------------------------------------------------------

    def fault(
        self, command: str, reply: Reply, *, collection: str | None = None, times: int = 1
    ) -> Fault:
        """Answer the next ``times`` requests of ``command`` (on ``collection``) with ``reply``."""
        added = Fault(command, reply, collection, times)
        with self._lock:
            self._faults.append(added)
        return added

    def documents(self, collection: str) -> list[dict[str, Any]]:
        """The committed documents of ``collection``."""
        with self._lock:
            return copy.deepcopy(self._data.get(collection, []))

    def commands(self, command: str, collection: str | None = None) -> list[Seen]:
        """The requests of ``command`` (on ``collection``) seen so far."""
        with self._lock:
            return [
                r
                for r in self.requests
                if r.command == command and (collection is None or r.collection == collection)
            ]

    # -- the server ---------------------------------------------------------------------------

    def _hello(self) -> dict[str, Any]:
        return {
            "ok": 1,
            "ismaster": True,
            "isWritablePrimary": True,
            "helloOk": True,
            "setName": REPLICA_SET,
            "hosts": [self._address],
            "me": self._address,
            "primary": self._address,
            "setVersion": 1,
            "minWireVersion": 0,
            "maxWireVersion": 21,
            "logicalSessionTimeoutMinutes": 30,
            "maxBsonObjectSize": 16 * 1024 * 1024,
            "maxMessageSizeBytes": 48 * 1000 * 1000,
            "maxWriteBatchSize": 100_000,
        }

    def _handle(self, request: Request) -> bool:
        try:
            return self._dispatch(request)
        except Exception as exc:  # a bug of the stand-in: say so instead of hanging the client
            self.errors.append(f"{type(exc).__name__}: {exc}")
            request.reply({"ok": 0, "code": 8, "errmsg": f"mock primary failed: {exc!r}"})
            return True

    def _dispatch(self, request: Request) -> bool:
        doc = request.doc
        name = next(iter(doc))
        if name in _HELLO:
            hello = self._hello()
            if "lsid" in doc:  # the store's own probe, not the driver's monitoring
                with self._lock:
                    self.requests.append(Seen("hello", None, False))
                    answer = self.hello_answers.pop(0) if self.hello_answers else None
                if answer is not None:
                    answer(request, self)
                    return True
            request.reply(hello)
            return True
        collection = doc[name] if isinstance(doc[name], str) else None
        in_txn = doc.get("autocommit") is False
        with self._lock:
            self.requests.append(Seen(name, collection, in_txn, dict(doc)))
            for fault in self._faults:
                matching = fault.command == name and fault.collection in (None, collection)
                if matching and fault.seen < fault.times:
                    fault.seen += 1
                    fault.reply(request, self)
                    return True
            self._answer(request, name, collection)
        return True

    # -- transactions ---------------------------------------------------------------------

    def _key(self, doc: dict[str, Any]) -> tuple[bytes, int]:
        return bytes(doc["lsid"]["id"]), int(doc.get("txnNumber", 0))

    def _snapshot(self) -> _Transaction:
        return _Transaction(copy.deepcopy(self._data), copy.deepcopy(self._indexes))

    def commit(self, request: Request) -> None:
        """Install the transaction of ``request`` (a commitTransaction); idempotent."""
        with self._lock:
            key = self._key(request.doc)
            txn = self._transactions.pop(key, None)
            if txn is not None and not txn.failed:
                self._data, self._indexes = txn.data, txn.indexes
                self._committed.add(key)

    # -- commands ---------------------------------------------------------------------------

    def _answer(self, request: Request, name: str, collection: str | None) -> None:
        doc = request.doc
        if name in ("commitTransaction", "abortTransaction"):
            key = self._key(doc)
            if name == "abortTransaction":
                self._transactions.pop(key, None)
                request.reply({"ok": 1})
                return
            txn = self._transactions.get(key)
            if key in self._committed:
                request.reply({"ok": 1})
            elif txn is None or txn.failed:
                self._transactions.pop(key, None)
                request.reply(
                    {
                        "ok": 0,
                        "code": 251,
                        "errmsg": "NoSuchTransaction",
                        "errorLabels": ["TransientTransactionError"],
                    }
                )
            else:
                self.commit(request)
                request.reply({"ok": 1})
            return
        if name in ("endSessions", "ping", "buildInfo", "buildinfo"):
            request.reply({"ok": 1, "version": "7.0.0"})
            return
        if doc.get("autocommit") is False:
            key = self._key(doc)
            if doc.get("startTransaction"):
                self._transactions[key] = self._snapshot()
            txn = self._transactions.get(key)
            if txn is None:
                request.reply({"ok": 0, "code": 251, "errmsg": "NoSuchTransaction"})
                return
            data, indexes = txn.data, txn.indexes
        else:
            txn = None
            data, indexes = self._data, self._indexes
        with _mongomock_view(data, indexes) as db:
            reply = _run(db, name, collection, doc)
        if (reply.get("ok") == 0 or reply.get("writeErrors")) and txn is not None:
            txn.failed = True
        request.reply(reply)


@contextmanager
def _mongomock_view(
    data: dict[str, list[dict[str, Any]]], indexes: dict[str, dict[str, Any]]
) -> Iterator[Any]:
    """A mongomock database holding ``data`` and ``indexes``; changes are written back."""
    client: Any = mongomock.MongoClient()
    db = client["db"]
    for name, specs in indexes.items():
        for index_name, spec in specs.items():
            db[name].create_index(spec["key"], name=index_name, **spec["options"])
    for name, docs in data.items():
        if docs:
            db[name].insert_many(copy.deepcopy(docs))
        elif name not in db.list_collection_names():
            db.create_collection(name)
    try:
        yield db
    finally:
        for name in db.list_collection_names():
            data[name] = list(db[name].find({}))
            specs = {}
            for index_name, info in db[name].index_information().items():
                if index_name == "_id_":
                    continue
                options = {
                    k: v for k, v in info.items() if k in ("unique", "partialFilterExpression")
                }
                specs[index_name] = {"key": info["key"], "options": options}
            indexes[name] = specs
        client.close()


def _cursor(db: Any, collection: str, docs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "ok": 1,
        "cursor": {"id": Int64(0), "ns": f"{db.name}.{collection}", "firstBatch": docs},
    }


def _duplicate(exc: Exception, index: int = 0) -> dict[str, Any]:
    return {
        "ok": 1,
        "n": 0,
        "writeErrors": [{"index": index, "code": 11000, "errmsg": f"E11000 {exc}"}],
    }


def _run(db: Any, name: str, collection: str | None, doc: dict[str, Any]) -> dict[str, Any]:
    """One command against the mongomock database ``db``."""
    coll = db[collection] if collection is not None else None
    if name == "find" and coll is not None:
        found = coll.find(
            doc.get("filter", {}),
            projection=doc.get("projection"),
            sort=list(doc["sort"].items()) if doc.get("sort") else None,
            limit=int(doc.get("limit", 0)),
        )
        return _cursor(db, coll.name, list(found))
    if name == "insert" and coll is not None:
        for n, item in enumerate(doc["documents"]):
            try:
                coll.insert_one(item)
            except mongomock.DuplicateKeyError as exc:
                return _duplicate(exc, n)
        return {"ok": 1, "n": len(doc["documents"])}
    if name == "update" and coll is not None:
        matched = modified = 0
        upserted: list[dict[str, Any]] = []
        for n, item in enumerate(doc["updates"]):
            run = coll.update_many if item.get("multi") else coll.update_one
            try:
                result = run(item["q"], item["u"], upsert=bool(item.get("upsert")))
            except mongomock.DuplicateKeyError as exc:
                return _duplicate(exc, n)
            matched += result.matched_count
            modified += result.modified_count
            if result.upserted_id is not None:
                upserted.append({"index": n, "_id": result.upserted_id})
        reply: dict[str, Any] = {"ok": 1, "n": matched + len(upserted), "nModified": modified}
        if upserted:
            reply["upserted"] = upserted
        return reply
    if name == "delete" and coll is not None:
        removed = 0
        for item in doc["deletes"]:
            run = coll.delete_one if int(item.get("limit", 0)) == 1 else coll.delete_many
            removed += run(item["q"]).deleted_count
        return {"ok": 1, "n": removed}
    if name == "findAndModify" and coll is not None:
        from pymongo import ReturnDocument

        before = coll.find_one(doc.get("query", {}))
        value = coll.find_one_and_update(
            doc.get("query", {}),
            doc["update"],
            upsert=bool(doc.get("upsert")),
            return_document=ReturnDocument.AFTER if doc.get("new") else ReturnDocument.BEFORE,
        )
        return {"ok": 1, "value": value, "lastErrorObject": {"updatedExisting": before is not None}}
    if name == "aggregate" and coll is not None:
        return _cursor(db, coll.name, list(coll.aggregate(doc["pipeline"])))
    if name == "listIndexes" and coll is not None:
        docs = []
        for index_name, info in coll.index_information().items():
            entry = {"v": 2, "name": index_name, "key": dict(info["key"])}
            entry.update({k: v for k, v in info.items() if k not in ("key", "v", "ns")})
            docs.append(entry)
        return _cursor(db, coll.name, docs)
    if name == "createIndexes" and coll is not None:
        for spec in doc["indexes"]:
            options = {k: v for k, v in spec.items() if k not in ("key", "name")}
            coll.create_index(list(spec["key"].items()), name=spec["name"], **options)
        return {"ok": 1}
    if name == "dropIndexes" and coll is not None:
        coll.drop_index(doc["index"])
        return {"ok": 1}
    return {"ok": 0, "code": 59, "errmsg": f"no such command: {name}"}


@contextmanager
def running(database: str = "mcp_registry_faults") -> Iterator[tuple[MockPrimary, str]]:
    """A started :class:`MockPrimary` and its URL; stopped afterwards."""
    primary = MockPrimary(database=database)
    url = primary.start()
    try:
        yield primary, url
    finally:
        primary.stop()
