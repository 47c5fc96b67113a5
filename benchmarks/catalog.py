"""A cheap, deterministic generator of valid server.json documents for the benchmark.

``bench_versions(n_servers)`` yields ``n_servers * VERSIONS_PER_SERVER`` entries in publish
order. Documents look like real registry entries (title, description, repository, an npm or
PyPI package with environment variables, sometimes a remote) and are about the size of the
official registry's average, but are built from a few string templates instead of a random
model so that 100,000 of them take a second or two. Every document passes
``validate_server`` (a unit test checks a sample).

Topics and owners come from :mod:`benchmarks.topics`, the vocabulary of the varied catalog
(:mod:`benchmarks.official_catalog`) the tests seed registries with: one generator family,
two shapes (uniform and cheap here, varied there).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from benchmarks.topics import EPOCH, GITHUB_USERS, TOPIC_BY_SLUG
from mcp_registry.shared.serverjson.schema import CURRENT_SCHEMA_URL

VERSIONS_PER_SERVER: Final = 3
SEED_EPOCH: Final = EPOCH

BENCH_TOPICS: Final = tuple(
    TOPIC_BY_SLUG[slug]
    for slug in (
        "weather", "postgres", "github", "slack", "jira", "kubernetes", "filesystem", "browser",
        "calendar", "email", "stripe", "notion", "sentry", "redis", "translate", "maps",
        "docker", "terraform", "search", "memory",
    )
)  # fmt: skip
"""The topics of the generated servers, in turn (a fixed subset of the shared vocabulary)."""
OWNERS: Final = GITHUB_USERS[:16]

SEARCH_TERMS: Final = (
    *(topic.slug for topic in BENCH_TOPICS[:10]),
    "knowledge graph",
    "pull requests",
    "chen-li",
    "priya",
    "schema introspection",
    "weather-17",
    "no-such-server-anywhere",
)
"""What the search measurement asks for: topics, phrases, owners, one narrow name, one miss."""


@dataclass(frozen=True)
class BenchVersion:
    """One version to seed: identity, document and publish time."""

    name: str
    version: str
    server: dict[str, Any]
    published_at: datetime


def server_name(index: int) -> str:
    """The name of the ``index``-th generated server."""
    slug = BENCH_TOPICS[index % len(BENCH_TOPICS)].slug
    owner = OWNERS[(index // len(BENCH_TOPICS)) % len(OWNERS)]
    return f"io.github.{owner}/{slug}-{index}"


def version_label(version_index: int) -> str:
    """``1.0.0``, ``1.1.0``, ``1.2.0``, ...: later versions are the latest."""
    return f"1.{version_index}.0"


def server_document(index: int, version: str) -> dict[str, Any]:
    """A valid server.json for server ``index`` at ``version``."""
    topic = BENCH_TOPICS[index % len(BENCH_TOPICS)]
    slug, title, description = topic.slug, topic.title, topic.descriptions[0]
    name = server_name(index)
    owner = name.split("/")[0].removeprefix("io.github.")
    repo = name.split("/")[1]
    secret = f"{slug.upper()}_API_KEY"
    package: dict[str, Any]
    if index % 2:
        package = {
            "registryType": "npm",
            "registryBaseUrl": "https://registry.npmjs.org",
            "identifier": f"@{owner}/{repo}",
            "version": version,
            "runtimeHint": "npx",
        }
    else:
        package = {
            "registryType": "pypi",
            "registryBaseUrl": "https://pypi.org",
            "identifier": f"{owner}-{repo}",
            "version": version,
            "runtimeHint": "uvx",
        }
    package["transport"] = {"type": "stdio"}
    package["environmentVariables"] = [
        {
            "name": secret,
            "description": f"Credential for the {title} API",
            "isRequired": True,
            "isSecret": True,
        }
    ]
    doc: dict[str, Any] = {
        "$schema": CURRENT_SCHEMA_URL,
        "name": name,
        "title": f"{title} MCP Server",
        "description": description,
        "version": version,
        "websiteUrl": f"https://{owner}.github.io/{repo}",
        "repository": {
            "url": f"https://github.com/{owner}/{repo}",
            "source": "github",
            "id": str(100_000_000 + index),
        },
        "packages": [package],
    }
    if index % 3 == 0:
        doc["remotes"] = [
            {
                "type": "streamable-http",
                "url": f"https://{repo}-{owner}.fly.dev/mcp",
                "headers": [
                    {
                        "name": "Authorization",
                        "description": f"Bearer token for the {title} API",
                        "isRequired": True,
                        "isSecret": True,
                    }
                ],
            }
        ]
    return doc


def bench_versions(n_servers: int, *, start: datetime = SEED_EPOCH) -> Iterator[BenchVersion]:
    """``n_servers * VERSIONS_PER_SERVER`` versions in publish order (strictly increasing time).

    Version ``k`` of every server is published before version ``k + 1`` of any, as a registry
    that grew over time would have them; the last version of each server is its latest.
    """
    step = timedelta(seconds=1)
    moment = start
    for version_index in range(VERSIONS_PER_SERVER):
        version = version_label(version_index)
        for index in range(n_servers):
            yield BenchVersion(server_name(index), version, server_document(index, version), moment)
            moment += step
