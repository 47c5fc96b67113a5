"""Namespace blocks: refuse publishing into a pattern, optionally take its entries down.

No falcon here. A block's pattern uses the permission pattern language (``*``, a trailing
``*`` for a prefix, else one exact name), so ``io.github.squatter/*`` blocks a namespace and
``com.example/evil`` one server. Blocking is audited (``namespace.block`` with who and why),
emits ``registry.events.namespace.blocked`` through the outbox, and with ``hide`` marks every
version under the pattern ``deleted`` with the reason as its status message (each of those
is a status change audited as usual, by the admin who blocked).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mcp_registry.shared.auth.permissions import pattern_covers, pattern_matches
from mcp_registry.shared.clock import Clock, format_rfc3339, utcnow
from mcp_registry.shared.errors import ErrorDetail, Forbidden, InvalidInput, NotFound
from mcp_registry.shared.event_model import NAMESPACE_BLOCKED, new_event
from mcp_registry.shared.serverjson.text_safety import unsafe_character
from mcp_registry.shared.storage.moderation_port import ModerationStore, NamespaceBlock
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.storage.records import Actor, AuditEntry, ListQuery

AUDIT_BLOCK = "namespace.block"
AUDIT_UNBLOCK = "namespace.unblock"
MAX_PATTERN = 200
MAX_REASON = 500
"""A reason becomes the status message of hidden versions, which is bounded to 500."""
_PAGE = 200


@dataclass(frozen=True)
class BlockRequest:
    """A parsed ``POST /admin/namespaces/{pattern}/block`` body."""

    reason: str
    hide: bool


def parse_pattern(raw: str) -> str:
    """A block pattern: non-empty, bounded, no control characters, ``*`` only at the end."""
    problem = None
    if not raw or len(raw) > MAX_PATTERN:
        problem = f"expected 1..{MAX_PATTERN} characters"
    elif unsafe_character(raw) is not None or any(c.isspace() for c in raw):
        problem = "expected no whitespace or control characters"
    elif "*" in raw[:-1]:
        problem = "'*' may only end the pattern"
    if problem is not None:
        raise InvalidInput("The namespace pattern is invalid", [ErrorDetail(problem, "pattern")])
    return raw


def parse_reason(body: dict[str, Any], field: str = "reason") -> str:
    """A required reason: a non-blank string of at most :data:`MAX_REASON` characters."""
    reason = body.get(field)
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput(
            f"A {field} is required", [ErrorDetail("expected a non-empty string", f"body.{field}")]
        )
    if len(reason) > MAX_REASON or unsafe_character(reason) is not None:
        raise InvalidInput(
            f"The {field} is invalid",
            [ErrorDetail(f"expected <= {MAX_REASON} printable characters", f"body.{field}")],
        )
    return reason.strip()


def parse_block_request(body: dict[str, Any]) -> BlockRequest:
    """``{"reason": str, "hide"?: bool}``; 422 for anything else."""
    unknown = sorted(set(body) - {"reason", "hide"})
    if unknown:
        raise InvalidInput(
            "The block request is invalid",
            [ErrorDetail(f"unexpected property {k!r}", f"body.{k}") for k in unknown],
        )
    hide = body.get("hide", False)
    if not isinstance(hide, bool):
        raise InvalidInput(
            "The block request is invalid", [ErrorDetail("expected boolean", "body.hide")]
        )
    return BlockRequest(parse_reason(body), hide)


def block_view(block: NamespaceBlock) -> dict[str, Any]:
    """The JSON of a block."""
    return {
        "pattern": block.pattern,
        "reason": block.reason,
        "blockedBy": block.blocked_by,
        "blockedAt": format_rfc3339(block.blocked_at),
        "hide": block.hide,
    }


class NamespaceBlocks:
    """Blocks over the moderation store, and the check every publish makes."""

    def __init__(
        self, store: ModerationStore, servers: ServerStore, *, clock: Clock = utcnow
    ) -> None:
        self._store = store
        self._servers = servers
        self._clock = clock

    def blocking(self, name: str) -> NamespaceBlock | None:
        """The block covering ``name`` (the most specific when several do), or None.

        Read from the database on every call: a block applies at once on every replica.
        """
        covering = [b for b in self._store.blocks() if pattern_matches(b.pattern, name)]
        return max(covering, key=lambda b: len(b.pattern), default=None)

    def require_open(self, name: str, *, doing: str = "publish") -> None:
        """Raise 403 with the block's reason when ``name`` is under a block."""
        block = self.blocking(name)
        if block is not None:
            raise Forbidden(
                f"Cannot {doing} {name}: the namespace {block.pattern} is blocked by the "
                f"registry's operators. Reason: {block.reason}"
            )

    def blocked_patterns(self, patterns: list[str]) -> list[str]:
        """Those of ``patterns`` (permission patterns) every name of which is blocked."""
        blocks = self._store.blocks()
        return [p for p in patterns if any(pattern_covers(b.pattern, p) for b in blocks)]

    def all(self) -> list[NamespaceBlock]:
        """Every block, by pattern."""
        return self._store.blocks()

    def block(
        self, pattern: str, request: BlockRequest, actor: Actor
    ) -> tuple[NamespaceBlock, list[str]]:
        """Block ``pattern``; with ``hide``, take down every version under it. The block and
        the names taken down (those that had a version not yet deleted with this reason)."""
        now = self._clock()
        block = NamespaceBlock(pattern, request.reason, actor.subject, now, request.hide)
        audit = AuditEntry(
            action=AUDIT_BLOCK,
            target=pattern,
            actor=actor,
            at=now,
            detail={"reason": request.reason, "hide": request.hide},
        )
        payload = {
            "pattern": pattern,
            "reason": request.reason,
            "hide": request.hide,
            "blockedBy": actor.subject,
        }
        self._store.block(block, audit, [new_event(NAMESPACE_BLOCKED, payload, now=now)])
        return block, self._hide(pattern, request.reason, actor) if request.hide else []

    def unblock(self, pattern: str, actor: Actor) -> None:
        """Lift the block of ``pattern`` (404 when there is none). Hidden versions stay
        deleted: restoring them is a status change of its own."""
        now = self._clock()
        audit = AuditEntry(action=AUDIT_UNBLOCK, target=pattern, actor=actor, at=now)
        if not self._store.unblock(pattern, audit):
            raise NotFound(f"No block of {pattern} exists")

    def _hide(self, pattern: str, reason: str, actor: Actor) -> list[str]:
        hidden: list[str] = []
        for name in self._names_under(pattern):
            versions = self._servers.list_versions(name)
            if all(v.status == "deleted" and v.status_message == reason for v in versions):
                continue
            self._servers.set_status(name, None, "deleted", reason, actor=actor, now=self._clock())
            hidden.append(name)
        return hidden

    def _names_under(self, pattern: str) -> list[str]:
        if not pattern.endswith("*"):
            return [pattern] if self._servers.list_versions(pattern) else []
        prefix = pattern[:-1]
        names: list[str] = []
        after: tuple[str, str] | None = (prefix, "") if prefix else None
        while True:
            page = self._servers.list_servers(
                ListQuery(limit=_PAGE, after=after, include_deleted=True)
            )
            for record in page.items:
                if not record.name.startswith(prefix):
                    return names
                if not names or names[-1] != record.name:
                    names.append(record.name)
            if not page.has_more or not page.items:
                return names
            after = (page.items[-1].name, page.items[-1].version)
