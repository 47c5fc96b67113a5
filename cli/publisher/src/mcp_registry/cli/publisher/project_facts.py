"""What ``init`` can learn from a project folder: package.json, pyproject.toml, Dockerfile, git.

Pure reading, no network: every function takes the folder and returns what it found (or
None), so ``init`` and its tests stay simple.
"""

from __future__ import annotations

import configparser
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_GITHUB_REMOTE = re.compile(
    r"^(?:https?://|ssh://git@|git@)(?P<host>[^/:]+)[/:](?P<owner>[^/]+)/(?P<repo>[^/]+?)(?:\.git)?/?$"
)
_OCI_LABEL = re.compile(r"io\.modelcontextprotocol\.server\.name\s*=\s*\"?([^\"\s]+)\"?")


@dataclass
class ProjectFacts:
    """Everything found; fields stay None when nothing said."""

    name: str | None = None
    description: str | None = None
    version: str | None = None
    repository_url: str | None = None
    github_owner: str | None = None
    github_repo: str | None = None
    website: str | None = None
    packages: list[dict[str, Any]] = field(default_factory=list)
    mcp_name: str | None = None
    sources: list[str] = field(default_factory=list)


def read_project(folder: Path) -> ProjectFacts:
    """Combine every source in ``folder``; package.json first, then pyproject, Dockerfile."""
    facts = ProjectFacts()
    _git_remote(folder, facts)
    _package_json(folder, facts)
    _pyproject(folder, facts)
    _dockerfile(folder, facts)
    return facts


def _git_remote(folder: Path, facts: ProjectFacts) -> None:
    config = folder / ".git" / "config"
    if not config.is_file():
        return
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    try:
        parser.read(config, encoding="utf-8")
    except configparser.Error:
        return
    url = parser.get('remote "origin"', "url", fallback=None)
    if url is None:
        return
    match = _GITHUB_REMOTE.match(url.strip())
    if match is None:
        return
    host, owner, repo = match["host"], match["owner"], match["repo"]
    facts.repository_url = f"https://{host}/{owner}/{repo}"
    if host == "github.com":
        facts.github_owner, facts.github_repo = owner, repo
    facts.sources.append("git remote")


def _package_json(folder: Path, facts: ProjectFacts) -> None:
    path = folder / "package.json"
    data = _json(path)
    if data is None:
        return
    facts.sources.append("package.json")
    name, version = data.get("name"), data.get("version")
    facts.description = facts.description or _str(data.get("description"))
    facts.version = facts.version or _str(version)
    facts.mcp_name = facts.mcp_name or _str(data.get("mcpName"))
    facts.website = facts.website or _str(data.get("homepage"))
    if isinstance(name, str) and isinstance(version, str):
        facts.name = facts.name or name.split("/")[-1]
        facts.packages.append(
            {
                "registryType": "npm",
                "identifier": name,
                "version": version,
                "transport": {"type": "stdio"},
            }
        )
    if facts.repository_url is None:
        repository = data.get("repository")
        url = repository.get("url") if isinstance(repository, dict) else repository
        if isinstance(url, str):
            match = _GITHUB_REMOTE.match(url.removeprefix("git+"))
            if match is not None:
                facts.repository_url = f"https://{match['host']}/{match['owner']}/{match['repo']}"
                if match["host"] == "github.com":
                    facts.github_owner, facts.github_repo = match["owner"], match["repo"]


def _pyproject(folder: Path, facts: ProjectFacts) -> None:
    path = folder / "pyproject.toml"
    if not path.is_file():
        return
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return
    project = data.get("project")
    if not isinstance(project, dict):
        return
    facts.sources.append("pyproject.toml")
    name, version = _str(project.get("name")), _str(project.get("version"))
    facts.description = facts.description or _str(project.get("description"))
    facts.version = facts.version or version
    urls = project.get("urls")
    if isinstance(urls, dict):
        _project_urls(urls, facts)
    if name and version:
        facts.name = facts.name or name
        facts.packages.append(
            {
                "registryType": "pypi",
                "identifier": name,
                "version": version,
                "transport": {"type": "stdio"},
            }
        )


REPOSITORY_LABELS = ("repository", "source", "sourcecode", "code")
HOMEPAGE_LABELS = ("homepage", "home", "website")
"""``[project.urls]`` labels, normalised as PyPI does (lower case, no spaces or punctuation):
``Repository``, ``Source Code``, ``source-code`` are one label."""


def _label(key: object) -> str:
    return re.sub(r"[^a-z0-9]", "", str(key).lower())


def _project_urls(urls: dict[str, Any], facts: ProjectFacts) -> None:
    """``Repository`` (or ``Source``) and ``Homepage`` of ``[project.urls]``."""
    by_label = {_label(key): _str(value) for key, value in urls.items()}
    homepage = next((by_label[k] for k in HOMEPAGE_LABELS if by_label.get(k)), None)
    facts.website = facts.website or homepage
    if facts.repository_url is not None:
        return
    for label in REPOSITORY_LABELS:
        url = by_label.get(label)
        match = _GITHUB_REMOTE.match(url.removeprefix("git+")) if url else None
        if match is not None:
            facts.repository_url = f"https://{match['host']}/{match['owner']}/{match['repo']}"
            if match["host"] == "github.com":
                facts.github_owner, facts.github_repo = match["owner"], match["repo"]
            return


def _dockerfile(folder: Path, facts: ProjectFacts) -> None:
    path = folder / "Dockerfile"
    if not path.is_file():
        return
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return
    facts.sources.append("Dockerfile")
    label = _OCI_LABEL.search(text)
    if label is not None:
        facts.mcp_name = facts.mcp_name or label.group(1)
    if facts.github_owner and facts.github_repo:
        image = f"ghcr.io/{facts.github_owner.lower()}/{facts.github_repo.lower()}"
        facts.packages.append(
            {
                "registryType": "oci",
                "identifier": f"{image}:{facts.version or '1.0.0'}",
                "transport": {"type": "stdio"},
            }
        )


def _json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
