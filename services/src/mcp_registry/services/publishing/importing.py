"""Import server.json entries in bulk: from a JSON file or from an official-API list URL.

Used by ``mcp-registry import`` and at start-up when ``MCP_REGISTRY_SEED_FROM`` is set.
Every entry goes through the same validation and latest rules as a publish; entries that
already exist are skipped, so re-running an import is harmless.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mcp_registry.services.publishing.ownership import OwnershipChecker
from mcp_registry.services.publishing.rules import Publisher
from mcp_registry.shared.api_items import OFFICIAL_META_KEY
from mcp_registry.shared.clock import Clock, parse_rfc3339
from mcp_registry.shared.errors import Conflict, InvalidInput, RegistryError
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.storage.records import STATUSES, Actor, Status

MAX_PAGE_BYTES = 32 * 1024 * 1024
PAGE_LIMIT = 100
IMPORT_ACTOR = Actor.system("import")
_STATUS_BY_NAME: dict[str, Status] = {status: status for status in STATUSES}


class ImportSourceError(Exception):
    """The source cannot be read: missing file, bad JSON, unreachable or refusing URL."""


@dataclass(frozen=True)
class ImportEntry:
    """One server.json with the official metadata it came with (if any)."""

    server: dict[str, Any]
    status: str = "active"
    status_message: str | None = None
    published_at: str | None = None

    @property
    def label(self) -> str:
        return f"{self.server.get('name', '?')}@{self.server.get('version', '?')}"


@dataclass
class ImportReport:
    """What an import did; ``rejected`` lists (entry, reason) for entries not stored."""

    imported: int = 0
    existing: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)


def entry_from_item(item: object) -> ImportEntry:
    """Accept a bare server.json or an official list item ``{"server", "_meta"}``."""
    if not isinstance(item, dict):
        raise ImportSourceError(f"expected a JSON object per entry, got {type(item).__name__}")
    server = item.get("server")
    if not isinstance(server, dict):
        return ImportEntry(server=item)
    meta = item.get("_meta")
    official = meta.get(OFFICIAL_META_KEY) if isinstance(meta, dict) else None
    if not isinstance(official, dict):
        return ImportEntry(server=server)
    status = official.get("status", "active")
    message = official.get("statusMessage")
    published = official.get("publishedAt")
    return ImportEntry(
        server=server,
        status=status if isinstance(status, str) else "active",
        status_message=message if isinstance(message, str) else None,
        published_at=published if isinstance(published, str) else None,
    )


def read_file(path: Path) -> list[object]:
    """Items of a JSON array file, or of an official list response saved to a file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ImportSourceError(f"cannot read {path}: {exc.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportSourceError(f"{path} is not valid JSON: {exc}") from None
    if isinstance(data, dict) and isinstance(data.get("servers"), list):
        data = data["servers"]
    if not isinstance(data, list):
        raise ImportSourceError(f"{path}: expected a JSON array of server.json entries")
    return list(data)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # Outbound fetches go only where the operator pointed; a redirect could go anywhere.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def fetch_pages(url: str, *, timeout: float = 30.0) -> Iterator[list[object]]:
    """Follow an official-API ``/v0/servers`` URL page by page (``limit=100``, ``nextCursor``).

    Requests only the URL's own host, follows no redirects, bounds each page's size.
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImportSourceError(f"not an http(s) URL: {url!r}")
    opener = urllib.request.build_opener(_NoRedirects())
    base_query = dict(urllib.parse.parse_qsl(parts.query))
    base_query.setdefault("limit", str(PAGE_LIMIT))
    cursor: str | None = None
    while True:
        query = dict(base_query)
        if cursor:
            query["cursor"] = cursor
        page_url = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))
        # The scheme was checked above: only http(s) reaches urlopen.
        request = urllib.request.Request(page_url, headers={"Accept": "application/json"})  # noqa: S310
        try:
            with opener.open(request, timeout=timeout) as response:
                raw = response.read(MAX_PAGE_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise ImportSourceError(f"{page_url} answered {exc.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise ImportSourceError(f"cannot fetch {page_url}: {exc}") from None
        if len(raw) > MAX_PAGE_BYTES:
            raise ImportSourceError(f"{page_url}: page larger than {MAX_PAGE_BYTES} bytes")
        try:
            body = json.loads(raw)
            items = body["servers"]
            metadata = body.get("metadata") or {}
        except (ValueError, KeyError, TypeError, AttributeError):
            raise ImportSourceError(f"{page_url}: not an official /v0/servers response") from None
        if not isinstance(items, list):
            raise ImportSourceError(f"{page_url}: 'servers' is not a list")
        yield items
        cursor = metadata.get("nextCursor") if isinstance(metadata, dict) else None
        if not cursor:
            return


def read_source(source: str) -> Iterator[list[object]]:
    """Batches of items from a file path or an http(s) URL."""
    if source.startswith(("http://", "https://")):
        yield from fetch_pages(source)
    else:
        yield read_file(Path(source))


def _publish_order(entries: list[ImportEntry]) -> list[ImportEntry]:
    # Latest among non-semver versions is decided by publish time, so replay the source's
    # publish order; entries without a publishedAt keep their relative position at the end.
    def key(item: tuple[int, ImportEntry]) -> tuple[int, str, int]:
        index, entry = item
        try:
            stamp = parse_rfc3339(entry.published_at or "").isoformat()
        except ValueError:
            return (1, "", index)
        return (0, stamp, index)

    return [entry for _, entry in sorted(enumerate(entries), key=key)]


def import_entries(
    entries: Iterable[ImportEntry],
    *,
    store: ServerStore,
    clock: Clock,
    progress: Callable[[ImportEntry], None] | None = None,
    ownership: OwnershipChecker | None = None,
) -> ImportReport:
    """Validate and store each entry with the publish rules; never stops at a bad entry.

    Entries go through the same :class:`Publisher` as ``POST /publish``; ``ownership`` is the
    package check (default none: ``ENABLE_REGISTRY_VALIDATION`` decides at the caller).
    """
    report = ImportReport()
    publisher = Publisher(store, ownership or OwnershipChecker.disabled(), clock)
    for entry in _publish_order(list(entries)):
        try:
            _import_one(entry, publisher=publisher, store=store, clock=clock, report=report)
        finally:
            if progress is not None:
                progress(entry)
    return report


def _import_one(
    entry: ImportEntry,
    *,
    publisher: Publisher,
    store: ServerStore,
    clock: Clock,
    report: ImportReport,
) -> None:
    status = _STATUS_BY_NAME.get(entry.status)
    if status is None:
        report.rejected.append((entry.label, f"unknown status {entry.status!r}"))
        return
    try:
        publisher.publish(entry.server, IMPORT_ACTOR)
    except InvalidInput as exc:
        first = exc.errors[0] if exc.errors else None
        where = first.location.removeprefix("body.") if first and first.location else ""
        reason = f"{where}: {first.message}" if first else exc.detail
        report.rejected.append((entry.label, reason))
        return
    except Conflict:
        report.existing += 1
        return
    except RegistryError as exc:
        # The detail is the official phrase ("Failed to publish server"); the cause is below.
        causes = [e.message for e in exc.errors if e.message]
        report.rejected.append((entry.label, "; ".join(causes) or exc.detail))
        return
    name, version = entry.server["name"], entry.server["version"]
    if status != "active":
        store.set_status(
            name, version, status, entry.status_message, actor=IMPORT_ACTOR, now=clock()
        )
    report.imported += 1
