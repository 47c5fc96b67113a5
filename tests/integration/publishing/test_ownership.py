"""Package ownership through the plugins, against local fake package registries."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

import pytest

from mcp_registry.services.publishing.importing import ImportEntry, import_entries
from mcp_registry.services.publishing.ownership import OwnershipChecker
from mcp_registry.services.publishing.wsgi import ownership_checker
from mcp_registry.shared.config import Settings
from mcp_registry.shared.plugins.host import PluginHost
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase
from mcp_registry.shared.storage.sqlite.servers import SqliteServerStore
from tests.support.local_http import Answer, LocalServer, Seen
from tests.support.problems import problem_text
from tests.support.publishing import MakePublishing, Publishing
from tests.support.server_json import MakeServerJson, server_json
from tests.support.stores import Ticker

NAME = "io.github.alice/weather"
ALICE = ("io.github.alice/*",)
BUNDLE = b"an mcpb bundle"
STDIO: dict[str, Any] = {"transport": {"type": "stdio"}}


class FakeRegistries:
    """npm, PyPI and a download host in one local server; ``override`` forces a status."""

    def __init__(self) -> None:
        self.override: int | None = None

    def respond(self, seen: Seen) -> Answer:
        if self.override is not None:
            return Answer(self.override, b"busy", {"Retry-After": "7"})
        if seen.path == "/weather-mcp/1.0.0":
            return Answer.json({"name": "weather-mcp", "mcpName": NAME})
        if seen.path == "/other-mcp/1.0.0":
            return Answer.json({"name": "other-mcp", "mcpName": "io.github.bob/x"})
        if seen.path == "/pypi/weather-mcp/1.0.0/json":
            return Answer.json({"info": {"description": f"# Weather\n\nmcp-name: {NAME}\n"}})
        if seen.path == "/pypi/plain/1.0.0/json":
            return Answer.json({"info": {"description": "no marker"}})
        if seen.path == "/pypi/lookalike/1.0.0/json":
            # Names another server that merely starts with ours.
            return Answer.json({"info": {"description": f"mcp-name: {NAME}-evil\n"}})
        if seen.path == "/releases/weather-mcp.mcpb":
            return Answer(200, BUNDLE, {"Content-Type": "application/octet-stream"})
        if seen.path == "/redirect/weather-mcp.mcpb":
            return Answer(302, b"", {"Location": "https://elsewhere.example/x.mcpb"})
        return Answer(404, b"not found")


@pytest.fixture
def fake() -> Iterator[tuple[FakeRegistries, LocalServer]]:
    registries = FakeRegistries()
    with LocalServer(registries.respond) as server:
        yield registries, server


def _checker(server: LocalServer, **overrides: Any) -> OwnershipChecker:
    settings = Settings(
        npm_registry_url=server.url,
        pypi_registry_url=server.url,
        mcpb_allowed_origins=(server.url,),
        package_validation_timeout=2.0,
    ).replace(**overrides)
    return ownership_checker(settings, PluginHost.load(settings))


def _npm(identifier: str) -> dict[str, Any]:
    return {"registryType": "npm", "identifier": identifier, "version": "1.0.0", **STDIO}


def _pypi(identifier: str) -> dict[str, Any]:
    return {"registryType": "pypi", "identifier": identifier, "version": "1.0.0", **STDIO}


def _mcpb(url: str, digest: str) -> dict[str, Any]:
    return {"registryType": "mcpb", "identifier": url, "fileSha256": digest, **STDIO}


def _publish(p: Publishing, *packages: dict[str, Any], version: str = "1.0.0") -> Any:
    return p.publish(
        server_json(name=NAME, version=version, packages=list(packages)), p.tokens.bearer(ALICE)
    )


def test_owned_packages_publish(
    make_publishing: MakePublishing, fake: tuple[FakeRegistries, LocalServer]
) -> None:
    _, server = fake
    p = make_publishing(ownership=_checker(server))
    digest = hashlib.sha256(BUNDLE).hexdigest()
    result = _publish(
        p,
        _npm("weather-mcp"),
        _pypi("weather-mcp"),
        _mcpb(f"{server.url}/releases/weather-mcp.mcpb", digest),
    )
    assert result.status_code == 200, result.json


@pytest.mark.parametrize(
    ("package", "message"),
    [
        (_npm("other-mcp"), "Expected mcpName 'io.github.alice/weather', got 'io.github.bob/x'"),
        (_npm("missing-mcp"), "not found (status: 404)"),
        (_pypi("plain"), "must appear as 'mcp-name: io.github.alice/weather'"),
        (_pypi("lookalike"), "must appear as 'mcp-name: io.github.alice/weather'"),
    ],
)
def test_packages_that_do_not_name_the_server_are_400(
    make_publishing: MakePublishing,
    fake: tuple[FakeRegistries, LocalServer],
    package: dict[str, Any],
    message: str,
) -> None:
    _, server = fake
    p = make_publishing(ownership=_checker(server))
    result = _publish(p, package)
    assert result.status_code == 400
    assert message in problem_text(result.json)
    assert p.store.count_versions(NAME) == 0


def test_mcpb_with_a_wrong_hash_is_400(
    make_publishing: MakePublishing, fake: tuple[FakeRegistries, LocalServer]
) -> None:
    _, server = fake
    p = make_publishing(ownership=_checker(server))
    wrong = hashlib.sha256(b"something else").hexdigest()
    result = _publish(p, _mcpb(f"{server.url}/releases/weather-mcp.mcpb", wrong))
    assert result.status_code == 400
    assert "does not match its fileSha256" in problem_text(result.json)


def test_only_configured_hosts_are_contacted(
    make_publishing: MakePublishing, fake: tuple[FakeRegistries, LocalServer]
) -> None:
    _, server = fake
    p = make_publishing(ownership=_checker(server))
    digest = hashlib.sha256(BUNDLE).hexdigest()
    elsewhere = _publish(p, _mcpb("http://127.0.0.2:9/weather-mcp.mcpb", digest))
    assert elsewhere.status_code == 400
    assert "not on an allowed download host" in problem_text(elsewhere.json)
    redirected = _publish(p, _mcpb(f"{server.url}/redirect/weather-mcp.mcpb", digest))
    assert redirected.status_code == 400
    assert "not on a host this registry is configured" in problem_text(redirected.json)
    other_base = {**_npm("weather-mcp"), "registryBaseUrl": "https://registry.example.com"}
    assert _publish(p, other_base).status_code == 400
    assert all(not path.startswith("http") for path in server.paths())


@pytest.mark.parametrize("status", [429, 500, 503])
def test_upstream_trouble_is_a_retryable_503(
    make_publishing: MakePublishing, fake: tuple[FakeRegistries, LocalServer], status: int
) -> None:
    registries, server = fake
    registries.override = status
    p = make_publishing(ownership=_checker(server))
    result = _publish(p, _npm("weather-mcp"))
    assert result.status_code == 503
    assert result.headers["content-type"] == "application/problem+json"
    assert result.headers["retry-after"] == "7"
    assert "retry" in problem_text(result.json)
    assert p.store.count_versions(NAME) == 0


def test_unreachable_registry_is_a_503(make_publishing: MakePublishing) -> None:
    settings = Settings(npm_registry_url="http://127.0.0.1:9", package_validation_timeout=1.0)
    p = make_publishing(ownership=ownership_checker(settings, PluginHost.load(settings)))
    assert _publish(p, _npm("weather-mcp")).status_code == 503


def test_validation_switched_off_checks_nothing(
    make_publishing: MakePublishing, fake: tuple[FakeRegistries, LocalServer]
) -> None:
    _, server = fake
    p = make_publishing(ownership=_checker(server, enable_registry_validation=False))
    assert _publish(p, _npm("missing-mcp")).status_code == 200
    assert server.requests == []


def test_import_obeys_the_same_ownership_checks(
    fake: tuple[FakeRegistries, LocalServer], tmp_path: Any, make_server_json: MakeServerJson
) -> None:
    _, server = fake
    store = SqliteServerStore(SqliteDatabase(str(tmp_path / "import.db")))
    store.init()
    try:
        entries = [
            ImportEntry(
                make_server_json(name=NAME, version="1.0.0", packages=[_npm("weather-mcp")])
            ),
            ImportEntry(make_server_json(name=NAME, version="1.1.0", packages=[_npm("other-mcp")])),
        ]
        report = import_entries(entries, store=store, clock=Ticker(), ownership=_checker(server))
        assert report.imported == 1
        assert [label for label, _ in report.rejected] == [f"{NAME}@1.1.0"]
        off = _checker(server, enable_registry_validation=False)
        again = import_entries(entries, store=store, clock=Ticker(), ownership=off)
        assert (again.imported, again.existing) == (1, 1)
    finally:
        store.close()


def test_json_body_of_the_fake_is_what_npm_serves() -> None:
    # Guards the fake: npm version documents are package.json plus registry fields.
    assert json.loads(Answer.json({"mcpName": NAME}).body)["mcpName"] == NAME
