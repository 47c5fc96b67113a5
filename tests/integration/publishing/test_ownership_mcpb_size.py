"""An MCPB file over ``MCPB_MAX_BYTES`` is the publisher's problem (400), not a retry (503)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest

from mcp_registry.services.publishing.wsgi import ownership_checker
from mcp_registry.shared.config import Settings
from mcp_registry.shared.plugins.host import PluginHost
from tests.support.local_http import Answer, LocalServer, Seen
from tests.support.problems import problem_text
from tests.support.publishing import MakePublishing
from tests.support.server_json import MakeServerJson

NAME = "io.github.alice/weather"
BUNDLE = b"x" * 4096


def _respond(seen: Seen) -> Answer:
    return Answer(200, BUNDLE, {"Content-Type": "application/octet-stream"})


@pytest.fixture
def download_host() -> Iterator[LocalServer]:
    with LocalServer(_respond) as server:
        yield server


@pytest.mark.parametrize(("limit", "expected"), [(1024, 400), (4096, 200)])
def test_mcpb_over_the_size_limit_is_400(
    make_publishing: MakePublishing,
    download_host: LocalServer,
    limit: int,
    expected: int,
    make_server_json: MakeServerJson,
) -> None:
    settings = Settings(
        mcpb_allowed_origins=(download_host.url,),
        mcpb_max_bytes=limit,
        package_validation_timeout=2.0,
    )
    p = make_publishing(ownership=ownership_checker(settings, PluginHost.load(settings)))
    package: dict[str, Any] = {
        "registryType": "mcpb",
        "identifier": f"{download_host.url}/releases/weather.mcpb",
        "fileSha256": hashlib.sha256(BUNDLE).hexdigest(),
        "transport": {"type": "stdio"},
    }
    doc = make_server_json(name=NAME, version="1.0.0", packages=[package])
    result = p.publish(doc, p.tokens.bearer(("io.github.alice/*",)))
    assert result.status_code == expected, result.json
    if expected == 400:
        assert "too large to check" in problem_text(result.json)
        assert "limit is 1024" in problem_text(result.json)
        assert "retry-after" not in result.headers
