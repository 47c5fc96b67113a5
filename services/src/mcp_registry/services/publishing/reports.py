"""Abuse reports: anyone files one about a server; admins list and resolve them (no falcon).

A report names an existing server (and optionally one of its versions) with a reason. An
admin resolves it with an ``action``: ``dismiss`` (nothing else happens), ``takedown`` (the
reported version, or every version, becomes ``deleted`` with the note as status message) or
``block`` (the server's namespace, ``<namespace>/*``, is blocked with the note as reason and
its entries taken down). The resolution is audited (``report.resolve``) with who and why.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any, Literal

from mcp_registry.services.publishing.blocks import (
    BlockRequest,
    NamespaceBlocks,
    parse_reason,
)
from mcp_registry.shared.clock import Clock, format_rfc3339, utcnow
from mcp_registry.shared.errors import BadRequest, Conflict, ErrorDetail, InvalidInput, NotFound
from mcp_registry.shared.serverjson.text_safety import unsafe_character
from mcp_registry.shared.storage.moderation_port import (
    REPORT_STATES,
    ModerationStore,
    Report,
    ReportState,
)
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.storage.records import Actor, AuditEntry

AUDIT_RESOLVE = "report.resolve"
MAX_DETAILS = 4000
MAX_LIMIT = 1000
Action = Literal["dismiss", "takedown", "block"]
ACTIONS: tuple[Action, ...] = ("dismiss", "takedown", "block")


def _string(body: dict[str, Any], key: str, *, limit: int, required: bool) -> str | None:
    value = body.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(
            f"{key} is required", [ErrorDetail("expected a non-empty string", f"body.{key}")]
        )
    if len(value) > limit:
        raise InvalidInput(
            f"{key} is too long", [ErrorDetail(f"expected length <= {limit}", f"body.{key}")]
        )
    return value


def _only(body: dict[str, Any], allowed: set[str], what: str) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise InvalidInput(
            f"The {what} is invalid",
            [ErrorDetail(f"unexpected property {k!r}", f"body.{k}") for k in unknown],
        )


def parse_state(raw: str | None) -> ReportState | None:
    """A ``state`` filter (``open`` or ``resolved``); 400 for any other."""
    if not raw:
        return None
    for state in REPORT_STATES:
        if raw == state:
            return state
    raise BadRequest(
        f"state must be one of {', '.join(REPORT_STATES)}", [ErrorDetail(raw, "query.state")]
    )


def report_view(report: Report) -> dict[str, Any]:
    """The JSON of a report (admins see the reporter)."""
    view: dict[str, Any] = {
        "id": report.id,
        "name": report.name,
        "version": report.version,
        "reason": report.reason,
        "details": report.details,
        "reporter": report.reporter,
        "createdAt": format_rfc3339(report.created_at),
        "state": report.state,
    }
    if report.resolution is not None:
        view["resolution"] = report.resolution
    return view


class Reports:
    """Filing, listing and resolving reports."""

    def __init__(
        self,
        store: ModerationStore,
        servers: ServerStore,
        blocks: NamespaceBlocks,
        *,
        clock: Clock = utcnow,
    ) -> None:
        self._store = store
        self._servers = servers
        self._blocks = blocks
        self._clock = clock

    def file(self, body: dict[str, Any], reporter: str) -> Report:
        """Store a report from ``{name, version?, reason, details?}``; 404 for an unknown
        server or version, 422 for a malformed body."""
        _only(body, {"name", "version", "reason", "details"}, "report")
        name = _string(body, "name", limit=200, required=True) or ""
        version = _string(body, "version", limit=255, required=False)
        reason = parse_reason(body)
        details = _string(body, "details", limit=MAX_DETAILS, required=False)
        for key, text in (("name", name), ("version", version or "")):
            if unsafe_character(text) is not None:
                raise InvalidInput(
                    f"{key} is invalid", [ErrorDetail("expected no control characters", key)]
                )
        if version is None:
            if not self._servers.list_versions(name):
                raise NotFound("Server not found")
        elif self._servers.get_version(name, version) is None:
            raise NotFound("Server version not found")
        report = Report(
            id=uuid.uuid4().hex,
            name=name,
            version=version,
            reason=reason,
            details=details,
            reporter=reporter,
            created_at=self._clock(),
        )
        self._store.add_report(report)
        return report

    def listed(self, state: ReportState | None, limit: int) -> list[Report]:
        """Reports of ``state`` (all when None), newest first."""
        if not 1 <= limit <= MAX_LIMIT:
            raise BadRequest(
                f"limit must be 1..{MAX_LIMIT}", [ErrorDetail(str(limit), "query.limit")]
            )
        return self._store.reports(state=state, limit=limit)

    def resolve(self, report_id: str, body: dict[str, Any], actor: Actor) -> Report:
        """Resolve an open report with ``{action, note}``; 404 unknown, 400 already resolved."""
        _only(body, {"action", "note"}, "resolution")
        action = next((a for a in ACTIONS if a == body.get("action")), None)
        if action is None:
            raise InvalidInput(
                "The resolution is invalid",
                [ErrorDetail(f"expected one of: {', '.join(ACTIONS)}", "body.action")],
            )
        note = parse_reason(body, "note")
        report = self._store.get_report(report_id)
        if report is None:
            raise NotFound(f"No report {report_id} exists")
        if report.state != "open":
            raise Conflict("The report is resolved already")
        now = self._clock()
        resolution = {
            "action": action,
            "note": note,
            "by": actor.subject,
            "at": format_rfc3339(now),
        }
        resolved = replace(report, state="resolved", resolution=resolution)
        audit = AuditEntry(
            action=AUDIT_RESOLVE,
            target=report.name,
            actor=actor,
            at=now,
            detail={"report": report.id, "action": action, "note": note},
        )
        if not self._store.resolve_report(resolved, audit):
            raise Conflict("The report is resolved already")
        self._act(report, action, note, actor)
        return resolved

    def _act(self, report: Report, action: Action, note: str, actor: Actor) -> None:
        if action == "takedown":
            self._servers.set_status(
                report.name, report.version, "deleted", note, actor=actor, now=self._clock()
            )
        elif action == "block":
            namespace = report.name.split("/", 1)[0]
            self._blocks.block(f"{namespace}/*", BlockRequest(note, hide=True), actor)
