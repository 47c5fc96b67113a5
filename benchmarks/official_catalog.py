"""A realistic, deterministic catalog of registry entries, for tests and demos.

:func:`make_catalog` returns import items in the official list-item shape::

    {"server": <server.json>,
     "_meta": {"io.modelcontextprotocol.registry/official": {
         "status", "statusMessage"?, "publishedAt", "updatedAt", "statusChangedAt", "isLatest"}}}

in publish order (``publishedAt`` strictly increasing), so replaying the list reproduces the
latest-version decisions, including those between non-semantic versions. The same
``(n_servers, seed)`` always gives the same catalog. Every ``server`` passes
``validate_server`` (some carry an older ``$schema`` date and so a deprecation warning).

What is in it, whatever the seed (given enough servers):

* server 0 has four semantic versions with a prerelease, all active;
* server 1 has date-style versions (``2024.10.01``) and server 2 ``v2-beta``-style ones;
* servers 0..9 cover every package registry type (npm, pypi, oci, nuget, mcpb, cargo) and both
  remote transports (streamable-http, sse), with headers and URL variables;
* server 3's only version is deprecated, server 4's first version deleted;
* the rest is drawn at random: more versions, deprecations, deletions, older schema dates.

Topics and publishers come from :mod:`benchmarks.topics`, which the benchmark's own generator
(:mod:`benchmarks.catalog`) draws on too. Tests that need a seeded registry import this module;
it imports nothing from the tests, and no shipped distribution imports it.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from benchmarks.topics import EPOCH, GITHUB_USERS, TOPICS, Topic
from mcp_registry.shared.clock import format_rfc3339
from mcp_registry.shared.serverjson.schema import CURRENT_SCHEMA_URL, schema_url
from mcp_registry.shared.serverjson.versions import pick_latest

OFFICIAL_META_KEY: Final = "io.modelcontextprotocol.registry/official"
PUBLISHER_META_KEY: Final = "io.modelcontextprotocol.registry/publisher-provided"

COMPANIES: Final = (
    "acme", "contoso", "globex", "initech", "umbrella", "stark", "wayne", "hooli",
    "piedpiper", "vandelay", "wonka", "soylent", "tyrell", "cyberdyne", "aperture", "northwind",
)  # fmt: skip
COMPANY_TLDS: Final = ("com", "io", "dev", "ai", "org", "net")
NAME_VARIANTS: Final = ("{slug}", "{slug}-mcp", "mcp-{slug}", "{slug}-server", "{slug}-tools")
OLDER_SCHEMA_DATES: Final = ("2025-10-17", "2025-09-29")

# Features of the first servers, so that every kind of entry exists even in small catalogs.
FORCED_FEATURES: Final[tuple[frozenset[str], ...]] = (
    frozenset({"npm", "streamable-http"}),
    frozenset({"pypi"}),
    frozenset({"oci", "sse"}),
    frozenset({"nuget"}),
    frozenset({"mcpb"}),
    frozenset({"cargo"}),
    frozenset({"streamable-http", "variables"}),
    frozenset({"sse", "streamable-http"}),
    frozenset({"pypi", "oci"}),
    frozenset({"npm", "mcpb"}),
)
RANDOM_FEATURES: Final[tuple[frozenset[str], ...]] = (
    frozenset({"npm"}),
    frozenset({"npm"}),
    frozenset({"pypi"}),
    frozenset({"pypi"}),
    frozenset({"oci"}),
    frozenset({"nuget"}),
    frozenset({"mcpb"}),
    frozenset({"cargo"}),
    frozenset({"streamable-http"}),
    frozenset({"sse"}),
    frozenset({"streamable-http", "variables"}),
    frozenset({"npm", "streamable-http"}),
    frozenset({"pypi", "oci"}),
    frozenset({"oci", "sse"}),
)


@dataclass(frozen=True)
class _Server:
    index: int
    namespace: str
    owner: str
    server_name: str
    topic: Topic
    features: frozenset[str]
    versions: tuple[str, ...]
    statuses: tuple[str, ...]
    older_schema: str | None

    @property
    def name(self) -> str:
        return f"{self.namespace}/{self.server_name}"

    @property
    def domain(self) -> str:
        # The namespace read back as a host name: com.acme -> acme.com.
        return ".".join(reversed(self.namespace.split(".")))


@dataclass(frozen=True)
class _Published:
    version: str
    published_at: datetime
    status: str


def make_catalog(n_servers: int = 200, seed: int = 0) -> list[dict[str, Any]]:
    """``n_servers`` distinct servers, with all their versions, as official list items.

    Deterministic in ``(n_servers, seed)``; items are in publish order with strictly
    increasing ``publishedAt``. See the module docstring for what the catalog contains.
    """
    if n_servers < 0:
        raise ValueError("n_servers must not be negative")
    rng = random.Random(seed)
    servers = [_server(rng, index, identity) for index, identity in _names(rng, n_servers)]
    events = _schedule(rng, servers)
    latest = _latest_versions(servers, events)
    items = []
    for (server, version_index), published_at in events:
        version = server.versions[version_index]
        status = server.statuses[version_index]
        items.append(
            {
                "server": _document(server, version_index),
                "_meta": {
                    OFFICIAL_META_KEY: _official(
                        rng, status, published_at, latest[server.name] == version
                    )
                },
            }
        )
    return items


def _names(rng: random.Random, count: int) -> list[tuple[int, tuple[str, str, str, Topic]]]:
    seen: set[str] = set()
    out: list[tuple[int, tuple[str, str, str, Topic]]] = []
    while len(out) < count:
        topic = TOPICS[len(out) % len(TOPICS)] if len(out) < len(TOPICS) else rng.choice(TOPICS)
        if rng.random() < 0.5:
            owner = rng.choice(GITHUB_USERS)
            namespace = f"io.github.{owner}"
        else:
            owner = rng.choice(COMPANIES)
            namespace = f"{rng.choice(COMPANY_TLDS)}.{owner}"
            if rng.random() < 0.15:
                namespace += ".mcp"
        server_name = rng.choice(NAME_VARIANTS).format(slug=topic.slug)
        if f"{namespace}/{server_name}" in seen:
            # Natural names never end in digits, so this one is new; and the loop always ends.
            server_name = f"{server_name}-{len(out)}"
        name = f"{namespace}/{server_name}"
        seen.add(name)
        out.append((len(out), (namespace, owner, server_name, topic)))
    return out


def _server(rng: random.Random, index: int, identity: tuple[str, str, str, Topic]) -> _Server:
    namespace, owner, server_name, topic = identity
    if index < len(FORCED_FEATURES):
        features = FORCED_FEATURES[index]
    else:
        features = rng.choice(RANDOM_FEATURES)
    versions = _versions(rng, index)
    statuses = _statuses(rng, index, len(versions))
    older = rng.choice(OLDER_SCHEMA_DATES) if index >= 3 and rng.random() < 0.12 else None
    return _Server(index, namespace, owner, server_name, topic, features, versions, statuses, older)


def _versions(rng: random.Random, index: int) -> tuple[str, ...]:
    if index == 0:
        return ("0.9.0", "1.0.0-rc.1", "1.0.0", "1.1.0")
    if index == 1:
        return ("2024.10.01", "2024.11.15", "2025.01.20")
    if index == 2:
        return ("v1-beta", "v2-beta", "v2")
    roll = rng.random()
    if roll < 0.65:
        return (_semver(rng),)
    if roll < 0.9:
        return _semver_series(rng, rng.randint(2, 4))
    if roll < 0.95:
        start = EPOCH - timedelta(days=rng.randint(30, 400))
        dates = sorted(
            {start + timedelta(days=rng.randint(0, 300)) for _ in range(rng.randint(2, 3))}
        )
        return tuple(d.strftime("%Y.%m.%d") for d in dates)
    major = rng.randint(1, 3)
    return (f"v{major}-alpha", f"v{major}-beta")


def _semver(rng: random.Random) -> str:
    return f"{rng.choice((0, 1, 1, 2))}.{rng.randint(0, 12)}.{rng.randint(0, 9)}"


def _semver_series(rng: random.Random, count: int) -> tuple[str, ...]:
    major, minor, patch = rng.choice((0, 1, 2)), rng.randint(0, 6), rng.randint(0, 4)
    out: list[str] = []
    while len(out) < count:
        step = rng.random()
        if step < 0.5:
            patch += 1
        elif step < 0.85:
            minor, patch = minor + 1, 0
        else:
            major, minor, patch = major + 1, 0, 0
        release = f"{major}.{minor}.{patch}"
        if rng.random() < 0.2 and len(out) < count - 1:
            out.append(f"{release}-{rng.choice(('alpha', 'beta', 'rc'))}.{rng.randint(1, 3)}")
        out.append(release)
    return tuple(out[:count])


def _statuses(rng: random.Random, index: int, count: int) -> tuple[str, ...]:
    if index in (0, 1, 2):
        return ("active",) * count
    if index == 3:
        return ("deprecated",) * count
    if index == 4:
        return ("deleted",) + ("active",) * (count - 1)
    out = []
    for _ in range(count):
        roll = rng.random()
        out.append("deleted" if roll < 0.04 else "deprecated" if roll < 0.1 else "active")
    return tuple(out)


def _schedule(
    rng: random.Random, servers: list[_Server]
) -> list[tuple[tuple[_Server, int], datetime]]:
    # Each server starts somewhere in a 200-day window and publishes its versions weeks apart;
    # publications of different servers interleave, as they do in a live registry.
    raw: list[tuple[datetime, int, int]] = []
    for server in servers:
        moment = EPOCH + timedelta(days=rng.uniform(0, 200))
        for version_index in range(len(server.versions)):
            raw.append((moment, server.index, version_index))
            moment += timedelta(days=rng.uniform(2, 40), seconds=rng.randint(0, 86_399))
    raw.sort()
    events: list[tuple[tuple[_Server, int], datetime]] = []
    previous: datetime | None = None
    for moment, server_index, version_index in raw:
        stamp = moment.replace(microsecond=(moment.microsecond // 1000) * 1000)
        if previous is not None and stamp <= previous:
            stamp = previous + timedelta(milliseconds=1)
        events.append(((servers[server_index], version_index), stamp))
        previous = stamp
    return events


def _latest_versions(
    servers: list[_Server], events: list[tuple[tuple[_Server, int], datetime]]
) -> dict[str, str]:
    by_name: dict[str, list[_Published]] = {s.name: [] for s in servers}
    for (server, version_index), published_at in events:
        by_name[server.name].append(
            _Published(server.versions[version_index], published_at, server.statuses[version_index])
        )
    latest: dict[str, str] = {}
    for name, published in by_name.items():
        best = pick_latest(published)
        if best is not None:
            latest[name] = best.version
    return latest


def _official(
    rng: random.Random, status: str, published_at: datetime, is_latest: bool
) -> dict[str, Any]:
    changed_at = published_at
    if status != "active":
        changed_at = published_at + timedelta(days=rng.uniform(1, 30))
    meta: dict[str, Any] = {
        "status": status,
        "publishedAt": format_rfc3339(published_at),
        "updatedAt": format_rfc3339(changed_at),
        "statusChangedAt": format_rfc3339(changed_at),
        "isLatest": is_latest,
    }
    if status == "deprecated":
        meta["statusMessage"] = "Superseded by a newer release; please upgrade."
    elif status == "deleted":
        meta["statusMessage"] = "Removed at the publisher's request."
    return meta


def _document(server: _Server, version_index: int) -> dict[str, Any]:
    version = server.versions[version_index]
    # A hash of the identity keeps optional fields stable across the versions of one server.
    knobs = int(hashlib.sha256(server.name.encode()).hexdigest()[:8], 16)
    is_last = version_index == len(server.versions) - 1
    schema = CURRENT_SCHEMA_URL
    if server.older_schema is not None and not is_last:
        schema = schema_url(server.older_schema)
    topic = server.topic
    doc: dict[str, Any] = {
        "$schema": schema,
        "name": server.name,
        "title": _title(server, knobs),
        "description": topic.descriptions[knobs % len(topic.descriptions)],
        "version": version,
    }
    if knobs % 10 < 7:
        doc["websiteUrl"] = f"https://{server.domain}/{server.server_name}"
    if knobs % 10 < 8:
        doc["repository"] = _repository(server, knobs)
    if knobs % 5 == 0:
        doc["icons"] = [
            {
                "src": f"https://{server.domain}/{server.server_name}/icon.png",
                "mimeType": "image/png",
                "sizes": ["48x48", "96x96"],
            }
        ]
    packages = [
        _package(kind, server, version) for kind in _PACKAGE_ORDER if kind in server.features
    ]
    if packages:
        doc["packages"] = packages
    remotes = _remotes(server)
    if remotes:
        doc["remotes"] = remotes
    if knobs % 9 == 0:
        doc["_meta"] = {
            PUBLISHER_META_KEY: {
                "tool": "catalog-generator",
                "buildInfo": {
                    "commit": hashlib.sha256(f"{server.name}@{version}".encode()).hexdigest()[:12]
                },
            }
        }
    return doc


def _title(server: _Server, knobs: int) -> str:
    if server.namespace.startswith("io.github."):
        return server.topic.title if knobs % 2 else f"{server.topic.title} MCP Server"
    return f"{server.owner.capitalize()} {server.topic.title}"


def _repository(server: _Server, knobs: int) -> dict[str, Any]:
    repo = f"{server.server_name}"
    if server.namespace.startswith("io.github.") or knobs % 3:
        out: dict[str, Any] = {
            "url": f"https://github.com/{server.owner}/{repo}",
            "source": "github",
            "id": str(100_000_000 + knobs % 900_000_000),
        }
        if knobs % 4 == 0:
            out["subfolder"] = f"servers/{server.topic.slug}"
        return out
    return {"url": f"https://gitlab.com/{server.owner}/mcp/{repo}", "source": "gitlab"}


_PACKAGE_ORDER: Final = ("npm", "pypi", "oci", "nuget", "mcpb", "cargo")


def _env(server: _Server) -> list[dict[str, Any]]:
    if server.topic.secret is None:
        return []
    return [
        {
            "name": server.topic.secret,
            "description": f"Credential for the {server.topic.title} API",
            "isRequired": True,
            "isSecret": True,
        }
    ]


def _package(kind: str, server: _Server, version: str) -> dict[str, Any]:
    slug, owner = server.topic.slug, server.owner
    package: dict[str, Any]
    if kind == "npm":
        package = {
            "registryType": "npm",
            "registryBaseUrl": "https://registry.npmjs.org",
            "identifier": f"@{owner}/{server.server_name}",
            "version": version,
            "runtimeHint": "npx",
            "transport": {"type": "stdio"},
        }
    elif kind == "pypi":
        package = {
            "registryType": "pypi",
            "registryBaseUrl": "https://pypi.org",
            "identifier": f"{owner}-{server.server_name}",
            "version": version,
            "runtimeHint": "uvx",
            "transport": {"type": "stdio"},
        }
    elif kind == "oci":
        package = {
            "registryType": "oci",
            "identifier": f"ghcr.io/{owner}/{server.server_name}:{version}",
            "runtimeHint": "docker",
            "runtimeArguments": [{"type": "positional", "value": "--rm"}],
            "packageArguments": [
                {"type": "named", "name": "--port", "valueHint": "port", "default": "8080"}
            ],
            "transport": {"type": "streamable-http", "url": "http://localhost:{port}/mcp"},
        }
    elif kind == "nuget":
        pascal = "".join(part.capitalize() for part in f"{owner}-{slug}".split("-"))
        package = {
            "registryType": "nuget",
            "registryBaseUrl": "https://api.nuget.org/v3/index.json",
            "identifier": f"{pascal}.Mcp",
            "version": version,
            "runtimeHint": "dnx",
            "transport": {"type": "stdio"},
        }
    elif kind == "mcpb":
        tag = version if version.startswith("v") else f"v{version}"
        package = {
            "registryType": "mcpb",
            "identifier": (
                f"https://github.com/{owner}/{server.server_name}/releases/download/"
                f"{tag}/{slug}.mcpb"
            ),
            "version": version,
            "fileSha256": hashlib.sha256(f"{server.name}@{version}".encode()).hexdigest(),
            "transport": {"type": "stdio"},
        }
    else:
        package = {
            "registryType": "cargo",
            "registryBaseUrl": "https://crates.io",
            "identifier": f"{owner}-{server.server_name}",
            "version": version,
            "transport": {"type": "stdio"},
        }
    env = _env(server)
    if env:
        package["environmentVariables"] = env
    return package


def _remotes(server: _Server) -> list[dict[str, Any]]:
    remotes: list[dict[str, Any]] = []
    if server.namespace.startswith("io.github."):
        # Individual authors tend to host on a platform subdomain rather than their own domain.
        base = f"{server.server_name}-{server.owner}.fly.dev/mcp"
    else:
        base = f"mcp.{server.domain}/{server.server_name}"
    if "streamable-http" in server.features:
        remote: dict[str, Any] = {"type": "streamable-http", "url": f"https://{base}"}
        if "variables" in server.features:
            remote["url"] = f"https://{{tenant}}.{base}"
            remote["variables"] = {
                "tenant": {
                    "description": "Your workspace identifier",
                    "isRequired": True,
                    "placeholder": "my-team",
                }
            }
        if server.topic.secret is not None:
            remote["headers"] = [
                {
                    "name": "Authorization",
                    "description": f"Bearer token for the {server.topic.title} API",
                    "isRequired": True,
                    "isSecret": True,
                    "value": "Bearer {token}",
                    "variables": {"token": {"isRequired": True, "isSecret": True}},
                }
            ]
        remotes.append(remote)
    if "sse" in server.features:
        sse: dict[str, Any] = {"type": "sse", "url": f"https://{base}/sse"}
        if server.topic.secret is not None:
            sse["headers"] = [
                {
                    "name": "X-API-Key",
                    "description": "API key",
                    "isRequired": True,
                    "isSecret": True,
                }
            ]
        remotes.append(sse)
    return remotes
