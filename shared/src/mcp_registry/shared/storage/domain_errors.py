"""Storage errors of domain verifications (domain code maps them to client errors)."""

from __future__ import annotations

from mcp_registry.shared.errors import Conflict


class StaleRecord(Conflict):
    """The record changed (or appeared) since it was read; re-read and decide again."""


class DomainTaken(Conflict):
    """Another identity holds the ``verified`` record of this domain."""
