"""Request metrics of every service: bounded labels, the exposition, multiprocess mode."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import falcon
import falcon.testing
import pytest
from prometheus_client import REGISTRY, values
from prometheus_client.parser import text_string_to_metric_families

from mcp_registry.shared.config import Settings
from mcp_registry.shared.web.app_base import add_api_route, new_app
from mcp_registry.shared.web.metrics import MULTIPROC_ENV, exposition, status_class
from mcp_registry.shared.web.multiprocess_metrics import metrics_directory

REQUESTS = "mcp_registry_http_requests_total"
DURATION_COUNT = "mcp_registry_http_request_duration_seconds_count"


class Thing:
    def on_get(self, req: falcon.Request, resp: falcon.Response, name: str) -> None:
        if name == "missing":
            raise falcon.HTTPNotFound()
        resp.media = {"name": name}


def client(service: str) -> falcon.testing.TestClient:
    app = new_app(Settings(), service=service)
    add_api_route(app, "/things/{name}", Thing())
    return falcon.testing.TestClient(app)


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_requests_count_by_route_template_and_status_class() -> None:
    c = client("metrics-test-a")
    labels = {"service": "metrics-test-a", "method": "GET", "route": "/v0/things/{name}"}
    before_ok = sample(REQUESTS, **labels, status="2xx")
    before_missing = sample(REQUESTS, **labels, status="4xx")
    before_timed = sample(DURATION_COUNT, service="metrics-test-a", route="/v0/things/{name}")
    for name in ("a", "b", "c"):
        assert c.simulate_get(f"/v0/things/{name}").status_code == 200
    assert c.simulate_get("/v0/things/missing").status_code == 404
    assert sample(REQUESTS, **labels, status="2xx") == before_ok + 3
    assert sample(REQUESTS, **labels, status="4xx") == before_missing + 1
    timed = sample(DURATION_COUNT, service="metrics-test-a", route="/v0/things/{name}")
    assert timed == before_timed + 4


def test_unrouted_paths_and_odd_methods_share_bounded_labels() -> None:
    c = client("metrics-test-b")
    unmatched = {"service": "metrics-test-b", "method": "GET", "route": "(unmatched)"}
    before = sample(REQUESTS, **unmatched, status="4xx")
    for path in ("/nope/1", "/nope/2", "/v0/x/y/z"):
        assert c.simulate_get(path).status_code == 404
    assert sample(REQUESTS, **unmatched, status="4xx") == before + 3
    c.simulate_request("TRACE", "/v0/things/a")
    methods = {
        s.labels["method"]
        for f in text_string_to_metric_families(exposition().decode())
        if f.name == "mcp_registry_http_requests"
        for s in f.samples
        if s.labels.get("service") == "metrics-test-b"
    }
    assert methods == {"GET", "OTHER"}


def test_metrics_are_served_outside_the_prefixes_as_prometheus_text() -> None:
    c = client("metrics-test-c")
    c.simulate_get("/v0/things/a")
    reply = c.simulate_get("/metrics")
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/plain; version=")
    assert reply.headers["cache-control"] == "no-store"
    assert 'service="metrics-test-c"' in reply.text
    assert c.simulate_head("/metrics").status_code == 200
    for path in ("/v0/metrics", "/v0.1/metrics", "//metrics"):
        assert c.simulate_get(path).status_code == 404, path


@pytest.mark.parametrize(
    ("code", "klass"), [(200, "2xx"), (304, "3xx"), (422, "4xx"), (503, "5xx")]
)
def test_status_classes(code: int, klass: str) -> None:
    assert status_class(code) == klass


@pytest.fixture(autouse=True)
def keep_value_class() -> Iterator[None]:
    """Metrics created later in this process must stay in-memory, whatever a test exported."""
    saved = values.ValueClass
    yield
    values.ValueClass = saved


def test_the_run_directory_is_exported_then_removed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MULTIPROC_ENV, raising=False)
    before = values.ValueClass
    with metrics_directory() as path:
        assert os.environ[MULTIPROC_ENV] == str(path)
        assert path.is_dir()
        assert values.ValueClass is not before
    assert MULTIPROC_ENV not in os.environ
    assert values.ValueClass is before
    assert not path.exists()


def test_an_operator_directory_holds_the_run_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MULTIPROC_ENV, str(tmp_path))
    with metrics_directory() as path:
        assert path.parent == tmp_path
        assert os.environ[MULTIPROC_ENV] == str(path)
    assert os.environ[MULTIPROC_ENV] == str(tmp_path)
    assert not path.exists()


WORKER = """
import falcon.testing
from mcp_registry.shared.config import Settings
from mcp_registry.shared.web.app_base import new_app
client = falcon.testing.TestClient(new_app(Settings(), service="multi"))
for _ in range({n}):
    assert client.simulate_get("/ping").status_code == 200
"""


def test_multiprocess_mode_adds_up_every_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {**os.environ, MULTIPROC_ENV: str(tmp_path)}
    # Two "workers" in their own processes, as gunicorn forks them.
    for n in (3, 4):
        subprocess.run([sys.executable, "-c", WORKER.format(n=n)], env=env, check=True)
    monkeypatch.setenv(MULTIPROC_ENV, str(tmp_path))
    text = exposition().decode()
    counts = [
        s.value
        for f in text_string_to_metric_families(text)
        for s in f.samples
        if s.name == REQUESTS and s.labels.get("service") == "multi"
    ]
    assert counts == [7.0]
