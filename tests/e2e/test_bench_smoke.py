"""``./run bench`` at N=200 with short measurements, so the benchmark cannot rot.

Checks that the report has its keys with positive, finite values; no timing is asserted. A
loopback server that wants a session cookie stands in for a peer registry (``--peer-url``).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.local_http import Answer, LocalServer, Seen

REQUIRED = (
    "cached_ratio",
    "deep_page_ratio",
    "search_p99_ms",
    "publish_visible_p99_ms",
    "webhook_delivered_p99_ms",
    "mirror_visible_p99_ms",
    "rss_mb_per_worker",
)
PEER_COOKIE = "peer_session=smoke-test-value"
PEER_BODY = {"/weather-0": {"server_name": "Weather", "tags": ["weather"]}}


def _peer_listing(seen: Seen) -> Answer:
    if seen.headers.get("cookie") != PEER_COOKIE:
        return Answer.json({"detail": "Authentication required"}, status=401)
    return Answer.json(PEER_BODY)


def _run_bench(out: Path, peer_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--servers",
            "200",
            "--duration",
            "1",
            "--rss-versions",
            "1200",
            "--load-generator",
            "python",
            "--peer-url",
            peer_url,
            "--peer-header",
            f"Cookie: {PEER_COOKIE}",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
        # The benchmarks live in the checkout, not in an installed distribution.
        cwd=Path(__file__).resolve().parents[2],
    )


@pytest.mark.e2e
def test_bench_runs_and_reports_every_key(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    with LocalServer(_peer_listing) as peer:
        completed = _run_bench(out, peer.url + "/api/server_details/all")
    assert completed.returncode == 0, completed.stderr + completed.stdout
    report = json.loads(out.read_text(encoding="utf-8"))
    serving = (
        "gzip_size_ratio",
        "list_surrogate_key_bytes",
        "mixed_p99_ratio",
        "uncached_page_cpu_ms",
        "asgi_over_gthread",
    )
    for key in (*REQUIRED, "cold_ratio", "search_p50_ms", "publish_per_second", *serving):
        value = report[key]
        assert isinstance(value, int | float), key
        assert math.isfinite(value), key
        assert value > 0, key
    assert report["load_generator"] == "python"
    # The publishing service is part of the stack: publishes must go through its HTTP API.
    assert report["publish_path"] == "http"
    assert report["servers"] == 200
    assert "cached_ratio" in completed.stdout
    assert report["slow_clients"]["passed"] is True
    # The peer was loaded beside the list page, with its cookie on every request.
    assert peer.requests
    assert all(seen.headers.get("cookie") == PEER_COOKIE for seen in peer.requests)
    assert report["peer_ratio"] > 0
    assert math.isfinite(report["peer_ratio"])
    assert report["peer"]["body_bytes"] == len(json.dumps(PEER_BODY).encode())
    assert report["peer"]["load"]["errors"] == 0
    assert report["peer"]["header_names"] == ["Cookie"]
    assert PEER_COOKIE not in out.read_text(encoding="utf-8")
    assert "peer_ratio" in completed.stdout
    # nginx figures are there when nginx is (CI installs it), and said missing otherwise.
    nginx_keys = ("nginx_ratio", "ingress_ratio", "ingress_publish_visible_p99_ms")
    if not any("nginx not installed" in note for note in report["notes"]):
        for key in nginx_keys:
            assert report[key] > 0, key


@pytest.mark.e2e
def test_bench_measures_search_alone(tmp_path: Path) -> None:
    out = tmp_path / "search.json"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--servers",
            "200",
            "--duration",
            "1",
            "--only",
            "search",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert completed.returncode == 0, completed.stderr + completed.stdout
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["only"] == "search"
    for key in ("search_p50_ms", "search_p99_ms", "seed_seconds"):
        assert math.isfinite(report[key]), key
        assert report[key] > 0, key
    by_term = report["details"]["search_by_term"]
    assert "github" in by_term
    assert all(value > 0 for value in by_term.values())
    assert "search_p99_ms" in completed.stdout
    assert "cached_ratio" not in report, "nothing else was measured"
