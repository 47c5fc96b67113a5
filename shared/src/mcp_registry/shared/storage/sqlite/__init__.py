"""The embedded backend: one SQLite file (stdlib ``sqlite3``, WAL).

``database`` owns the connections, the transactions, the outbox and the audit log; ``servers``
and ``domains`` are the stores built on it; ``schema`` and ``queries`` hold the SQL.
"""
