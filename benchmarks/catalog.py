"""A cheap, deterministic generator of valid server.json documents for the benchmark.

``bench_versions(n_servers)`` yields ``n_servers * VERSIONS_PER_SERVER`` entries in publish
order. Documents look like real registry entries (title, description, repository, an npm or
PyPI package with environment variables, sometimes a remote) and are about the size of the
official registry's average, but are built from a few string templates instead of a random
model so that 100,000 of them take a second or two. Every document passes
``validate_server`` (a unit test checks a sample).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from mcp_registry.shared.serverjson.schema import CURRENT_SCHEMA_URL

VERSIONS_PER_SERVER: Final = 3
SEED_EPOCH: Final = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)

TOPICS: Final = (
    ("weather", "Weather", "Forecasts, current conditions and severe weather alerts"),
    ("postgres", "PostgreSQL", "Read-only SQL queries and schema introspection for Postgres"),
    ("github", "GitHub", "Search repositories, triage issues and review pull requests"),
    ("slack", "Slack", "Read channels, post messages and summarize Slack threads"),
    ("jira", "Jira", "Create, update and transition Jira tickets; query boards with JQL"),
    ("kubernetes", "Kubernetes", "Inspect pods, tail logs and roll out deployments"),
    ("filesystem", "Filesystem", "Sandboxed file reading, writing and directory listing"),
    ("browser", "Browser Automation", "Navigate pages, fill forms and take screenshots"),
    ("calendar", "Calendar", "Schedule meetings, find free slots and manage invitations"),
    ("email", "Email", "Draft, send and search email over IMAP and SMTP"),
    ("stripe", "Stripe", "Look up customers, invoices and subscriptions; issue refunds"),
    ("notion", "Notion", "Search pages, query databases and append blocks to documents"),
    ("sentry", "Sentry", "Fetch issues, stack traces and release health for projects"),
    ("redis", "Redis", "Inspect keys, streams and memory usage; run safe commands"),
    ("translate", "Translation", "Translate text between languages and detect the source"),
    ("maps", "Maps", "Geocoding, directions and nearby place search"),
    ("docker", "Docker", "Manage containers, images and volumes from your assistant"),
    ("terraform", "Terraform", "Plan and review Terraform changes; read provider docs"),
    ("search", "Web Search", "Privacy-respecting web search with snippets and news"),
    ("memory", "Knowledge Graph Memory", "Persistent memory stored as a local knowledge graph"),
)
OWNERS: Final = (
    "alice", "bob-dev", "chen-li", "dmitri", "emma-w", "farah", "gustavo", "hiro",
    "ines", "jamal", "kasia", "lars", "mei", "nadia", "oscar", "priya",
)  # fmt: skip

SEARCH_TERMS: Final = (
    *(slug for slug, _, _ in TOPICS[:10]),
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
    slug = TOPICS[index % len(TOPICS)][0]
    owner = OWNERS[(index // len(TOPICS)) % len(OWNERS)]
    return f"io.github.{owner}/{slug}-{index}"


def version_label(version_index: int) -> str:
    """``1.0.0``, ``1.1.0``, ``1.2.0``, ...: later versions are the latest."""
    return f"1.{version_index}.0"


def server_document(index: int, version: str) -> dict[str, Any]:
    """A valid server.json for server ``index`` at ``version``."""
    slug, title, description = TOPICS[index % len(TOPICS)]
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
