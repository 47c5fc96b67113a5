"""Every hookspec states its contract and is exercised by tests.

A hookspec is the whole contract a third-party plugin codes against, so each one needs a
docstring saying when it is called and what its arguments are, and at least one test that
drives it through :class:`PluginHost`. Adding a hookspec without both fails here.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Sequence
from types import FunctionType, ModuleType
from typing import Any

import pytest

from mcp_registry.shared.auth.permissions import Permission
from mcp_registry.shared.config import Settings
from mcp_registry.shared.plugins import hookspecs, package_hookspecs
from mcp_registry.shared.plugins.host import PluginHost
from mcp_registry.shared.plugins.identity import Identity, IdentityProvider
from mcp_registry.shared.plugins.markers import PROJECT, hookimpl
from mcp_registry.shared.plugins.packages import PackageValidator

SPEC_MODULES: tuple[ModuleType, ...] = (hookspecs, package_hookspecs)

HOOK_TESTS: dict[str, tuple[str, ...]] = {
    "mcp_registry_auth_methods": (
        "tests.unit.identity.test_plugin_host::test_auth_methods_hook_contributes_providers_by_method",
        "tests.unit.identity.test_plugin_host::test_two_plugins_claiming_one_method_stop_the_start",
        "tests.integration.identity.test_third_party_plugin::test_gitlab_ci_token_logs_in_through_the_installed_plugin",
    ),
    "mcp_registry_extra_permissions": (
        "tests.unit.identity.test_plugin_host::test_extra_permissions_hook_adds_to_a_login",
    ),
    "mcp_registry_cdn_purge": (
        "tests.integration.discovery.test_cdn_purge::test_a_failing_purger_does_not_stop_the_others",
        "tests.integration.discovery.test_cdn_purge::test_each_server_event_is_purged_once_across_workers",
    ),
    "mcp_registry_package_validators": (
        "tests.unit.identity.test_plugin_host::test_package_validators_hook_contributes_validators_by_type",
        "tests.unit.identity.test_plugin_host::test_two_plugins_claiming_one_registry_type_stop_the_start",
    ),
}
"""Each hookspec's name -> the tests (``module::function``) that drive it through the host."""

HOST_CALLS: dict[str, Callable[[PluginHost], object]] = {
    "mcp_registry_auth_methods": lambda host: host.identity_providers(Settings()),
    "mcp_registry_extra_permissions": lambda host: host.extra_permissions(
        Identity("github-at", "alice", ())
    ),
    "mcp_registry_cdn_purge": lambda host: host.purge_cdn(["servers"]),
    "mcp_registry_package_validators": lambda host: host.package_validators(Settings()),
}
"""How the registry calls each hook: the :class:`PluginHost` method behind it."""


def hookspec_functions() -> dict[str, FunctionType]:
    """Every function the spec modules mark as a hookspec, by name."""
    marker = f"{PROJECT}_spec"
    found: dict[str, FunctionType] = {}
    for module in SPEC_MODULES:
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if hasattr(function, marker):
                assert name not in found, f"{name} is declared twice"
                found[name] = function
    return found


SPECS = hookspec_functions()


class Recorder:
    """Implements every hook; records which were called and with which arguments."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    @hookimpl
    def mcp_registry_auth_methods(self, settings: Settings) -> Sequence[IdentityProvider]:
        self.calls.append(("mcp_registry_auth_methods", {"settings": settings}))
        return []

    @hookimpl
    def mcp_registry_extra_permissions(self, identity: Identity) -> Sequence[Permission]:
        self.calls.append(("mcp_registry_extra_permissions", {"identity": identity}))
        return []

    @hookimpl
    def mcp_registry_cdn_purge(self, surrogate_keys: Sequence[str]) -> None:
        self.calls.append(("mcp_registry_cdn_purge", {"surrogate_keys": surrogate_keys}))

    @hookimpl
    def mcp_registry_package_validators(self, settings: Settings) -> Sequence[PackageValidator]:
        self.calls.append(("mcp_registry_package_validators", {"settings": settings}))
        return []


def test_the_spec_modules_declare_the_hooks_the_host_knows() -> None:
    assert SPECS, "no hookspecs found"
    host = PluginHost()
    host.register(Recorder(), "recorder")
    host.check_pending()  # the recorder implements nothing the host does not declare
    assert set(SPECS) == set(HOOK_TESTS) == set(HOST_CALLS)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_hookspec_documents_its_contract(name: str) -> None:
    doc = inspect.getdoc(SPECS[name])
    assert doc, f"{name} has no docstring"
    summary, _, body = doc.partition("\n\n")
    assert summary.endswith("."), f"{name}: the first line should be one sentence"
    assert body.strip(), f"{name}: say when it is called and what an implementation must do"
    assert "call" in body.lower(), f"{name}: the docstring does not say when the hook is called"
    for argument in inspect.signature(SPECS[name]).parameters:
        assert argument in doc, f"{name}: the docstring does not mention ``{argument}``"


@pytest.mark.parametrize("name", sorted(SPECS))
def test_every_hookspec_has_tests_that_exist(name: str) -> None:
    assert HOOK_TESTS.get(name), f"name a test that drives {name}"
    for reference in HOOK_TESTS[name]:
        module_name, _, function_name = reference.partition("::")
        test = getattr(importlib.import_module(module_name), function_name, None)
        assert inspect.isfunction(test), f"{reference} does not exist"
        assert function_name.startswith("test_"), f"{reference} is not a test"


@pytest.mark.parametrize("name", sorted(SPECS))
def test_the_host_calls_every_hook_with_its_spec_arguments(name: str) -> None:
    host = PluginHost()
    recorder = Recorder()
    host.register(recorder, "recorder")
    HOST_CALLS[name](host)
    assert [called for called, _ in recorder.calls] == [name]
    [(_, arguments)] = recorder.calls
    assert set(arguments) == set(inspect.signature(SPECS[name]).parameters)
