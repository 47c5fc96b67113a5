"""The discovery service: the public read API, its description (``/docs``, ``/openapi.*``)
and the browse UI (``/``); ``create_app`` is pure wiring."""

from __future__ import annotations

from importlib import resources

import falcon

from mcp_registry.services.discovery.api_docs import (
    DOCS_ASSETS_PATH,
    DOCS_PATH,
    DocsResource,
    docs_assets,
)
from mcp_registry.services.discovery.browse.assets import AssetsResource, directory_files
from mcp_registry.services.discovery.browse.pages import STATIC_PREFIX
from mcp_registry.services.discovery.browse.resources import (
    BrowseListResource,
    BrowseServerResource,
)
from mcp_registry.services.discovery.change_signal import ChangeSignal
from mcp_registry.services.discovery.changes_resource import ChangesResource
from mcp_registry.services.discovery.http_cache import ResponseCache, cache_control
from mcp_registry.services.discovery.mirror_metrics import mirror_metrics
from mcp_registry.services.discovery.reads import Reads
from mcp_registry.services.discovery.resources import (
    CachedReads,
    ServersResource,
    VersionResource,
    VersionsResource,
)
from mcp_registry.services.route_table import DISCOVERY, methods_for
from mcp_registry.shared.clock import Clock, utcnow
from mcp_registry.shared.config import Settings
from mcp_registry.shared.extensions import CHANGES_EXTENSION, extension_path
from mcp_registry.shared.storage.changes_port import ChangeLog
from mcp_registry.shared.storage.mirror_port import MirrorStateStore
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.web.app_base import add_api_route, new_app
from mcp_registry.shared.web.openapi import (
    OPENAPI_JSON_PATH,
    OPENAPI_PATH,
    OpenApiJsonResource,
    OpenApiResource,
)

BROWSE_FILES = ("browse.css", "browse.js")


def create_app(
    settings: Settings,
    *,
    store: ServerStore,
    cache: ResponseCache | None = None,
    changes: ChangeLog | None = None,
    change_signal: ChangeSignal | None = None,
    mirror: MirrorStateStore | None = None,
    clock: Clock = utcnow,
) -> falcon.App[falcon.Request, falcon.Response]:
    """The discovery WSGI app over ``store``.

    ``cache`` is injected so the process wiring can clear it on change events; by default a
    fresh cache sized by ``settings.response_cache_entries``. With ``changes`` the change feed
    is served under ``/v0.1`` only (an extension of the current API version), its long polls
    woken by ``change_signal`` (which the process wiring notifies on server events). With
    ``mirror`` its ``/metrics`` include the mirror worker's progress.
    """
    cache = cache if cache is not None else ResponseCache(settings.response_cache_entries)
    reads = Reads(store)
    cached = CachedReads(store, cache, cache_control(settings), clock)
    extra = (lambda: mirror_metrics(mirror)) if mirror is not None else None
    app = new_app(settings, service=DISCOVERY, methods_of=methods_for, metrics_extra=extra)
    add_api_route(app, "/servers", ServersResource(reads, cached))
    add_api_route(app, "/servers/{name}/versions", VersionsResource(reads, cached))
    add_api_route(app, "/servers/{name}/versions/{version}", VersionResource(reads, cached))
    if changes is not None:
        feed = ChangesResource(changes, change_signal or ChangeSignal())
        app.add_route(f"/v0.1{extension_path(CHANGES_EXTENSION)}", feed)
    # The unified API described, outside the prefixes (DESIGN §3).
    app.add_route(OPENAPI_PATH, OpenApiResource())
    app.add_route(OPENAPI_JSON_PATH, OpenApiJsonResource())
    app.add_route(DOCS_PATH, DocsResource())
    app.add_route(DOCS_ASSETS_PATH, docs_assets())
    # The browse UI: the same store, cache and validators as the API.
    app.add_route("/", BrowseListResource(store, cached))
    app.add_route("/servers/{name}", BrowseServerResource(store, cached))
    static = resources.files("mcp_registry.services.discovery.browse").joinpath("static")
    app.add_route(STATIC_PREFIX + "/{file}", AssetsResource(directory_files(static, BROWSE_FILES)))
    return app
