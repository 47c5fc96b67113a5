"""The committed routing files are exactly what the route table generates."""

from __future__ import annotations

from pathlib import Path

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
