"""The production backend: MongoDB (pymongo), a replica set in production.

``database`` owns the client, the transactions, the outbox and the audit log (``connection``
runs writes under deadlines, ``failures`` says which driver errors are retryable 503s);
``servers`` and ``domains`` are the stores built on it (the server store is split into
``versions``, ``version_steps``, ``server_writes``, ``server_reads`` and ``remote_claims``);
``documents``, ``schema``, ``indexes`` and ``pending`` hold the document shapes, the index
specifications and their migration, and the standalone-mode outbox flush.
"""
