"""Every service process answers ``/ready`` with its real dependency checks."""

from __future__ import annotations

from pathlib import Path

import falcon
import falcon.testing
import pytest

from mcp_registry.services.runtime.apps import READY_PATH, build_service, readiness_checks
from mcp_registry.services.runtime.process import ProcessDeps
from mcp_registry.shared.config import Settings


def test_a_service_app_answers_ready_over_its_store(tmp_path: Path) -> None:
    deps = ProcessDeps(Settings(data_dir=str(tmp_path)))
    try:
        app = build_service("discovery", deps)
        result = falcon.testing.TestClient(app).simulate_get(READY_PATH)
        assert result.status_code == 200
        assert result.json["checks"] == {"database": "ok"}
    finally:
        deps.close()


def test_nats_is_checked_when_configured(tmp_path: Path) -> None:
    settings = Settings(data_dir=str(tmp_path), nats_url="nats://127.0.0.1:1")
    deps = ProcessDeps(settings)
    try:
        checks = readiness_checks(deps)
        assert set(checks) == {"database", "nats"}
        checks["database"]()
        with pytest.raises(ConnectionError):
            checks["nats"]()
    finally:
        deps.close()
