"""Plugins for the plugin-host tests, loaded through synthetic entry points."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mcp_registry.shared.auth.permissions import Permission, publish_on
from mcp_registry.shared.config import Settings
from mcp_registry.shared.plugins.identity import Identity, IdentityProvider
from mcp_registry.shared.plugins.markers import hookimpl
from mcp_registry.shared.plugins.packages import PackageValidator, RegistryFetch


class EchoProvider:
    description = "echo"

    def __init__(self, method: str) -> None:
        self.method = method

    def exchange(self, body: Mapping[str, Any]) -> Identity:
        return Identity(self.method, str(body.get("who", "x")), publish_on("a.b/*"))


class Echo:
    @hookimpl
    def mcp_registry_auth_methods(self, settings: Settings) -> Sequence[IdentityProvider]:
        return [EchoProvider("echo")]


class SecondEcho:
    @hookimpl
    def mcp_registry_auth_methods(self) -> Sequence[IdentityProvider]:
        return [EchoProvider("echo")]


class Reserved:
    @hookimpl
    def mcp_registry_auth_methods(self) -> Sequence[IdentityProvider]:
        return [EchoProvider("providers")]


class BadName:
    @hookimpl
    def mcp_registry_auth_methods(self) -> Sequence[IdentityProvider]:
        return [EchoProvider("Has Spaces")]


class NotAProvider:
    @hookimpl
    def mcp_registry_auth_methods(self) -> Sequence[object]:
        return [object()]


class TeamPolicy:
    """Operator policy: alice also publishes for the team namespace."""

    @hookimpl
    def mcp_registry_extra_permissions(self, identity: Identity) -> Sequence[Permission]:
        if identity.subject == "alice":
            return [Permission("publish", "io.github.team/*")]
        return []


class Misspelled:
    """Meant to add providers, but the hook's name is off by one letter: no hookspec matches."""

    @hookimpl
    def mcp_registry_auth_method(self, settings: Settings) -> Sequence[IdentityProvider]:
        return [EchoProvider("echo")]


class StubValidator:
    """A package validator that accepts every package of its type."""

    origins: tuple[str, ...] = ()

    def __init__(self, registry_type: str) -> None:
        self.registry_type = registry_type

    def check(self, package: Mapping[str, Any], server_name: str, http: RegistryFetch) -> None:
        return None


class Crates:
    @hookimpl
    def mcp_registry_package_validators(self, settings: Settings) -> Sequence[PackageValidator]:
        return [StubValidator("crates"), StubValidator("gems")]


class SecondCrates:
    @hookimpl
    def mcp_registry_package_validators(self) -> Sequence[PackageValidator]:
        return [StubValidator("crates")]


class NotAValidator:
    @hookimpl
    def mcp_registry_package_validators(self) -> Sequence[object]:
        return [object()]


class WrongHook:
    @hookimpl
    def mcp_registry_auth_methods(self, settings: Settings, surprise: int) -> Sequence[Any]:
        return []


echo = Echo()
second_echo = SecondEcho()
reserved = Reserved()
bad_name = BadName()
not_a_provider = NotAProvider()
team_policy = TeamPolicy()
wrong_hook = WrongHook()
misspelled = Misspelled()
crates = Crates()
second_crates = SecondCrates()
not_a_validator = NotAValidator()
