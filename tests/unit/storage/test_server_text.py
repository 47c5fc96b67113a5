"""The stored server.json text, spliced: when it may be embedded as it is, and that the
spliced item encodes to the very bytes of the parsed one (no store: records built directly)."""

from __future__ import annotations

import json
import random
import struct
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest

from mcp_registry.shared.api_items import to_item, to_wire_item
from mcp_registry.shared.storage.records import ServerRecord
from mcp_registry.shared.storage.server_text import load_server_text, spliceable
from tests.support.varied_catalog import NON_JSON_FIELDS, ODD_FIELDS

T0 = datetime(2025, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)


def stored(value: Any) -> str:
    """The text every backend stores for ``value`` (see ``server_text``)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def reencoded(text: str) -> bytes:
    return orjson.dumps(load_server_text(text))


def test_every_code_point_is_stored_as_orjson_writes_it() -> None:
    # Every scalar value except the surrogates (which no store can hold as UTF-8).
    chars = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    chunks = ["".join(chars[i : i + 4096]) for i in range(0, len(chars), 4096)]
    for chunk in chunks:
        text = stored({"s": chunk, chunk: [chunk]})
        assert reencoded(text) == text.encode()


def _floats() -> list[float]:
    rng = random.Random(18)
    values = [0.0, -0.0, 0.1, 1.0, 1e16, 1e22, 1e-4, 1e-5, 1e-7, 1e-9, 1e-10, 5e-324, 1.5e300]
    values += [float(f"{m}e{e}") for e in range(-320, 308) for m in (1, 1.5, 3.14159, 9.999999)]
    for _ in range(100_000):
        (value,) = struct.unpack("d", struct.pack("Q", rng.getrandbits(64)))
        if value == value and abs(value) != float("inf"):
            values.append(value)
    return values


def test_a_float_differs_only_when_its_text_says_so() -> None:
    floats = _floats()
    for value in floats:
        text = stored({"x": value})
        if spliceable(text):
            assert reencoded(text) == text.encode(), text
        else:
            assert "e-0" in text, text
    # Each one-digit negative exponent is caught (orjson writes 0.00001 and 1e-7).
    assert not spliceable(stored(1e-05))
    assert not spliceable(stored(-2.5e-09))
    assert spliceable(stored(1e-10))


@pytest.mark.parametrize(
    "value",
    [2**63 - 1, -(2**63), 2**64 - 1, 0, -1, True, False, None, [], {}, "", [[[{}]]]],
)
def test_integers_and_constants_encode_to_themselves(value: Any) -> None:
    text = stored({"v": value})
    assert spliceable(text)
    assert reencoded(text) == text.encode()


@pytest.mark.parametrize("constant", [float("nan"), float("inf"), float("-inf")])
def test_non_json_constants_are_never_spliced(constant: float) -> None:
    text = stored({"v": constant})
    assert not spliceable(text)
    assert orjson.loads(orjson.dumps(load_server_text(text))) == {"v": None}


@pytest.mark.parametrize("value", [2**70, -(2**63) - 1, 10**40, 2**64])
def test_integers_beyond_64_bits_are_parsed_exactly(value: int) -> None:
    # orjson alone would turn them into floats.
    parsed = load_server_text(stored({"v": value, "f": 1.5e300}))
    assert parsed == {"v": value, "f": 1.5e300}
    assert type(parsed["v"]) is int


def test_a_marker_inside_a_string_only_costs_a_parse() -> None:
    for text in ['{"d":"NaN tools"}', '{"d":"Infinity"}', '{"v":"release-0.1"}']:
        assert not spliceable(text)
        assert reencoded(text) == text.encode()
    assert spliceable('{"d":"No NA, no IN"}')


def record(server: Any, **fields: Any) -> ServerRecord:
    values: dict[str, Any] = {
        "name": "io.github.alice/x",
        "version": "1.0.0",
        "server_json": stored(server),
        "status": "active",
        "status_message": None,
        "published_at": T0,
        "updated_at": T0,
        "status_changed_at": T0,
        "is_latest": True,
        "seq": 7,
    }
    values.update(fields)
    return ServerRecord(**values)


def test_construct_builds_the_constructors_record() -> None:
    built = record({"name": "x"}, status_message="old", is_latest=False)
    fast = ServerRecord.construct(
        built.name,
        built.version,
        built.server_json,
        built.status,
        built.status_message,
        built.published_at,
        built.updated_at,
        built.status_changed_at,
        built.is_latest,
        built.seq,
    )
    assert fast == built
    assert hash(fast) == hash(built)
    assert fast.server == {"name": "x"}
    with pytest.raises(AttributeError):
        fast.seq = 8  # type: ignore[misc]


def test_the_server_is_parsed_once_on_first_use() -> None:
    item = record({"name": "x", "n": [1, 2.5]})
    assert "server" not in vars(item)
    assert item.server == {"name": "x", "n": [1, 2.5]}
    assert item.server is item.server


DOCUMENTS: list[Any] = [{"name": "x", **fields} for fields in ODD_FIELDS + NON_JSON_FIELDS]


@pytest.mark.parametrize("document", DOCUMENTS)
@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"status": "deprecated", "status_message": 'moved "elsewhere" ☃\n', "is_latest": False},
        {"updated_at": T0 + timedelta(seconds=1), "status_changed_at": T0 + timedelta(days=400)},
    ],
)
def test_a_wire_item_encodes_like_the_parsed_item(document: Any, fields: dict[str, Any]) -> None:
    item = record(document, **fields)
    spliced = orjson.dumps([to_wire_item(item)])
    try:
        expected = orjson.dumps([to_item(item)])
    except TypeError:  # what the response encoder then does
        expected = json.dumps([to_item(item)], ensure_ascii=False, separators=(",", ":")).encode()
    assert spliced == expected
