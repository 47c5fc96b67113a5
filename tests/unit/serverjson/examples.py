"""Valid server.json examples the validation tests start from (each call returns a fresh copy)."""

from __future__ import annotations

from typing import Any

from mcp_registry.shared.serverjson.schema import CURRENT_SCHEMA_URL

SHA = "fe333e598595000ae021bd27117db32ec69af6987f507ba7a63c90638ff633ce"


def minimal() -> dict[str, Any]:
    """The smallest valid document: $schema, name, description, version."""
    return {
        "$schema": CURRENT_SCHEMA_URL,
        "name": "io.github.alice/weather",
        "description": "Weather forecasts for any city",
        "version": "1.0.0",
    }


def npm() -> dict[str, Any]:
    return {
        "registryType": "npm",
        "registryBaseUrl": "https://registry.npmjs.org",
        "identifier": "@alice/weather-mcp",
        "version": "1.0.0",
        "runtimeHint": "npx",
        "transport": {"type": "stdio"},
        "environmentVariables": [
            {"name": "OPENWEATHER_API_KEY", "isRequired": True, "isSecret": True}
        ],
    }


def pypi() -> dict[str, Any]:
    return {
        "registryType": "pypi",
        "identifier": "mcp-server-weather",
        "version": "1.0.0",
        "runtimeHint": "uvx",
        "transport": {"type": "stdio"},
        "packageArguments": [{"type": "positional", "valueHint": "city"}],
    }


def oci() -> dict[str, Any]:
    return {
        "registryType": "oci",
        "identifier": "ghcr.io/alice/weather-mcp:1.0.0",
        "runtimeHint": "docker",
        "runtimeArguments": [{"type": "named", "name": "--env", "value": "MODE=prod"}],
        "packageArguments": [{"type": "named", "name": "--port", "valueHint": "port"}],
        "transport": {"type": "streamable-http", "url": "http://localhost:{port}/mcp"},
    }


def nuget() -> dict[str, Any]:
    return {
        "registryType": "nuget",
        "registryBaseUrl": "https://api.nuget.org/v3/index.json",
        "identifier": "Alice.Weather.Mcp",
        "version": "1.0.0",
        "runtimeHint": "dnx",
        "transport": {"type": "stdio"},
    }


def mcpb() -> dict[str, Any]:
    return {
        "registryType": "mcpb",
        "identifier": "https://github.com/alice/weather/releases/download/v1.0.0/weather.mcpb",
        "fileSha256": SHA,
        "transport": {"type": "stdio"},
    }


def cargo() -> dict[str, Any]:
    return {
        "registryType": "cargo",
        "identifier": "weather-mcp",
        "version": "1.0.0",
        "transport": {"type": "sse", "url": "http://127.0.0.1:{port}/sse"},
        "packageArguments": [{"type": "positional", "valueHint": "port", "default": "3000"}],
    }


def streamable_remote() -> dict[str, Any]:
    return {
        "type": "streamable-http",
        "url": "https://{tenant}.mcp.example.com/mcp",
        "variables": {"tenant": {"description": "Workspace", "isRequired": True}},
        "headers": [
            {
                "name": "Authorization",
                "value": "Bearer {token}",
                "isSecret": True,
                "variables": {"token": {"isSecret": True}},
            }
        ],
    }


def sse_remote() -> dict[str, Any]:
    return {"type": "sse", "url": "https://mcp.example.com/sse"}


def full() -> dict[str, Any]:
    """A document using every top-level field and every package and remote kind."""
    doc = minimal()
    doc.update(
        {
            "title": "Weather",
            "websiteUrl": "https://alice.dev/weather",
            "repository": {
                "url": "https://github.com/alice/weather",
                "source": "github",
                "id": "123456",
                "subfolder": "servers/weather",
            },
            "icons": [
                {
                    "src": "https://alice.dev/icon.png",
                    "mimeType": "image/png",
                    "sizes": ["48x48", "any"],
                    "theme": "light",
                }
            ],
            "packages": [npm(), pypi(), oci(), nuget(), mcpb(), cargo()],
            "remotes": [streamable_remote(), sse_remote()],
            "_meta": {
                "io.modelcontextprotocol.registry/publisher-provided": {"tool": "ci", "build": 7}
            },
        }
    )
    return doc
