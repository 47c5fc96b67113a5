"""The committed OpenAPI document, parsed, and validators for its response schemas."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]  # no type information
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from mcp_registry.shared.web.openapi import openapi_document

DOCUMENT_URI = "urn:mcp-registry:openapi"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@cache
def document() -> dict[str, Any]:
    """The parsed document (as served at ``/openapi.yaml``)."""
    parsed = yaml.safe_load(openapi_document())
    assert isinstance(parsed, dict)
    return parsed


def path_item(path: str) -> dict[str, Any]:
    """The path item of ``path``, its ``$ref`` (to ``components.pathItems``) resolved."""
    item: dict[str, Any] = document()["paths"][path]
    ref = item.get("$ref")
    if isinstance(ref, str):
        name = ref.removeprefix("#/components/pathItems/")
        resolved: dict[str, Any] = document()["components"]["pathItems"][name]
        return resolved
    return item


def operations(path: str) -> dict[str, dict[str, Any]]:
    """``{method: operation}`` of ``path`` (methods upper-case)."""
    item = path_item(path)
    return {m.upper(): item[m] for m in HTTP_METHODS if m in item}


def response_validator(path: str, method: str, status: int, media: str) -> Draft202012Validator:
    """A validator for the documented body of ``status`` answered to ``method`` on ``path``."""
    response = operations(path)[method]["responses"][str(status)]
    ref = response.get("$ref")
    if isinstance(ref, str):
        response = document()["components"]["responses"][
            ref.removeprefix("#/components/responses/")
        ]
    schema = response["content"][media]["schema"]
    registry: Registry[Any] = Registry().with_resource(
        DOCUMENT_URI, DRAFT202012.create_resource(document())
    )
    rebased = _rebase(schema)
    return Draft202012Validator(
        rebased, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def _rebase(schema: Any) -> Any:
    """Point the document's local ``#/...`` references at the registered document."""
    if isinstance(schema, dict):
        return {
            k: (DOCUMENT_URI + v if k == "$ref" and v.startswith("#") else _rebase(v))
            for k, v in schema.items()
        }
    if isinstance(schema, list):
        return [_rebase(v) for v in schema]
    return schema
