"""The committed routing files are exactly what the route table generates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mcp_registry.cli.registry.main import cli
from mcp_registry.cli.registry.routes import GENERATED_FILES, generate
from mcp_registry.services.route_table import ROUTES

from .repo import ROOT


@pytest.mark.parametrize(("relative", "kind"), sorted(GENERATED_FILES.items()))
def test_committed_file_equals_generated_output(relative: str, kind: str) -> None:
    committed = (ROOT / relative).read_text(encoding="utf-8")
    assert committed == generate(kind), (
        f"{relative} is stale: run `mcp-registry routes write` and commit the result"
    )


def test_cli_prints_the_same_artefacts() -> None:
    runner = CliRunner()
    for kind in ("nginx", "nginx-upstreams", "gateway"):
        result = runner.invoke(cli, ["routes", kind])
        assert result.exit_code == 0, result.output
        assert result.output == generate(kind)


def test_cli_table_lists_every_route() -> None:
    result = CliRunner().invoke(cli, ["routes", "table"])
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) == len(ROUTES)


def test_write_regenerates_every_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["routes", "write", "--root", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for relative, kind in GENERATED_FILES.items():
        assert (tmp_path / relative).read_text(encoding="utf-8") == generate(kind)


def test_upstream_server_format_is_applied() -> None:
    text = generate("nginx-upstreams", server_format="reg-{service}.mcp.svc:8080")
    assert "server reg-publishing.mcp.svc:8080;" in text


def test_unknown_artefact_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown routing artefact"):
        generate("traefik")


def test_listen_address_replaces_only_the_listen_line() -> None:
    default = generate("nginx").splitlines()
    moved = generate("nginx", listen="127.0.0.1:18080").splitlines()
    changed = [(a, b) for a, b in zip(default, moved, strict=True) if a != b]
    assert changed == [("    listen 8080;", "    listen 127.0.0.1:18080;")]


def test_per_service_addresses_override_the_server_format() -> None:
    text = generate("nginx-upstreams", addresses={"publishing": "127.0.0.1:9001"})
    assert "server 127.0.0.1:9001;" in text
    assert "server publishing:8080;" not in text
    assert "server discovery:8080;" in text


@pytest.mark.parametrize(
    ("kind", "options"),
    [
        ("nginx", {"listen": "8080; include /etc/passwd"}),
        ("nginx-upstreams", {"addresses": {"publishing": "a b"}}),
        ("nginx-upstreams", {"addresses": {"nope": "127.0.0.1:1"}}),
    ],
)
def test_addresses_nginx_cannot_take_are_refused(kind: str, options: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"not an address|unknown services"):
        generate(kind, **options)


def test_cli_takes_listen_and_addresses() -> None:
    runner = CliRunner()
    listened = runner.invoke(cli, ["routes", "nginx", "--listen", "127.0.0.1:18080"])
    assert listened.exit_code == 0, listened.output
    assert listened.output == generate("nginx", listen="127.0.0.1:18080")
    args = ["routes", "nginx-upstreams", "--address", "identity=127.0.0.1:9002"]
    addressed = runner.invoke(cli, args)
    assert addressed.exit_code == 0, addressed.output
    assert addressed.output == generate("nginx-upstreams", addresses={"identity": "127.0.0.1:9002"})
    for bad in (["--address", "identity"], ["--address", "nope=127.0.0.1:1"]):
        refused = runner.invoke(cli, ["routes", "nginx-upstreams", *bad])
        assert refused.exit_code == 2, refused.output
