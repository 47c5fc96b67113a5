"""The plugin manager: finds ``mcp_registry`` entry points, honours the allowlist, calls hooks.

Every plugin, built-in or third-party, is an entry point in the group ``mcp_registry``;
its name is what ``MCP_REGISTRY_PLUGINS`` lists. An empty allowlist loads every installed
plugin (so installing a distribution is all it takes to add one); a non-empty one loads
exactly those names and refuses to start when one of them is not installed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points

import pluggy

from mcp_registry.shared.auth.permissions import Permission, dedupe
from mcp_registry.shared.config import Settings
from mcp_registry.shared.plugins import hookspecs, package_hookspecs
from mcp_registry.shared.plugins.identity import (
    METHOD_PATTERN,
    RESERVED_METHODS,
    Identity,
    IdentityProvider,
)
from mcp_registry.shared.plugins.markers import PROJECT
from mcp_registry.shared.plugins.packages import PackageValidator

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = PROJECT


class PluginError(RuntimeError):
    """A plugin cannot be loaded or breaks a hook's contract; the message names it."""


@dataclass(frozen=True)
class PluginInfo:
    """One plugin: its entry-point name, the object it points at, and where it comes from."""

    name: str
    target: str
    distribution: str
    version: str
    loaded: bool
    reason: str = ""


class PluginHost:
    """A pluggy manager holding the loaded plugins, with typed calls for each hook."""

    def __init__(self) -> None:
        self._pm = pluggy.PluginManager(PROJECT)
        self._pm.add_hookspecs(hookspecs)
        self._pm.add_hookspecs(package_hookspecs)
        self._infos: list[PluginInfo] = []

    @classmethod
    def load(
        cls, settings: Settings, *, available: Iterable[EntryPoint] | None = None
    ) -> PluginHost:
        """Load the plugins the allowlist enables from ``available`` (default: installed).

        Raises :class:`PluginError` when an allowed plugin is missing or fails to import.
        """
        host = cls()
        found = list(available if available is not None else entry_points(group=ENTRY_POINT_GROUP))
        allow = set(settings.plugins)
        missing = allow - {ep.name for ep in found}
        if missing:
            raise PluginError(
                f"MCP_REGISTRY_PLUGINS names plugins that are not installed: "
                f"{', '.join(sorted(missing))}"
            )
        for ep in sorted(found, key=lambda e: e.name):
            dist = ep.dist.name if ep.dist is not None else "(unknown)"
            version = ep.dist.version if ep.dist is not None else ""
            if allow and ep.name not in allow:
                host._infos.append(
                    PluginInfo(
                        ep.name, ep.value, dist, version, False, "not in MCP_REGISTRY_PLUGINS"
                    )
                )
                continue
            try:
                plugin = ep.load()
            except Exception as exc:
                raise PluginError(f"plugin {ep.name!r} from {dist} failed to load: {exc}") from exc
            host.register(plugin, ep.name, target=ep.value, distribution=dist, version=version)
        host.check_pending()
        return host

    def check_pending(self) -> None:
        """Fail loudly when a registered plugin implements a hook no hookspec declares.

        A misspelled hook name would otherwise never be called, silently; pluggy knows every
        implementation that matched no spec.
        """
        try:
            self._pm.check_pending()
        except pluggy.PluginValidationError as exc:
            name = self._pm.get_name(exc.plugin) or repr(exc.plugin)
            raise PluginError(f"plugin {name!r}: {exc}") from exc

    def register(
        self,
        plugin: object,
        name: str,
        *,
        target: str = "",
        distribution: str = "(registered in code)",
        version: str = "",
    ) -> None:
        """Register one plugin object (entry points use this; so can tests and embedders)."""
        try:
            self._pm.register(plugin, name=name)
        except ValueError as exc:  # pluggy: duplicate name or object
            raise PluginError(f"plugin {name!r} cannot be registered: {exc}") from exc
        except pluggy.PluginValidationError as exc:
            raise PluginError(f"plugin {name!r} does not match the hookspecs: {exc}") from exc
        self._infos.append(PluginInfo(name, target or repr(plugin), distribution, version, True))

    @property
    def plugins(self) -> list[PluginInfo]:
        """Every plugin found, loaded or skipped, by name."""
        return sorted(self._infos, key=lambda i: i.name)

    @property
    def purges_cdn(self) -> bool:
        """Whether any plugin implements ``mcp_registry_cdn_purge``."""
        return bool(self._pm.hook.mcp_registry_cdn_purge.get_hookimpls())

    def purge_cdn(self, surrogate_keys: Sequence[str]) -> None:
        """Call every ``mcp_registry_cdn_purge``; one failing purger does not stop the others."""
        for impl in self._pm.hook.mcp_registry_cdn_purge.get_hookimpls():
            try:
                impl.function(surrogate_keys=list(surrogate_keys))
            except Exception:
                log.exception("CDN purge by plugin %r failed", impl.plugin_name)

    def identity_providers(self, settings: Settings) -> dict[str, IdentityProvider]:
        """The providers every plugin contributes, by method (see ``mcp_registry_auth_methods``).

        Raises :class:`PluginError` for a provider that is not an ``IdentityProvider``, has a
        bad or reserved method name, or claims a method another provider already has.
        """
        providers: dict[str, IdentityProvider] = {}
        owners: dict[str, str] = {}
        for impl in reversed(self._pm.hook.mcp_registry_auth_methods.get_hookimpls()):
            result = impl.function(**{arg: settings for arg in impl.argnames})
            if not isinstance(result, Sequence):
                raise PluginError(f"plugin {impl.plugin_name!r} returned {result!r}, not a list")
            for provider in result:
                if not isinstance(provider, IdentityProvider):
                    raise PluginError(
                        f"plugin {impl.plugin_name!r} returned {provider!r}, not a provider"
                    )
                method = provider.method
                if not METHOD_PATTERN.match(method) or method in RESERVED_METHODS:
                    raise PluginError(
                        f"plugin {impl.plugin_name!r}: {method!r} is not a usable auth method name"
                    )
                if method in providers:
                    raise PluginError(
                        f"auth method {method!r} is provided by both {owners[method]!r} "
                        f"and {impl.plugin_name!r}"
                    )
                providers[method], owners[method] = provider, impl.plugin_name
        return dict(sorted(providers.items()))

    def extra_permissions(self, identity: Identity) -> tuple[Permission, ...]:
        """Everything ``mcp_registry_extra_permissions`` implementations add for ``identity``."""
        results: list[Sequence[Permission]] = self._pm.hook.mcp_registry_extra_permissions(
            identity=identity
        )
        return dedupe(p for result in results for p in result)

    def package_validators(self, settings: Settings) -> dict[str, PackageValidator]:
        """The package-ownership validators of every plugin, by ``registryType``.

        Raises :class:`PluginError` for an object that is not a ``PackageValidator`` or for
        two plugins claiming the same registry type.
        """
        validators: dict[str, PackageValidator] = {}
        owners: dict[str, str] = {}
        for impl in reversed(self._pm.hook.mcp_registry_package_validators.get_hookimpls()):
            result = impl.function(**{arg: settings for arg in impl.argnames})
            if not isinstance(result, Sequence):
                raise PluginError(f"plugin {impl.plugin_name!r} returned {result!r}, not a list")
            for validator in result:
                if not isinstance(validator, PackageValidator):
                    raise PluginError(
                        f"plugin {impl.plugin_name!r} returned {validator!r}, not a validator"
                    )
                kind = validator.registry_type
                if kind in validators:
                    raise PluginError(
                        f"registryType {kind!r} is validated by both {owners[kind]!r} "
                        f"and {impl.plugin_name!r}"
                    )
                validators[kind], owners[kind] = validator, impl.plugin_name
        return dict(sorted(validators.items()))
