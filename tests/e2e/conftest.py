"""Start the registry exactly as the README says, seeded with a realistic catalog."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from benchmarks.official_catalog import make_catalog
from tests.support.dns_server import LocalDns
from tests.support.registry_process import RunningRegistry, start_registry, stop_registry


@pytest.fixture(scope="package")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningRegistry]:
    running = start_registry(tmp_path_factory.mktemp("e2e"), make_catalog(n_servers=200, seed=7))
    yield running
    stop_registry(running)


@pytest.fixture(scope="module")
def aggregator_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningRegistry]:
    """A dev registry that hands out anonymous tokens and lets webhooks reach loopback."""
    running = start_registry(
        tmp_path_factory.mktemp("e2e-aggregators"),
        make_catalog(n_servers=5, seed=3),
        {
            "MCP_REGISTRY_ENABLE_ANONYMOUS_AUTH": "true",
            "MCP_REGISTRY_WEBHOOKS_ALLOW_PRIVATE_TARGETS": "true",
        },
    )
    yield running
    stop_registry(running)


@pytest.fixture(scope="module")
def dns() -> Iterator[LocalDns]:
    """A local authoritative DNS server whose records a test module changes."""
    with LocalDns() as server:
        yield server
