"""Plugins for the plugin-host tests, loaded through synthetic entry points."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mcp_registry.shared.auth.permissions import Permission, publish_on
from mcp_registry.shared.config import Settings
from mcp_registry.shared.plugins.identity import Identity, IdentityProvider
from mcp_registry.shared.plugins.markers import hookimpl


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
