"""MongoDB collections, document fields and indexes of :class:`MongoServerStore`.

Version documents (collection ``server_versions``)::

    name, version            the key; unique together
    serverJson               server.json as JSON text (its keys, e.g. ``$schema`` or dotted
                             ``_meta`` keys, are not all legal or queryable as BSON field names)
    status, statusMessage
    publishedAt, updatedAt, statusChangedAt
                             integer microseconds since the epoch (BSON dates keep milliseconds)
    isLatest, seq
    searchText, searchTrigrams
                             see ``search_text``; the array is indexed (multikey)
    nameTrigrams             the trigrams of the normalized name alone (the name phase of a
                             ranked search, ``search_rank``); indexed (multikey); filled for
                             older documents by ``mcp-registry db init`` (``backfills``)
    pendingOutbox, pendingAudit, pendingSince
                             outbox events / audit entries written *inside* the document by the
                             single-document write they belong to, and the (wall-clock) time
                             since which follow-up steps may be unfinished; see ``mongo``

Other collections: ``counters`` (``{_id: "seq", value}``), ``outbox`` (``_id`` = event id,
``order`` = the seq it describes, ``sentAt`` null until delivered), ``audit_log``,
``remote_url_claims`` (``_id`` = a remote URL, ``name`` its server, ``claimedAt``) and
``schema_migrations`` (what ``mcp-registry db init`` changed in the indexes).

Only ``mcp-registry db init`` creates or migrates indexes (``indexes``); services check at start
that they exist and otherwise never write to the schema, so discovery runs as a read-only user.
Each query names the index it uses in a comment next to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

VERSIONS = "server_versions"
COUNTERS = "counters"
OUTBOX = "outbox"
AUDIT = "audit_log"
REMOTE_CLAIMS = "remote_url_claims"
MIGRATIONS = "schema_migrations"
DOMAINS = "domain_verifications"

SEQ_COUNTER = "seq"
SEARCH_INDEX = "search_trigrams"
NAME_SEARCH_INDEX = "name_trigrams"


@dataclass(frozen=True)
class IndexSpec:
    """One index: collection, name, keys and options passed to ``create_index``."""

    collection: str
    name: str
    keys: list[tuple[str, int]]
    options: dict[str, Any] = field(default_factory=dict)


INDEXES: tuple[IndexSpec, ...] = (
    IndexSpec(VERSIONS, "name_version", [("name", 1), ("version", 1)], {"unique": True}),
    # At most one latest per name, enforced by the database: a second isLatest=true document
    # for a name fails with DuplicateKeyError.
    IndexSpec(
        VERSIONS,
        "one_latest_per_name",
        [("name", 1)],
        {"unique": True, "partialFilterExpression": {"isLatest": True}},
    ),
    IndexSpec(VERSIONS, "seq", [("seq", 1)], {"unique": True}),
    IndexSpec(VERSIONS, "latest_keyset", [("isLatest", 1), ("name", 1), ("version", 1)]),
    IndexSpec(VERSIONS, "updated_at", [("updatedAt", 1)]),
    IndexSpec(VERSIONS, "name_published", [("name", 1), ("publishedAt", 1), ("version", 1)]),
    # Search looks at latest versions only when asked for them; the partial index holds just
    # those, so a common trigram cannot walk every old version. Name and version follow the
    # trigram: for one trigram the entries come in keyset order, so a page reads the index
    # from its cursor and stops after limit + 1 matches instead of sorting every candidate.
    IndexSpec(
        VERSIONS,
        SEARCH_INDEX,
        [("searchTrigrams", 1), ("name", 1), ("version", 1)],
        {"partialFilterExpression": {"isLatest": True}},
    ),
    # The name phase of a ranked search: the same shape on the trigrams of the name alone.
    IndexSpec(
        VERSIONS,
        NAME_SEARCH_INDEX,
        [("nameTrigrams", 1), ("name", 1), ("version", 1)],
        {"partialFilterExpression": {"isLatest": True}},
    ),
    IndexSpec(VERSIONS, "remote_urls", [("remoteUrls", 1)]),
    IndexSpec(
        VERSIONS,
        "pending",
        [("pendingSince", 1)],
        {"partialFilterExpression": {"pendingSince": {"$exists": True}}},
    ),
    IndexSpec(OUTBOX, "unsent", [("sentAt", 1), ("order", 1), ("createdAt", 1)]),
    IndexSpec(AUDIT, "newest", [("order", -1), ("at", -1)]),
    IndexSpec(AUDIT, "target_newest", [("target", 1), ("order", -1), ("at", -1)]),
)
"""Indexes of the server store, the outbox and the audit log."""

ONE_VERIFIED_INDEX = "one_verified_per_domain"

DOMAIN_INDEXES: tuple[IndexSpec, ...] = (
    IndexSpec(
        DOMAINS,
        ONE_VERIFIED_INDEX,
        [("domain", 1)],
        {"unique": True, "partialFilterExpression": {"state": "verified"}},
    ),
    IndexSpec(DOMAINS, "owner_domain", [("owner", 1), ("domain", 1)]),
    IndexSpec(DOMAINS, "domain_owner", [("domain", 1), ("owner", 1)]),
    IndexSpec(DOMAINS, "state_domain_owner", [("state", 1), ("domain", 1), ("owner", 1)]),
    IndexSpec(
        DOMAINS, "due", [("nextCheckAt", 1)], {"partialFilterExpression": {"state": "verified"}}
    ),
    IndexSpec(
        DOMAINS,
        "pending",
        [("pendingSince", 1)],
        {"partialFilterExpression": {"pendingSince": {"$exists": True}}},
    ),
)
"""Indexes of the domain-verification store."""
