"""Permissions carried by registry tokens, and the one matcher every service uses (DESIGN §6).

A permission is an ``action`` (``publish`` or ``edit``) on a ``resource`` pattern. Patterns
match server names: ``*`` matches everything; a trailing ``*`` matches by prefix
(``io.github.alice/*``, ``com.example.*``); anything else matches exactly. Matching is
case-sensitive, like the official registry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

PUBLISH = "publish"
EDIT = "edit"
ACTIONS: tuple[str, ...] = (PUBLISH, EDIT)


@dataclass(frozen=True)
class Permission:
    """``action`` allowed on every server name matching ``resource``."""

    action: str
    resource: str

    def to_dict(self) -> dict[str, str]:
        return {"action": self.action, "resource": self.resource}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Permission:
        """Parse ``{"action", "resource"}``; raise ``ValueError`` when either is missing."""
        action, resource = data.get("action"), data.get("resource")
        if not isinstance(action, str) or not isinstance(resource, str) or not resource:
            raise ValueError(f"not a permission: {dict(data)!r}")
        return cls(action, resource)


def pattern_matches(pattern: str, resource: str) -> bool:
    """Whether ``pattern`` covers ``resource``: ``*`` all, trailing ``*`` prefix, else exact."""
    if pattern == "*":
        return True
    if pattern.endswith("*"):
        return resource.startswith(pattern[:-1])
    return pattern == resource


def pattern_covers(granted: str, wanted: str) -> bool:
    """Whether every name ``wanted`` (itself a pattern) matches is matched by ``granted``."""
    if granted == "*":
        return True
    if granted.endswith("*"):
        return wanted.removesuffix("*").startswith(granted[:-1])
    return granted == wanted


def is_allowed(permissions: Iterable[Permission], action: str, resource: str) -> bool:
    """Whether any permission grants ``action`` on ``resource``."""
    return any(p.action == action and pattern_matches(p.resource, resource) for p in permissions)


def publish_on(*patterns: str) -> tuple[Permission, ...]:
    """``publish`` on each pattern, in order."""
    return tuple(Permission(PUBLISH, pattern) for pattern in patterns)


def dedupe(permissions: Iterable[Permission]) -> tuple[Permission, ...]:
    """The permissions in first-seen order, each once."""
    return tuple(dict.fromkeys(permissions))
