"""Real dependencies of one registry process, and the service apps built on them.

Built inside each gunicorn worker (after the fork) from :class:`Settings`; nothing here runs
at import time. Tests use each service's ``create_app`` with their own dependencies instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from mcp_registry.services.composition import RouteDispatcher, WSGIApp
from mcp_registry.services.route_table import (
    DISCOVERY,
    DOMAINS,
    IDENTITY,
    PUBLISHING,
    SERVICES,
)
from mcp_registry.shared.config import Settings
from mcp_registry.shared.plugins.host import PluginHost
from mcp_registry.shared.storage.factory import open_store
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.web.health import ReadinessCheck, ReadinessResource

if TYPE_CHECKING:
    from mcp_registry.shared.events.bridge import NatsBridge

log = logging.getLogger(__name__)


class ProcessDeps:
    """The store and the NATS bridge of this process, created on first use and shared."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._store: ServerStore | None = None
        self._plugins: PluginHost | None = None
        self._bridge: NatsBridge | None = None

    @property
    def store(self) -> ServerStore:
        if self._store is None:
            store = open_store(self.settings.effective_database_url)
            store.init()
            self._store = store
        return self._store

    @property
    def plugins(self) -> PluginHost:
        """The plugins this process loaded (once, shared by every service it serves)."""
        if self._plugins is None:
            self._plugins = PluginHost.load(self.settings)
        return self._plugins

    @property
    def bridge(self) -> NatsBridge | None:
        """The NATS bridge, or None when no NATS URL is configured (events then wait in the
        outbox until a relay with NATS runs)."""
        if self._bridge is None and self.settings.nats_url:
            from mcp_registry.shared.events.bridge import NatsBridge

            self._bridge = NatsBridge(
                self.settings.nats_url,
                name="mcp-registry",
                request_timeout=self.settings.nats_request_timeout,
            )
            self._bridge.start()
        return self._bridge

    def close(self) -> None:
        if self._bridge is not None:
            self._bridge.close()
            self._bridge = None
        if self._store is not None:
            self._store.close()
            self._store = None


def _build_discovery(deps: ProcessDeps) -> WSGIApp:
    from mcp_registry.services.discovery.wsgi import build

    return build(deps)


def _build_publishing(deps: ProcessDeps) -> WSGIApp:
    from mcp_registry.services.publishing.wsgi import build

    return build(deps)


def _build_identity(deps: ProcessDeps) -> WSGIApp:
    from mcp_registry.services.identity.wsgi import build

    return build(deps)


def _build_domains(deps: ProcessDeps) -> WSGIApp:
    from mcp_registry.services.domains.wsgi import build

    return build(deps)


BUILDERS: dict[str, Callable[[ProcessDeps], WSGIApp]] = {
    DISCOVERY: _build_discovery,
    PUBLISHING: _build_publishing,
    IDENTITY: _build_identity,
    DOMAINS: _build_domains,
}
"""Every service by name; a composition of some of them answers 503 for the others' routes."""


def available_services() -> tuple[str, ...]:
    return tuple(name for name in SERVICES if name in BUILDERS)


def build_service(name: str, deps: ProcessDeps) -> WSGIApp:
    """The WSGI app of one service."""
    try:
        builder = BUILDERS[name]
    except KeyError:
        raise ValueError(
            f"unknown service {name!r}; available: {', '.join(available_services())}"
        ) from None
    app = builder(deps)
    # Falcon apps, and wrappers of one (discovery's MemoryAwareApp), take the probe route.
    add_route = getattr(app, "add_route", None)
    if add_route is not None:
        add_route(READY_PATH, ReadinessResource(readiness_checks(deps)))
    return app


READY_PATH = "/ready"
"""Readiness probe of every service process (not part of the public API)."""


def readiness_checks(deps: ProcessDeps) -> dict[str, ReadinessCheck]:
    """The store answers, and NATS is connected when one is configured."""

    def database() -> object:
        return deps.store.change_seq()

    checks: dict[str, ReadinessCheck] = {"database": database}
    if deps.settings.nats_url:

        def nats() -> object:
            bridge = deps.bridge
            if bridge is None or not bridge.connected:
                raise ConnectionError("not connected to NATS")
            return None

        checks["nats"] = nats
    return checks


def build_composed(deps: ProcessDeps, services: Iterable[str] | None = None) -> WSGIApp:
    """Every (or the named) service behind the route table, as one WSGI app."""
    names = tuple(services) if services is not None else available_services()
    apps = {name: build_service(name, deps) for name in names}
    return RouteDispatcher(apps, fallback=DISCOVERY)
