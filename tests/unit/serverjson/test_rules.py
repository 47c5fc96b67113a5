"""One test per rule: each violation yields exactly the expected issue, at the expected path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from mcp_registry.shared.serverjson.validate import validate_server
from tests.unit.serverjson import examples

Mutation = Callable[[dict[str, Any]], None]


def with_package(package: dict[str, Any]) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        doc["packages"] = [package]

    return mutate


def with_remotes(*remotes: dict[str, Any]) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        doc["remotes"] = list(remotes)

    return mutate


def setting(key: str, value: object) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        doc[key] = value

    return mutate


def dropping(key: str) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        del doc[key]

    return mutate


STDIO = {"type": "stdio"}

# (case id, mutation, expected path, expected reference, expected severity)
ERROR_CASES: list[tuple[str, Mutation, str, str]] = [
    # --- schema layer ---
    ("missing name", dropping("name"), "name", "schema:#/required"),
    ("missing description", dropping("description"), "description", "schema:#/required"),
    ("missing version", dropping("version"), "version", "schema:#/required"),
    (
        "name too long",
        setting("name", "io.github.alice/" + "w" * 190),
        "name",
        "schema:#/properties/name/maxLength",
    ),
    ("name pattern", setting("name", "alice weather"), "name", "schema:#/properties/name/pattern"),
    ("name type", setting("name", 42), "name", "schema:#/properties/name/type"),
    (
        "description empty",
        setting("description", ""),
        "description",
        "schema:#/properties/description/minLength",
    ),
    (
        "description too long",
        setting("description", "d" * 101),
        "description",
        "schema:#/properties/description/maxLength",
    ),
    ("title too long", setting("title", "t" * 101), "title", "schema:#/properties/title/maxLength"),
    ("version empty", setting("version", ""), "version", "schema:#/properties/version/minLength"),
    (
        "version too long",
        setting("version", "1" * 256),
        "version",
        "schema:#/properties/version/maxLength",
    ),
    (
        "websiteUrl not a URI",
        setting("websiteUrl", "alice dot dev"),
        "websiteUrl",
        "schema:#/properties/websiteUrl/format",
    ),
    (
        "repository without source",
        setting("repository", {"url": "https://github.com/a/b"}),
        "repository.source",
        "schema:#/$defs/Repository/required",
    ),
    (
        "icon mime type",
        setting("icons", [{"src": "https://a.dev/i.gif", "mimeType": "image/gif"}]),
        "icons[0].mimeType",
        "schema:#/$defs/Icon/properties/mimeType/enum",
    ),
    (
        "icon sizes",
        setting("icons", [{"src": "https://a.dev/i.png", "sizes": ["big"]}]),
        "icons[0].sizes[0]",
        "schema:#/$defs/Icon/properties/sizes/items/pattern",
    ),
    (
        "packages not a list",
        setting("packages", {}),
        "packages",
        "schema:#/properties/packages/type",
    ),
    (
        "package without registryType",
        with_package({"identifier": "x", "version": "1.0.0", "transport": STDIO}),
        "packages[0].registryType",
        "schema:#/$defs/Package/required",
    ),
    (
        "package without transport",
        with_package({"registryType": "npm", "identifier": "x", "version": "1.0.0"}),
        "packages[0].transport",
        "schema:#/$defs/Package/required",
    ),
    (
        "package version latest",
        with_package({**examples.npm(), "version": "latest"}),
        "packages[0].version",
        "schema:#/$defs/Package/properties/version/not",
    ),
    (
        "fileSha256 not hex",
        with_package({**examples.mcpb(), "fileSha256": "Z" * 64}),
        "packages[0].fileSha256",
        "schema:#/$defs/Package/properties/fileSha256/pattern",
    ),
    (
        "fileSha256 upper case",
        with_package({**examples.mcpb(), "fileSha256": examples.SHA.upper()}),
        "packages[0].fileSha256",
        "schema:#/$defs/Package/properties/fileSha256/pattern",
    ),
    (
        "fileSha256 too short",
        with_package({**examples.mcpb(), "fileSha256": "abc123"}),
        "packages[0].fileSha256",
        "schema:#/$defs/Package/properties/fileSha256/pattern",
    ),
    (
        "unknown transport type",
        with_package({**examples.npm(), "transport": {"type": "http"}}),
        "packages[0].transport.type",
        "schema:#/$defs/LocalTransport/properties/type/enum",
    ),
    (
        "transport url not http",
        with_package({**examples.npm(), "transport": {"type": "sse", "url": "ws://x/sse"}}),
        "packages[0].transport.url",
        "schema:#/$defs/LocalTransport/properties/url/pattern",
    ),
    (
        "env var without name",
        with_package({**examples.npm(), "environmentVariables": [{"isSecret": True}]}),
        "packages[0].environmentVariables[0].name",
        "schema:#/$defs/KeyValueInput/required",
    ),
    (
        "input format",
        with_package({**examples.npm(), "environmentVariables": [{"name": "A", "format": "int"}]}),
        "packages[0].environmentVariables[0].format",
        "schema:#/$defs/Input/properties/format/enum",
    ),
    (
        "argument type",
        with_package({**examples.npm(), "packageArguments": [{"type": "flag", "name": "-v"}]}),
        "packages[0].packageArguments[0].type",
        "schema:#/$defs/Argument/properties/type/enum",
    ),
    (
        "named argument without name",
        with_package({**examples.npm(), "packageArguments": [{"type": "named"}]}),
        "packages[0].packageArguments[0].name",
        "schema:#/$defs/Argument/then/required",
    ),
    (
        "remote type stdio",
        with_remotes({"type": "stdio", "url": "https://mcp.example.com/mcp"}),
        "remotes[0].type",
        "schema:#/$defs/RemoteTransport/properties/type/enum",
    ),
    (
        "remote variable type",
        with_remotes({"type": "sse", "url": "https://a.example.com/sse", "variables": {"a": 1}}),
        "remotes[0].variables.a",
        "schema:#/$defs/Input/type",
    ),
    (
        "publisher meta not an object",
        setting("_meta", {"io.modelcontextprotocol.registry/publisher-provided": "x"}),
        '_meta["io.modelcontextprotocol.registry/publisher-provided"]',
        "schema:#/properties/_meta/properties/io.modelcontextprotocol.registry~1publisher-provided/type",
    ),
    # --- semantic layer: name ---
    (
        "two slashes",
        setting("name", "io.github.alice/a/b"),
        "name",
        "schema:#/properties/name/pattern",
    ),
    (
        "namespace starts with a dot",
        setting("name", ".io.github/weather"),
        "name",
        "invalid-server-name",
    ),
    (
        "name ends with a hyphen",
        setting("name", "com.example/weather-"),
        "name",
        "invalid-server-name",
    ),
    (
        "empty namespace label",
        setting("name", "com..example/weather"),
        "name",
        "invalid-server-name",
    ),
    (
        "label ends with hyphen",
        setting("name", "com.example-.x/weather"),
        "name",
        "invalid-server-name",
    ),
    ("name part ends with a dot", setting("name", "com.example/w."), "name", "invalid-server-name"),
    (
        "name with a newline",
        setting("name", "com.example/weather\n"),
        "name",
        "invalid-server-name",
    ),
    (
        "version with a NUL",
        setting("version", "1.0.0\x00x"),
        "version",
        "version-invalid-characters",
    ),
    (
        "version with a newline",
        setting("version", "1.0.0\n"),
        "version",
        "version-invalid-characters",
    ),
    (
        "version with a bidi override",
        setting("version", "\u202e1.0.0"),
        "version",
        "version-invalid-characters",
    ),
    (
        "version with a zero-width space",
        setting("version", "1.0\u200b.0"),
        "version",
        "version-invalid-characters",
    ),
    # --- semantic layer: versions ---
    ("server version latest", setting("version", "latest"), "version", "reserved-version-string"),
    ("caret range", setting("version", "^1.2"), "version", "version-looks-like-range"),
    ("comparator", setting("version", ">=1"), "version", "version-looks-like-range"),
    ("x wildcard", setting("version", "1.x"), "version", "version-looks-like-range"),
    ("star", setting("version", "*"), "version", "version-looks-like-range"),
    (
        "package version range",
        with_package({**examples.npm(), "version": "~1.2.3"}),
        "packages[0].version",
        "version-looks-like-range",
    ),
    # --- semantic layer: top level ---
    ("title whitespace", setting("title", "   "), "title", "title-whitespace-only"),
    (
        "websiteUrl http",
        setting("websiteUrl", "http://alice.dev"),
        "websiteUrl",
        "website-url-invalid-scheme",
    ),
    (
        "websiteUrl relative",
        setting("websiteUrl", "mailto:alice@example.com"),
        "websiteUrl",
        "website-url-must-be-absolute",
    ),
    (
        "icon http",
        setting("icons", [{"src": "http://alice.dev/icon.png"}]),
        "icons[0].src",
        "icon-src-invalid-scheme",
    ),
    (
        "icon data uri",
        setting("icons", [{"src": "data:image/png;base64,AAAA"}]),
        "icons[0].src",
        "icon-src-not-absolute",
    ),
    (
        "github repository url",
        setting("repository", {"url": "https://gitlab.com/a/b", "source": "github"}),
        "repository.url",
        "invalid-repository-url",
    ),
    (
        "gitlab repository url",
        setting("repository", {"url": "https://gitlab.com/only-group", "source": "gitlab"}),
        "repository.url",
        "invalid-repository-url",
    ),
    (
        "other forge",
        setting("repository", {"url": "https://git.example.com/a/b", "source": "gitea"}),
        "repository.source",
        "invalid-repository-source",
    ),
    (
        "bitbucket, which the official validator refuses",
        setting("repository", {"url": "https://bitbucket.org/a/b", "source": "bitbucket"}),
        "repository.source",
        "invalid-repository-source",
    ),
    (
        "subfolder absolute",
        setting(
            "repository", {"url": "https://github.com/a/b", "source": "github", "subfolder": "/x"}
        ),
        "repository.subfolder",
        "invalid-subfolder-path",
    ),
    (
        "subfolder parent",
        setting(
            "repository",
            {"url": "https://github.com/a/b", "source": "github", "subfolder": "a/../b"},
        ),
        "repository.subfolder",
        "invalid-subfolder-path",
    ),
    (
        "publisher meta too large",
        setting(
            "_meta", {"io.modelcontextprotocol.registry/publisher-provided": {"x": "y" * 4100}}
        ),
        '_meta["io.modelcontextprotocol.registry/publisher-provided"]',
        "publisher-meta-too-large",
    ),
    # --- semantic layer: packages ---
    (
        "unknown registry type",
        with_package({**examples.npm(), "registryType": "maven"}),
        "packages[0].registryType",
        "unsupported-registry-type",
    ),
    (
        "identifier with spaces",
        with_package({**examples.pypi(), "identifier": "weather server"}),
        "packages[0].identifier",
        "package-name-has-spaces",
    ),
    (
        "npm without version",
        with_package({k: v for k, v in examples.npm().items() if k != "version"}),
        "packages[0].version",
        "package-version-required",
    ),
    (
        "npm bad name",
        with_package({**examples.npm(), "identifier": "@alice/weather/extra"}),
        "packages[0].identifier",
        "invalid-package-identifier",
    ),
    (
        "pypi bad name",
        with_package({**examples.pypi(), "identifier": "-weather-"}),
        "packages[0].identifier",
        "invalid-package-identifier",
    ),
    (
        "nuget bad name",
        with_package({**examples.nuget(), "identifier": "Alice..Weather"}),
        "packages[0].identifier",
        "invalid-package-identifier",
    ),
    (
        "cargo bad name",
        with_package({**examples.cargo(), "identifier": "9lives"}),
        "packages[0].identifier",
        "invalid-package-identifier",
    ),
    (
        "oci upper case repository",
        with_package({**examples.oci(), "identifier": "ghcr.io/Alice/Weather:1.0.0"}),
        "packages[0].identifier",
        "invalid-oci-reference",
    ),
    (
        "oci bad tag",
        with_package({**examples.oci(), "identifier": "ghcr.io/alice/weather:-1"}),
        "packages[0].identifier",
        "invalid-oci-reference",
    ),
    (
        "oci bad digest",
        with_package({**examples.oci(), "identifier": "ghcr.io/alice/weather@md5:abc"}),
        "packages[0].identifier",
        "invalid-oci-reference",
    ),
    (
        "oci without tag or version",
        with_package({**examples.oci(), "identifier": "ghcr.io/alice/weather"}),
        "packages[0].identifier",
        "oci-tag-required",
    ),
    (
        "mcpb without fileSha256",
        with_package({k: v for k, v in examples.mcpb().items() if k != "fileSha256"}),
        "packages[0].fileSha256",
        "mcpb-file-sha256-required",
    ),
    (
        "mcpb identifier not a URL",
        with_package({**examples.mcpb(), "identifier": "weather.mcpb"}),
        "packages[0].identifier",
        "invalid-mcpb-url",
    ),
    (
        "mcpb over http",
        with_package({**examples.mcpb(), "identifier": "http://example.com/weather.mcpb"}),
        "packages[0].identifier",
        "mcpb-url-https",
    ),
    (
        "registryBaseUrl not http",
        with_package({**examples.npm(), "registryBaseUrl": "ftp://registry.example.com"}),
        "packages[0].registryBaseUrl",
        "invalid-registry-base-url",
    ),
    (
        "stdio with url",
        with_package({**examples.npm(), "transport": {"type": "stdio", "url": "http://x/mcp"}}),
        "packages[0].transport.url",
        "stdio-transport-url-not-empty",
    ),
    (
        "streamable-http without url",
        with_package({**examples.npm(), "transport": {"type": "streamable-http"}}),
        "packages[0].transport.url",
        "transport-url-required",
    ),
    (
        "sse without url",
        with_package({**examples.npm(), "transport": {"type": "sse"}}),
        "packages[0].transport.url",
        "transport-url-required",
    ),
    (
        "package url with undefined variable",
        with_package(
            {**examples.npm(), "transport": {"type": "sse", "url": "http://localhost:{port}/sse"}}
        ),
        "packages[0].transport.url",
        "invalid-templated-url",
    ),
    (
        "positional argument without value",
        with_package({**examples.npm(), "packageArguments": [{"type": "positional"}]}),
        "packages[0].packageArguments[0]",
        "positional-argument-value-required",
    ),
    (
        "named argument with placeholder",
        with_package(
            {**examples.npm(), "runtimeArguments": [{"type": "named", "name": "--dir <path>"}]}
        ),
        "packages[0].runtimeArguments[0].name",
        "invalid-named-argument-name",
    ),
    (
        "named argument value repeats name",
        with_package(
            {
                **examples.npm(),
                "packageArguments": [{"type": "named", "name": "--port", "value": "--port=80"}],
            }
        ),
        "packages[0].packageArguments[0].value",
        "argument-value-starts-with-name",
    ),
    (
        "named argument default repeats name",
        with_package(
            {
                **examples.npm(),
                "packageArguments": [{"type": "named", "name": "--port", "default": "--port 80"}],
            }
        ),
        "packages[0].packageArguments[0].default",
        "argument-default-starts-with-name",
    ),
    # --- semantic layer: remotes ---
    (
        "remote without url",
        with_remotes({"type": "streamable-http"}),
        "remotes[0].url",
        "transport-url-required",
    ),
    (
        "remote over http",
        with_remotes({"type": "sse", "url": "http://mcp.example.com/sse"}),
        "remotes[0].url",
        "remote-url-https",
    ),
    (
        "remote localhost",
        with_remotes({"type": "sse", "url": "https://localhost/sse"}),
        "remotes[0].url",
        "remote-url-not-public",
    ),
    (
        "remote .localhost",
        with_remotes({"type": "sse", "url": "https://api.localhost:8443/sse"}),
        "remotes[0].url",
        "remote-url-not-public",
    ),
    (
        "remote loopback ip",
        with_remotes({"type": "streamable-http", "url": "https://127.0.0.1/mcp"}),
        "remotes[0].url",
        "remote-url-not-public",
    ),
    (
        "remote loopback shorthand",
        with_remotes({"type": "streamable-http", "url": "https://127.1/mcp"}),
        "remotes[0].url",
        "remote-url-not-public",
    ),
    (
        "remote decimal loopback",
        with_remotes({"type": "streamable-http", "url": "https://2130706433/mcp"}),
        "remotes[0].url",
        "remote-url-not-public",
    ),
    (
        "remote ipv6 loopback",
        with_remotes({"type": "streamable-http", "url": "https://[::1]:8443/mcp"}),
        "remotes[0].url",
        "remote-url-not-public",
    ),
    (
        "remote ipv4-mapped private",
        with_remotes({"type": "streamable-http", "url": "https://[::ffff:10.0.0.1]/mcp"}),
        "remotes[0].url",
        "remote-url-not-public",
    ),
    (
        "remote private 10/8",
        with_remotes({"type": "streamable-http", "url": "https://10.1.2.3/mcp"}),
        "remotes[0].url",
        "remote-url-not-public",
    ),
    (
        "remote private 192.168/16",
        with_remotes({"type": "streamable-http", "url": "https://192.168.0.10/mcp"}),
        "remotes[0].url",
        "remote-url-not-public",
    ),
    (
        "remote private 172.16/12",
        with_remotes({"type": "streamable-http", "url": "https://172.20.0.5/mcp"}),
        "remotes[0].url",
        "remote-url-not-public",
    ),
    (
        "remote link-local",
        with_remotes({"type": "streamable-http", "url": "https://169.254.169.254/mcp"}),
        "remotes[0].url",
        "remote-url-not-public",
    ),
    (
        "remote unspecified",
        with_remotes({"type": "streamable-http", "url": "https://0.0.0.0/mcp"}),
        "remotes[0].url",
        "remote-url-not-public",
    ),
    (
        "remote bad port",
        with_remotes({"type": "streamable-http", "url": "https://mcp.example.com:99999/mcp"}),
        "remotes[0].url",
        "invalid-remote-url",
    ),
    (
        "remote undefined variable",
        with_remotes({"type": "streamable-http", "url": "https://{tenant}.example.com/mcp"}),
        "remotes[0].url",
        "invalid-templated-url",
    ),
    (
        "duplicate remote url",
        with_remotes(
            {"type": "streamable-http", "url": "https://mcp.example.com/mcp"},
            {"type": "sse", "url": "https://MCP.example.com/mcp/"},
        ),
        "remotes[1].url",
        "duplicate-remote-url",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "path", "reference"),
    [pytest.param(m, p, r, id=i) for i, m, p, r in ERROR_CASES],
)
def test_violation_is_reported(mutate: Mutation, path: str, reference: str) -> None:
    doc = examples.minimal()
    mutate(doc)
    report = validate_server(doc)
    assert not report.valid
    matching = [i for i in report.issues if i.reference == reference]
    assert matching, report.to_dict()
    assert [i.path for i in matching] == [path]
    assert matching[0].severity == "error"
    assert matching[0].message
    # One mistake, one issue: no other rule fires on these small documents.
    assert len(report.errors) == 1, report.to_dict()


def test_every_semantic_rule_has_a_case() -> None:
    covered = {reference for _, _, _, reference in ERROR_CASES}
    expected = {
        "invalid-server-name",
        "version-invalid-characters",
        "reserved-version-string",
        "version-looks-like-range",
        "title-whitespace-only",
        "website-url-invalid-scheme",
        "website-url-must-be-absolute",
        "icon-src-invalid-scheme",
        "icon-src-not-absolute",
        "invalid-repository-url",
        "invalid-subfolder-path",
        "publisher-meta-too-large",
        "unsupported-registry-type",
        "package-name-has-spaces",
        "package-version-required",
        "invalid-package-identifier",
        "invalid-oci-reference",
        "oci-tag-required",
        "mcpb-file-sha256-required",
        "invalid-mcpb-url",
        "mcpb-url-https",
        "invalid-registry-base-url",
        "stdio-transport-url-not-empty",
        "transport-url-required",
        "invalid-templated-url",
        "positional-argument-value-required",
        "invalid-named-argument-name",
        "argument-value-starts-with-name",
        "argument-default-starts-with-name",
        "remote-url-https",
        "remote-url-not-public",
        "invalid-remote-url",
        "duplicate-remote-url",
    }
    assert expected <= covered


def test_plain_http_loopback_remote_reports_both_rules() -> None:
    doc = examples.minimal()
    doc["remotes"] = [{"type": "sse", "url": "http://localhost:8080/sse"}]
    refs = [i.reference for i in validate_server(doc).issues]
    assert refs == ["remote-url-https", "remote-url-not-public"]


def test_publisher_meta_at_exactly_the_limit_is_accepted() -> None:
    doc = examples.minimal()
    # {"x":"..."} is 8 bytes of framing around the value.
    doc["_meta"] = {"io.modelcontextprotocol.registry/publisher-provided": {"x": "y" * 4088}}
    assert validate_server(doc).valid
    doc["_meta"]["io.modelcontextprotocol.registry/publisher-provided"]["x"] += "y"
    assert not validate_server(doc).valid


def test_publisher_meta_size_counts_utf8_bytes() -> None:
    doc = examples.minimal()
    # 1400 three-byte characters: 4200 bytes, although only 1400 characters.
    doc["_meta"] = {"io.modelcontextprotocol.registry/publisher-provided": {"x": "€" * 1400}}
    assert validate_server(doc).references() == {"publisher-meta-too-large"}


def test_other_meta_keys_are_not_limited() -> None:
    doc = examples.minimal()
    doc["_meta"] = {"com.example/big": {"x": "y" * 10_000}}
    assert validate_server(doc).valid


def test_mcpb_over_http_on_loopback_is_only_a_warning() -> None:
    doc = examples.minimal()
    doc["packages"] = [{**examples.mcpb(), "identifier": "http://127.0.0.1:8000/weather.mcpb"}]
    report = validate_server(doc)
    assert report.valid
    assert [(i.severity, i.reference) for i in report.issues] == [("warning", "mcpb-url-insecure")]


def test_single_label_namespace_is_a_warning() -> None:
    doc = examples.minimal()
    doc["name"] = "weather/forecast"
    report = validate_server(doc)
    assert report.valid
    assert [(i.severity, i.reference) for i in report.issues] == [
        ("warning", "namespace-not-reverse-dns")
    ]


def test_runtime_arguments_without_runtime_hint_is_a_linter_info() -> None:
    doc = examples.minimal()
    package = examples.oci()
    del package["runtimeHint"]
    doc["packages"] = [package]
    report = validate_server(doc)
    assert report.valid
    (issue,) = report.issues
    assert (issue.type, issue.severity, issue.reference) == (
        "linter",
        "info",
        "runtime-hint-recommended",
    )
    assert issue.path == "packages[0].runtimeHint"


def test_package_url_may_use_env_names_argument_names_and_value_hints() -> None:
    doc = examples.minimal()
    doc["packages"] = [
        {
            **examples.npm(),
            "transport": {"type": "sse", "url": "http://{HOST}:{port}/{--mode}/sse"},
            "environmentVariables": [{"name": "HOST"}],
            "packageArguments": [
                {"type": "positional", "valueHint": "port"},
                {"type": "named", "name": "--mode"},
            ],
        }
    ]
    assert validate_server(doc).issues == ()


def test_public_hosts_are_accepted_for_remotes() -> None:
    doc = examples.minimal()
    doc["remotes"] = [
        {"type": "sse", "url": "https://8.8.8.8/sse"},
        {"type": "sse", "url": "https://[2606:4700:4700::1111]/sse"},
        {"type": "sse", "url": "https://localhost.example.com/sse"},
        {"type": "sse", "url": "https://{region}.mcp.example.com:{port}/sse", "variables": {
            "region": {}, "port": {}}},
    ]  # fmt: skip
    assert validate_server(doc).issues == ()


def test_same_url_in_separate_documents_is_not_a_duplicate() -> None:
    doc = examples.minimal()
    doc["remotes"] = [examples.sse_remote()]
    assert validate_server(doc).valid
    assert validate_server(doc).valid


def test_short_name_fails_length_and_pattern() -> None:
    doc = examples.minimal()
    doc["name"] = "a/"
    refs = [i.reference for i in validate_server(doc).issues]
    assert refs == ["schema:#/properties/name/minLength", "schema:#/properties/name/pattern"]


def test_one_layer_reports_a_path_once() -> None:
    # A too-long, badly-patterned name gets both schema issues, but no semantic one on top.
    doc = examples.minimal()
    doc["name"] = "x" * 201
    refs = [i.reference for i in validate_server(doc).issues]
    assert refs == ["schema:#/properties/name/maxLength", "schema:#/properties/name/pattern"]


@pytest.mark.parametrize(
    "name",
    ["com.example/wea\x00ther", "\u202ecom.example/w1", "com.example/w1\u2028", "com.example/w1\n"],
)
def test_names_with_control_or_formatting_characters_are_invalid(name: str) -> None:
    doc = examples.minimal()
    doc["name"] = name
    report = validate_server(doc)
    assert not report.valid
    assert [i.path for i in report.errors] == ["name"]


@pytest.mark.parametrize("name", ["io.github.alice/x", "com.example/w", "a.b/c"])
def test_one_character_name_parts_are_valid_as_the_official_pattern_allows(name: str) -> None:
    doc = examples.minimal()
    doc["name"] = name
    report = validate_server(doc)
    assert report.valid, report.to_dict()
