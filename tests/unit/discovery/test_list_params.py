from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import UTC, datetime

import pytest

from mcp_registry.services.discovery.list_params import (
    decode_cursor,
    encode_cursor,
    parse_list_query,
    parse_list_request,
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
    assert decode_cursor(cursor).after == ("io.github.a/b", "1.0.0")
    assert parse_list_query({"cursor": cursor}).after == ("io.github.a/b", "1.0.0")


UNRESERVED = re.compile(r"^[A-Za-z0-9._~-]+$")


@pytest.mark.parametrize(
    "filters",
    [{}, {"search": "wéather ünïcode/?&=#+ %"}, {"version": "latest", "updated_since": "x"}],
)
def test_cursors_use_only_url_unreserved_characters(filters: dict[str, str]) -> None:
    # VS Code appends nextCursor to its URL without encoding it.
    cursor = encode_cursor("io.github.a/b+c", "1.0.0+build/x?y", filters)
    assert UNRESERVED.match(cursor), cursor


@pytest.mark.parametrize("cut", [1, 3, 12])
def test_an_altered_cursor_of_ours_is_400(cut: int) -> None:
    cursor = encode_cursor("io.github.a/b", "1.0.0", {"search": "weather"})
    for altered in (cursor[:-cut], cursor[:-cut] + "A" * cut, cursor.replace("_1.", "_2.")):
        if altered == cursor:
            continue
        with pytest.raises(BadRequest) as caught:
            parse_list_query({"cursor": altered})
        assert caught.value.status == 400
        assert caught.value.errors[0].location == "query.cursor"


@pytest.mark.parametrize(
    ("cursor", "after"),
    [
        # the official registry's own cursor: name:version, the position after that entry
        ("io.github.a/b:1.0.0", ("io.github.a/b", "1.0.0")),
        ("io.github.a/b:1.0.0:rc", ("io.github.a/b", "1.0.0:rc")),
        # a bare name: after every version of that name
        ("io.github.a/b", ("io.github.a/b\x00", "")),
        # anything else is a position too, as the official registry takes it
        ("!!!", ("!!!\x00", "")),
        ("bm90IGpzb24", ("bm90IGpzb24\x00", "")),
        ("W10", ("W10\x00", "")),
        # the bare base64 [name, version] earlier releases issued
        ("WyJpby5naXRodWIuYS9iIiwiMS4wLjAiXQ", ("io.github.a/b", "1.0.0")),
    ],
)
def test_foreign_cursors_are_positions(cursor: str, after: tuple[str, str]) -> None:
    assert parse_list_query({"cursor": cursor}).after == after


def test_a_cursor_carries_its_filter_and_present_parameters_win() -> None:
    first = parse_list_request({"limit": "50", "version": "latest", "search": "weather"})
    cursor = first.next_cursor("io.github.a/b", "1.0.0")
    # VS Code: page 2 keeps version=latest and drops search
    second = parse_list_request({"limit": "50", "version": "latest", "cursor": cursor})
    assert second.query.search == "weather"
    assert second.query.latest_only is True
    assert second.query.after == ("io.github.a/b", "1.0.0")
    # no filter parameter at all: the same filtered listing continues
    bare = parse_list_query({"cursor": cursor})
    assert (bare.search, bare.latest_only) == ("weather", True)
    # a parameter that is present wins, even an empty one
    other = parse_list_query({"cursor": cursor, "search": "maps"})
    assert (other.search, other.latest_only) == ("maps", True)
    cleared = parse_list_query({"cursor": cursor, "search": ""})
    assert cleared.search is None


def test_a_cursor_carries_updated_since_and_include_deleted() -> None:
    first = parse_list_request({"updated_since": "2025-01-01T00:00:00Z"})
    cursor = first.next_cursor("a/b", "1")
    query = parse_list_query({"cursor": cursor})
    assert query.updated_since == datetime(2025, 1, 1, tzinfo=UTC)
    assert query.include_deleted is True
    deleted = parse_list_request({"include_deleted": "true"}).next_cursor("a/b", "1")
    assert parse_list_query({"cursor": deleted}).include_deleted is True


@pytest.mark.parametrize("limit", ["0", "101", "-1", "ten", "1.5"])
def test_limit_out_of_range_is_422(limit: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_list_query({"limit": limit})
    assert caught.value.errors[0].location == "query.limit"


@pytest.mark.parametrize("limit", ["1", "100"])
def test_limit_bounds_are_inclusive(limit: str) -> None:
    assert parse_list_query({"limit": limit}).limit == int(limit)


def test_version_filter_takes_latest_or_an_exact_version() -> None:
    assert parse_list_query({"version": "latest"}).latest_only is True
    exact = parse_list_query({"version": "1.0.0"})
    assert (exact.version, exact.latest_only) == ("1.0.0", False)


def test_updated_since_implies_deleted_and_is_strict_rfc3339() -> None:
    query = parse_list_query({"updated_since": "2025-01-02T03:04:05+02:00"})
    assert query.updated_since == datetime(2025, 1, 2, 1, 4, 5, tzinfo=UTC)
    assert query.include_deleted is True
    for malformed in ("yesterday", "2025-01-02T03:04:05"):  # the second has no offset
        with pytest.raises(BadRequest) as caught:
            parse_list_query({"updated_since": malformed})
        assert caught.value.status == 400
        assert caught.value.detail.startswith("Invalid updated_since format")


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


def test_schema_failures_are_validation_failed_with_a_query_location() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_list_query({"limit": "101"})
    problem = caught.value.to_problem()
    assert problem["detail"] == "validation failed"
    assert problem["errors"][0]["location"] == "query.limit"
    assert "100" in problem["errors"][0]["message"]


def test_a_cursor_carries_the_search_phase() -> None:
    request = parse_list_request({"search": "weather", "version": "latest"})
    first = request.next_cursor("io.github.a/b", "1.0.0", "name")
    second = request.next_cursor("io.github.a/b", "1.0.0", "other")
    # A first-phase cursor is the form cursors had before ranking.
    assert first == encode_cursor("io.github.a/b", "1.0.0", request.filters)
    assert decode_cursor(first).phase == "name"
    assert decode_cursor(second).phase == "other"
    assert UNRESERVED.match(second), second
    # The client drops ``search``: the cursor brings it back, with the phase.
    resumed = parse_list_query({"cursor": second})
    assert (resumed.search, resumed.phase, resumed.after) == (
        "weather",
        "other",
        ("io.github.a/b", "1.0.0"),
    )
    assert parse_list_query({"cursor": first}).phase == "name"


def test_only_a_search_has_a_second_phase() -> None:
    listing = parse_list_request({"version": "latest"})
    assert decode_cursor(listing.next_cursor("io.github.a/b", "1.0.0", "other")).phase == "name"


@pytest.mark.parametrize("cursor", ["io.github.a/b:1.0.0", "io.github.a/b", "!!!"])
def test_an_official_cursor_is_a_first_phase_position(cursor: str) -> None:
    query = parse_list_query({"cursor": cursor, "search": "weather"})
    assert query.phase == "name"


def test_a_cursor_with_an_unknown_phase_is_400() -> None:
    payload = json.dumps({"p": ["a", "1"], "s": "third"}, separators=(",", ":")).encode()

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    forged = f"_1.{b64(payload)}.{b64(hashlib.sha256(payload).digest()[:8])}"
    with pytest.raises(BadRequest):
        parse_list_query({"cursor": forged})
