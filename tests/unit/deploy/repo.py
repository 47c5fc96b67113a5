"""Where the deployment files live, and the rendered chart as Kubernetes objects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[3]
CHART = ROOT / "helm" / "mcp-registry"
COMPOSE_FILE = ROOT / "docker-compose.yml"
NGINX_ROUTES = ROOT / "deploy" / "nginx" / "registry.conf"
NGINX_UPSTREAMS = ROOT / "deploy" / "nginx" / "upstreams.conf"
RELEASE = "reg"
NAMESPACE = "mcp"
FULLNAME = f"{RELEASE}-mcp-registry"

VALUES_FILES = {
    "default": None,
    "production": CHART / "ci" / "production-values.yaml",
    "external": CHART / "ci" / "external-values.yaml",
    "hardened": CHART / "ci" / "hardened-values.yaml",
}


def load_values(name: str) -> dict[str, Any]:
    """The overrides of one values scenario (``{}`` for the chart's defaults)."""
    path = VALUES_FILES[name]
    if path is None:
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def render(values: dict[str, Any]) -> dict[str, str]:
    """Template file → rendered text, by the real Helm engine (helm-python-sdk)."""
    import helm_python

    with helm_python.Chart.load(str(CHART)) as chart:
        chart.validate_schema(values)
        rendered: dict[str, str] = chart.render(values, name=RELEASE, namespace=NAMESPACE)
    return rendered


def objects(rendered: dict[str, str]) -> list[dict[str, Any]]:
    """Every Kubernetes object of a rendering (NOTES.txt and empty documents left out)."""
    found: list[dict[str, Any]] = []
    for name, text in rendered.items():
        if not name.endswith(".yaml"):
            continue
        for doc in yaml.safe_load_all(text):
            if doc:
                assert isinstance(doc, dict), name
                found.append(doc)
    return found


def by_kind(docs: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    """Objects of ``kind`` by name."""
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}
