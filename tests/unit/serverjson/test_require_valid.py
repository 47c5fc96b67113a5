"""require_valid: the publish gate raising 422 problems with body.<path> locations."""

from __future__ import annotations

import pytest

from mcp_registry.shared.errors import ErrorDetail, InvalidInput
from mcp_registry.shared.serverjson.schema import schema_url
from mcp_registry.shared.serverjson.validate import PublisherMetaTooLarge, require_valid
from tests.unit.serverjson import examples


def test_valid_document_is_returned_as_is() -> None:
    doc = examples.full()
    assert require_valid(doc) is doc


def test_warnings_do_not_block() -> None:
    doc = examples.minimal()
    doc["$schema"] = schema_url("2025-09-29")
    assert require_valid(doc) is doc


def test_errors_become_a_422_with_body_locations() -> None:
    doc = examples.minimal()
    doc["version"] = "latest"
    doc["packages"] = [{**examples.npm(), "transport": {"type": "stdio", "url": "http://x/y"}}]
    doc["_meta"] = {"io.modelcontextprotocol.registry/publisher-provided": {"x": "y" * 5000}}
    with pytest.raises(InvalidInput) as caught:
        require_valid(doc)
    problem = caught.value
    assert problem.status == 422
    assert [e.location for e in problem.errors] == [
        "body.version",
        "body.packages[0].transport.url",
        'body._meta["io.modelcontextprotocol.registry/publisher-provided"]',
    ]
    assert all(isinstance(e, ErrorDetail) and e.message for e in problem.errors)
    assert problem.detail == "validation failed"
    body = problem.to_problem()
    assert body["status"] == 422
    assert body["errors"][0] == {
        "message": "version 'latest' is reserved and cannot be used; name a specific version",
        "location": "body.version",
    }


def test_missing_required_field_location_names_the_field() -> None:
    doc = examples.minimal()
    del doc["description"]
    with pytest.raises(InvalidInput) as caught:
        require_valid(doc)
    assert [e.location for e in caught.value.errors] == ["body.description"]
    assert caught.value.detail == "validation failed"
    assert caught.value.errors[0].message == "missing required field 'description'"


def test_schema_location() -> None:
    doc = examples.minimal()
    del doc["$schema"]
    with pytest.raises(InvalidInput) as caught:
        require_valid(doc)
    assert [e.location for e in caught.value.errors] == ["body.$schema"]


@pytest.mark.parametrize("document", [[], "x", None, 1])
def test_non_object_is_located_at_the_body(document: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        require_valid(document)
    assert [e.location for e in caught.value.errors] == ["body"]
    assert caught.value.detail == "validation failed"
    assert caught.value.errors[0].message.startswith("server.json must be a JSON object")


def test_oversized_publisher_meta_alone_is_a_400_rule() -> None:
    doc = examples.minimal()
    doc["_meta"] = {"io.modelcontextprotocol.registry/publisher-provided": {"x": "y" * 5000}}
    with pytest.raises(PublisherMetaTooLarge) as caught:
        require_valid(doc)
    assert caught.value.status == 400
    assert caught.value.errors[0].location == (
        'body._meta["io.modelcontextprotocol.registry/publisher-provided"]'
    )


def test_an_unknown_top_level_property_is_refused_at_its_location() -> None:
    doc = {**examples.minimal(), "stauts": "active"}
    with pytest.raises(InvalidInput) as caught:
        require_valid(doc)
    assert [e.location for e in caught.value.errors] == ["body.stauts"]
    assert "unexpected property 'stauts'" in caught.value.errors[0].message
