"""The whole catalog as one JSON document, and its exact restore into an empty store.

``mcp-registry export`` writes every version of every server (any status) with its registry
metadata; ``mcp-registry import`` of that document restores it into another store, of the same
or another backend (SQLite → MongoDB for a migration, or back). What survives the round trip:
every version's server.json, status and status message, ``published_at``,
``status_changed_at``, ``updated_at`` and ``is_latest``. What does not: the change sequence
``seq`` is renumbered by the target (in the original order of the changes replayed), and the
audit log and outbox of the source stay behind; the restore writes its own (actor
``system:restore``), so consumers of the events stream see the restored catalog arrive.

The restore uses only the :class:`~mcp_registry.shared.storage.port.ServerStore` writes, so
every backend's invariants (one latest per name, strictly increasing ``seq``) hold throughout:
it replays each version's history in time order (the publish at ``published_at``, the last
status change at ``status_changed_at``, and an edit at ``updated_at`` where no write of that
name explains it: an admin edit).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mcp_registry.shared.clock import format_rfc3339, parse_rfc3339, utcnow
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.storage.records import (
    STATUSES,
    Actor,
    ListQuery,
    NewVersion,
    ServerRecord,
    Status,
)

FORMAT = "mcp-registry-export"
FORMAT_VERSION = 1
RESTORE_ACTOR = Actor.system("restore")
_PAGE = 500


class DumpError(ValueError):
    """The document is not an export this version can restore, or the target is not empty."""


def is_dump(document: object) -> bool:
    """Whether ``document`` (parsed JSON) is an export rather than a list of server.json."""
    return isinstance(document, dict) and document.get("format") == FORMAT


def all_records(store: ServerStore) -> Iterator[ServerRecord]:
    """Every record of ``store``, any status, in (name, version) order, page by page."""
    after: tuple[str, str] | None = None
    while True:
        page = store.list_servers(ListQuery(limit=_PAGE, after=after, include_deleted=True))
        yield from page.items
        if not page.has_more or not page.items:
            return
        last = page.items[-1]
        after = (last.name, last.version)


def export_catalog(store: ServerStore, *, now: datetime | None = None) -> dict[str, Any]:
    """The export document of ``store``: ``{format, formatVersion, exportedAt, versions}``."""
    versions = [_version_json(r) for r in sorted(all_records(store), key=lambda r: r.seq)]
    return {
        "format": FORMAT,
        "formatVersion": FORMAT_VERSION,
        "exportedAt": format_rfc3339(now or utcnow()),
        "changeSeq": store.change_seq(),
        "versions": versions,
    }


@dataclass
class RestoreReport:
    """What a restore did; ``differences`` names versions whose state could not be matched."""

    restored: int = 0
    differences: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Version:
    name: str
    version: str
    server: dict[str, Any]
    status: Status
    status_message: str | None
    published_at: datetime
    status_changed_at: datetime
    updated_at: datetime
    is_latest: bool
    order: int


def restore_catalog(document: object, store: ServerStore) -> RestoreReport:
    """Write the export ``document`` into ``store``, which must hold no server yet.

    Raises :class:`DumpError` for a document of another format or version, a malformed
    version entry (naming it), or a target that already has records.
    """
    versions = _parse(document)
    if store.change_seq() != 0:
        raise DumpError("the target store is not empty; restore into a fresh database")
    # (time, step, order): at one instant a publish precedes a status change, and the source's
    # own order breaks the remaining ties.
    steps: list[tuple[datetime, int, int, _Version]] = []
    moments: dict[str, set[datetime]] = {}
    for v in versions:
        steps.append((v.published_at, 0, v.order, v))
        if v.status_changed_at != v.published_at:
            steps.append((v.status_changed_at, 1, v.order, v))
        moments.setdefault(v.name, set()).update((v.published_at, v.status_changed_at))
    for v in versions:
        # A version changes only when it, or another version of its name (taking or losing
        # latest), is written; a change at no such moment was an edit, replayed in its place.
        if v.updated_at not in moments[v.name]:
            steps.append((v.updated_at, 2, v.order, v))
    steps.sort(key=lambda step: step[:3])
    for moment, kind, _, v in steps:
        if kind == 0:
            changed_later = v.status_changed_at != v.published_at
            store.publish(
                NewVersion(
                    name=v.name,
                    version=v.version,
                    server=v.server,
                    status="active" if changed_later else v.status,
                    status_message=None if changed_later else v.status_message,
                ),
                actor=RESTORE_ACTOR,
                now=moment,
            )
        elif kind == 2:
            store.replace_server(v.name, v.version, v.server, actor=RESTORE_ACTOR, now=moment)
        elif v.status == "active":
            # Reactivated in the source: only a change of status moves status_changed_at.
            store.set_status(v.name, v.version, "deprecated", None, actor=RESTORE_ACTOR, now=moment)
            store.set_status(
                v.name, v.version, "active", v.status_message, actor=RESTORE_ACTOR, now=moment
            )
        else:
            store.set_status(
                v.name, v.version, v.status, v.status_message, actor=RESTORE_ACTOR, now=moment
            )
    report = RestoreReport(restored=len(versions))
    # Should an explained-looking moment not have bumped the version after all, an edit at
    # the source's time brings it forward (only the order of ``seq`` then differs).
    for v in sorted(versions, key=lambda v: (v.updated_at, v.order)):
        record = store.get_version(v.name, v.version)
        if record is not None and record.updated_at < v.updated_at:
            store.replace_server(v.name, v.version, v.server, actor=RESTORE_ACTOR, now=v.updated_at)
    for v in versions:
        record = store.get_version(v.name, v.version)
        if record is None or _state(record) != _state_of(v):
            report.differences.append(f"{v.name}@{v.version}")
    return report


def _version_json(record: ServerRecord) -> dict[str, Any]:
    return {
        "name": record.name,
        "version": record.version,
        "server": record.server,
        "status": record.status,
        "statusMessage": record.status_message,
        "publishedAt": format_rfc3339(record.published_at),
        "statusChangedAt": format_rfc3339(record.status_changed_at),
        "updatedAt": format_rfc3339(record.updated_at),
        "isLatest": record.is_latest,
        "seq": record.seq,
    }


def _state(record: ServerRecord) -> tuple[object, ...]:
    return (
        record.server,
        record.status,
        record.status_message,
        record.published_at,
        record.status_changed_at,
        record.updated_at,
        record.is_latest,
    )


def _state_of(v: _Version) -> tuple[object, ...]:
    return (
        v.server,
        v.status,
        v.status_message,
        v.published_at,
        v.status_changed_at,
        v.updated_at,
        v.is_latest,
    )


def _parse(document: object) -> list[_Version]:
    if not is_dump(document):
        raise DumpError(f"not a {FORMAT} document")
    assert isinstance(document, dict)
    if document.get("formatVersion") != FORMAT_VERSION:
        raise DumpError(
            f"formatVersion {document.get('formatVersion')!r} is not supported "
            f"(this registry restores {FORMAT_VERSION})"
        )
    entries = document.get("versions")
    if not isinstance(entries, list):
        raise DumpError("`versions` must be a list")
    parsed: list[_Version] = []
    for order, entry in enumerate(entries):
        try:
            parsed.append(_parse_version(entry, order))
        except (KeyError, TypeError, ValueError) as exc:
            label = (
                f"{entry.get('name')}@{entry.get('version')}"
                if isinstance(entry, dict)
                else f"#{order}"
            )
            raise DumpError(f"version {label}: {exc}") from None
    return parsed


def _parse_version(entry: object, order: int) -> _Version:
    if not isinstance(entry, dict):
        raise TypeError("expected an object")
    status = entry["status"]
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    message = entry.get("statusMessage")
    server = entry["server"]
    if not isinstance(server, dict):
        raise TypeError("`server` must be an object")
    return _Version(
        name=str(entry["name"]),
        version=str(entry["version"]),
        server=server,
        status=status,
        status_message=message if isinstance(message, str) else None,
        published_at=parse_rfc3339(entry["publishedAt"]),
        status_changed_at=parse_rfc3339(entry["statusChangedAt"]),
        updated_at=parse_rfc3339(entry["updatedAt"]),
        is_latest=bool(entry["isLatest"]),
        order=order,
    )
