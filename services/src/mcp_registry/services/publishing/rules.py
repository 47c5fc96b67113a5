"""The publish path, shared by ``POST /publish`` and bulk imports (no falcon here).

Order of checks, cheapest first, so a doomed publish never reaches a package registry:
schema and semantic validation (422; an oversized publisher ``_meta`` is 400), version exists
or too many versions (400), remote URL owned by another name (400), package ownership
(400/503), then the store's atomic insert, which re-checks duplicates and the version limit
under its own lock.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mcp_registry.services.publishing.ownership import OwnershipChecker
from mcp_registry.services.publishing.phrases import (
    DUPLICATE_VERSION,
    PUBLISH_FAILED,
    official_detail,
)
from mcp_registry.shared.clock import Clock
from mcp_registry.shared.errors import BadRequest, Conflict, ErrorDetail, MirroredName
from mcp_registry.shared.extensions import is_mirrored
from mcp_registry.shared.serverjson.validate import require_valid
from mcp_registry.shared.storage.port import MAX_VERSIONS_PER_NAME, ServerStore
from mcp_registry.shared.storage.records import Actor, NewVersion, ServerRecord
from mcp_registry.shared.storage.remote_urls import remote_urls


class RemoteUrlTaken(BadRequest):
    """A remote URL in the document already belongs to another server name."""


class Publisher:
    """Validate, apply the registry's rules, check ownership, store."""

    def __init__(
        self,
        store: ServerStore,
        ownership: OwnershipChecker,
        clock: Clock,
        *,
        max_versions: int = MAX_VERSIONS_PER_NAME,
        mirror_overrides: bool = True,
    ) -> None:
        self._store = store
        self._ownership = ownership
        self._clock = clock
        self._max_versions = max_versions
        self._mirror_overrides = mirror_overrides

    def publish(self, document: object, actor: Actor) -> ServerRecord:
        """Store ``document`` as a new version; raise the first rule it breaks.

        422 ``InvalidInput`` for schema/semantic errors; 400 ``Conflict`` for an existing
        version; 400 ``BadRequest`` for an oversized publisher ``_meta``, the version limit, a
        remote URL of another name or a package that fails its ownership check; 503 when a
        package registry cannot answer. Every 400 has the official detail ``Failed to publish
        server`` with the cause in its errors.
        """
        return self.publish_valid(self.validated(document), actor)

    @staticmethod
    def validated(document: object) -> dict[str, Any]:
        """``document`` when it is a valid server.json (422/400 otherwise, see ``publish``).

        The HTTP path calls this before checking permissions, as the official registry checks
        its body schema (the name pattern included) before the token's permissions.
        """
        with official_detail(PUBLISH_FAILED):
            return require_valid(document)

    def publish_valid(self, server: dict[str, Any], actor: Actor) -> ServerRecord:
        """:meth:`publish` for a document :meth:`validated` already returned."""
        with official_detail(PUBLISH_FAILED):
            return self._publish(server, actor)

    def _publish(self, server: dict[str, Any], actor: Actor) -> ServerRecord:
        name, version = server["name"], server["version"]
        if self._store.get_version(name, version) is not None:
            raise Conflict(
                PUBLISH_FAILED,
                [
                    ErrorDetail(
                        f"{DUPLICATE_VERSION}: {name} version {version} already exists; "
                        "versions are immutable, publish a new version"
                    )
                ],
            )
        if not self._mirror_overrides:
            latest = self._store.get_latest(name)
            if latest is not None and is_mirrored(latest.server):
                raise MirroredName(
                    f"{name} is mirrored from another registry; publish it there "
                    "(or ask the operator to allow local overrides)"
                )
        count = self._store.count_versions(name)
        if count >= self._max_versions:
            raise BadRequest(f"{name} already has {count} versions (at most {self._max_versions})")
        self.check_remotes(server)
        self._ownership.check(server)
        return self._store.publish(
            NewVersion(name=name, version=version, server=server),
            actor=actor,
            now=self._clock(),
            max_versions=self._max_versions,
        )

    def check_remotes(self, server: Mapping[str, Any]) -> None:
        """Raise :class:`RemoteUrlTaken` when a remote URL belongs to another name."""
        name = server.get("name")
        for url in sorted(remote_urls(server)):
            others = [n for n in self._store.names_using_remote(url) if n != name]
            if others:
                message = (
                    f"remote URL {url} is already used by server {others[0]}; "
                    "a remote URL belongs to one server name"
                )
                raise RemoteUrlTaken(message, [ErrorDetail(message, "body.remotes")])
