"""Webhook signing secrets in the Standard Webhooks format: ``whsec_`` + base64 bytes."""

from __future__ import annotations

import base64
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a secret


def new_secret() -> str:
    """A fresh signing secret: ``whsec_`` + base64 of 32 random bytes (shown once)."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()
