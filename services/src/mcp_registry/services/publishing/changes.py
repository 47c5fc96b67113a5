"""Status changes and admin edits of stored versions (no falcon here).

Status bodies follow the official registry: ``{"status": "active"|"deprecated"|"deleted",
"statusMessage"?: str (≤ 500 characters)}``; a message with ``active`` is refused, and a
change that changes nothing is a 400. Either ``publish`` or ``edit`` permission on the name
allows a status change; an admin edit (replacing the server.json) needs ``edit``.
"""

from __future__ import annotations

from dataclasses import dataclass

from mcp_registry.services.publishing.authorization import (
    actor_of,
    require_edit,
    require_publish_or_edit,
)
from mcp_registry.services.publishing.blocks import NamespaceBlocks
from mcp_registry.services.publishing.domain_check import DomainGrantCheck
from mcp_registry.services.publishing.phrases import EDIT_FAILED, STATUS_FAILED, official_detail
from mcp_registry.services.publishing.rules import Publisher
from mcp_registry.shared.auth.permissions import EDIT, is_allowed
from mcp_registry.shared.auth.tokens import RegistryClaims
from mcp_registry.shared.clock import Clock
from mcp_registry.shared.errors import BadRequest, ErrorDetail, InvalidInput, NotFound
from mcp_registry.shared.serverjson.validate import require_valid
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.storage.records import STATUSES, ServerRecord, Status

MAX_STATUS_MESSAGE = 500
_STATUS_BY_NAME: dict[str, Status] = {s: s for s in STATUSES}


@dataclass(frozen=True)
class StatusChange:
    """A requested status and message (``None``: no message)."""

    status: Status
    message: str | None

    def changes(self, record: ServerRecord) -> bool:
        """Whether applying this to ``record`` alters its status or message."""
        return record.status != self.status or record.status_message != self.message


def parse_status_change(body: object) -> StatusChange:
    """The change a status body asks for: 422 for a malformed body, 400 for a message with
    ``active``."""
    if not isinstance(body, dict):
        raise InvalidInput(
            "Request body must be a JSON object", [ErrorDetail("expected object", "body")]
        )
    errors: list[ErrorDetail] = []
    unknown = sorted(set(body) - {"status", "statusMessage"})
    errors += [ErrorDetail(f"unexpected property {k!r}", f"body.{k}") for k in unknown]
    raw_status = body.get("status")
    status = _STATUS_BY_NAME.get(raw_status) if isinstance(raw_status, str) else None
    if status is None:
        errors.append(
            ErrorDetail("expected value to be one of: active, deprecated, deleted", "body.status")
        )
    message = body.get("statusMessage")
    if message is not None and not isinstance(message, str):
        errors.append(ErrorDetail("expected string", "body.statusMessage"))
    elif isinstance(message, str) and len(message) > MAX_STATUS_MESSAGE:
        errors.append(ErrorDetail(f"expected length <= {MAX_STATUS_MESSAGE}", "body.statusMessage"))
    if errors or status is None:
        raise InvalidInput("The status change request is invalid", errors)
    if status == "active" and message is not None:
        raise BadRequest("statusMessage cannot be provided when setting status to active")
    return StatusChange(status, message if isinstance(message, str) else None)


@dataclass(frozen=True)
class StatusOutcome:
    """Every version after an all-versions change, and how many of them it changed."""

    records: list[ServerRecord]
    updated_count: int


def _restores(record: ServerRecord, change: StatusChange) -> bool:
    """Whether ``change`` brings a deleted ``record`` back into view."""
    return record.status == "deleted" and change.status != "deleted"


class Changes:
    """Status changes and admin edits, with their permission checks."""

    def __init__(
        self,
        store: ServerStore,
        publisher: Publisher,
        clock: Clock,
        domains: DomainGrantCheck | None = None,
        blocks: NamespaceBlocks | None = None,
    ) -> None:
        self._store = store
        self._publisher = publisher
        self._clock = clock
        self._domains = domains or DomainGrantCheck(None)
        self._blocks = blocks

    def _require_status_change(self, claims: RegistryClaims, name: str) -> None:
        require_publish_or_edit(claims, name)
        # A status change allowed only through a verified domain's publish grant re-checks
        # that domain, as publish does (an edit permission is never a domain's).
        if not is_allowed(claims.permissions, EDIT, name):
            self._domains.require_still_granted(claims, name, doing="change the status of")
            # A publisher may not undo a block's takedown (or touch entries under a block).
            if self._blocks is not None:
                self._blocks.require_open(name, doing="change the status of")

    def set_version_status(
        self, claims: RegistryClaims, name: str, version: str, change: StatusChange
    ) -> ServerRecord:
        """Change one version's status; the record as it is afterwards.

        Restoring a deleted version re-checks its remote URLs: another name may have taken
        one while it was deleted (400 naming that server).
        """
        record = self._store.get_version(name, version)
        if record is None:
            raise NotFound(
                "Server version not found",
                [ErrorDetail(f"no version {version!r} of a server named {name!r}")],
            )
        self._require_status_change(claims, name)
        if not change.changes(record):
            raise BadRequest(
                "No changes to apply: status and message are already set to the provided values"
            )
        if _restores(record, change):
            with official_detail(STATUS_FAILED):
                self._publisher.check_remotes(record.server)
        records = self._store.set_status(
            name, version, change.status, change.message, actor=actor_of(claims), now=self._clock()
        )
        return next(r for r in records if r.version == version)

    def set_server_status(
        self, claims: RegistryClaims, name: str, change: StatusChange
    ) -> StatusOutcome:
        """Change every version's status at once (one atomic store write).

        ``updated_count`` counts only the versions whose status or message changed, as the
        official registry counts them; restored versions re-check their remote URLs first.
        """
        versions = self._store.list_versions(name)
        if not versions:
            raise NotFound("Server not found", [ErrorDetail(f"no server named {name!r}")])
        self._require_status_change(claims, name)
        changing = [r for r in versions if change.changes(r)]
        if not changing:
            raise BadRequest(
                "No changes to apply: all versions already have the requested status and message"
            )
        with official_detail(STATUS_FAILED):
            for record in changing:
                if _restores(record, change):
                    self._publisher.check_remotes(record.server)
        records = self._store.set_status(
            name, None, change.status, change.message, actor=actor_of(claims), now=self._clock()
        )
        return StatusOutcome(records, len(changing))

    def edit_version(
        self, claims: RegistryClaims, name: str, version: str, document: object
    ) -> ServerRecord:
        """Admin edit: replace the server.json of an existing version (``edit`` permission).

        The body's schema first (422, as official), then 404 unknown, 403 no permission, 400
        renamed/re-versioned or a remote URL of another name (``Failed to edit server``).
        """
        with official_detail(EDIT_FAILED):
            server = require_valid(document)
        if self._store.get_version(name, version) is None:
            raise NotFound("Server not found", [ErrorDetail(f"no version {version!r} of {name!r}")])
        require_edit(claims, name)
        if server["name"] != name:
            raise BadRequest(
                "Cannot rename server",
                [ErrorDetail("the body's name must equal the name in the URL", "body.name")],
            )
        if server["version"] != version:
            raise BadRequest(
                "Cannot change the version of a published server",
                [ErrorDetail("the body's version must equal the URL's", "body.version")],
            )
        with official_detail(EDIT_FAILED):
            self._publisher.check_remotes(server)
        return self._store.replace_server(
            name, version, server, actor=actor_of(claims), now=self._clock()
        )
