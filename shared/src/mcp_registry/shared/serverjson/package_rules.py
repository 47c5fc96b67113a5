"""Semantic rules for ``packages[]``: registry types, identifiers, transports, arguments.

These check what can be decided from the document alone. Whether the package exists and
names this server (ownership) is checked at publish time by the package-validator plugins.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from mcp_registry.shared.serverjson.issues import (
    ValidationIssue,
    error,
    info,
    join_path,
    warning,
)
from mcp_registry.shared.serverjson.urls import (
    is_loopback_host,
    parse_http_url,
    template_variables,
)
from mcp_registry.shared.serverjson.version_rules import version_issues

REGISTRY_TYPES: Final = frozenset({"npm", "pypi", "nuget", "oci", "mcpb", "cargo"})
"""The registry types this registry knows how to describe and verify."""

# Registry types whose identifier is a bare package name, so the version must be separate.
_VERSIONED_BY_FIELD: Final = frozenset({"npm", "pypi", "nuget", "cargo"})

_IDENTIFIER_SHAPES: Final[dict[str, tuple[re.Pattern[str], int, str]]] = {
    # Legacy npm names may contain capitals, so those are allowed; scope and characters not.
    "npm": (
        re.compile(r"^(?:@[a-z0-9~-][a-z0-9._~-]*/)?[a-z0-9~-][a-z0-9._~-]*$", re.I),
        214,
        "an npm package name such as 'weather-mcp' or '@scope/weather-mcp'",
    ),
    "pypi": (
        re.compile(r"^[A-Z0-9](?:[A-Z0-9._-]*[A-Z0-9])?$", re.I),
        200,
        "a PyPI project name such as 'mcp-server-weather'",
    ),
    "nuget": (
        re.compile(r"^\w+(?:[.-]\w+)*$"),
        100,
        "a NuGet package id such as 'Contoso.Mcp.Weather'",
    ),
    "cargo": (
        re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$"),
        64,
        "a crates.io crate name such as 'weather-mcp'",
    ),
}


def package_issues(path: str, package: object) -> list[ValidationIssue]:
    """Semantic issues of one ``packages[i]`` at ``path``; wrong types are the schema's."""
    if not isinstance(package, dict):
        return []
    issues: list[ValidationIssue] = []
    registry_type = package.get("registryType")
    identifier = package.get("identifier")
    if isinstance(identifier, str) and any(c.isspace() for c in identifier):
        issues.append(
            error(
                "semantic",
                join_path(path, "identifier"),
                "package identifier cannot contain spaces",
                "package-name-has-spaces",
            )
        )
    issues.extend(version_issues(join_path(path, "version"), package.get("version")))
    if isinstance(registry_type, str) and registry_type:
        issues.extend(_registry_type_issues(path, registry_type, package))
    base_url = package.get("registryBaseUrl")
    if isinstance(base_url, str) and parse_http_url(base_url) is None:
        issues.append(
            error(
                "semantic",
                join_path(path, "registryBaseUrl"),
                f"registryBaseUrl must be an http(s) URL with a host: {base_url!r}",
                "invalid-registry-base-url",
            )
        )
    variables = _package_variables(package)
    for field in ("runtimeArguments", "packageArguments"):
        arguments = package.get(field)
        if isinstance(arguments, list):
            for index, argument in enumerate(arguments):
                issues.extend(argument_issues(join_path(path, field, index), argument))
    transport = package.get("transport")
    if isinstance(transport, dict):
        issues.extend(_transport_issues(join_path(path, "transport"), transport, variables))
    runtime_arguments = package.get("runtimeArguments")
    if isinstance(runtime_arguments, list) and runtime_arguments and not package.get("runtimeHint"):
        issues.append(
            info(
                "linter",
                join_path(path, "runtimeHint"),
                "runtimeHint (e.g. npx, uvx, docker) should be set when runtimeArguments are",
                "runtime-hint-recommended",
            )
        )
    return issues


def _registry_type_issues(
    path: str, registry_type: str, package: Mapping[str, Any]
) -> list[ValidationIssue]:
    if registry_type not in REGISTRY_TYPES:
        known = ", ".join(sorted(REGISTRY_TYPES))
        return [
            error(
                "semantic",
                join_path(path, "registryType"),
                f"unsupported registryType {registry_type!r}; supported: {known}",
                "unsupported-registry-type",
            )
        ]
    identifier = package.get("identifier")
    issues: list[ValidationIssue] = []
    if registry_type in _VERSIONED_BY_FIELD and "version" not in package:
        issues.append(
            error(
                "semantic",
                join_path(path, "version"),
                f"{registry_type} packages must name the package version",
                "package-version-required",
            )
        )
    if not isinstance(identifier, str) or not identifier:
        return issues
    id_path = join_path(path, "identifier")
    if any(c.isspace() for c in identifier):
        return issues  # already reported as package-name-has-spaces
    if registry_type in _IDENTIFIER_SHAPES:
        pattern, limit, example = _IDENTIFIER_SHAPES[registry_type]
        if len(identifier) > limit or not pattern.match(identifier):
            issues.append(
                error(
                    "semantic",
                    id_path,
                    f"identifier {identifier!r} is not {example}",
                    "invalid-package-identifier",
                )
            )
    elif registry_type == "oci":
        issues.extend(_oci_issues(id_path, identifier, package))
    elif registry_type == "mcpb":
        issues.extend(_mcpb_issues(path, id_path, identifier, package))
    return issues


@dataclass(frozen=True, slots=True)
class OciReference:
    """A parsed OCI image reference: ``[domain/]path[:tag][@digest]``."""

    domain: str | None
    path: str
    tag: str | None
    digest: str | None


_OCI_COMPONENT: Final = re.compile(r"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$")
_OCI_DOMAIN: Final = re.compile(
    r"^(?:localhost|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*)"
    r"(?::[0-9]+)?$"
)
_OCI_TAG: Final = re.compile(r"^\w[\w.-]{0,127}$")
_OCI_DIGEST: Final = re.compile(
    r"^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$"
)


def parse_oci_reference(reference: str) -> OciReference | str:
    """Parse an image reference (``ghcr.io/owner/image:1.0.0``); a reason string if invalid.

    Follows the distribution reference grammar: the first component is a registry domain
    when it contains a dot or a port, or is ``localhost``; repository components are lower
    case; a tag is up to 128 word characters, dots and hyphens; a digest is ``algo:hex``.
    """
    rest, at, digest = reference.partition("@")
    if at and not _OCI_DIGEST.match(digest):
        return f"digest {digest!r} is not of the form sha256:<hex>"
    tag: str | None = None
    slash = rest.rfind("/")
    colon = rest.rfind(":")
    if colon > slash:
        rest, tag = rest[:colon], rest[colon + 1 :]
        if not _OCI_TAG.match(tag):
            return f"tag {tag!r} is invalid (word characters, dots and hyphens, at most 128)"
    components = rest.split("/")
    domain: str | None = None
    first = components[0]
    if len(components) > 1 and ("." in first or ":" in first or first == "localhost"):
        if not _OCI_DOMAIN.match(first):
            return f"registry host {first!r} is invalid"
        domain, components = first, components[1:]
    if len(rest) > 255:
        return "image name is longer than 255 characters"
    for component in components:
        if not _OCI_COMPONENT.match(component):
            return (
                f"repository component {component!r} is invalid (lower-case letters, digits "
                "and single separators . _ __ -)"
            )
    return OciReference(domain, "/".join(components), tag, digest if at else None)


def _oci_issues(id_path: str, identifier: str, package: Mapping[str, Any]) -> list[ValidationIssue]:
    parsed = parse_oci_reference(identifier)
    if isinstance(parsed, str):
        return [
            error(
                "semantic",
                id_path,
                f"identifier is not an OCI image reference: {parsed}",
                "invalid-oci-reference",
            )
        ]
    if parsed.tag is None and parsed.digest is None and "version" not in package:
        return [
            error(
                "semantic",
                id_path,
                "OCI identifier must include a tag or digest (ghcr.io/owner/image:1.0.0), "
                "or the package must set version",
                "oci-tag-required",
            )
        ]
    return []


def _mcpb_issues(
    path: str, id_path: str, identifier: str, package: Mapping[str, Any]
) -> list[ValidationIssue]:
    issues: list[ValidationIssue] = []
    if "fileSha256" not in package:
        issues.append(
            error(
                "semantic",
                join_path(path, "fileSha256"),
                "MCPB packages must set fileSha256 (64 lower-case hex characters)",
                "mcpb-file-sha256-required",
            )
        )
    parsed = parse_http_url(identifier)
    if parsed is None:
        issues.append(
            error(
                "semantic",
                id_path,
                f"MCPB identifier must be an https download URL: {identifier!r}",
                "invalid-mcpb-url",
            )
        )
    elif parsed.scheme != "https":
        if is_loopback_host(parsed.host):
            # Local development and tests serve bundles from loopback without TLS.
            issues.append(
                warning(
                    "semantic",
                    id_path,
                    "MCPB download URL is not https (accepted only because it is loopback)",
                    "mcpb-url-insecure",
                )
            )
        else:
            issues.append(
                error(
                    "semantic",
                    id_path,
                    f"MCPB download URL must use https: {identifier!r}",
                    "mcpb-url-https",
                )
            )
    return issues


def _package_variables(package: Mapping[str, Any]) -> set[str]:
    # A package transport URL may use {names} of environment variables, argument names and
    # argument valueHints of the same package.
    names: set[str] = set()
    env = package.get("environmentVariables")
    if isinstance(env, list):
        names.update(
            e["name"] for e in env if isinstance(e, dict) and isinstance(e.get("name"), str)
        )
    for field in ("runtimeArguments", "packageArguments"):
        arguments = package.get(field)
        if not isinstance(arguments, list):
            continue
        for argument in arguments:
            if not isinstance(argument, dict):
                continue
            for key in ("name", "valueHint"):
                value = argument.get(key)
                if isinstance(value, str) and value:
                    names.add(value)
    return names


def _transport_issues(
    path: str, transport: Mapping[str, Any], variables: set[str]
) -> list[ValidationIssue]:
    kind = transport.get("type")
    url = transport.get("url")
    if kind == "stdio":
        if url is not None and url != "":
            return [
                error(
                    "semantic",
                    join_path(path, "url"),
                    f"url must be empty for the stdio transport, got {url!r}",
                    "stdio-transport-url-not-empty",
                )
            ]
        return []
    if kind not in ("streamable-http", "sse"):
        return []
    if url is None:
        return [url_required(path, kind)]
    if isinstance(url, str):
        return undefined_variable_issues(join_path(path, "url"), url, variables)
    return []


def url_required(path: str, kind: str) -> ValidationIssue:
    """The issue for a streamable-http or sse transport at ``path`` without a url."""
    return error(
        "semantic",
        join_path(path, "url"),
        f"url is required for the {kind} transport",
        "transport-url-required",
    )


def undefined_variable_issues(path: str, url: str, variables: set[str]) -> list[ValidationIssue]:
    """An issue when a ``{variable}`` in ``url`` is not among ``variables``."""
    undefined = [name for name in template_variables(url) if name not in variables]
    if not undefined:
        return []
    available = ", ".join(sorted(variables)) or "none"
    return [
        error(
            "semantic",
            path,
            f"url uses undefined template variables {', '.join(undefined)} "
            f"(available: {available})",
            "invalid-templated-url",
        )
    ]


def argument_issues(path: str, argument: object) -> list[ValidationIssue]:
    """Issues of one runtime or package argument (shape beyond what the schema says)."""
    if not isinstance(argument, dict):
        return []
    kind = argument.get("type")
    issues: list[ValidationIssue] = []
    if kind == "positional":
        if "value" not in argument and "valueHint" not in argument:
            issues.append(
                error(
                    "semantic",
                    path,
                    "a positional argument must set value or valueHint",
                    "positional-argument-value-required",
                )
            )
        return issues
    if kind != "named":
        return issues
    name = argument.get("name")
    if not isinstance(name, str):
        return issues
    if not name or any(c in name for c in "<> $") or any(c.isspace() for c in name):
        # "--port <port>" puts a placeholder into the flag; the value belongs in value/valueHint.
        issues.append(
            error(
                "semantic",
                join_path(path, "name"),
                f"named argument name must be the bare flag (e.g. --port), got {name!r}",
                "invalid-named-argument-name",
            )
        )
        return issues
    for field, reference in (
        ("value", "argument-value-starts-with-name"),
        ("default", "argument-default-starts-with-name"),
    ):
        value = argument.get(field)
        if isinstance(value, str) and value.startswith(name):
            issues.append(
                error(
                    "semantic",
                    join_path(path, field),
                    f"{field} must not repeat the argument name {name!r}: {value!r}",
                    reference,
                )
            )
    return issues
