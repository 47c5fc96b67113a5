"""Step 4 of a MongoDB write without transactions: moving embedded events out of a document.

A write embeds its outbox events and audit entries in the document it changes (one atomic
single-document write), marked ``pendingSince``. This moves them to their collections and
clears the mark. Server versions and domain verifications use it alike.
"""

from __future__ import annotations

from pymongo.collection import Collection
from pymongo.database import Database

from mcp_registry.shared.storage.mongo.connection import Session
from mcp_registry.shared.storage.mongo.documents import (
    Document,
    audit_log_document,
    outbox_document,
)
from mcp_registry.shared.storage.mongo.schema import AUDIT, OUTBOX

PENDING_FIELDS: dict[str, int] = {"pendingOutbox": 1, "pendingAudit": 1}
"""The projection :func:`flush_pending` needs of a document."""


def flush_pending(
    db: Database[Document], holder: Collection[Document], doc: Document, session: Session
) -> None:
    """Copy ``doc``'s embedded events and audit entries to their collections, then pull them
    from the document in ``holder``; idempotent (upserts keyed by id), so a crashed flush is
    simply run again. The ``pendingSince`` mark is cleared only when no other write embedded
    more in the meantime.
    """
    events: list[Document] = doc.get("pendingOutbox") or []
    audits: list[Document] = doc.get("pendingAudit") or []
    for event in events:
        db[OUTBOX].update_one(
            {"_id": event["id"]},
            {"$setOnInsert": outbox_document(event)},
            upsert=True,
            session=session,
        )
    for entry in audits:
        db[AUDIT].update_one(
            {"_id": entry["id"]},
            {"$setOnInsert": audit_log_document(entry)},
            upsert=True,
            session=session,
        )
    pull: Document = {}
    if events:
        pull["pendingOutbox"] = {"id": {"$in": [e["id"] for e in events]}}
    if audits:
        pull["pendingAudit"] = {"id": {"$in": [a["id"] for a in audits]}}
    if pull:
        holder.update_one({"_id": doc["_id"]}, {"$pull": pull}, session=session)
    holder.update_one(
        {
            "_id": doc["_id"],
            "pendingOutbox.0": {"$exists": False},
            "pendingAudit.0": {"$exists": False},
        },
        {"$unset": {"pendingOutbox": "", "pendingAudit": "", "pendingSince": ""}},
        session=session,
    )
