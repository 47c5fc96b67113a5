"""``mcp-registry db users``: the MongoDB users of a deployment, created or brought up to date.

Two users in the registry's database, least privilege: the application user (``readWrite``:
every service but discovery, the workers, migrations) and discovery's read-only user
(``read``). Run with an administrator's URL (the chart's init Job uses the root user). Each
run creates a missing user and resets an existing one's password and roles to the ones given,
so it is safe to repeat and it is how a changed password reaches MongoDB.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

APP_ROLE = "readWrite"
DISCOVERY_ROLE = "read"


class UsersError(ValueError):
    """The users to create are not fully described (a user without its password)."""


@dataclass(frozen=True)
class DatabaseUser:
    """A user of ``database`` with one built-in role on it."""

    name: str
    password: str
    role: str
    database: str

    def command(self, *, exists: bool) -> dict[str, Any]:
        """The ``createUser`` (or, for an existing user, ``updateUser``) command document."""
        verb = "updateUser" if exists else "createUser"
        return {
            verb: self.name,
            "pwd": self.password,
            "roles": [{"role": self.role, "db": self.database}],
        }


def users_from_environment(environ: Mapping[str, str], database: str) -> list[DatabaseUser]:
    """The users named by ``MONGODB_APP_USER``/``_PASSWORD`` and ``MONGODB_DISCOVERY_*``.

    A pair whose user is unset is skipped; a user without a password is an error.
    """
    users: list[DatabaseUser] = []
    for prefix, role in (("MONGODB_APP", APP_ROLE), ("MONGODB_DISCOVERY", DISCOVERY_ROLE)):
        name = environ.get(f"{prefix}_USER", "")
        if not name:
            continue
        password = environ.get(f"{prefix}_PASSWORD", "")
        if not password:
            raise UsersError(f"{prefix}_USER is set but {prefix}_PASSWORD is empty")
        users.append(DatabaseUser(name, password, role, database))
    return users


class CommandTarget(Protocol):
    """What :func:`ensure_users` needs of a pymongo ``Database``."""

    def command(self, command: dict[str, Any]) -> Mapping[str, Any]: ...


def ensure_users(database: CommandTarget, users: list[DatabaseUser]) -> list[str]:
    """Create or update each user in ``database``; what was done, one line per user."""
    done: list[str] = []
    for user in users:
        info = database.command({"usersInfo": user.name})
        exists = bool(info.get("users"))
        database.command(user.command(exists=exists))
        done.append(f"{'updated' if exists else 'created'} {user.name} ({user.role})")
    return done
