"""Who may write what: registry-token permissions matched against server names (DESIGN §6).

Pure functions over verified :class:`RegistryClaims`; the messages follow the official
registry's so publishers see familiar text, plus a hint when a custom namespace lacks the
verified-domain (or DNS/HTTP key-proof) grant it needs.
"""

from __future__ import annotations

from mcp_registry.shared.auth.permissions import EDIT, PUBLISH, is_allowed
from mcp_registry.shared.auth.tokens import RegistryClaims
from mcp_registry.shared.errors import Forbidden
from mcp_registry.shared.storage.records import Actor

GITHUB_NAMESPACE_PREFIX = "io.github."


def actor_of(claims: RegistryClaims) -> Actor:
    """The audit actor of a token: its subject and the auth method that minted it."""
    return Actor(subject=claims.subject, auth_method=claims.auth_method)


def require_admin(claims: RegistryClaims) -> Actor:
    """The audit actor of an admin token; 403 unless it carries ``edit`` on ``*``."""
    if not any(p.action == EDIT and p.resource == "*" for p in claims.permissions):
        raise Forbidden("this needs an admin registry token (edit permission on '*')")
    return actor_of(claims)


def require_publish(claims: RegistryClaims, name: str) -> None:
    """Raise 403 unless the token may ``publish`` ``name``; the message lists what it may."""
    if is_allowed(claims.permissions, PUBLISH, name):
        return
    patterns = [p.resource for p in claims.permissions if p.action == PUBLISH]
    message = "You do not have permission to publish this server"
    if patterns:
        message += ". You have permission to publish: " + ", ".join(patterns)
    else:
        message += ". You do not have any publish permissions"
    message += f". Attempting to publish: {name}"
    raise Forbidden(message + _namespace_hint(name))


def require_edit(claims: RegistryClaims, name: str) -> None:
    """Raise 403 unless the token may ``edit`` ``name`` (admin edits)."""
    if not is_allowed(claims.permissions, EDIT, name):
        raise Forbidden("You do not have edit permissions for this server")


def require_publish_or_edit(claims: RegistryClaims, name: str) -> None:
    """Raise 403 unless the token may ``publish`` or ``edit`` ``name`` (status changes)."""
    if not (
        is_allowed(claims.permissions, PUBLISH, name) or is_allowed(claims.permissions, EDIT, name)
    ):
        raise Forbidden("You do not have publish or edit permissions for this server")


def _namespace_hint(name: str) -> str:
    namespace = name.split("/", 1)[0]
    if namespace.startswith(GITHUB_NAMESPACE_PREFIX):
        owner = namespace[len(GITHUB_NAMESPACE_PREFIX) :]
        return (
            f". The {namespace} namespace needs a GitHub login as {owner!r} (or as an owner "
            f"of that organization; make your membership public if it is private)"
        )
    labels = namespace.split(".")
    domain = ".".join(reversed(labels))
    return (
        f". The {namespace} namespace needs a grant for the domain {domain}: verify it with "
        f"POST /v0/verify-domain, or log in with the dns or http method for {domain}, "
        f"then request a new registry token"
    )
