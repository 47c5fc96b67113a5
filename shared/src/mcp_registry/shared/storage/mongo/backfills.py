"""Fields added to version documents after they were written, filled by ``mcp-registry db init``.

A field a newer release derives (``nameTrigrams``, for the name phase of a ranked search) is
missing from documents an older release wrote. :func:`fill_name_trigrams` computes it for every
document that lacks it and records the run in ``schema_migrations``; it runs
before the indexes are ensured, so the index over the field is built complete. Idempotent: a
second run finds nothing to fill.
"""

from __future__ import annotations

import uuid

from pymongo.database import Database

from mcp_registry.shared.clock import utcnow
from mcp_registry.shared.storage.mongo.documents import Document, name_trigrams
from mcp_registry.shared.storage.mongo.schema import MIGRATIONS, VERSIONS
from mcp_registry.shared.storage.timestamps import to_micros


def fill_name_trigrams(db: Database[Document]) -> int:
    """Set ``nameTrigrams`` on every version document without it; returns how many.

    One update per name (its versions share the value), so the work follows the number of
    names written before the upgrade.
    """
    versions = db[VERSIONS]
    missing: Document = {"nameTrigrams": {"$exists": False}}
    filled = 0
    done: set[str] = set()
    # Index: name_version (the sort); the filter is checked on the documents it reads.
    for doc in versions.find(missing, projection={"_id": 0, "name": 1}, sort=[("name", 1)]):
        name = doc["name"]
        if name in done:
            continue
        done.add(name)
        result = versions.update_many(
            {"name": name, **missing}, {"$set": {"nameTrigrams": name_trigrams(name)}}
        )
        filled += result.modified_count
    if filled:
        db[MIGRATIONS].insert_one(
            {
                "_id": uuid.uuid4().hex,
                "collection": VERSIONS,
                "field": "nameTrigrams",
                "filled": filled,
                "at": to_micros(utcnow()),
            }
        )
    return filled
