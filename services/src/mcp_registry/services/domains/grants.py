"""The ``registry.domains.grants`` request/reply handler.

The payload contract is ``mcp_registry.shared.auth.domain_grants``; identity (minting tokens)
and publishing (re-checking a domain-only grant) are the callers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from mcp_registry.services.domains.verification import DomainVerifier
from mcp_registry.shared.auth.domain_grants import QUEUE, SUBJECT, grants_reply
from mcp_registry.shared.errors import InvalidInput
from mcp_registry.shared.storage.domain_records import Owner

if TYPE_CHECKING:
    from mcp_registry.shared.events.bridge import NatsBridge


def grants_handler(verifier: DomainVerifier) -> Any:
    """A reply handler: ``{"auth_method", "auth_method_sub"}`` → ``{"permissions": [...]}``.

    A malformed request is answered with ``InvalidInput``, which reaches the caller as the
    same error.
    """

    def handle(payload: Mapping[str, Any]) -> dict[str, Any]:
        method, sub = payload.get("auth_method"), payload.get("auth_method_sub")
        if not isinstance(method, str) or not isinstance(sub, str) or not method or not sub:
            raise InvalidInput("a grants request needs 'auth_method' and 'auth_method_sub'")
        return grants_reply(verifier.grants(Owner(method, sub)))

    return handle


def serve_grants(bridge: NatsBridge, verifier: DomainVerifier) -> None:
    """Answer grants requests on ``registry.domains.grants`` in the ``domains`` queue group,
    so every replica (each gunicorn worker) takes a share."""
    bridge.reply(SUBJECT, grants_handler(verifier), queue=QUEUE)
