"""Storage: the port (``port``, ``domain_port``, ``database``) and the two backends.

``sqlite`` (embedded) and ``mongo`` (production) each have one database object owning
connections, transactions, the outbox and the audit log, and the stores built on it;
``factory.open_database`` picks one by URL scheme.
"""
