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
from mcp_registry.shared.storage.moderation_port import ModerationStore
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.storage.rate_counter_port import RateCounterStore
from mcp_registry.shared.storage.revocation_port import RevocationStore
from mcp_registry.shared.storage.webhooks_port import WebhookStore

if TYPE_CHECKING:
    from mcp_registry.shared.events.bridge import NatsBridge

log = logging.getLogger(__name__)


class ProcessDeps:
    """The store and the NATS bridge of this process, created on first use and shared."""

    def __init__(self, settings: Settings, *, plugins: PluginHost | None = None) -> None:
        self.settings = settings
        self._stores: Stores | None = None
        self._plugins: PluginHost | None = plugins
        self._bridge: NatsBridge | None = None

    @property
    def stores(self) -> Stores:
        """The database and its stores, opened on first use and started (``Stores.start``:
        on MongoDB a read-only check that ``mcp-registry db init`` ran)."""
        if self._stores is None:
            stores = open_database(self.settings.effective_database_url)
            # Off where the process must not even check the schema; `mcp-registry db init`
            # prepares the database. On MongoDB ``start`` only reads, so a read-only database
            # user (discovery in production) suffices either way.
            if self.settings.database_init:
                stores.start()
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
    def revocations(self) -> RevocationStore:
        """Revoked tokens and subject cutoffs (same database, shared by every replica)."""
        return self.stores.revocations

    @property
    def moderation(self) -> ModerationStore:
        """Namespace blocks and abuse reports (same database)."""
        return self.stores.moderation

    @property
    def rate_counters(self) -> RateCounterStore:
        """Rate-limit counters (same database, shared by every worker and replica)."""
        return self.stores.rate_counters

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
        """The plugins this process loaded (once, shared by every service it serves), or
        those :func:`preload` loaded before the fork and handed in."""
        if self._plugins is None:
            self._plugins = PluginHost.load(self.settings)
        return self._plugins

    @property
    def bridge(self) -> NatsBridge | None:
        """The NATS bridge, or None when no NATS URL is configured (events then wait in the
        outbox until a relay with NATS runs)."""
        if self._bridge is None and self.settings.nats_url:
            from mcp_registry.shared.events.bridge import NatsBridge
            from mcp_registry.shared.events.credentials import NatsCredentials

            self._bridge = NatsBridge(
                self.settings.nats_url,
                name="mcp-registry",
                request_timeout=self.settings.nats_request_timeout,
                credentials=NatsCredentials.from_settings(self.settings),
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


def preload(settings: Settings) -> PluginHost:
    """Load the plugins and the event bus's code now, in the server's master process.

    Hand the result to every worker's :class:`ProcessDeps`: workers forked afterwards
    (including ones gunicorn restarts later) inherit what was loaded here and never read the
    installation again, so a ``pip install`` into the same environment while the registry
    runs (``./run test`` beside ``./run dev``) cannot make a restarted worker lose a plugin and
    take the whole server down. The services' code is already imported with this module's
    package. Raises ``PluginError`` when a plugin cannot be loaded, so the server does not
    start. Opens no connection.
    """
    # Imported for its side effect: the bridge's code (and nats-py) loads before the fork.
    from mcp_registry.shared.events import bridge  # noqa: F401

    return PluginHost.load(settings)
