"""docker-compose.yml follows the Compose specification and wires the whole stack.

``compose_spec.json`` is the Compose specification's JSON schema as shipped inside the
``docker-compose`` 1.29.2 wheel on PyPI (``compose/config/compose_spec.json``, Apache-2.0),
vendored so the test never fetches anything.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # ships no type information
import pytest
import yaml

from mcp_registry.services.route_table import SERVICES

from .repo import COMPOSE_FILE, ROOT

SCHEMA = Path(__file__).with_name("compose_spec.json")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_validates_against_the_compose_specification(compose: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft201909Validator(schema).validate(compose)


def test_the_schema_rejects_a_broken_file(compose: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    broken = {**compose, "services": {**compose["services"], "ingress": {"portz": [1]}}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft201909Validator(schema).validate(broken)


def test_every_service_and_worker_runs_from_the_one_image(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name in SERVICES:
        assert services[name]["command"] == ["serve", name]
    assert services["relay"]["command"] == ["worker", "relay"]
    assert services["domains-worker"]["command"] == ["worker", "domains"]
    images = {services[n]["image"] for n in (*SERVICES, "relay", "domains-worker", "init")}
    assert len(images) == 1


def test_registry_containers_are_read_only_with_writable_tmp(compose: dict[str, Any]) -> None:
    for name in (*SERVICES, "relay", "domains-worker", "init", "ingress", "ingress-tls"):
        service = compose["services"][name]
        assert service["read_only"] is True, name
        assert "/tmp" in service["tmpfs"], name


def test_services_check_readiness_and_wait_for_their_dependencies(
    compose: dict[str, Any],
) -> None:
    for name in SERVICES:
        service = compose["services"][name]
        assert "/ready" in " ".join(service["healthcheck"]["test"])
        deps = service["depends_on"]
        assert deps["mongo"]["condition"] == "service_healthy"
        assert deps["nats"]["condition"] == "service_healthy"
        assert deps["init"]["condition"] == "service_completed_successfully"
    assert set(compose["services"]["ingress"]["depends_on"]) == set(SERVICES)


def test_mongodb_is_a_replica_set_with_a_volume(compose: dict[str, Any]) -> None:
    mongo = compose["services"]["mongo"]
    assert "--replSet" in mongo["command"]
    assert "rs.initiate" in " ".join(mongo["healthcheck"]["test"])
    assert any(v.startswith("mongo-data:") for v in mongo["volumes"])
    url = compose["x-registry-env"]["MCP_REGISTRY_DATABASE_URL"]
    assert "replicaSet=rs0" in url


def test_nats_runs_jetstream_on_a_volume(compose: dict[str, Any]) -> None:
    nats = compose["services"]["nats"]
    assert "--jetstream" in nats["command"]
    assert any(v.startswith("nats-data:") for v in nats["volumes"])


def test_the_ingress_loads_the_generated_configuration(compose: dict[str, Any]) -> None:
    ingress = compose["services"]["ingress"]
    mounts = {v.split(":")[0]: v.split(":")[1] for v in ingress["volumes"]}
    assert mounts["./deploy/nginx/registry.conf"] == "/etc/nginx/conf.d/default.conf"
    assert mounts["./deploy/nginx/upstreams.conf"] == "/etc/nginx/conf.d/upstreams.conf"
    for source in mounts:
        assert (ROOT / source).is_file()
    assert ingress["ports"] == ["${MCP_REGISTRY_PORT:-8080}:8080"]


def test_seed_is_optional(compose: dict[str, Any]) -> None:
    assert compose["services"]["seed"]["profiles"] == ["seed"]


SIGNING = ("identity", "init")
"""The only containers with the private signing key: identity, and init which generates it."""


def _signing_key_volume(volume: object) -> bool:
    source = volume.get("source") if isinstance(volume, dict) else str(volume).split(":")[0]
    return source == "registry-keys"


def test_only_identity_and_init_get_the_signing_key(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        env = service.get("environment", {})
        signing = name in SIGNING
        assert ("MCP_REGISTRY_JWT_PRIVATE_KEY" in env) is signing, name
        assert ("MCP_REGISTRY_JWT_KEYS_DIR" in env) is signing, name
        mounts_keys = any(_signing_key_volume(v) for v in service.get("volumes", []))
        assert mounts_keys is signing, name
        assert not service.get("secrets"), name
        assert not service.get("env_file"), name


def test_registry_containers_verify_with_identitys_jwks(compose: dict[str, Any]) -> None:
    url = "http://identity:8080/.well-known/jwks.json"
    assert compose["services"]["identity"]["environment"]["MCP_REGISTRY_JWKS_URL"] == ""
    for name in (*SERVICES, "relay", "domains-worker", "seed"):
        if name == "identity":
            continue
        assert compose["services"][name]["environment"]["MCP_REGISTRY_JWKS_URL"] == url, name
    # The URL's host and port are identity's compose name and listen address.
    identity_env = compose["services"]["identity"]["environment"]
    assert identity_env["MCP_REGISTRY_SERVER_ADDRESS"].endswith(":8080")


def test_the_tls_profile_serves_the_router_over_https(compose: dict[str, Any]) -> None:
    tls = compose["services"]["ingress-tls"]
    assert tls["profiles"] == ["tls"]
    assert tls["ports"] == ["${MCP_REGISTRY_TLS_PORT:-8443}:8443"]
    mounts = {v.split(":")[0]: v.split(":")[1] for v in tls["volumes"]}
    assert mounts["./deploy/nginx/tls.conf"] == "/etc/nginx/conf.d/tls.conf"
    assert mounts["./deploy/tls"] == "/etc/nginx/tls"
    # The same routing as the plain ingress, behind TLS.
    plain = compose["services"]["ingress"]["volumes"]
    assert set(plain) <= set(tls["volumes"])
    assert all(v.endswith(":ro") for v in tls["volumes"])
    assert tls["read_only"] is True
    assert (ROOT / "deploy" / "nginx" / "tls.conf").is_file()
    assert "tls.key" in (ROOT / "deploy" / "tls" / ".gitignore").read_text()
