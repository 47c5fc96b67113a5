"""``POST /auth/revoke``: end the presented token, or (admin) every token of a subject.

No falcon here: the resource hands over the ``Authorization`` header and the optional body.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mcp_registry.shared.auth.permissions import EDIT
from mcp_registry.shared.auth.revocation import TokenRevoker
from mcp_registry.shared.auth.tokens import TokenVerifier
from mcp_registry.shared.errors import ErrorDetail, Forbidden, InvalidInput


class Revoking:
    """Verifies the caller's registry token, then records the revocation it asks for."""

    def __init__(self, verifier: TokenVerifier, revoker: TokenRevoker) -> None:
        self._verifier = verifier
        self._revoker = revoker

    def revoke(self, authorization: str | None, body: Mapping[str, Any]) -> dict[str, Any]:
        """Without ``subject`` in ``body``: revoke the presented token (what logout does).

        With ``{"subject": "<auth_method>:<sub>"}``: revoke every token of that subject
        issued up to now; needs an admin token (``edit`` on ``*``). Raises ``Unauthorized``
        for a missing, invalid, expired or already revoked token.
        """
        claims = self._verifier.verify_authorization(authorization)
        subject = body.get("subject")
        if subject is None:
            revocation = self._revoker.revoke_token(claims, by=claims.subject)
            return {
                "revoked": "token",
                "jti": revocation.key,
                "expires_at": int(revocation.expires_at.timestamp()),
            }
        if not isinstance(subject, str) or not subject or len(subject) > 512:
            raise InvalidInput(
                "subject must be a token subject such as 'github-at:alice'",
                [ErrorDetail("expected a non-empty string", "body.subject")],
            )
        if not any(p.action == EDIT and p.resource == "*" for p in claims.permissions):
            raise Forbidden("revoking another subject's tokens needs an admin registry token")
        revocation = self._revoker.revoke_subject(subject, by=claims.subject)
        return {
            "revoked": "subject",
            "subject": subject,
            "issued_up_to": int(revocation.revoked_at.timestamp()),
        }
