"""``mcp-publisher init``: a starting server.json from what the project already says."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import click

from mcp_registry.cli.publisher.documents import DEFAULT_FILE
from mcp_registry.cli.publisher.errors import ExitCode, PublisherError
from mcp_registry.cli.publisher.options import json_option
from mcp_registry.cli.publisher.project_facts import ProjectFacts, read_project
from mcp_registry.cli.publisher.session import session_of

SCHEMA_URL = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json"
MAX_DESCRIPTION = 100
_NAME_PART = re.compile(r"[^A-Za-z0-9._-]+")


def build_document(facts: ProjectFacts, name: str | None = None) -> dict[str, Any]:
    """The server.json ``init`` writes: the facts, with placeholders a person must edit."""
    document: dict[str, Any] = {
        "$schema": SCHEMA_URL,
        "name": name or facts.mcp_name or _default_name(facts),
        "description": (facts.description or "TODO: describe what this server does")[
            :MAX_DESCRIPTION
        ],
        "version": facts.version or "1.0.0",
    }
    if facts.repository_url:
        document["repository"] = {"url": facts.repository_url, "source": _source(facts)}
    if facts.website and facts.website.startswith("https://"):
        document["websiteUrl"] = facts.website
    if facts.packages:
        document["packages"] = facts.packages
    return document


def _default_name(facts: ProjectFacts) -> str:
    short = _NAME_PART.sub("-", facts.github_repo or facts.name or "my-server").strip("-")
    owner = facts.github_owner or "your-github-login"
    return f"io.github.{owner}/{short or 'my-server'}"


def _source(facts: ProjectFacts) -> str:
    url = facts.repository_url or ""
    return "gitlab" if "gitlab" in url else "github"


@click.command()
@click.option(
    "--file",
    "target",
    type=click.Path(dir_okay=False, path_type=Path),
    default=DEFAULT_FILE,
    show_default=True,
    help="Where to write.",
)
@click.option("--name", help="The server name (default: io.github.<owner>/<repo>, or mcpName).")
@click.option(
    "--project",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=Path("."),
    help="The project folder to read (default: the current one).",
)
@json_option
@click.pass_context
def init(ctx: click.Context, target: Path, name: str | None, project: Path) -> None:
    """Write a server.json from package.json, pyproject.toml, Dockerfile and the git remote.

    Never overwrites an existing file. Review the result (description, transport,
    environment variables), then `mcp-publisher validate`.

    \b
    Example:
      cd my-server && mcp-publisher init && mcp-publisher validate
    """
    session = session_of(ctx)
    if target.exists():
        raise PublisherError(
            f"{target} already exists; init never overwrites it",
            code=ExitCode.USAGE,
            hint="edit it, delete it first, or pass --file with another name",
        )
    facts = read_project(project)
    document = build_document(facts, name)
    text = json.dumps(document, indent=2) + "\n"
    try:
        with target.open("x", encoding="utf-8") as stream:
            stream.write(text)
    except FileExistsError:
        raise PublisherError(f"{target} appeared meanwhile; not overwritten") from None
    if session.json_output:
        session.emit_json({"file": str(target), "sources": facts.sources, "server": document})
        return
    found = ", ".join(facts.sources) or "nothing (a template)"
    session.out.print(f"[green]Wrote {target}[/] from {found}.")
    todo = []
    if document["description"].startswith("TODO"):
        todo.append("describe the server in `description`")
    if "your-github-login" in document["name"]:
        todo.append("set `name` (io.github.<login>/<name>, or com.example/<name> for a domain)")
    if not facts.packages:
        todo.append("add a `packages` or `remotes` entry")
    elif any(p["registryType"] == "npm" for p in facts.packages) and not facts.mcp_name:
        todo.append(f'add "mcpName": "{document["name"]}" to package.json (ownership check)')
    elif any(p["registryType"] == "pypi" for p in facts.packages):
        todo.append(f"add `mcp-name: {document['name']}` to your README (PyPI ownership check)")
    for item in todo:
        session.out.print(f"  - TODO: {item}")
    session.out.print("Next: mcp-publisher validate")
