"""Fields added to version documents after they were written, filled by ``mcp-registry db init``.

A field a newer release derives (``nameTrigrams``, for the name phase of a ranked search) is
missing from documents an older release wrote. :func:`fill_name_trigrams` computes it for every
document that lacks it, in batches, and records the run in ``schema_migrations``; it runs
before the indexes are ensured, so the index over the field is built complete. Idempotent: a
second run finds nothing to fill.
"""

from __future__ import annotations

import uuid

from pymongo import UpdateOne
from pymongo.database import Database

from mcp_registry.shared.clock import utcnow
from mcp_registry.shared.storage.mongo.documents import Document, name_trigrams
from mcp_registry.shared.storage.mongo.schema import MIGRATIONS, VERSIONS
from mcp_registry.shared.storage.timestamps import to_micros

BATCH = 1000
"""Documents updated per bulk write."""


def fill_name_trigrams(db: Database[Document]) -> int:
    """Set ``nameTrigrams`` on every version document without it; returns how many."""
    versions = db[VERSIONS]
    filled = 0
    batch: list[UpdateOne] = []
    missing = {"nameTrigrams": {"$exists": False}}
    for doc in versions.find(missing, projection={"_id": 1, "name": 1}):
        batch.append(
            UpdateOne({"_id": doc["_id"]}, {"$set": {"nameTrigrams": name_trigrams(doc["name"])}})
        )
        if len(batch) == BATCH:
            versions.bulk_write(batch, ordered=False)
            filled += len(batch)
            batch = []
    if batch:
        versions.bulk_write(batch, ordered=False)
        filled += len(batch)
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
