"""Standard Webhooks headers: ``webhook-id``, ``webhook-timestamp``, ``webhook-signature``."""

from __future__ import annotations

from datetime import datetime

from standardwebhooks.webhooks import Webhook


def signed_headers(secret: str, message_id: str, body: bytes, at: datetime) -> dict[str, str]:
    """The headers of one attempt: the same ``webhook-id`` on every retry, a fresh timestamp
    and ``v1,<base64 HMAC-SHA256 of id.timestamp.body>``."""
    signature = Webhook(secret).sign(msg_id=message_id, timestamp=at, data=body.decode())
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": signature,
        "Content-Type": "application/json",
    }
