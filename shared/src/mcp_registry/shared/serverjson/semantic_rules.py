"""Semantic rules: what the JSON Schema cannot say about a server.json.

Every rule has a stable id (the issue's ``reference``). The rules read the document
defensively: a value of the wrong type is left to the schema layer, never raised on.

Rule ids, by area:

* name: ``invalid-server-name`` (error), ``namespace-not-reverse-dns`` (warning)
* versions: ``version-invalid-characters``, ``reserved-version-string``,
  ``version-looks-like-range``
* top level: ``title-whitespace-only``, ``website-url-must-be-absolute``,
  ``website-url-invalid-scheme``, ``icon-src-not-absolute``, ``icon-src-invalid-scheme``,
  ``invalid-repository-source``, ``invalid-repository-url``, ``invalid-subfolder-path``,
  ``publisher-meta-too-large``
* packages: see :mod:`package_rules`
* remotes: ``transport-url-required``, ``invalid-remote-url``, ``remote-url-https``,
  ``remote-url-not-public``, ``invalid-templated-url``, ``duplicate-remote-url``
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import urlsplit

from mcp_registry.shared.serverjson.issues import (
    ValidationIssue,
    error,
    format_path,
    join_path,
    warning,
)
from mcp_registry.shared.serverjson.names import is_reverse_dns, name_problem
from mcp_registry.shared.serverjson.package_rules import (
    package_issues,
    undefined_variable_issues,
    url_required,
)
from mcp_registry.shared.serverjson.urls import is_local_host, normalized, parse_http_url
from mcp_registry.shared.serverjson.version_rules import version_issues

PUBLISHER_META_KEY: Final = "io.modelcontextprotocol.registry/publisher-provided"
MAX_PUBLISHER_META_BYTES: Final = 4 * 1024
"""The official limit on the serialized publisher-provided ``_meta`` extension."""

_REPOSITORY_URL: Final = {
    "github": re.compile(r"^https?://(?:www\.)?github\.com/[\w.-]+/[\w.-]+/?$"),
    # GitLab groups nest: gitlab.com/group/subgroup/project.
    "gitlab": re.compile(r"^https?://(?:www\.)?gitlab\.com/[\w.-]+(?:/[\w.-]+)+/?$"),
}
_SUBFOLDER: Final = re.compile(r"^[A-Za-z0-9._/-]+$")


def semantic_issues(document: Mapping[str, Any]) -> list[ValidationIssue]:
    """Every semantic and linter issue of a server.json object, in document order."""
    issues: list[ValidationIssue] = []
    issues.extend(_name_issues(document.get("name")))
    issues.extend(version_issues("version", document.get("version")))
    title = document.get("title")
    if isinstance(title, str) and title and not title.strip():
        issues.append(
            error("semantic", "title", "title cannot be only whitespace", "title-whitespace-only")
        )
    website = document.get("websiteUrl")
    if isinstance(website, str):
        issues.extend(
            _https_url_issues(
                "websiteUrl",
                website,
                "websiteUrl",
                ("website-url-must-be-absolute", "website-url-invalid-scheme"),
            )
        )
    issues.extend(_repository_issues(document.get("repository")))
    icons = document.get("icons")
    if isinstance(icons, list):
        for index, icon in enumerate(icons):
            if isinstance(icon, dict) and isinstance(icon.get("src"), str):
                path = format_path(["icons", index, "src"])
                issues.extend(
                    _https_url_issues(
                        path,
                        icon["src"],
                        "icon src",
                        ("icon-src-not-absolute", "icon-src-invalid-scheme"),
                    )
                )
    packages = document.get("packages")
    if isinstance(packages, list):
        for index, package in enumerate(packages):
            issues.extend(package_issues(format_path(["packages", index]), package))
    remotes = document.get("remotes")
    if isinstance(remotes, list):
        issues.extend(_remotes_issues(remotes))
    issues.extend(_meta_issues(document.get("_meta")))
    return issues


def _name_issues(name: object) -> list[ValidationIssue]:
    if not isinstance(name, str):
        return []
    problem = name_problem(name)
    if problem is not None:
        return [error("semantic", "name", problem, "invalid-server-name")]
    namespace = name.partition("/")[0]
    if not is_reverse_dns(namespace):
        # Publish permissions are granted on reverse-DNS namespaces (io.github.<user>,
        # com.<domain>); a single-label namespace can only ever be published by an admin.
        return [
            warning(
                "semantic",
                "name",
                f"namespace {namespace!r} is not reverse-DNS (e.g. io.github.alice or com.example)",
                "namespace-not-reverse-dns",
            )
        ]
    return []


def _https_url_issues(
    path: str, url: str, what: str, rules: tuple[str, str]
) -> list[ValidationIssue]:
    # rules: (reference when the URL is not absolute, reference when it is not https)
    try:
        split = urlsplit(url)
    except ValueError:
        split = None
    if split is None or not split.scheme or not split.netloc:
        return [
            error(
                "semantic",
                path,
                f"{what} must be an absolute URL (include https://): {url!r}",
                rules[0],
            )
        ]
    if split.scheme.lower() != "https":
        return [
            error(
                "semantic",
                path,
                f"{what} must use the https scheme: {url!r}",
                rules[1],
            )
        ]
    return []


def _repository_issues(repository: object) -> list[ValidationIssue]:
    if not isinstance(repository, dict):
        return []
    issues: list[ValidationIssue] = []
    url, source = repository.get("url"), repository.get("source")
    if isinstance(url, str) and isinstance(source, str) and (url or source):
        pattern = _REPOSITORY_URL.get(source)
        # The official validator knows GitHub and GitLab only; a document we accepted with
        # another source would be refused by every official mirror of this registry.
        if pattern is None:
            issues.append(
                error(
                    "semantic",
                    "repository.source",
                    f"repository source must be one of: {', '.join(_REPOSITORY_URL)}; "
                    f"got {source!r}",
                    "invalid-repository-source",
                )
            )
        elif not pattern.match(url):
            expected = f"a {source} repository URL"
            issues.append(
                error(
                    "semantic",
                    "repository.url",
                    f"repository url must be {expected}: {url!r}",
                    "invalid-repository-url",
                )
            )
    subfolder = repository.get("subfolder")
    if isinstance(subfolder, str) and subfolder and not _is_clean_subfolder(subfolder):
        issues.append(
            error(
                "semantic",
                "repository.subfolder",
                "subfolder must be a clean relative path (no leading or trailing '/', "
                f"no '.', '..' or empty segments): {subfolder!r}",
                "invalid-subfolder-path",
            )
        )
    return issues


def _is_clean_subfolder(path: str) -> bool:
    if not _SUBFOLDER.match(path):
        return False
    return all(segment not in ("", ".", "..") for segment in path.split("/"))


def _remotes_issues(remotes: list[Any]) -> list[ValidationIssue]:
    issues: list[ValidationIssue] = []
    seen: dict[str, int] = {}
    for index, remote in enumerate(remotes):
        if not isinstance(remote, dict):
            continue
        path = format_path(["remotes", index])
        issues.extend(_remote_issues(path, remote))
        url = remote.get("url")
        if not isinstance(url, str) or not url:
            continue
        key = normalized(url)
        if key in seen:
            issues.append(
                error(
                    "semantic",
                    join_path(path, "url"),
                    f"remote url {url!r} is already used by remotes[{seen[key]}]",
                    "duplicate-remote-url",
                )
            )
        else:
            seen[key] = index
    return issues


def _remote_issues(path: str, remote: Mapping[str, Any]) -> list[ValidationIssue]:
    kind, url = remote.get("type"), remote.get("url")
    url_path = join_path(path, "url")
    if url is None:
        return [url_required(path, kind)] if kind in ("streamable-http", "sse") else []
    if not isinstance(url, str):
        return []
    parsed = parse_http_url(url)
    if parsed is None:
        return [
            error(
                "semantic",
                url_path,
                f"remote url must be an https URL with a host: {url!r}",
                "invalid-remote-url",
            )
        ]
    issues: list[ValidationIssue] = []
    if parsed.scheme != "https":
        issues.append(
            error("semantic", url_path, f"remote url must use https: {url!r}", "remote-url-https")
        )
    if is_local_host(parsed.host):
        # A remote is what every client of the registry connects to: a loopback or private
        # address would point each client at itself or its own network.
        issues.append(
            error(
                "semantic",
                url_path,
                f"remote url must be publicly reachable, not localhost or a private address: "
                f"{url!r}",
                "remote-url-not-public",
            )
        )
    variables = remote.get("variables")
    names = {str(k) for k in variables} if isinstance(variables, dict) else set()
    issues.extend(undefined_variable_issues(url_path, url, names))
    return issues


def _meta_issues(meta: object) -> list[ValidationIssue]:
    if not isinstance(meta, dict) or PUBLISHER_META_KEY not in meta:
        return []
    size = publisher_meta_size(meta[PUBLISHER_META_KEY])
    if size is None or size <= MAX_PUBLISHER_META_BYTES:
        return []
    return [
        error(
            "semantic",
            format_path(["_meta", PUBLISHER_META_KEY]),
            f"publisher-provided _meta is {size} bytes serialized; the limit is "
            f"{MAX_PUBLISHER_META_BYTES} bytes",
            "publisher-meta-too-large",
        )
    ]


def publisher_meta_size(value: object) -> int | None:
    """Bytes of ``value`` as compact UTF-8 JSON, or ``None`` when it cannot be serialized."""
    try:
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return None
    return len(text.encode("utf-8"))
