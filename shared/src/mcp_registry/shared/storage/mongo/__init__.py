"""The production backend: MongoDB (pymongo), a replica set in production.

``database`` owns the client, the transactions, the outbox and the audit log; ``servers`` and
``domains`` are the stores built on it; ``documents``, ``schema`` and ``pending`` hold the
document shapes, the indexes and the standalone-mode outbox flush.
"""
