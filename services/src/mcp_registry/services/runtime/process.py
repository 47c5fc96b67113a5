"""The real dependencies of one registry process, created on first use and shared.

Built inside each gunicorn worker (after the fork) from :class:`Settings`; nothing here runs at
import time. It satisfies :class:`~mcp_registry.shared.process_resources.ProcessResources`, the
protocol each service's ``build`` asks for.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from mcp_registry.shared.config import Settings
from mcp_registry.shared.plugins.host import PluginHost
from mcp_registry.shared.storage.changes_port import ChangeLog
from mcp_registry.shared.storage.domain_port import DomainStore
from mcp_registry.shared.storage.factory import Stores, open_database
from mcp_registry.shared.storage.mirror_port import MirrorStateStore
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.storage.webhooks_port import WebhookStore

if TYPE_CHECKING:
    from mcp_registry.shared.events.bridge import NatsBridge

log = logging.getLogger(__name__)


class ProcessDeps:
    """The store and the NATS bridge of this process, created on first use and shared."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._stores: Stores | None = None
        self._plugins: PluginHost | None = None
        self._bridge: NatsBridge | None = None

    @property
    def stores(self) -> Stores:
        """The database and its stores, opened and initialized on first use."""
        if self._stores is None:
            stores = open_database(self.settings.effective_database_url)
            stores.init()
            self._stores = stores
        return self._stores

    @property
    def store(self) -> ServerStore:
        """The server store."""
        return self.stores.servers

    @property
    def domains(self) -> DomainStore:
        """The domain-verification store (same database as :attr:`store`)."""
        return self.stores.domains

    @property
    def changes(self) -> ChangeLog:
        """The change log behind the change feed (same database as :attr:`store`)."""
        return self.stores.changes

    @property
    def webhooks(self) -> WebhookStore:
        """Webhook subscriptions and deliveries (same database as :attr:`store`)."""
        return self.stores.webhooks

    @property
    def mirror(self) -> MirrorStateStore:
        """The mirror worker's progress (same database as :attr:`store`)."""
        return self.stores.mirror

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
        if self._stores is not None:
            self._stores.close()
            self._stores = None
