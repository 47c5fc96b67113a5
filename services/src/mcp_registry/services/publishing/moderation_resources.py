"""Thin Falcon resources of moderation: namespace blocks, abuse reports, the audit log.

Every ``/admin/*`` route needs an admin token (``edit`` on ``*``); filing a report needs
none (it is rate-limited per client address by the app's middleware).
"""

from __future__ import annotations

from typing import Any

import falcon

from mcp_registry.services.publishing.authorization import require_admin
from mcp_registry.services.publishing.blocks import (
    NamespaceBlocks,
    block_view,
    parse_block_request,
    parse_pattern,
)
from mcp_registry.services.publishing.reports import Reports, parse_state, report_view
from mcp_registry.services.publishing.resources import Authenticated
from mcp_registry.shared.clock import format_rfc3339
from mcp_registry.shared.errors import BadRequest, ErrorDetail
from mcp_registry.shared.storage.database import AuditLog
from mcp_registry.shared.web.body import read_json_object
from mcp_registry.shared.web.paths import path_param, query_params

MAX_AUDIT_LIMIT = 1000


def _private(resp: falcon.Response) -> None:
    resp.cache_control = ["no-store"]


def _limit(raw: str | None, default: int, maximum: int) -> int:
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= maximum:
        raise BadRequest(f"limit must be 1..{maximum}", [ErrorDetail(raw, "query.limit")])
    return int(raw)


class NamespacesResource:
    """``GET /admin/namespaces``: every block."""

    def __init__(self, auth: Authenticated, blocks: NamespaceBlocks) -> None:
        self._auth, self._blocks = auth, blocks

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        require_admin(self._auth.claims(req))
        _private(resp)
        resp.media = {"blocks": [block_view(b) for b in self._blocks.all()]}


class NamespaceBlockResource:
    """``POST /admin/namespaces/{pattern}/block`` ``{reason, hide?}``; ``DELETE`` unblocks."""

    def __init__(self, auth: Authenticated, blocks: NamespaceBlocks, max_body_bytes: int) -> None:
        self._auth, self._blocks, self._max = auth, blocks, max_body_bytes

    def on_post(self, req: falcon.Request, resp: falcon.Response, pattern: str) -> None:
        actor = require_admin(self._auth.claims(req))
        wanted = parse_pattern(path_param(pattern))
        request = parse_block_request(read_json_object(req, max_bytes=self._max))
        block, hidden = self._blocks.block(wanted, request, actor)
        _private(resp)
        resp.media = block_view(block) | {"hidden": hidden}

    def on_delete(self, req: falcon.Request, resp: falcon.Response, pattern: str) -> None:
        actor = require_admin(self._auth.claims(req))
        self._blocks.unblock(parse_pattern(path_param(pattern)), actor)
        resp.status = falcon.HTTP_204


class FileReportResource:
    """``POST /x/<ns>/reports`` ``{name, version?, reason, details?}``: 201 with the id."""

    def __init__(self, auth: Authenticated, reports: Reports, max_body_bytes: int) -> None:
        self._auth, self._reports, self._max = auth, reports, max_body_bytes

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        # A token, when given, names the reporter; anyone may report without one.
        header = req.get_header("Authorization")
        reporter = self._auth.claims(req).subject if header else "anonymous"
        report = self._reports.file(read_json_object(req, max_bytes=self._max), reporter)
        resp.status = falcon.HTTP_201
        _private(resp)
        resp.media = {"id": report.id, "state": report.state}


class ReportsResource:
    """``GET /admin/reports?state=open|resolved&limit``: newest first."""

    def __init__(self, auth: Authenticated, reports: Reports) -> None:
        self._auth, self._reports = auth, reports

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        require_admin(self._auth.claims(req))
        params = query_params(req)
        found = self._reports.listed(
            parse_state(params.get("state")), _limit(params.get("limit"), 100, 1000)
        )
        _private(resp)
        resp.media = {"reports": [report_view(r) for r in found]}


class ResolveReportResource:
    """``POST /admin/reports/{id}/resolve`` ``{action: dismiss|takedown|block, note}``."""

    def __init__(self, auth: Authenticated, reports: Reports, max_body_bytes: int) -> None:
        self._auth, self._reports, self._max = auth, reports, max_body_bytes

    def on_post(self, req: falcon.Request, resp: falcon.Response, id: str) -> None:
        actor = require_admin(self._auth.claims(req))
        body = read_json_object(req, max_bytes=self._max)
        report = self._reports.resolve(path_param(id), body, actor)
        _private(resp)
        resp.media = report_view(report)


class AuditResource:
    """``GET /admin/audit?target&limit``: the audit log, newest first (who did what, why)."""

    def __init__(self, auth: Authenticated, log: AuditLog) -> None:
        self._auth, self._log = auth, log

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        require_admin(self._auth.claims(req))
        params = query_params(req)
        entries = self._log.audit_log(
            target=params.get("target") or None,
            limit=_limit(params.get("limit"), 100, MAX_AUDIT_LIMIT),
        )
        _private(resp)
        resp.media = {"entries": [_entry_view(e) for e in entries]}


def _entry_view(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "action": entry["action"],
        "target": entry["target"],
        "subject": entry["subject"],
        "authMethod": entry["auth_method"],
        "at": format_rfc3339(entry["at"]),
        "detail": entry["detail"],
    }
