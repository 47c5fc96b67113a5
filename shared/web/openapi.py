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
