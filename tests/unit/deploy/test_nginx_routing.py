"""The compose ingress (nginx) sends every route of the route table to its service.

The committed configuration is parsed and its ``map`` entries evaluated the way nginx does
(first matching regex wins, ``default`` otherwise), so the test checks the file nginx loads.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from mcp_registry.services.route_table import ROUTES, SERVICES, service_for

from .repo import COMPOSE_FILE, NGINX_ROUTES, NGINX_UPSTREAMS
from .routing_samples import all_paths, declared_requests, sample_paths

ENTRY = re.compile(r'^\s+"~(?P<regex>[^"]+)"\s+(?P<target>\S+);$')
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


class NginxRouter:
    """The two maps of the generated configuration, evaluated like nginx."""

    def __init__(self, text: str) -> None:
        blocks = re.findall(r"^map (.+?) \{\n(.*?)^\}", text, flags=re.MULTILINE | re.DOTALL)
        maps = {head: body for head, body in blocks}
        path_body = maps["$request_uri $registry_path"]
        route_body = maps['"$request_method $registry_path" $registry_upstream']
        path_entry = ENTRY.match(path_body.splitlines()[0])
        assert path_entry is not None
        self.path_regex = re.compile(path_entry["regex"])
        self.default = re.search(r"^\s+default (\S+);$", route_body, flags=re.MULTILINE)
        assert self.default is not None
        self.entries: list[tuple[re.Pattern[str], str]] = []
        for line in route_body.splitlines():
            match = ENTRY.match(line)
            if match:
                self.entries.append((re.compile(match["regex"]), match["target"]))

    def upstream(self, method: str, request_uri: str) -> str:
        found = self.path_regex.match(request_uri)
        assert found is not None
        key = f"{method} {found['registry_raw_path']}"
        for regex, target in self.entries:
            if regex.search(key):
                return target
        assert self.default is not None
        return self.default.group(1)


@pytest.fixture(scope="module")
def router() -> NginxRouter:
    return NginxRouter(NGINX_ROUTES.read_text(encoding="utf-8"))


def test_there_is_an_entry_for_every_route(router: NginxRouter) -> None:
    assert len(router.entries) >= len(ROUTES)


@pytest.mark.parametrize(("method", "path", "service"), list(declared_requests()))
def test_every_route_reaches_its_service(
    router: NginxRouter, method: str, path: str, service: str
) -> None:
    assert router.upstream(method, path) == f"registry_{service}"
    assert router.upstream(method, path + "?limit=5&cursor=a%2Fb") == f"registry_{service}"


@pytest.mark.parametrize("method", METHODS)
def test_any_method_and_trailing_slash_go_where_the_dev_composition_sends_them(
    router: NginxRouter, method: str
) -> None:
    for path in all_paths():
        for raw in (path, path + "/"):
            expected = service_for(method, raw.rstrip("/")) or "discovery"
            assert router.upstream(method, raw) == f"registry_{expected}", (method, raw)


def test_unknown_paths_fall_back_to_discovery(router: NginxRouter) -> None:
    assert router.upstream("GET", "/") == "registry_discovery"
    assert router.upstream("GET", "/v0/nothing-here") == "registry_discovery"
    assert router.upstream("POST", "/v0/servers/a%2Fb/versions/1/extra") == "registry_discovery"


def test_an_encoded_slash_never_splits_a_name(router: NginxRouter) -> None:
    # Decoded, this path would have one segment too many for the publishing route.
    assert router.upstream("PATCH", "/v0/servers/io.github.a%2Fb/status") == ("registry_publishing")


def test_the_request_uri_is_forwarded_as_sent() -> None:
    text = NGINX_ROUTES.read_text(encoding="utf-8")
    # proxy_pass without a URI part forwards the client's request URI undecoded.
    assert re.search(r"^\s+proxy_pass http://\$registry_upstream;$", text, flags=re.MULTILINE)
    assert "merge_slashes off;" in text


def _compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_upstreams_name_the_compose_services() -> None:
    text = NGINX_UPSTREAMS.read_text(encoding="utf-8")
    groups = dict(re.findall(r"upstream registry_(\w+) \{\s+server ([^;]+);", text))
    assert set(groups) == set(SERVICES)
    compose_services = _compose()["services"]
    for service, address in groups.items():
        host, port = address.split(":")
        assert host == service
        assert port == "8080"
        assert compose_services[host]["command"] == ["serve", service]


REFUSED_LOCATION = re.compile(
    r'^\s+location ~ "(?P<regex>[^"]+)" \{\n(?:\s+[^\n]*\n)*?\s+return 404 ', re.MULTILINE
)


def test_routes_that_are_not_public_are_answered_404_by_the_router() -> None:
    text = NGINX_ROUTES.read_text(encoding="utf-8")
    refused = [re.compile(m["regex"]) for m in REFUSED_LOCATION.finditer(text)]
    not_public = [route for route in ROUTES if not route.public]
    assert not_public, "the route table has no route that is not public"
    assert len(refused) == len(not_public)
    # Locations see the decoded URI; the services route extra slashes like the canonical path.
    for route in not_public:
        for path in sample_paths(route):
            for variant in (path, path + "/", "/" + path):
                assert any(r.search(variant) for r in refused), variant
    for path in all_paths():
        assert not any(r.search(path) for r in refused), path


def test_cors_preflights_reach_a_service_and_cors_headers_pass_through(
    router: NginxRouter,
) -> None:
    # Every service answers a preflight from the route table, so any service will do; the
    # router must forward it and leave the services' Access-Control-* headers alone.
    for route in ROUTES:
        if not route.public:
            continue
        for path in sample_paths(route):
            assert router.upstream("OPTIONS", path).startswith("registry_"), path
    text = NGINX_ROUTES.read_text(encoding="utf-8").lower()
    assert "access-control" not in text
    assert "proxy_hide_header" not in text
