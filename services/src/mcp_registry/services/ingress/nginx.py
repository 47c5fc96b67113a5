"""The nginx router configuration, generated from the route table (DESIGN §3).

nginx matches ``location`` blocks against the *decoded* URI, which would split a server name
sent as ``io.github.a%2Fb`` into two segments. The router therefore picks the upstream with a
``map`` over ``"$request_method <raw path>"`` (the raw path is ``$request_uri`` without its
query) and proxies with ``proxy_pass http://$upstream`` without a URI part, which forwards the
request URI exactly as the client sent it.

Map entries follow :func:`~mcp_registry.services.route_table.service_for`: first a
method-aware entry per route (OPTIONS goes with any route's path), then a path-only entry per
route so a path served with other methods reaches its owner, which answers 405. Anything else
goes to the fallback service (its 404 is the registry's 404). A trailing slash routes like the
canonical path, whose owner answers the 308.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from mcp_registry.services.route_table import DISCOVERY, ROUTES, SERVICES, Route

UPSTREAM_PREFIX = "registry_"
"""Upstream group names are ``registry_<service>``; the deployment defines the groups."""

LISTEN_PORT = 8080
"""The router listens here (unprivileged, like every registry container)."""

PATH_VARIABLE = "$registry_path"
UPSTREAM_VARIABLE = "$registry_upstream"

CACHE_PATH = "/tmp/mcp-registry-cache"  # noqa: S108 (a path inside the nginx container)
"""Where the router caches public reads (``/tmp`` is the writable tmpfs of the compose service
and the chart's pod)."""
CACHE_ZONE = "registry_reads"
SKIP_CACHE_VARIABLE = "$registry_skip_cache"

HEADER = """\
# GENERATED from services/route_table.py by `mcp-registry routes nginx`: do not edit.
# The unified API on one port: requests go to a service by method AND path
# (docs/deploy.md, "The generated routing").
# Upstream groups registry_<service> are defined next to this file (compose) or by the chart.
"""


def upstream_name(service: str) -> str:
    """The nginx upstream group of ``service``."""
    return UPSTREAM_PREFIX + service


def path_regex(route: Route) -> str:
    """A PCRE (and Python ``re``) pattern of the raw paths ``route`` covers.

    Parameters match one segment (``[^/]+``); trailing slashes are tolerated so the owner
    answers the redirect.
    """
    body = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(route.path))
    if route.prefixed:
        prefixes = "|".join(re.escape(p) for p in route.prefixes)
        return f"(?:{prefixes}){body}/*"
    return f"{body}/*"


def map_entries(routes: Iterable[Route] = ROUTES) -> list[tuple[str, str]]:
    """``(regex, service)`` pairs in match order over ``"METHOD raw-path"``."""
    table = tuple(route for route in routes if route.public)
    entries: list[tuple[str, str]] = []
    for route in table:
        methods = "|".join((*route.methods, "OPTIONS"))
        entries.append((f"^(?:{methods}) {path_regex(route)}$", route.service))
    for route in table:
        entries.append((f"^[A-Z]+ {path_regex(route)}$", route.service))
    return _dedupe(entries)


def _dedupe(entries: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen: set[str] = set()
    kept: list[tuple[str, str]] = []
    for regex, service in entries:
        if regex not in seen:
            seen.add(regex)
            kept.append((regex, service))
    return kept


REFUSED_BODY = (
    '{"title":"Not Found","status":404,'
    '"detail":"This path is not served through the public ingress"}'
)


def refused_locations(routes: Iterable[Route] = ROUTES) -> str:
    """``location`` blocks answering 404 for the routes that are not public.

    They match the decoded URI with any number of leading and trailing slashes (the services
    route ``//metrics`` like ``/metrics``), before the catch-all proxying location.
    """
    blocks: list[str] = []
    for route in routes:
        if route.public:
            continue
        regex = "^/+" + path_regex(route).removeprefix("/") + "$"
        blocks.append(
            f"    location ~ {_quote(regex)} {{\n"
            "        default_type application/problem+json;\n"
            f"        return 404 '{REFUSED_BODY}';\n"
            "    }"
        )
    return "\n\n".join(blocks)


def _quote(value: str) -> str:
    if '"' in value or "\\\\" in value:
        raise ValueError(f"cannot quote {value!r} for nginx")
    return f'"{value}"'


def read_cache(cache_path: str = CACHE_PATH) -> list[str]:
    """The ``http``-level lines of the read cache: its zone, and which requests skip it.

    Only the discovery service's answers are cached (its reads are public by contract); any
    other service's, and any request carrying credentials, bypass the cache.
    """
    return [
        "# Public reads are cached here up to a second, revalidated by ETag (the CDN layer).",
        f"proxy_cache_path {_address(cache_path)} levels=1:2 keys_zone={CACHE_ZONE}:10m "
        "max_size=256m inactive=10m use_temp_path=off;",
        f"map {UPSTREAM_VARIABLE} {SKIP_CACHE_VARIABLE} {{",
        f"    {upstream_name(DISCOVERY)} 0;",
        "    default 1;",
        "}",
        "",
    ]


CACHE_DIRECTIVES = f"""
        # Discovery's answers name their validity (X-Accel-Expires: @<the second they were
        # made>): fresh to the end of that second, so a publish is visible within a second
        # (nginx counts validity in whole seconds; "1s" would mean one to two). After it, one
        # request revalidates (If-None-Match) while the others wait for it or get the copy
        # being refreshed. Errors (a 404 before a publish) are not kept at all.
        proxy_cache {CACHE_ZONE};
        proxy_cache_key $scheme$host$request_uri;
        proxy_cache_valid 200 1s;
        proxy_cache_revalidate on;
        proxy_cache_lock on;
        proxy_cache_lock_timeout 2s;
        proxy_cache_use_stale updating;
        proxy_cache_bypass {SKIP_CACHE_VARIABLE} $http_authorization;
        proxy_no_cache {SKIP_CACHE_VARIABLE} $http_authorization;
        # The services' Cache-Control is for browsers and CDNs; this cache keeps a second.
        proxy_ignore_headers Cache-Control Expires;
        add_header X-Cache-Status $upstream_cache_status always;"""


def render_routes(
    routes: Iterable[Route] = ROUTES,
    *,
    fallback: str = DISCOVERY,
    listen: str = str(LISTEN_PORT),
    cache_path: str = CACHE_PATH,
) -> str:
    """The router's ``http``-level configuration: the maps and the ``server`` block.

    ``listen`` is the ``listen`` directive's address (``8080``, ``127.0.0.1:18080``) and
    ``cache_path`` the read cache's directory; the committed configuration keeps the defaults.
    """
    table = tuple(routes)
    lines = [HEADER]
    lines.append("# The raw request path: $request_uri without its query string.")
    lines.append(f"map $request_uri {PATH_VARIABLE} {{")
    lines.append('    "~^(?P<registry_raw_path>[^?]*)" $registry_raw_path;')
    lines.append("}")
    lines.append("")
    lines.append("# Which service answers: first matching entry wins.")
    lines.append(f'map "$request_method {PATH_VARIABLE}" {UPSTREAM_VARIABLE} {{')
    lines.append(f"    default {upstream_name(fallback)};")
    for regex, service in map_entries(table):
        lines.append(f"    {_quote('~' + regex)} {upstream_name(service)};")
    lines.append("}")
    lines.append("")
    lines.extend(read_cache(cache_path))
    server = SERVER_BLOCK.format(
        listen=_address(listen),
        upstream=UPSTREAM_VARIABLE,
        refused=refused_locations(table),
        cache=CACHE_DIRECTIVES,
    )
    lines.append(server.strip("\n"))
    return "\n".join(lines) + "\n"


_ADDRESS = re.compile(r"^[A-Za-z0-9_./:\[\]\-]+$")


def _address(value: str) -> str:
    """``value`` when nginx takes it unquoted: ``host:port``, ``port`` or ``unix:/path``."""
    if not _ADDRESS.match(value):
        raise ValueError(f"not an address nginx can take: {value!r}")
    return value


SERVER_BLOCK = """
server {{
    listen {listen};
    server_name _;
    # Names travel URL-encoded (%2F); keep the request URI exactly as sent.
    merge_slashes off;
    # The services bound bodies themselves (MCP_REGISTRY_MAX_BODY_BYTES); this is a backstop.
    client_max_body_size 2m;

    # The router's own liveness, for probes and healthchecks.
    location = /-/router-health {{
        access_log off;
        default_type text/plain;
        return 200 "ok\\n";
    }}

    # Routes that are not public (per-service metrics): scraped from the services directly,
    # never through the ingress.
{refused}

    location / {{
        proxy_pass http://{upstream};
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header X-Forwarded-Host $host;
        proxy_connect_timeout 5s;
        proxy_read_timeout 60s;
        # Retries only reach another replica for idempotent methods (nginx default).
        proxy_next_upstream error timeout;
        proxy_next_upstream_tries 2;{cache}
    }}
}}
"""


def render_upstreams(
    server_format: str,
    services: Iterable[str] = SERVICES,
    *,
    addresses: Mapping[str, str] | None = None,
) -> str:
    """``upstream`` groups for ``services``; ``server_format`` names the address, e.g.
    ``"{service}:8080"``, unless ``addresses`` maps the service to its own ``host:port``."""
    names = tuple(services)
    overrides = dict(addresses or {})
    unknown = sorted(set(overrides) - set(names))
    if unknown:
        raise ValueError(f"addresses for unknown services: {', '.join(unknown)}")
    lines = [
        "# GENERATED by `mcp-registry routes nginx-upstreams`: do not edit.",
        "# One upstream group per service; the router's routing map picks among them.",
    ]
    for service in names:
        address = overrides.get(service) or server_format.format(service=service)
        lines.append(f"upstream {upstream_name(service)} {{")
        lines.append(f"    server {_address(address)};")
        lines.append("    keepalive 16;")
        lines.append("}")
    return "\n".join(lines) + "\n"
