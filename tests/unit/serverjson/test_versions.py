from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from mcp_registry.shared.serverjson.versions import is_newer, parse_semver, pick_latest

T0 = datetime(2025, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class V:
    version: str
    published_at: datetime = T0
    status: str = "active"


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.mark.parametrize(
    ("newer", "older"),
    [
        ("1.0.1", "1.0.0"),
        ("1.10.0", "1.9.0"),
        ("2.0.0", "2.0.0-rc.1"),
        ("2.0.0-rc.2", "2.0.0-rc.1"),
        ("v1.2.0", "1.1.0"),
        ("0.0.1", "2024.10.01"),  # semver beats non-semver, whatever the numbers say
    ],
)
def test_semver_order(newer: str, older: str) -> None:
    assert is_newer(V(newer), V(older))
    assert not is_newer(V(older), V(newer))


def test_non_semver_versions_compare_by_publish_time() -> None:
    assert is_newer(V("beta", at(2)), V("alpha", at(1)))
    assert not is_newer(V("zzz", at(1)), V("aaa", at(2)))


def test_parse_semver_refuses_partial_versions() -> None:
    assert parse_semver("1.0") is None
    assert parse_semver("latest") is None
    assert parse_semver("1.2.3-beta.1+build.5") is not None


def test_pick_latest_skips_deleted_unless_all_are() -> None:
    versions = [V("1.0.0"), V("2.0.0", status="deleted"), V("1.5.0", status="deprecated")]
    latest = pick_latest(versions)
    assert latest is not None
    assert latest.version == "1.5.0"
    all_deleted = [V("1.0.0", status="deleted"), V("3.0.0", status="deleted")]
    latest = pick_latest(all_deleted)
    assert latest is not None
    assert latest.version == "3.0.0"
    assert pick_latest([]) is None
