"""The chart's HTTPRoutes and Gateway validate against the Gateway API's own schemas.

The validators are those of the npm package ``@kubernetes-models/gateway-api`` (generated
from the Gateway API types; pinned in ``gateway_api/package.json``), run by node over the
objects the real Helm engine rendered. ``.ci/run`` installs the package (``npm ci``);
elsewhere the test is skipped when node or the package is missing, and on CI (``CI`` set) that
is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from .repo import load_values, objects, render

pytest.importorskip("helm_python", reason="helm-python-sdk (the Helm engine)")

TOOL = Path(__file__).with_name("gateway_api")
PACKAGE = TOOL / "node_modules" / "@kubernetes-models" / "gateway-api"
GATEWAY_KINDS = {"HTTPRoute", "Gateway"}


def _node() -> str:
    node = shutil.which("node")
    missing = (
        "node is not installed"
        if node is None
        else None
        if PACKAGE.is_dir()
        else f"run `npm ci --prefix {TOOL.relative_to(TOOL.parents[3])}`"
    )
    if missing is None and node is not None:
        return node
    if os.environ.get("CI"):
        pytest.fail(f"Gateway API validation cannot run on CI: {missing}")
    pytest.skip(f"Gateway API validation: {missing}")


def _validate(docs: list[dict[str, Any]]) -> list[str | None]:
    result = subprocess.run(
        [_node(), str(TOOL / "validate.mjs")],
        input=json.dumps(docs),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    answers: list[str | None] = json.loads(result.stdout)
    return answers


@pytest.mark.parametrize("scenario", ["production", "external", "hardened"])
def test_rendered_gateway_objects_are_valid(scenario: str) -> None:
    docs = [d for d in objects(render(load_values(scenario))) if d["kind"] in GATEWAY_KINDS]
    assert any(d["kind"] == "HTTPRoute" for d in docs)
    problems = {
        f"{d['kind']}/{d['metadata']['name']}": answer
        for d, answer in zip(docs, _validate(docs), strict=True)
        if answer is not None
    }
    assert problems == {}


def test_the_validator_rejects_a_broken_route() -> None:
    docs = [d for d in objects(render(load_values("hardened"))) if d["kind"] == "HTTPRoute"]
    broken = json.loads(json.dumps(docs[0]))
    broken["spec"]["rules"][0]["matches"][0]["path"]["type"] = "Glob"
    unknown = {**docs[0], "apiVersion": "gateway.networking.k8s.io/v9"}
    first, second = _validate([broken, unknown])
    assert first is not None
    assert "path/type" in first
    assert second == "no model for gateway.networking.k8s.io/v9 HTTPRoute"
