"""NuGet and crates.io ownership (``mcp-name:`` in the README) against local fake registries.

The NuGet fake serves a V3 service index pointing at its own flat container; the crates.io
fake points README metadata at a second local server standing in for the static host.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from mcp_registry.services.publishing.ownership import OwnershipChecker
from mcp_registry.services.publishing.wsgi import ownership_checker
from mcp_registry.shared.config import Settings
from mcp_registry.shared.plugins.host import PluginHost
from tests.support.local_http import Answer, LocalServer, Seen
from tests.support.problems import problem_text
from tests.support.publishing import MakePublishing, Publishing
from tests.support.server_json import server_json

NAME = "io.github.alice/weather"
ALICE = ("io.github.alice/*",)
STDIO: dict[str, Any] = {"transport": {"type": "stdio"}}
FLAT = "/v3-flatcontainer"


class FakeNuget:
    """A NuGet V3 feed: service index, flat-container READMEs and version lists."""

    def __init__(self) -> None:
        self.url = ""
        self.override: int | None = None

    def respond(self, seen: Seen) -> Answer:
        if self.override is not None:
            return Answer(self.override, b"busy", {"Retry-After": "9"})
        readmes = {
            "contoso.weather": f"# Weather\n\nmcp-name: {NAME}\n",
            "contoso.lookalike": f"mcp-name: {NAME}-evil\n",
        }
        versions = {"contoso.noreadme": ["1.0.0"], "contoso.newer": ["0.9.0"]}
        if seen.path == "/v3/index.json":
            return Answer.json(
                {
                    "version": "3.0.0",
                    "resources": [
                        {"@id": f"{self.url}{FLAT}/", "@type": "PackageBaseAddress/3.0.0"},
                        {
                            "@id": f"{self.url}{FLAT}/{{lower_id}}/{{lower_version}}/readme",
                            "@type": "ReadmeUriTemplate/6.13.0",
                        },
                    ],
                }
            )
        for package, text in readmes.items():
            if seen.path == f"{FLAT}/{package}/1.0.0/readme":
                return Answer(200, text.encode(), {"Content-Type": "application/octet-stream"})
        for package, listed in versions.items():
            if seen.path == f"{FLAT}/{package}/index.json":
                return Answer.json({"versions": listed})
        return Answer(404, b"not found")


class FakeCrates:
    """crates.io's API (``url`` pointers) and, as ``static``, the rendered-README host."""

    def __init__(self) -> None:
        self.static_url = ""
        self.override: int | None = None

    def api(self, seen: Seen) -> Answer:
        if self.override is not None:
            return Answer(self.override, b"busy", {"Retry-After": "9"})
        base = "/api/v1/crates"
        pointers = {
            "weather-mcp": f"{self.static_url}/readmes/weather-mcp/weather-mcp-1.0.0.html",
            "plain-mcp": f"{self.static_url}/readmes/plain-mcp/plain-mcp-1.0.0.html",
            "noreadme-mcp": f"{self.static_url}/readmes/noreadme-mcp/noreadme-mcp-1.0.0.html",
            "astray-mcp": "http://127.0.0.2:9/readmes/astray-mcp.html",
        }
        for crate, url in pointers.items():
            if seen.path == f"{base}/{crate}/1.0.0/readme":
                return Answer.json({"url": url})
        if seen.path == f"{base}/noreadme-mcp/1.0.0":
            return Answer.json({"version": {"crate": "noreadme-mcp", "num": "1.0.0"}})
        return Answer.json({"errors": [{"detail": "Not Found"}]}, status=404)

    def static(self, seen: Seen) -> Answer:
        pages = {
            "/readmes/weather-mcp/weather-mcp-1.0.0.html": f"<p>mcp-name: {NAME}</p>",
            "/readmes/plain-mcp/plain-mcp-1.0.0.html": "<p>A weather server.</p>",
        }
        if seen.path in pages:
            return Answer(200, pages[seen.path].encode(), {"Content-Type": "text/html"})
        return Answer(403, b"<Error><Code>AccessDenied</Code></Error>")


@dataclass
class Fakes:
    nuget: FakeNuget
    nuget_server: LocalServer
    crates: FakeCrates
    crates_server: LocalServer
    static_server: LocalServer

    def checker(self) -> OwnershipChecker:
        settings = Settings(
            nuget_registry_url=f"{self.nuget_server.url}/v3/index.json",
            cargo_registry_url=self.crates_server.url,
            cargo_readme_origins=(self.static_server.url,),
            package_validation_timeout=2.0,
        )
        return ownership_checker(settings, PluginHost.load(settings))


@pytest.fixture
def fakes() -> Iterator[Fakes]:
    nuget, crates = FakeNuget(), FakeCrates()
    with (
        LocalServer(nuget.respond) as nuget_server,
        LocalServer(crates.api) as crates_server,
        LocalServer(crates.static) as static_server,
    ):
        nuget.url, crates.static_url = nuget_server.url, static_server.url
        yield Fakes(nuget, nuget_server, crates, crates_server, static_server)


def _nuget(identifier: str, version: str = "1.0.0") -> dict[str, Any]:
    return {"registryType": "nuget", "identifier": identifier, "version": version, **STDIO}


def _cargo(identifier: str) -> dict[str, Any]:
    return {"registryType": "cargo", "identifier": identifier, "version": "1.0.0", **STDIO}


def _publish(p: Publishing, *packages: dict[str, Any]) -> Any:
    return p.publish(
        server_json(name=NAME, version="1.0.0", packages=list(packages)), p.tokens.bearer(ALICE)
    )


def test_owned_nuget_and_cargo_packages_publish(
    make_publishing: MakePublishing, fakes: Fakes
) -> None:
    p = make_publishing(ownership=fakes.checker())
    result = _publish(p, _nuget("Contoso.Weather", "1.0.0+build.7"), _cargo("weather-mcp"))
    assert result.status_code == 200, result.json
    # NuGet ids and versions are lower-cased and build metadata dropped, as the feed expects.
    assert f"{FLAT}/contoso.weather/1.0.0/readme" in fakes.nuget_server.paths()
    assert fakes.static_server.paths() == ["/readmes/weather-mcp/weather-mcp-1.0.0.html"]
    readme_fetch = fakes.crates_server.requests[0]
    assert readme_fetch.headers["accept"] == "application/json"
    assert "mcp-registry" in readme_fetch.headers["user-agent"]


@pytest.mark.parametrize(
    ("package", "message"),
    [
        (
            _nuget("Contoso.Lookalike"),
            f"must appear as 'mcp-name: {NAME}' in the package README (http",
        ),
        (_nuget("Contoso.NoReadme"), "has no embedded README"),
        (_nuget("Contoso.Newer"), "exists but version 1.0.0 is not listed at http"),
        (_nuget("Contoso.Missing"), "'Contoso.Missing' does not exist (http"),
        (_cargo("plain-mcp"), "must appear as 'mcp-name: io.github.alice/weather'"),
        (_cargo("noreadme-mcp"), "exists on crates.io, but its rendered README could not be"),
        (_cargo("missing-mcp"), "not found on crates.io (http"),
        (_cargo("astray-mcp"), "http://127.0.0.2:9/readmes/astray-mcp.html, which is not on"),
    ],
)
def test_packages_that_do_not_name_the_server_are_400(
    make_publishing: MakePublishing, fakes: Fakes, package: dict[str, Any], message: str
) -> None:
    p = make_publishing(ownership=fakes.checker())
    result = _publish(p, package)
    assert result.status_code == 400, result.json
    assert message in problem_text(result.json)
    assert p.store.count_versions(NAME) == 0


def test_a_named_registry_base_url_must_be_the_configured_one(
    make_publishing: MakePublishing, fakes: Fakes
) -> None:
    p = make_publishing(ownership=fakes.checker())
    elsewhere = {**_nuget("Contoso.Weather"), "registryBaseUrl": "https://nuget.example.com"}
    assert _publish(p, elsewhere).status_code == 400
    named = {**_nuget("Contoso.Weather"), "registryBaseUrl": fakes.nuget.url + "/v3/index.json"}
    assert _publish(p, named).status_code == 200


@pytest.mark.parametrize("status", [429, 500, 503])
@pytest.mark.parametrize("kind", ["nuget", "cargo"])
def test_upstream_trouble_is_a_retryable_503(
    make_publishing: MakePublishing, fakes: Fakes, kind: str, status: int
) -> None:
    fakes.nuget.override = fakes.crates.override = status
    p = make_publishing(ownership=fakes.checker())
    package = _nuget("Contoso.Weather") if kind == "nuget" else _cargo("weather-mcp")
    result = _publish(p, package)
    assert result.status_code == 503
    assert result.headers["retry-after"] == "9"
    assert "retry" in problem_text(result.json)
    assert p.store.count_versions(NAME) == 0
