"""The generated nginx router, run by the real nginx binary, in front of the four services.

Each service runs the way its container does (``mcp-registry serve <service> --bind``), as its
own process on a loopback port, sharing one SQLite database and one signing key. nginx runs
in the foreground with everything (logs, pid, temp paths) inside a temporary directory and
loads the generated configuration: the committed ``deploy/nginx/registry.conf`` rendered with
a loopback ``listen`` address and upstreams rendered for the loopback ports, both through the
generator's own parameters. The test asserts those are the committed files except for the
address lines, then checks which service answers each request (``X-Registry-Service``).

On CI (``CI`` set) a missing nginx is a failure: ``.ci/run`` installs it.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mcp_registry.cli.registry.routes import COMPOSE_UPSTREAM, generate
from mcp_registry.services.ingress.nginx import LISTEN_PORT
from mcp_registry.services.route_table import (
    DISCOVERY,
    DOMAINS,
    IDENTITY,
    PUBLISHING,
    SERVICES,
    service_for,
)
from mcp_registry.shared.web.app_base import SERVICE_HEADER
from tests.support.http import Reply, free_port, request
from tests.support.processes import Child, spawn, stop, wait_for_answer
from tests.support.waiting import wait_until as eventually

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
COMMITTED_ROUTES = ROOT / "deploy" / "nginx" / "registry.conf"
COMMITTED_UPSTREAMS = ROOT / "deploy" / "nginx" / "upstreams.conf"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
COMMAND_TIMEOUT = 60.0
JWT_SEED = "5e" * 32
SCHEMA = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"
NAME = "io.modelcontextprotocol.anonymous/nginx-ingress"
ENCODED = urllib.parse.quote(NAME, safe="")
# Debian and Ubuntu install nginx in an sbin directory a non-root PATH may lack.
SBIN_DIRS = ("/usr/sbin", "/usr/local/sbin", "/sbin")


def nginx_binary() -> str:
    """The nginx to run; skipped when absent locally, a failure on CI."""
    path = os.environ.get("PATH", "")
    found = shutil.which("nginx", path=os.pathsep.join([path, *SBIN_DIRS]))
    if found:
        return found
    unavailable = os.environ.get("MCP_REGISTRY_TEST_NGINX_UNAVAILABLE")
    if unavailable:
        # .ci/run tried to install it and the package registry said no: say so, loudly.
        pytest.skip(f"nginx could not be installed on this machine: {unavailable}")
    if os.environ.get("CI"):
        pytest.fail("nginx is not installed; .ci/run installs it on CI (apt-get nginx-light)")
    pytest.skip("nginx is not installed (apt-get install nginx-light); CI requires it")


def nginx_version(binary: str) -> tuple[int, ...]:
    out = subprocess.run(
        [binary, "-v"], capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=True
    )
    found = re.search(r"nginx/(\d+)\.(\d+)\.(\d+)", out.stderr + out.stdout)
    assert found is not None, out.stderr
    return tuple(int(part) for part in found.groups())


def http_modules_without(binary: str) -> set[str]:
    """The optional http modules this nginx was built without (``uwsgi``, ``scgi`` …)."""
    out = subprocess.run(
        [binary, "-V"], capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=True
    )
    return set(re.findall(r"--without-http_(\w+?)_module", out.stderr + out.stdout))


def main_config(binary: str, workdir: Path, includes: list[Path]) -> Path:
    """An ``nginx.conf`` including ``includes`` at http level, everything under ``workdir``."""
    temp = ["client_body", "proxy"]
    temp += [m for m in ("fastcgi", "uwsgi", "scgi") if m not in http_modules_without(binary)]
    lines = [
        "worker_processes 1;",
        f"pid {workdir / 'nginx.pid'};",
        f"error_log {workdir / 'error.log'} info;",
    ]
    if os.geteuid() == 0:
        # Workers would switch to `nobody`, which cannot enter a private temporary directory.
        lines.append("user root;")
    lines += ["events { worker_connections 256; }", "http {"]
    lines.append("    log_format routed '$request_method $request_uri -> $upstream_addr $status';")
    lines.append(f"    access_log {workdir / 'access.log'} routed;")
    lines.append("    default_type application/octet-stream;")
    for name in temp:
        lines.append(f"    {name}_temp_path {workdir / ('temp-' + name)};")
    for path in includes:
        lines.append(f"    include {path};")
    lines.append("}")
    conf = workdir / f"nginx-{len(list(workdir.glob('nginx-*.conf')))}.conf"
    conf.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return conf


def nginx_args(binary: str, workdir: Path, conf: Path, *extra: str) -> list[str]:
    args = [binary, "-p", f"{workdir}/", "-c", str(conf)]
    if nginx_version(binary) >= (1, 19, 5):
        # The log for messages before the configuration is read (default: a system path).
        args += ["-e", str(workdir / "error.log")]
    return [*args, *extra]


def nginx_test(binary: str, workdir: Path, conf: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        nginx_args(binary, workdir, conf, "-t", "-q"),
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )


def changed_lines(committed: str, rendered: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(committed.splitlines(), rendered.splitlines(), n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


@dataclass
class Ingress:
    url: str
    binary: str
    version: str
    workdir: Path
    ports: dict[str, int]
    nginx: Child
    services: list[Child]


@pytest.fixture(scope="module")
def ingress(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ingress]:
    binary = nginx_binary()
    workdir = tmp_path_factory.mktemp("nginx-ingress")
    env = {
        **os.environ,
        "MCP_REGISTRY_DATA_DIR": str(workdir / "data"),
        "MCP_REGISTRY_DATABASE_URL": f"sqlite:///{workdir / 'registry.db'}",
        "MCP_REGISTRY_JWT_PRIVATE_KEY": JWT_SEED,
        "MCP_REGISTRY_ENABLE_ANONYMOUS_AUTH": "true",
        "MCP_REGISTRY_ENABLE_REGISTRY_VALIDATION": "false",
        "MCP_REGISTRY_WORKERS": "1",
    }
    env.pop("MCP_REGISTRY_NATS_URL", None)
    cli = [sys.executable, "-m", "mcp_registry.cli.registry.main"]
    # Create the schema once, like the compose stack's init step, before four processes race.
    init = subprocess.run(
        [*cli, "db", "init"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )
    assert init.returncode == 0, init.stdout + init.stderr
    ports = {service: free_port() for service in SERVICES}
    with ExitStack() as cleanup:
        services: list[Child] = []
        for service, port in ports.items():
            args = [*cli, "serve", service, "--bind", f"127.0.0.1:{port}"]
            child = spawn(service, args, workdir, env)
            cleanup.callback(stop, child)
            services.append(child)
        for port in ports.values():
            wait_for_answer(f"http://127.0.0.1:{port}", "/v0/health", services)

        port = free_port()
        conf_dir = workdir / "conf.d"
        conf_dir.mkdir()
        routes = conf_dir / "registry.conf"
        upstreams = conf_dir / "upstreams.conf"
        routes.write_text(generate("nginx", listen=f"127.0.0.1:{port}"), encoding="utf-8")
        addresses = {service: f"127.0.0.1:{p}" for service, p in ports.items()}
        upstreams.write_text(generate("nginx-upstreams", addresses=addresses), encoding="utf-8")
        conf = main_config(binary, workdir, [routes, upstreams])
        checked = nginx_test(binary, workdir, conf)
        assert checked.returncode == 0, checked.stderr
        nginx = spawn("nginx", nginx_args(binary, workdir, conf, "-g", "daemon off;"), workdir, env)
        # SIGQUIT: graceful shutdown, then the group kill in stop() as the last resort.
        cleanup.callback(stop, nginx, signal.SIGQUIT)
        url = f"http://127.0.0.1:{port}"
        wait_for_answer(url, "/-/router-health", [nginx, *services])
        version = ".".join(str(part) for part in nginx_version(binary))
        yield Ingress(url, binary, version, workdir, ports, nginx, services)


def call(
    ingress: Ingress,
    method: str,
    path: str,
    body: Any = None,
    token: str | None = None,
) -> Reply:
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        headers["Content-Type"] = "application/json"
        data = json.dumps(body).encode()
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return request(ingress.url, method, path, headers=headers, body=data)


def answered_by(reply: Reply, service: str, status: int) -> None:
    """``service`` answered with ``status``, and the route table agrees it should."""
    assert reply.status == status, reply.body
    assert reply.header(SERVICE_HEADER) == service, (reply.headers, reply.body)


@pytest.fixture(scope="module")
def token(ingress: Ingress) -> str:
    reply = call(ingress, "POST", "/v0/auth/none")
    answered_by(reply, IDENTITY, 200)
    value = reply.json["registry_token"]
    assert isinstance(value, str)
    return value


# --- the configuration nginx runs is the committed one -----------------------------------


def test_the_running_configuration_is_the_committed_one_but_for_addresses(
    ingress: Ingress,
) -> None:
    committed = COMMITTED_ROUTES.read_text(encoding="utf-8")
    running = (ingress.workdir / "conf.d" / "registry.conf").read_text(encoding="utf-8")
    port = urllib.parse.urlsplit(ingress.url).port
    assert changed_lines(committed, running) == [
        f"-    listen {LISTEN_PORT};",
        f"+    listen 127.0.0.1:{port};",
    ]
    committed_upstreams = COMMITTED_UPSTREAMS.read_text(encoding="utf-8")
    running_upstreams = (ingress.workdir / "conf.d" / "upstreams.conf").read_text("utf-8")
    changed = changed_lines(committed_upstreams, running_upstreams)
    assert sorted(changed) == sorted(
        [f"-    server {COMPOSE_UPSTREAM.format(service=s)};" for s in SERVICES]
        + [f"+    server 127.0.0.1:{ingress.ports[s]};" for s in SERVICES]
    )


def test_nginx_accepts_the_committed_routes_verbatim(ingress: Ingress) -> None:
    # The committed registry.conf byte for byte (`-t` does not bind its port 8080).
    upstreams = ingress.workdir / "conf.d" / "upstreams.conf"
    conf = main_config(ingress.binary, ingress.workdir, [COMMITTED_ROUTES, upstreams])
    checked = nginx_test(ingress.binary, ingress.workdir, conf)
    assert checked.returncode == 0, checked.stderr


def _resolves(host: str) -> bool:
    try:
        socket.getaddrinfo(host, None)
    except OSError:
        return False
    return True


def test_the_committed_upstreams_fail_only_on_the_compose_host_names(ingress: Ingress) -> None:
    # nginx resolves `server` host names when it loads the configuration; outside the
    # compose network `discovery` & co. do not resolve, and that must be the only complaint.
    conf = main_config(ingress.binary, ingress.workdir, [COMMITTED_ROUTES, COMMITTED_UPSTREAMS])
    checked = nginx_test(ingress.binary, ingress.workdir, conf)
    if all(_resolves(service) for service in SERVICES):
        assert checked.returncode == 0, checked.stderr
        return
    assert checked.returncode != 0
    emergencies = [line for line in checked.stderr.splitlines() if "[emerg]" in line]
    assert len(emergencies) == 1, checked.stderr
    host = re.search(r'host not found in upstream "([^":]+):8080"', emergencies[0])
    assert host is not None, checked.stderr
    assert host.group(1) in SERVICES
    assert not _resolves(host.group(1))


# --- requests through nginx reach the service the route table names ---------------------


def test_the_router_answers_its_own_health(ingress: Ingress) -> None:
    reply = request(ingress.url, "GET", "/-/router-health")
    assert (reply.status, reply.body) == (200, b"ok\n")
    assert reply.header(SERVICE_HEADER) is None
    metrics = request(ingress.url, "GET", "/metrics")
    assert metrics.status == 404
    assert metrics.header(SERVICE_HEADER) is None


def test_publish_then_read_back_through_an_encoded_slash(ingress: Ingress, token: str) -> None:
    doc = {"$schema": SCHEMA, "name": NAME, "version": "1.0.0", "description": "Via nginx"}
    published = call(ingress, "POST", "/v0/publish", doc, token)
    answered_by(published, PUBLISHING, 200)

    path = f"/v0/servers/{ENCODED}/versions/latest"
    assert "%2F" in path
    assert service_for("GET", path) == DISCOVERY
    latest = call(ingress, "GET", path)
    answered_by(latest, DISCOVERY, 200)
    assert latest.json["server"]["name"] == NAME
    assert latest.json["server"]["version"] == "1.0.0"
    # Decoded, the name would add a segment and discovery would answer 404; nginx's own
    # log shows the map sent the raw URI to the discovery upstream.
    # nginx logs a request after it has answered it: give the line a moment to land.
    line = f"GET {path} -> 127.0.0.1:{ingress.ports[DISCOVERY]} 200"
    log = ingress.workdir / "access.log"
    eventually(lambda: line in log.read_text(encoding="utf-8"), timeout=5, what=line)

    listed = call(ingress, "GET", "/v0.1/servers?search=nginx-ingress&limit=5")
    answered_by(listed, DISCOVERY, 200)
    assert [s["server"]["name"] for s in listed.json["servers"]] == [NAME]

    versions = call(ingress, "GET", f"/v0/servers/{ENCODED}/versions")
    answered_by(versions, DISCOVERY, 200)


def test_status_change_goes_to_publishing(ingress: Ingress, token: str) -> None:
    doc = {"$schema": SCHEMA, "name": NAME + "-status", "version": "2.0.0", "description": "S"}
    answered_by(call(ingress, "POST", "/v0/publish", doc, token), PUBLISHING, 200)
    encoded = urllib.parse.quote(NAME + "-status", safe="")
    path = f"/v0/servers/{encoded}/versions/2.0.0/status"
    changed = call(ingress, "PATCH", path, {"status": "deprecated"}, token)
    answered_by(changed, PUBLISHING, 200)
    latest = call(ingress, "GET", f"/v0/servers/{encoded}/versions/2.0.0")
    answered_by(latest, DISCOVERY, 200)
    official = latest.json["_meta"]["io.modelcontextprotocol.registry/official"]
    assert official["status"] == "deprecated"


def test_validate_goes_to_publishing(ingress: Ingress) -> None:
    doc = {"$schema": SCHEMA, "name": NAME, "version": "1.0.1", "description": "V"}
    answered_by(call(ingress, "POST", "/v0/validate", doc), PUBLISHING, 200)


def test_identity_routes(ingress: Ingress) -> None:
    providers = call(ingress, "GET", "/v0/auth/providers")
    answered_by(providers, IDENTITY, 200)
    jwks = call(ingress, "GET", "/.well-known/jwks.json")
    answered_by(jwks, IDENTITY, 200)
    assert jwks.json["keys"]
    assert all(key["kty"] == "OKP" for key in jwks.json["keys"])


def test_verify_domain_reaches_domains(ingress: Ingress, token: str) -> None:
    reply = call(ingress, "POST", "/v0/verify-domain", {"domain": "example.com"}, token)
    answered_by(reply, DOMAINS, 200)
    # A DNS challenge: only the domains service produces this document.
    assert reply.json["domain"] == "example.com"
    assert reply.json["state"] == "pending"
    assert reply.json["record"]["type"] == "TXT"


def test_edit_goes_to_publishing(ingress: Ingress, token: str) -> None:
    # The anonymous token may edit its own namespace, as the official one.
    doc = {"$schema": SCHEMA, "name": NAME, "version": "1.0.0", "description": "Edited"}
    reply = call(ingress, "PUT", f"/v0/servers/{ENCODED}/versions/1.0.0", doc, token)
    answered_by(reply, PUBLISHING, 200)
    assert reply.json["server"]["description"] == "Edited"
    other = call(ingress, "PUT", f"/v0/servers/{ENCODED}/versions/9.9.9", doc, token)
    answered_by(other, PUBLISHING, 404)


def test_the_browse_ui_and_docs_go_to_discovery(ingress: Ingress, token: str) -> None:
    name = "io.modelcontextprotocol.anonymous/nginx-browse"
    encoded = urllib.parse.quote(name, safe="")
    doc = {"$schema": SCHEMA, "name": name, "version": "2.0.0", "description": "Via nginx"}
    answered_by(call(ingress, "POST", "/v0/publish", doc, token), PUBLISHING, 200)
    for path in ("/", "/?q=nginx-browse", f"/servers/{encoded}", "/static/browse.css", "/docs"):
        reply = request(ingress.url, "GET", path)
        answered_by(reply, DISCOVERY, 200)
    page = request(ingress.url, "GET", f"/servers/{encoded}")
    assert b">2.0.0</a>" in page.body


def test_trailing_slash_is_redirected_by_the_owner(ingress: Ingress) -> None:
    reply = call(ingress, "GET", f"/v0/servers/{ENCODED}/versions/?limit=1")
    answered_by(reply, DISCOVERY, 308)
    assert reply.header("location") == f"/v0/servers/{ENCODED}/versions?limit=1"
    posted = call(ingress, "POST", "/v0/validate/", {})
    answered_by(posted, PUBLISHING, 308)


def test_unknown_route_is_the_fallbacks_problem(ingress: Ingress) -> None:
    reply = call(ingress, "GET", "/v0/no-such-route")
    answered_by(reply, DISCOVERY, 404)
    assert reply.header("content-type") == "application/problem+json"
    assert reply.json["status"] == 404


@pytest.mark.parametrize(
    ("method", "path", "service", "allowed"),
    [
        ("DELETE", "/v0/publish", PUBLISHING, "POST"),
        ("GET", "/v0/auth/none", IDENTITY, "POST"),
        ("DELETE", "/v0/servers", DISCOVERY, "GET"),
        # The path's methods across services: discovery answers, PUT is publishing's.
        ("DELETE", f"/v0/servers/{ENCODED}/versions/1.0.0", DISCOVERY, "PUT"),
    ],
)
def test_a_wrong_method_is_answered_by_the_paths_owner(
    ingress: Ingress, method: str, path: str, service: str, allowed: str
) -> None:
    assert service_for(method, path) == service
    reply = call(ingress, method, path)
    answered_by(reply, service, 405)
    allow = {m.strip() for m in (reply.header("allow") or "").split(",")}
    assert allowed in allow


@pytest.mark.parametrize(
    ("path", "methods"),
    [
        (f"/v0/servers/{ENCODED}/versions/1.0.0/status", {"PATCH", "OPTIONS"}),
        (f"/v0.1/servers/{ENCODED}/versions/1.0.0", {"GET", "HEAD", "PUT", "OPTIONS"}),
        ("/v0/publish", {"POST", "OPTIONS"}),
        ("/v0/servers", {"GET", "HEAD", "OPTIONS"}),
    ],
)
def test_cors_preflights_pass_through_the_ingress(
    ingress: Ingress, path: str, methods: set[str]
) -> None:
    preflight = {
        "Origin": "https://browser.example",
        "Access-Control-Request-Method": sorted(methods)[0],
        "Access-Control-Request-Headers": "authorization, content-type",
    }
    reply = request(ingress.url, "OPTIONS", path, headers=preflight)
    assert reply.status == 204, reply.body
    allowed = {m.strip() for m in (reply.header("access-control-allow-methods") or "").split(",")}
    assert allowed == methods
    assert reply.header("access-control-allow-origin") == "*"
    assert reply.header("access-control-allow-headers") == "authorization, content-type"
    assert reply.header("access-control-max-age") == "86400"


def test_cors_headers_pass_through_the_ingress(ingress: Ingress) -> None:
    reply = request(
        ingress.url, "GET", "/v0/servers?limit=1", headers={"Origin": "https://browser.example"}
    )
    assert reply.status == 200
    assert reply.header("access-control-allow-origin") == "*"
    exposed = {h.strip() for h in (reply.header("access-control-expose-headers") or "").split(",")}
    assert {"ETag", "Last-Modified", "Retry-After", "Location"} <= exposed


def test_public_reads_are_cached_and_a_publish_shows_up_soon(ingress: Ingress, token: str) -> None:
    path = "/v0/servers?search=ingress-cache&limit=5"
    first = call(ingress, "GET", path)
    answered_by(first, DISCOVERY, 200)
    assert first.header("x-cache-status") in {"MISS", "EXPIRED", "REVALIDATED"}
    # The validity discovery names for nginx is nginx's business, not the client's.
    assert first.header("x-accel-expires") is None
    # Cached to the end of the second: a read right after the first is served by nginx.
    eventually(
        lambda: call(ingress, "GET", path).header("x-cache-status") == "HIT",
        timeout=10,
        what="a cache hit",
    )
    name = NAME + "-ingress-cache"
    # A 404 is never kept: the entry is there as soon as its publish returns.
    missing = f"/v0/servers/{urllib.parse.quote(name, safe='')}/versions/latest"
    for _ in range(2):
        assert call(ingress, "GET", missing).header("x-cache-status") in {"MISS", "EXPIRED"}
    doc = {"$schema": SCHEMA, "name": name, "version": "1.0.0", "description": "Cached"}
    answered_by(call(ingress, "POST", "/v0/publish", doc, token), PUBLISHING, 200)
    assert call(ingress, "GET", missing).status == 200

    def listed() -> bool:
        return [s["server"]["name"] for s in call(ingress, "GET", path).json["servers"]] == [name]

    eventually(listed, timeout=10, what="the publish visible through the ingress")
    # Requests with credentials, and other services' answers, never come from the cache.
    with_token = call(ingress, "GET", path, token=token)
    assert with_token.header("x-cache-status") == "BYPASS"
    health = call(ingress, "GET", "/v0/auth/none")
    assert health.header("x-cache-status") == "BYPASS"
