"""Index creation and migration: what ``mcp-registry db init`` does, and the start-up check.

:func:`ensure_indexes` creates missing indexes and migrates changed ones (an index whose keys
or options differ from its spec is dropped and recreated under the same name, and the change
is recorded in ``schema_migrations``), so a changed spec never fails a process start with
IndexKeySpecsConflict. :func:`missing_indexes` only reads (``listIndexes``, granted by the
``read`` role): services call it at start instead of creating anything.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from pymongo.database import Database

from mcp_registry.shared.clock import utcnow
from mcp_registry.shared.storage.mongo.documents import Document
from mcp_registry.shared.storage.mongo.schema import MIGRATIONS, IndexSpec
from mcp_registry.shared.storage.timestamps import to_micros

_COMPARED_OPTIONS = ("unique", "partialFilterExpression", "sparse", "expireAfterSeconds")


def _normalized(keys: Iterable[Any]) -> list[tuple[str, int]]:
    return [(str(field), int(direction)) for field, direction in keys]


def _plain(value: Any) -> Any:
    """BSON sub-documents (SON, dict) as plain dicts, so specs compare by value."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def matches(spec: IndexSpec, info: Mapping[str, Any]) -> bool:
    """Whether an existing index (``index_information()`` entry) is what ``spec`` says."""
    if _normalized(info.get("key", [])) != _normalized(spec.keys):
        return False
    for option in _COMPARED_OPTIONS:
        wanted = spec.options.get(option)
        have = info.get(option)
        if option == "unique":
            wanted, have = bool(wanted), bool(have)
        if _plain(wanted) != _plain(have):
            return False
    return True


def ensure_indexes(db: Database[Document], specs: Iterable[IndexSpec]) -> list[str]:
    """Create missing indexes and migrate changed ones; returns the names migrated."""
    migrated: list[str] = []
    for spec in specs:
        collection = db[spec.collection]
        existing = collection.index_information().get(spec.name)
        if existing is not None and matches(spec, existing):
            continue
        if existing is not None:
            collection.drop_index(spec.name)
            db[MIGRATIONS].insert_one(
                {
                    "_id": uuid.uuid4().hex,
                    "collection": spec.collection,
                    "index": spec.name,
                    "from": _plain({k: v for k, v in existing.items() if k != "v"}),
                    "to": {"key": [list(k) for k in spec.keys], **_plain(spec.options)},
                    "at": to_micros(utcnow()),
                }
            )
            migrated.append(f"{spec.collection}.{spec.name}")
        collection.create_index(spec.keys, name=spec.name, **spec.options)
    return migrated


def missing_indexes(db: Database[Document], specs: Iterable[IndexSpec]) -> list[str]:
    """``collection.index`` of every spec absent or different on the server (reads only)."""
    found: dict[str, dict[str, Any]] = {}
    missing: list[str] = []
    for spec in specs:
        if spec.collection not in found:
            found[spec.collection] = dict(db[spec.collection].index_information())
        info = found[spec.collection].get(spec.name)
        if info is None or not matches(spec, info):
            missing.append(f"{spec.collection}.{spec.name}")
    return missing
