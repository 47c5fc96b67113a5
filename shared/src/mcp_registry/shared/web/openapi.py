"""``GET /openapi.yaml`` and ``GET /openapi.json``: the committed OpenAPI 3.1 document of the
unified API, as YAML (the committed file, byte for byte) and as JSON (converted once).

The document (``openapi.yaml`` next to this module, shipped as package data) describes every
public route of the route table under both prefixes; tests keep it in step with the table
and check real responses against its schemas.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import falcon
import yaml

OPENAPI_PATH = "/openapi.yaml"
OPENAPI_MEDIA_TYPE = "application/yaml"
OPENAPI_JSON_PATH = "/openapi.json"
DOCUMENT_FILE = "openapi.yaml"


@cache
def openapi_document() -> bytes:
    """The document's bytes, read once per process."""
    return resources.files("mcp_registry.shared.web").joinpath(DOCUMENT_FILE).read_bytes()


@cache
def openapi_json() -> bytes:
    """The same document as JSON, converted once per process."""
    return json.dumps(yaml.safe_load(openapi_document()), ensure_ascii=False).encode()


def inline_references(node: Any, root: dict[str, Any]) -> Any:
    """``node`` with every local ``$ref`` (``#/...``) replaced by what it points to.

    Sibling keys of a ``$ref`` (OpenAPI 3.1 allows ``description`` next to it) override the
    target's. The document has no recursive schemas, so this terminates.
    """
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            target: Any = root
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            resolved = inline_references(target, root)
            siblings = {k: inline_references(v, root) for k, v in node.items() if k != "$ref"}
            return {**resolved, **siblings} if isinstance(resolved, dict) else resolved
        return {k: inline_references(v, root) for k, v in node.items()}
    if isinstance(node, list):
        return [inline_references(v, root) for v in node]
    return node


@cache
def openapi_inlined_json() -> bytes:
    """The document as JSON with its references inlined, for the ``/docs`` page.

    Swagger UI resolves OpenAPI 3.1 references slowly (a minute of CPU for this document in
    a headless browser, two seconds once inlined); the content is the same document's.
    """
    document = yaml.safe_load(openapi_document())
    inlined = inline_references(document, document)
    components = inlined.get("components", {})
    inlined["components"] = {
        key: components[key] for key in ("securitySchemes",) if key in components
    }
    return json.dumps(inlined, ensure_ascii=False).encode()


class OpenApiResource:
    """Serve the document as ``application/yaml`` (RFC 9512)."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The document; it only changes with a release, so caches may keep it briefly."""
        resp.data = openapi_document()
        resp.content_type = OPENAPI_MEDIA_TYPE
        resp.cache_control = ["public", "max-age=300"]

    on_head = on_get


class OpenApiJsonResource:
    """Serve the document as ``application/json``, for tools that read no YAML."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The document as JSON."""
        resp.data = openapi_json()
        resp.content_type = falcon.MEDIA_JSON
        resp.cache_control = ["public", "max-age=300"]

    on_head = on_get
