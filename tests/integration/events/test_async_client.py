"""AsyncNatsClient used directly from plain asyncio code (no bridge thread)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from mcp_registry.shared.errors import UpstreamUnavailable
from mcp_registry.shared.event_model import SERVER_PUBLISHED, new_event, request_subject
from mcp_registry.shared.events.async_client import AsyncNatsClient, redact_url
from mcp_registry.shared.events.embedded import EmbeddedNats
from tests.support.nats import stream_messages

pytestmark = pytest.mark.nats


def test_asyncio_worker_round_trip(nats_server: EmbeddedNats) -> None:
    subject = request_subject("test", "double")
    event = new_event(SERVER_PUBLISHED, {"name": "x"}, now=datetime(2025, 1, 2, tzinfo=UTC))

    async def main() -> dict[str, Any]:
        client = AsyncNatsClient(nats_server.url, name="async-worker")
        await client.start()
        try:

            async def double(payload: dict[str, Any]) -> dict[str, Any]:
                return {"value": payload["value"] * 2}

            await client.reply(subject, double, queue="double")
            assert await client.wait_connected(5)
            await client.ensure_stream()
            await client.publish_event(event)
            return await client.request(subject, {"value": 21})
        finally:
            await client.close()

    assert asyncio.run(main()) == {"value": 42}
    assert [m.msg_id for m in stream_messages(nats_server.url)] == [event.id]


def test_closed_before_ever_connecting() -> None:
    async def main() -> None:
        client = AsyncNatsClient("nats://127.0.0.1:1", reconnect_wait=0.01)
        await client.start()
        with pytest.raises(UpstreamUnavailable):
            await client.request("registry.test.x", {})
        await asyncio.sleep(0.1)  # A few refused attempts.
        await client.close()

    asyncio.run(main())


def test_redact_url_hides_credentials() -> None:
    assert redact_url("nats://user:s3cret@host:4222") == "nats://***@host:4222"
    assert redact_url("nats://tok@host") == "nats://***@host"
    assert redact_url("nats://host:4222") == "nats://host:4222"
