"""The building blocks: paths, names, version ranges, URL hosts, OCI references, schema files."""

from __future__ import annotations

import pytest

from mcp_registry.shared.serverjson.issues import (
    ValidationReport,
    body_location,
    error,
    first_error,
    format_path,
    info,
    join_path,
    warning,
)
from mcp_registry.shared.serverjson.names import is_reverse_dns, name_problem, namespace_of
from mcp_registry.shared.serverjson.package_rules import OciReference, parse_oci_reference
from mcp_registry.shared.serverjson.schema import (
    CURRENT_SCHEMA_DATE,
    CURRENT_SCHEMA_URL,
    KNOWN_SCHEMA_DATES,
    date_from_url,
    document_date_for,
    load_schema,
    schema_url,
)
from mcp_registry.shared.serverjson.urls import (
    fill_placeholders,
    is_absolute_uri,
    is_local_host,
    is_loopback_host,
    normalized,
    parse_http_url,
    template_variables,
)
from mcp_registry.shared.serverjson.validate import namespace_of as reexported
from mcp_registry.shared.serverjson.version_rules import looks_like_range

# --- paths ---


@pytest.mark.parametrize(
    ("parts", "path"),
    [
        ([], ""),
        (["name"], "name"),
        (["$schema"], "$schema"),
        (["packages", 0, "transport", "url"], "packages[0].transport.url"),
        (["remotes", 1, "variables", "tenant"], "remotes[1].variables.tenant"),
        (["remotes", 1, "variables", "tenant-id"], 'remotes[1].variables["tenant-id"]'),
        (
            ["_meta", "io.modelcontextprotocol.registry/publisher-provided"],
            '_meta["io.modelcontextprotocol.registry/publisher-provided"]',
        ),
        (["a", 0, 1], "a[0][1]"),
        ([0, "x"], "[0].x"),
        (['with "quote"'], '["with \\"quote\\""]'),
    ],
)
def test_format_path(parts: list[str | int], path: str) -> None:
    assert format_path(parts) == path


def test_join_path() -> None:
    assert join_path("", "name") == "name"
    assert join_path("packages[0]", "transport", "url") == "packages[0].transport.url"
    assert join_path("remotes", 2) == "remotes[2]"
    assert join_path("_meta", "a/b") == '_meta["a/b"]'
    assert join_path("x") == "x"


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("", "body"),
        ("name", "body.name"),
        ("packages[0].url", "body.packages[0].url"),
        ("[0]", "body[0]"),
        ('_meta["k/v"]', 'body._meta["k/v"]'),
    ],
)
def test_body_location(path: str, location: str) -> None:
    assert body_location(path) == location


def test_report_helpers() -> None:
    report = ValidationReport(
        (
            warning("semantic", "$schema", "old", "schema-version-deprecated"),
            info("linter", "x", "hint", "hint-rule"),
            error("semantic", "name", "bad", "invalid-server-name"),
        ),
        schema_date="2025-10-17",
    )
    assert not report.valid
    assert [i.reference for i in report.errors] == ["invalid-server-name"]
    assert report.references() == {"schema-version-deprecated", "hint-rule", "invalid-server-name"}
    assert first_error(report.issues) == report.errors[0]
    assert first_error(report.issues[:2]) is None
    assert ValidationReport(report.issues[:2]).valid
    assert report.to_dict()["issues"][1] == {
        "type": "linter",
        "path": "x",
        "message": "hint",
        "severity": "info",
        "reference": "hint-rule",
    }


# --- names ---


def test_namespace_of() -> None:
    assert namespace_of("io.github.alice/weather") == "io.github.alice"
    assert namespace_of("com.example/x") == "com.example"
    assert reexported is namespace_of
    for bad in ("weather", "/weather", "com.example/", "a/b/c", ""):
        with pytest.raises(ValueError, match="namespace/name"):
            namespace_of(bad)


@pytest.mark.parametrize(
    "name",
    [
        "io.github.alice/weather",
        "com.example/x1",
        "com.example.mcp/my_server.v2",
        "ai.acme-labs/weather-server",
        "io.github.Alice-Dev/Weather",
    ],
)
def test_valid_names(name: str) -> None:
    assert name_problem(name) is None


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("weather", "namespace/name"),
        ("a/b/c", "exactly one"),
        ("/weather", "non-empty"),
        ("com.example/", "non-empty"),
        ("-com.example/weather", "namespace"),
        ("com..example/weather", "label"),
        ("com.-example/weather", "label"),
        ("com.example/_weather", "name '_weather'"),
        ("com.example/weather!", "name 'weather!'"),
    ],
)
def test_invalid_names(name: str, fragment: str) -> None:
    problem = name_problem(name)
    assert problem is not None
    assert fragment in problem


def test_is_reverse_dns() -> None:
    assert is_reverse_dns("com.example")
    assert not is_reverse_dns("example")


# --- versions ---


@pytest.mark.parametrize(
    "version",
    [
        "^1.2.3", "^1.2", "~1.2.3", "~>1.2", ">=1", ">=1.0.0 <2.0.0", "<2", "> 1.0", "=1.0.0",
        "1.x", "1.2.x", "1.X", "1.*", "1.2.*", "x.x", "*", "x", "1.2.3 - 2.0.0", "1.2 || 1.3",
        "1.x-beta",
    ],
)  # fmt: skip
def test_ranges(version: str) -> None:
    assert looks_like_range(version)


@pytest.mark.parametrize(
    "version",
    [
        "1.0.0", "1.2.3-beta.1", "1.2.3-rc.1+build.5", "v1.2.3", "2024.10.01", "v2-beta",
        "1.0", "1", "1.2.3-x", "nightly", "2025-01-06", "", "release-x", "latest-stable",
    ],
)  # fmt: skip
def test_not_ranges(version: str) -> None:
    assert not looks_like_range(version)


# --- URLs ---


def test_template_helpers() -> None:
    url = "https://{tenant}.example.com:{port}/mcp/{path}"
    assert template_variables(url) == ["tenant", "port", "path"]
    assert fill_placeholders(url) == "https://placeholder.example.com:8080/mcp/placeholder"


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://example.com", True),
        ("mailto:alice@example.com", True),
        ("urn:isbn:0451450523", True),
        ("example.com/x", False),
        ("https://exa mple.com", False),
        ("https://example.com/{x}", False),
        ("", False),
        ("1http://x", False),
    ],
)
def test_is_absolute_uri(url: str, ok: bool) -> None:
    assert is_absolute_uri(url) is ok


def test_parse_http_url() -> None:
    parsed = parse_http_url("HTTPS://Example.COM.:8443/mcp")
    assert parsed is not None
    assert (parsed.scheme, parsed.host) == ("https", "example.com")
    assert parse_http_url("ftp://example.com") is None
    assert parse_http_url("https:///path") is None
    assert parse_http_url("https://example.com:port/") is None
    assert parse_http_url("https://[::1/") is None


@pytest.mark.parametrize(
    ("host", "local", "loopback"),
    [
        ("localhost", True, True),
        ("LOCALHOST.", True, True),
        ("api.localhost", True, True),
        ("127.0.0.1", True, True),
        ("127.1", True, True),
        ("0x7f000001", True, True),
        ("2130706433", True, True),
        ("::1", True, True),
        ("::ffff:127.0.0.1", True, True),
        ("10.0.0.1", True, False),
        ("172.16.5.4", True, False),
        ("192.168.1.1", True, False),
        ("100.64.0.1", True, False),
        ("169.254.169.254", True, False),
        ("fe80::1", True, False),
        ("fd00::1", True, False),
        ("0.0.0.0", True, False),
        ("8.8.8.8", False, False),
        ("2606:4700:4700::1111", False, False),
        ("example.com", False, False),
        ("localhost.example.com", False, False),
        ("123.example", False, False),
    ],
)
def test_local_hosts(host: str, local: bool, loopback: bool) -> None:
    assert is_local_host(host) is local
    assert is_loopback_host(host) is loopback


def test_normalized() -> None:
    assert normalized("HTTPS://MCP.Example.com/mcp/") == normalized("https://mcp.example.com/mcp")
    assert normalized("https://a.example.com/x") != normalized("https://a.example.com/y")
    assert normalized("https://a.example.com/x#frag") == "https://a.example.com/x"


# --- OCI references ---


@pytest.mark.parametrize(
    ("reference", "parsed"),
    [
        ("ghcr.io/alice/weather:1.0.0", OciReference("ghcr.io", "alice/weather", "1.0.0", None)),
        ("alice/weather:v2", OciReference(None, "alice/weather", "v2", None)),
        ("postgres:16", OciReference(None, "postgres", "16", None)),
        ("docker.io/alice/weather", OciReference("docker.io", "alice/weather", None, None)),
        (
            "localhost:5000/team/app:dev",
            OciReference("localhost:5000", "team/app", "dev", None),
        ),
        (
            "quay.io/org/team/img@sha256:" + "b" * 64,
            OciReference("quay.io", "org/team/img", None, "sha256:" + "b" * 64),
        ),
        (
            "ghcr.io/a/b:1.0@sha256:" + "c" * 64,
            OciReference("ghcr.io", "a/b", "1.0", "sha256:" + "c" * 64),
        ),
    ],
)
def test_parse_oci_reference(reference: str, parsed: OciReference) -> None:
    assert parse_oci_reference(reference) == parsed


@pytest.mark.parametrize(
    "reference",
    [
        "ghcr.io/Alice/weather:1",
        "ghcr.io/alice/weather:",
        "ghcr.io/alice/weather:.bad",
        "ghcr.io/alice//weather:1",
        "ghcr.io/alice/weather@sha256:xyz",
        "bad_host.io/alice/weather:1",
        "alice/weather--:1",
        "ghcr.io/" + "a" * 260 + ":1",
    ],
)
def test_invalid_oci_references(reference: str) -> None:
    assert isinstance(parse_oci_reference(reference), str)


# --- schema documents ---


def test_current_schema_document() -> None:
    schema = load_schema()
    assert schema is load_schema(CURRENT_SCHEMA_DATE)
    assert schema["$id"] == CURRENT_SCHEMA_URL
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(schema["required"]) == {"name", "description", "version"}


def test_every_known_date_maps_to_a_shipped_document() -> None:
    for date in KNOWN_SCHEMA_DATES:
        target = document_date_for(date)
        assert target is not None
        assert load_schema(target)["$id"] == schema_url(target)
    assert document_date_for("2025-01-27") is None
    with pytest.raises(FileNotFoundError):
        load_schema("2025-01-27")


def test_date_from_url() -> None:
    assert date_from_url(CURRENT_SCHEMA_URL) == CURRENT_SCHEMA_DATE
    assert date_from_url("http://mirror.example/schemas/2025-07-09/server.schema.json") == (
        "2025-07-09"
    )
    assert date_from_url(CURRENT_SCHEMA_URL + "#") == CURRENT_SCHEMA_DATE
    assert date_from_url(CURRENT_SCHEMA_URL + ".bak") is None
    assert date_from_url("https://example.com/server.schema.json") is None
