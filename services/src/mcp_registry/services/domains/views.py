"""JSON views of verification records for API responses (times RFC 3339 UTC)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mcp_registry.services.domains.challenge import record_instructions
from mcp_registry.services.domains.names import namespaces
from mcp_registry.shared.clock import format_rfc3339
from mcp_registry.shared.storage.domain_records import DomainRecord


def _time(moment: datetime | None) -> str | None:
    return format_rfc3339(moment) if moment is not None else None


def record_view(record: DomainRecord, *, with_owner: bool = False) -> dict[str, Any]:
    """A verification as the API shows it; ``with_owner`` for admin listings."""
    view: dict[str, Any] = {
        "domain": record.domain,
        "state": record.state,
        "namespaces": list(namespaces(record.domain)),
        "record": record_instructions(record.domain, record.token),
        "created_at": _time(record.created_at),
        "updated_at": _time(record.updated_at),
    }
    if record.state == "pending":
        view["expires_at"] = _time(record.token_expires_at)
    else:
        view["verified_at"] = _time(record.verified_at)
    if record.state == "verified":
        view["last_checked_at"] = _time(record.last_checked_at)
        view["next_check_at"] = _time(record.next_check_at)
        view["consecutive_failures"] = record.consecutive_failures
        if record.failing_since is not None:
            view["failing_since"] = _time(record.failing_since)
    if record.last_failure is not None:
        view["last_failure"] = record.last_failure
    if record.state == "revoked":
        view["revoked_at"] = _time(record.revoked_at)
        view["revoked_by"] = record.revoked_by
    if with_owner:
        view["owner"] = record.owner.key
    return view
