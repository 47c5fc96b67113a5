"""What a stored registry token allows, read from its (unverified) claims.

Only for helpful messages ("you may publish under io.github.alice/*"); the registry verifies
the token, the CLI never trusts these claims for anything else.
"""

from __future__ import annotations

import base64
import json
from typing import Any


def claims_of(token: str) -> dict[str, Any]:
    """The JWT payload, or ``{}`` when it cannot be read."""
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    padded = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        payload = json.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, TypeError):
        return {}
    return payload if isinstance(payload, dict) else {}


def publish_patterns(token: str) -> list[str]:
    """The resources the token may publish to (``io.github.alice/*``, ...)."""
    permissions = claims_of(token).get("permissions")
    if not isinstance(permissions, list):
        return []
    return [
        str(p.get("resource"))
        for p in permissions
        if isinstance(p, dict) and p.get("action") == "publish" and p.get("resource")
    ]
