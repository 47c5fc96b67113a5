"""validate_server: valid documents, the report shape, schema dates, non-object input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mcp_registry.shared.serverjson.schema import (
    CURRENT_SCHEMA_DATE,
    CURRENT_SCHEMA_URL,
    DEPRECATED_SCHEMA_DATES,
    schema_url,
)
from mcp_registry.shared.serverjson.schema_rules import compiled_validator
from mcp_registry.shared.serverjson.validate import schema_date_of, validate_server
from tests.unit.serverjson import examples


def test_minimal_document_is_valid_without_issues() -> None:
    report = validate_server(examples.minimal())
    assert report.valid
    assert report.issues == ()
    assert report.schema_date == CURRENT_SCHEMA_DATE
    assert report.to_dict() == {"valid": True, "issues": []}


def test_full_document_with_every_package_type_and_remote_is_valid() -> None:
    report = validate_server(examples.full())
    assert report.valid, report.to_dict()
    assert report.issues == ()


@pytest.mark.parametrize(
    "package",
    [examples.npm, examples.pypi, examples.oci, examples.nuget, examples.mcpb, examples.cargo],
)
def test_each_package_type_alone_is_valid(package: Callable[[], dict[str, Any]]) -> None:
    doc = examples.minimal()
    doc["packages"] = [package()]
    report = validate_server(doc)
    assert report.valid, report.to_dict()
    assert report.issues == ()


@pytest.mark.parametrize("remote", [examples.streamable_remote, examples.sse_remote])
def test_each_remote_type_alone_is_valid(remote: Callable[[], dict[str, Any]]) -> None:
    doc = examples.minimal()
    doc["remotes"] = [remote()]
    assert validate_server(doc).issues == ()


@pytest.mark.parametrize(
    "package",
    [
        # Before 2025-10-11 OCI images carried the version separately, without a tag.
        {"registryType": "oci", "identifier": "docker.io/alice/weather", "version": "1.0.0"},
        {"registryType": "oci", "identifier": "alice/weather@sha256:" + "a" * 64},
        {"registryType": "oci", "identifier": "registry.example.com:5000/team/app/weather:v2"},
        # Version is optional for MCPB since 2025-10-17, and allowed.
        {**examples.mcpb(), "version": "1.0.0"},
        {"registryType": "npm", "identifier": "weather-mcp", "version": "2024.10.01"},
        {"registryType": "pypi", "identifier": "weather", "version": "v2-beta"},
        {"registryType": "npm", "identifier": "weather-mcp", "version": "1.2.3-beta.1+build.5"},
    ],
)
def test_more_valid_package_shapes(package: dict[str, Any]) -> None:
    doc = examples.minimal()
    doc["packages"] = [{"transport": {"type": "stdio"}, **package}]
    assert validate_server(doc).issues == ()


@pytest.mark.parametrize("version", ["2024.10.01", "v2-beta", "1.0.0-rc.1", "1.0", "build-42"])
def test_non_semantic_server_versions_are_accepted(version: str) -> None:
    doc = examples.minimal()
    doc["version"] = version
    assert validate_server(doc).valid


def test_to_dict_has_the_official_issue_shape() -> None:
    doc = examples.minimal()
    doc["version"] = "latest"
    body = validate_server(doc).to_dict()
    assert body["valid"] is False
    assert body["issues"] == [
        {
            "type": "semantic",
            "path": "version",
            "message": "version 'latest' is reserved and cannot be used; name a specific version",
            "severity": "error",
            "reference": "reserved-version-string",
        }
    ]


@pytest.mark.parametrize("date", sorted(DEPRECATED_SCHEMA_DATES))
def test_older_schema_dates_are_accepted_with_a_deprecation_warning(date: str) -> None:
    doc = examples.full()
    doc["$schema"] = schema_url(date)
    report = validate_server(doc)
    assert report.valid
    assert report.schema_date == date
    (issue,) = report.issues
    assert issue.severity == "warning"
    assert issue.path == "$schema"
    assert issue.reference == "schema-version-deprecated"
    assert "deprecated" in issue.message
    assert "not the current version" in issue.message
    assert CURRENT_SCHEMA_URL in issue.message


def test_older_schema_documents_are_still_checked_against_the_current_schema() -> None:
    doc = examples.minimal()
    doc["$schema"] = schema_url("2025-09-29")
    doc["description"] = "x" * 101
    report = validate_server(doc)
    assert not report.valid
    assert report.references() == {
        "schema-version-deprecated",
        "schema:#/properties/description/maxLength",
    }


def test_unknown_schema_date_is_an_error_but_the_rest_is_still_checked() -> None:
    doc = examples.minimal()
    doc["$schema"] = "https://static.modelcontextprotocol.io/schemas/2025-01-27/server.schema.json"
    doc["version"] = "^1.0.0"
    report = validate_server(doc)
    assert not report.valid
    assert report.schema_date == "2025-01-27"
    by_path = {issue.path: issue for issue in report.issues}
    assert by_path["$schema"].reference == "schema-version-not-available"
    assert "not available" in by_path["$schema"].message
    assert CURRENT_SCHEMA_URL in by_path["$schema"].message
    assert by_path["version"].reference == "version-looks-like-range"


@pytest.mark.parametrize("value", [None, ""])
def test_missing_schema_is_an_error(value: str | None) -> None:
    doc = examples.minimal()
    if value is None:
        del doc["$schema"]
    else:
        doc["$schema"] = value
    report = validate_server(doc)
    assert not report.valid
    assert [(i.path, i.reference) for i in report.issues] == [("$schema", "schema-field-required")]
    assert report.schema_date is None


def test_schema_url_without_a_date_is_an_error() -> None:
    doc = examples.minimal()
    doc["$schema"] = "https://example.com/my-schema.json"
    report = validate_server(doc)
    assert [(i.path, i.reference) for i in report.issues] == [
        ("$schema", "schema-version-extraction-error")
    ]


def test_schema_that_is_not_a_url_gets_one_issue() -> None:
    doc = examples.minimal()
    doc["$schema"] = "not a url"
    report = validate_server(doc)
    assert len(report.issues) == 1
    assert report.issues[0].reference == "schema-version-extraction-error"


def test_schema_of_the_wrong_type_is_a_schema_error() -> None:
    doc = examples.minimal()
    doc["$schema"] = 2025
    report = validate_server(doc)
    assert [(i.path, i.reference) for i in report.issues] == [
        ("$schema", "schema:#/properties/$schema/type")
    ]


def test_schema_date_of() -> None:
    assert schema_date_of(examples.minimal()) == CURRENT_SCHEMA_DATE
    assert schema_date_of({"$schema": schema_url("2025-07-09")}) == "2025-07-09"
    assert schema_date_of({"$schema": "https://x.example/schemas/draft/server.schema.json"}) == (
        "draft"
    )
    assert schema_date_of({"$schema": "https://example.com/schema.json"}) is None
    assert schema_date_of({"$schema": 7}) is None
    assert schema_date_of({}) is None
    assert schema_date_of(["not", "an", "object"]) is None


@pytest.mark.parametrize(
    ("document", "kind"),
    [
        ([], "an array"),
        ("server", "a string"),
        (None, "null"),
        (3, "a number"),
        (True, "a boolean"),
    ],
)
def test_non_object_input_is_one_json_issue(document: object, kind: str) -> None:
    report = validate_server(document)
    assert not report.valid
    (issue,) = report.issues
    assert issue.type == "json"
    assert issue.path == ""
    assert issue.reference == "json-not-object"
    assert kind in issue.message


def test_garbage_values_never_raise() -> None:
    doc: dict[str, Any] = {
        "$schema": ["x"],
        "name": 7,
        "description": None,
        "version": {"v": 1},
        "title": 3,
        "websiteUrl": 9,
        "repository": "github",
        "icons": {"src": 1},
        "packages": ["npm", 3, {"transport": "stdio", "packageArguments": "x"}],
        "remotes": [None, {"type": 1, "url": 2, "variables": []}],
        "_meta": {"io.modelcontextprotocol.registry/publisher-provided": {1, 2}},
    }
    report = validate_server(doc)
    assert not report.valid
    assert all(issue.type == "schema" for issue in report.errors)


def test_validator_is_compiled_once() -> None:
    assert compiled_validator() is compiled_validator()
    assert compiled_validator(CURRENT_SCHEMA_DATE) is compiled_validator()


def test_issues_come_in_layer_order() -> None:
    doc = examples.minimal()
    doc["$schema"] = schema_url("2025-10-17")
    doc["description"] = ""
    doc["websiteUrl"] = "http://alice.dev"
    types = [issue.type for issue in validate_server(doc).issues]
    assert types == ["semantic", "schema", "semantic"]
    assert [i.path for i in validate_server(doc).issues] == ["$schema", "description", "websiteUrl"]
