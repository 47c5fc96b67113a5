"""One install/run line per registry type, as the server page shows it."""

from __future__ import annotations

from typing import Any

import pytest

from mcp_registry.services.discovery.browse.catalog import pick_icon, web_url
from mcp_registry.services.discovery.browse.snippets import package_snippet

KEY = {"name": "API_KEY", "isRequired": True, "isSecret": True}


@pytest.mark.parametrize(
    ("package", "expected"),
    [
        (
            {"registryType": "npm", "identifier": "@acme/weather", "version": "1.2.0"},
            "npx -y @acme/weather@1.2.0",
        ),
        (
            {
                "registryType": "npm",
                "identifier": "@acme/weather",
                "version": "1.2.0",
                "environmentVariables": [KEY, {"name": "OPTIONAL"}],
                "packageArguments": [
                    {"type": "named", "name": "--units", "value": "metric"},
                    {"type": "positional", "valueHint": "city"},
                ],
            },
            "API_KEY=<API_KEY> npx -y @acme/weather@1.2.0 --units metric <city>",
        ),
        (
            {"registryType": "pypi", "identifier": "acme-weather", "version": "0.3.1"},
            "uvx acme-weather==0.3.1",
        ),
        (
            {"registryType": "nuget", "identifier": "Acme.Weather", "version": "2.0.0"},
            "dnx Acme.Weather@2.0.0 --yes",
        ),
        (
            {
                "registryType": "oci",
                "identifier": "ghcr.io/acme/weather",
                "version": "1.0.0",
                "environmentVariables": [KEY],
            },
            "docker run -i --rm -e API_KEY=<API_KEY> ghcr.io/acme/weather:1.0.0",
        ),
        (
            {
                "registryType": "oci",
                "identifier": "docker.io/acme/weather:1.0.0",
                "runtimeArguments": [{"type": "named", "name": "--rm"}],
            },
            "docker run -i --rm docker.io/acme/weather:1.0.0",
        ),
        (
            {
                "registryType": "mcpb",
                "identifier": "https://github.com/acme/weather/releases/download/v1/w.mcpb",
                "fileSha256": "ab" * 32,
            },
            "curl -fLO https://github.com/acme/weather/releases/download/v1/w.mcpb",
        ),
        (
            {"registryType": "cargo", "identifier": "acme-weather", "version": "0.1.0"},
            "cargo install acme-weather --version 0.1.0",
        ),
    ],
)
def test_each_registry_type_has_its_line(package: dict[str, Any], expected: str) -> None:
    assert package_snippet(package) == expected


def test_hostile_values_are_quoted_for_the_shell() -> None:
    line = package_snippet({"registryType": "npm", "identifier": "x; rm -rf ~", "version": "1"})
    assert line == "npx -y 'x; rm -rf ~@1'"


def test_unknown_types_have_no_line() -> None:
    assert package_snippet({"registryType": "gem", "identifier": "x"}) is None


def test_only_web_urls_become_links() -> None:
    assert web_url("https://example.com/x") == "https://example.com/x"
    assert web_url("http://example.com") == "http://example.com"
    for bad in ("javascript:alert(1)", "data:text/html,x", "//example.com", "example.com", 3):
        assert web_url(bad) is None


def test_only_https_icons_are_shown() -> None:
    assert pick_icon({"icons": [{"src": "http://a.example/i.png"}]}) is None
    icon = pick_icon(
        {
            "icons": [
                {"src": "https://a.example/dark.png", "theme": "dark"},
                {"src": "https://a.example/light.png", "theme": "light"},
            ]
        }
    )
    assert icon is not None
    assert icon.src == "https://a.example/light.png"
