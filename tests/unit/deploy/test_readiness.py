"""``/ready``: every dependency check passes, or 503 naming the one that failed."""

from __future__ import annotations

import falcon
import falcon.testing

from mcp_registry.shared.web.health import ReadinessCheck, ReadinessResource


def _client(checks: dict[str, ReadinessCheck]) -> falcon.testing.TestClient:
    app = falcon.App()
    app.add_route("/ready", ReadinessResource(checks))
    return falcon.testing.TestClient(app)


def test_ready_when_every_check_passes() -> None:
    result = _client({"database": lambda: 1, "nats": lambda: None}).simulate_get("/ready")
    assert result.status_code == 200
    assert result.json == {"status": "ready", "checks": {"database": "ok", "nats": "ok"}}
    assert result.headers["Cache-Control"] == "no-store"


def test_unavailable_names_the_failing_dependency() -> None:
    def nats() -> object:
        raise ConnectionError("not connected to NATS")

    result = _client({"database": lambda: 1, "nats": nats}).simulate_get("/ready")
    assert result.status_code == 503
    assert result.json["status"] == "unavailable"
    assert result.json["checks"] == {
        "database": "ok",
        "nats": "ConnectionError: not connected to NATS",
    }
