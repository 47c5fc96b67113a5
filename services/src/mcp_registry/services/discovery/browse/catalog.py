"""What the browse pages show, read from the store (no HTTP, no HTML here).

URL habits follow the official registry's UI so shared links work on both: ``?q=`` searches,
``?all=1`` includes deprecated and deleted entries, ``?cursor=`` moves to the next page.
The cursor is the read API's own opaque cursor, so a page boundary is a keyset position:
pages neither skip nor repeat entries while publishes happen.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cmp_to_key
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from mcp_registry.services.discovery.browse.snippets import RUNNERS, package_snippet
from mcp_registry.services.discovery.list_params import (
    MAX_SEARCH_LENGTH,
    decode_cursor,
    encode_cursor,
)
from mcp_registry.shared.api_items import to_item
from mcp_registry.shared.clock import format_rfc3339
from mcp_registry.shared.errors import ErrorDetail, InvalidInput, NotFound
from mcp_registry.shared.extensions import REPORTS_EXTENSION, extension_path
from mcp_registry.shared.serverjson.versions import is_newer
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.storage.records import ListQuery, SearchPhase, ServerRecord
from mcp_registry.shared.storage.search_rank import phase_of

PAGE_SIZE = 30
"""Servers per list page (the read API's default page size)."""

MAX_BATCHES = 5
"""Store reads one list page may take while it skips deprecated entries; past that the page
is shorter and its cursor resumes where the scan stopped (a page stays cheap)."""

TRUE_VALUES = ("1", "true", "yes", "on")


@dataclass(frozen=True)
class BrowseQuery:
    """A list page's parameters: ``q``, ``all`` and ``cursor`` as the official UI names them."""

    q: str = ""
    show_all: bool = False
    cursor: str | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> BrowseQuery:
        """Parse the query string; an invalid cursor or an overlong search is a 422."""
        q = (params.get("q") or "").strip()
        if len(q) > MAX_SEARCH_LENGTH:
            raise InvalidInput(
                f"Invalid search: at most {MAX_SEARCH_LENGTH} characters",
                [ErrorDetail("too long", "query.q")],
            )
        cursor = params.get("cursor") or None
        if cursor is not None:
            decode_cursor(cursor)
        show_all = (params.get("all") or "").strip().lower() in TRUE_VALUES
        return cls(q=q, show_all=show_all, cursor=cursor)

    def link(self, *, cursor: str | None) -> str:
        """The URL of this query at ``cursor`` (the first page when None)."""
        pairs: list[tuple[str, str]] = []
        if self.q:
            pairs.append(("q", self.q))
        if self.show_all:
            pairs.append(("all", "1"))
        if cursor:
            pairs.append(("cursor", cursor))
        return "/?" + urlencode(pairs) if pairs else "/"


@dataclass(frozen=True)
class Icon:
    """An icon the browser may load: only ``https:`` sources (the server never fetches it)."""

    src: str
    theme: str | None


@dataclass(frozen=True)
class Summary:
    """One row of the list."""

    name: str
    title: str | None
    description: str
    version: str
    status: str
    status_message: str | None
    updated_at: str
    icon: Icon | None


@dataclass(frozen=True)
class ListView:
    """A list page and what its links need."""

    query: BrowseQuery
    servers: list[Summary]
    next_link: str | None
    first_link: str | None
    last_modified: datetime | None
    names: tuple[str, ...]


@dataclass(frozen=True)
class Field:
    """A labelled value of a package or remote (an environment variable, header, argument)."""

    name: str
    description: str
    required: bool
    secret: bool
    default: str | None
    choices: list[str]


@dataclass(frozen=True)
class PackageView:
    """A package with the line that runs it."""

    registry_type: str
    identifier: str
    version: str
    runner: str | None
    snippet: str | None
    transport: str
    transport_url: str | None
    sha256: str | None
    environment: list[Field]
    arguments: list[Field]
    headers: list[Field]


@dataclass(frozen=True)
class RemoteView:
    """A remote endpoint and the headers it expects."""

    transport: str
    url: str
    headers: list[Field]


def display_time(moment: datetime) -> str:
    """A time as people read it in a table: ``2025-06-01 14:03 UTC`` (minutes)."""
    return moment.strftime("%Y-%m-%d %H:%M UTC")


@dataclass(frozen=True)
class VersionRow:
    """One version in the server page's version table."""

    version: str
    status: str
    status_message: str | None
    published_at: str
    updated_at: str
    published_display: str
    updated_display: str
    is_latest: bool
    selected: bool
    link: str


@dataclass(frozen=True)
class ServerView:
    """Everything the server page shows about one server and its selected version."""

    name: str
    title: str | None
    description: str
    version: str
    status: str
    status_message: str | None
    is_latest: bool
    icon: Icon | None
    repository_url: str | None
    repository_source: str | None
    repository_subfolder: str | None
    website_url: str | None
    packages: list[PackageView]
    remotes: list[RemoteView]
    versions: list[VersionRow]
    raw_json: str
    api_url: str
    report_url: str
    show_all: bool
    hidden_deleted: int
    last_modified: datetime | None = None
    names: tuple[str, ...] = field(default=())


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def web_url(value: object) -> str | None:
    """``value`` when it is an absolute ``http(s)`` URL, else None: a ``javascript:`` link
    in a server.json must never become clickable."""
    url = _text(value).strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return url


def pick_icon(server: Mapping[str, Any]) -> Icon | None:
    """The first ``https:`` icon (light theme or unthemed first); None when there is none."""
    icons = [i for i in server.get("icons") or [] if isinstance(i, Mapping)]
    candidates = [i for i in icons if urlsplit(_text(i.get("src"))).scheme == "https"]
    candidates.sort(key=lambda i: 1 if i.get("theme") == "dark" else 0)
    for icon in candidates:
        parts = urlsplit(_text(icon["src"]))
        if parts.netloc:
            theme = icon.get("theme")
            return Icon(src=_text(icon["src"]), theme=theme if isinstance(theme, str) else None)
    return None


def _summary(record: ServerRecord) -> Summary:
    server = record.server
    return Summary(
        name=record.name,
        title=_text(server.get("title")) or None,
        description=_text(server.get("description")),
        version=record.version,
        status=record.status,
        status_message=record.status_message,
        updated_at=format_rfc3339(record.updated_at),
        icon=pick_icon(server),
    )


def _phase(record: ServerRecord, q: str) -> SearchPhase:
    """The search phase ``record`` is listed in (``search_rank``; name matches first)."""
    return phase_of(record.name, q) if q else "name"


def list_view(store: ServerStore, query: BrowseQuery) -> ListView:
    """One list page of latest versions (a search: name matches first, see ``search_rank``).

    Without ``all``, deprecated and deleted entries are left out: the store already leaves
    out deleted ones; deprecated ones are skipped here, reading further batches (at most
    :data:`MAX_BATCHES`) so a page stays full when it can.
    """
    cursor = decode_cursor(query.cursor) if query.cursor else None
    after: tuple[str, str] | None = cursor.after if cursor else None
    phase: SearchPhase = cursor.phase if cursor else "name"
    kept: list[ServerRecord] = []
    scanned_last: ServerRecord | None = None
    has_more = False
    for _ in range(MAX_BATCHES):
        page = store.list_servers(
            ListQuery(
                limit=PAGE_SIZE - len(kept) if query.show_all else PAGE_SIZE,
                after=after,
                search=query.q or None,
                latest_only=True,
                include_deleted=query.show_all,
                phase=phase,
            )
        )
        has_more = page.has_more
        for record in page.items:
            if len(kept) == PAGE_SIZE:
                has_more = True
                break
            scanned_last = record
            if query.show_all or record.status != "deprecated":
                kept.append(record)
        if len(kept) >= PAGE_SIZE or not page.has_more or scanned_last is None:
            break
        after = (scanned_last.name, scanned_last.version)
        phase = _phase(scanned_last, query.q)
    next_cursor = (
        encode_cursor(scanned_last.name, scanned_last.version, phase=_phase(scanned_last, query.q))
        if has_more and scanned_last is not None
        else None
    )
    return ListView(
        query=query,
        servers=[_summary(r) for r in kept],
        next_link=query.link(cursor=next_cursor) if next_cursor else None,
        first_link=query.link(cursor=None) if query.cursor else None,
        # The store's newest change, like the API's list: an entry that left the page
        # must still move the validator.
        last_modified=store.last_updated_at(),
        names=tuple(dict.fromkeys(r.name for r in kept)),
    )


def _fields(items: object) -> list[Field]:
    out: list[Field] = []
    if not isinstance(items, list):
        return out
    for item in items:
        if not isinstance(item, Mapping):
            continue
        name = _text(item.get("name")) or _text(item.get("valueHint")) or _text(item.get("value"))
        choices = [str(c) for c in item.get("choices") or [] if isinstance(c, str | int | float)]
        default = item.get("default")
        out.append(
            Field(
                name=name,
                description=_text(item.get("description")),
                required=bool(item.get("isRequired")),
                secret=bool(item.get("isSecret")),
                default=str(default) if isinstance(default, str | int | float) else None,
                choices=choices,
            )
        )
    return out


def _package(package: Mapping[str, Any]) -> PackageView:
    transport = package.get("transport")
    transport = transport if isinstance(transport, Mapping) else {}
    kind = _text(package.get("registryType"))
    return PackageView(
        registry_type=kind,
        identifier=_text(package.get("identifier")),
        version=_text(package.get("version")),
        runner=RUNNERS.get(kind.lower()),
        snippet=package_snippet(package),
        transport=_text(transport.get("type")) or "stdio",
        transport_url=_text(transport.get("url")) or None,
        sha256=_text(package.get("fileSha256")) or None,
        environment=_fields(package.get("environmentVariables")),
        arguments=_fields(package.get("runtimeArguments"))
        + _fields(package.get("packageArguments")),
        headers=_fields(transport.get("headers")),
    )


def _remote(remote: Mapping[str, Any]) -> RemoteView:
    return RemoteView(
        transport=_text(remote.get("type")),
        url=_text(remote.get("url")),
        headers=_fields(remote.get("headers")),
    )


def _newest_first(a: ServerRecord, b: ServerRecord) -> int:
    if is_newer(a, b):
        return -1
    return 1 if is_newer(b, a) else 0


def server_link(name: str, *, version: str | None = None, show_all: bool = False) -> str:
    """The browse page of ``name`` (the name URL-encoded into one path segment)."""
    pairs: list[tuple[str, str]] = []
    if version:
        pairs.append(("version", version))
    if show_all:
        pairs.append(("all", "1"))
    suffix = "?" + urlencode(pairs) if pairs else ""
    return f"/servers/{quote(name, safe='')}{suffix}"


def server_view(
    store: ServerStore, name: str, *, version: str | None, show_all: bool
) -> ServerView:
    """The page of ``name`` at ``version`` (default: the latest visible version).

    Deleted versions are listed only with ``all``; a server whose every version is deleted
    is a 404 without it, as in the read API.
    """
    every = store.list_versions(name)
    visible = [r for r in every if show_all or r.status != "deleted"]
    if not visible:
        raise NotFound(f"Server {name!r} not found")
    visible.sort(key=cmp_to_key(_newest_first))
    if version:
        chosen = next((r for r in visible if r.version == version), None)
        if chosen is None:
            raise NotFound(f"Version {version!r} of {name!r} not found")
    else:
        chosen = next((r for r in visible if r.is_latest), visible[0])
    server = chosen.server
    repository = server.get("repository")
    repository = repository if isinstance(repository, Mapping) else {}
    packages = [p for p in server.get("packages") or [] if isinstance(p, Mapping)]
    remotes = [r for r in server.get("remotes") or [] if isinstance(r, Mapping)]
    return ServerView(
        name=name,
        title=_text(server.get("title")) or None,
        description=_text(server.get("description")),
        version=chosen.version,
        status=chosen.status,
        status_message=chosen.status_message,
        is_latest=chosen.is_latest,
        icon=pick_icon(server),
        repository_url=web_url(repository.get("url")),
        repository_source=_text(repository.get("source")) or None,
        repository_subfolder=_text(repository.get("subfolder")) or None,
        website_url=web_url(server.get("websiteUrl")),
        packages=[_package(p) for p in packages],
        remotes=[_remote(r) for r in remotes],
        versions=[
            VersionRow(
                version=r.version,
                status=r.status,
                status_message=r.status_message,
                published_at=format_rfc3339(r.published_at),
                updated_at=format_rfc3339(r.updated_at),
                published_display=display_time(r.published_at),
                updated_display=display_time(r.updated_at),
                is_latest=r.is_latest,
                selected=r.version == chosen.version,
                link=server_link(name, version=r.version, show_all=show_all),
            )
            for r in visible
        ],
        raw_json=json.dumps(to_item(chosen), indent=2, ensure_ascii=False),
        api_url=f"/v0/servers/{quote(name, safe='')}/versions/{quote(chosen.version, safe='')}",
        report_url=f"/v0.1{extension_path(REPORTS_EXTENSION)}",
        show_all=show_all,
        hidden_deleted=len(every) - len(visible),
        last_modified=max((r.updated_at for r in every), default=None),
        names=(name,),
    )
