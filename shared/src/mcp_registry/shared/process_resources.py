"""What a service's process wiring needs from the process it runs in.

Each service's ``wsgi.build(resources)`` takes an object with these attributes; the runtime's
``ProcessDeps`` is the real one (created lazily after gunicorn forks), and tests may pass their
own. Services depend on this protocol, never on the runtime that implements it, so the
composition root sits above them with no import cycle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from mcp_registry.shared.config import Settings
from mcp_registry.shared.plugins.host import PluginHost
from mcp_registry.shared.storage.changes_port import ChangeLog
from mcp_registry.shared.storage.domain_port import DomainStore
from mcp_registry.shared.storage.mirror_port import MirrorStateStore
from mcp_registry.shared.storage.moderation_port import ModerationStore
from mcp_registry.shared.storage.port import ServerStore
from mcp_registry.shared.storage.rate_counter_port import RateCounterStore
from mcp_registry.shared.storage.revocation_port import RevocationStore
from mcp_registry.shared.storage.webhooks_port import WebhookStore

if TYPE_CHECKING:
    from mcp_registry.shared.events.bridge import NatsBridge


class ProcessResources(Protocol):
    """The settings, stores, plugins and NATS bridge of one registry process.

    ``store`` (servers), ``domains``, ``revocations``, ``moderation`` (namespace blocks and
    reports), ``rate_counters`` and ``plugins`` are created on first use
    and shared by every service of the process; ``bridge`` is None when no NATS URL is
    configured (events then wait in the outbox until a relay with NATS runs).
    """

    settings: Settings

    @property
    def store(self) -> ServerStore: ...

    @property
    def domains(self) -> DomainStore: ...

    @property
    def revocations(self) -> RevocationStore: ...

    @property
    def moderation(self) -> ModerationStore: ...

    @property
    def rate_counters(self) -> RateCounterStore: ...

    @property
    def changes(self) -> ChangeLog: ...

    @property
    def webhooks(self) -> WebhookStore: ...

    @property
    def mirror(self) -> MirrorStateStore: ...

    @property
    def plugins(self) -> PluginHost: ...

    @property
    def bridge(self) -> NatsBridge | None: ...
