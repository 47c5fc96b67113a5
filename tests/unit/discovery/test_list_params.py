from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mcp_registry.services.discovery.list_params import (
    decode_cursor,
    encode_cursor,
    parse_list_query,
)
from mcp_registry.shared.errors import BadRequest, InvalidInput


def test_defaults() -> None:
    query = parse_list_query({})
    assert query.limit == 30
    assert query.after is None
    assert query.latest_only is False
    assert query.include_deleted is False
    assert query.updated_since is None


def test_cursor_round_trips_and_is_opaque() -> None:
    cursor = encode_cursor("io.github.a/b", "1.0.0")
    assert "io.github" not in cursor
    assert decode_cursor(cursor) == ("io.github.a/b", "1.0.0")
    assert parse_list_query({"cursor": cursor}).after == ("io.github.a/b", "1.0.0")


@pytest.mark.parametrize(
    "cursor", ["!!!", "bm90IGpzb24", encode_cursor("a", "b")[:-3] + "x", "W10"]
)
def test_foreign_cursors_are_rejected(cursor: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_list_query({"cursor": cursor})
    assert caught.value.errors[0].location == "query.cursor"


@pytest.mark.parametrize("limit", ["0", "101", "-1", "ten", "1.5"])
def test_limit_out_of_range_is_422(limit: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_list_query({"limit": limit})
    assert caught.value.errors[0].location == "query.limit"


@pytest.mark.parametrize("limit", ["1", "100"])
def test_limit_bounds_are_inclusive(limit: str) -> None:
    assert parse_list_query({"limit": limit}).limit == int(limit)


def test_version_filter_only_accepts_latest() -> None:
    assert parse_list_query({"version": "latest"}).latest_only is True
    with pytest.raises(InvalidInput):
        parse_list_query({"version": "1.0.0"})


def test_updated_since_implies_deleted_and_is_strict_rfc3339() -> None:
    query = parse_list_query({"updated_since": "2025-01-02T03:04:05+02:00"})
    assert query.updated_since == datetime(2025, 1, 2, 1, 4, 5, tzinfo=UTC)
    assert query.include_deleted is True
    with pytest.raises(InvalidInput):
        parse_list_query({"updated_since": "yesterday"})
    with pytest.raises(InvalidInput):
        parse_list_query({"updated_since": "2025-01-02T03:04:05"})  # no offset


def test_updated_since_with_include_deleted_false_is_400() -> None:
    with pytest.raises(BadRequest):
        parse_list_query({"updated_since": "2025-01-01T00:00:00Z", "include_deleted": "false"})


def test_include_deleted_must_be_boolean() -> None:
    assert parse_list_query({"include_deleted": "true"}).include_deleted is True
    with pytest.raises(InvalidInput):
        parse_list_query({"include_deleted": "perhaps"})


def test_search_is_bounded() -> None:
    assert parse_list_query({"search": "weather"}).search == "weather"
    with pytest.raises(InvalidInput):
        parse_list_query({"search": "x" * 201})
