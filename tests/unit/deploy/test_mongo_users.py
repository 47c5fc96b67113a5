"""`mcp-registry db users`: which users with which roles, created once, then kept in step.

No MongoDB server runs here (mongomock has no user management), so the commands are sent to
a recorder that answers ``usersInfo`` like a server; the role documents are MongoDB's
built-in ``readWrite`` and ``read`` on the registry database.
"""

from __future__ import annotations

from typing import Any

import pytest

from mcp_registry.cli.registry.mongo_users import (
    UsersError,
    ensure_users,
    users_from_environment,
)

ENV = {
    "MONGODB_APP_USER": "mcp_registry",
    "MONGODB_APP_PASSWORD": "pAppSecret1",
    "MONGODB_DISCOVERY_USER": "mcp_registry_discovery",
    "MONGODB_DISCOVERY_PASSWORD": "pReadSecret1",
}


class Recorder:
    """Answers ``usersInfo`` from the users it created; records every command."""

    def __init__(self) -> None:
        self.commands: list[dict[str, Any]] = []
        self.users: set[str] = set()

    def command(self, command: dict[str, Any]) -> dict[str, Any]:
        self.commands.append(command)
        verb, name = next(iter(command.items()))
        if verb == "usersInfo":
            return {"users": [{"user": name}] if name in self.users else [], "ok": 1}
        if verb == "createUser":
            self.users.add(name)
        return {"ok": 1}


def test_users_get_least_privilege_roles() -> None:
    app, discovery = users_from_environment(ENV, "mcp_registry")
    assert app.command(exists=False) == {
        "createUser": "mcp_registry",
        "pwd": "pAppSecret1",
        "roles": [{"role": "readWrite", "db": "mcp_registry"}],
    }
    assert discovery.command(exists=True) == {
        "updateUser": "mcp_registry_discovery",
        "pwd": "pReadSecret1",
        "roles": [{"role": "read", "db": "mcp_registry"}],
    }


def test_ensure_creates_then_updates() -> None:
    database = Recorder()
    users = users_from_environment(ENV, "mcp_registry")
    assert ensure_users(database, users) == [
        "created mcp_registry (readWrite)",
        "created mcp_registry_discovery (read)",
    ]
    # A second run (every upgrade) resets passwords and roles instead of failing.
    assert ensure_users(database, users) == [
        "updated mcp_registry (readWrite)",
        "updated mcp_registry_discovery (read)",
    ]
    verbs = [next(iter(c)) for c in database.commands]
    assert verbs.count("createUser") == 2
    assert verbs.count("updateUser") == 2


def test_a_user_without_a_password_is_refused() -> None:
    with pytest.raises(UsersError, match="MONGODB_APP_PASSWORD is empty"):
        users_from_environment({"MONGODB_APP_USER": "x"}, "db")
    assert users_from_environment({}, "db") == []
