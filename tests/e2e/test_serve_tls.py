"""``mcp-registry serve`` terminates HTTPS itself with MCP_REGISTRY_TLS_CERT_FILE/KEY_FILE."""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.support.http import free_port
from tests.support.tls import TestCA
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e

START_TIMEOUT = 60.0


def _serve(tmp_path: Path, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "mcp_registry.cli.registry.main", "serve", "discovery"],
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("MCP_REGISTRY_")},
            "MCP_REGISTRY_DATA_DIR": str(tmp_path / "data"),
            "MCP_REGISTRY_WORKERS": "1",
            **env,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _get(url: str, context: ssl.SSLContext) -> dict[str, object] | None:
    try:
        with urllib.request.urlopen(url, timeout=2, context=context) as response:
            body: dict[str, object] = json.loads(response.read())
            return body
    except (urllib.error.URLError, ConnectionError):
        return None


def test_serve_answers_https_with_the_configured_certificate(tmp_path: Path) -> None:
    ca = TestCA(tmp_path)
    ca.server_context("localhost")
    port = free_port()
    process = _serve(
        tmp_path,
        MCP_REGISTRY_SERVER_ADDRESS=f"127.0.0.1:{port}",
        MCP_REGISTRY_TLS_CERT_FILE=str(tmp_path / "localhost.pem"),
        MCP_REGISTRY_TLS_KEY_FILE=str(tmp_path / "localhost.key"),
    )
    try:
        trusting = ssl.create_default_context(cafile=str(ca.ca_file))
        url = f"https://localhost:{port}/health"
        answers: list[dict[str, object]] = []

        def answered() -> bool:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            body = _get(url, trusting)
            if body is not None:
                answers.append(body)
            return body is not None

        wait_until(answered, timeout=START_TIMEOUT, what="serve to answer HTTPS")
        assert answers[-1]["status"] == "ok"
        # A client that does not trust the CA refuses the certificate: it really is TLS.
        with pytest.raises(urllib.error.URLError, match="CERTIFICATE_VERIFY_FAILED"):
            urllib.request.urlopen(url, timeout=2, context=ssl.create_default_context())
    finally:
        process.terminate()
        process.communicate(timeout=30)


def test_serve_refuses_a_missing_certificate_file(tmp_path: Path) -> None:
    process = _serve(
        tmp_path,
        MCP_REGISTRY_TLS_CERT_FILE=str(tmp_path / "missing.pem"),
        MCP_REGISTRY_TLS_KEY_FILE=str(tmp_path / "missing.key"),
    )
    output, _ = process.communicate(timeout=60)
    assert process.returncode != 0
    assert "MCP_REGISTRY_TLS_CERT_FILE: no such file" in output
