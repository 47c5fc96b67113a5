"""The Helm chart, rendered by the real Helm engine (helm-python-sdk bundles Helm's Go SDK).

Scenarios: the chart's defaults, production-like values (replica sets, Gateway API and
Ingress) and external MongoDB/NATS. Core objects are validated against the Kubernetes
OpenAPI schemas shipped offline by ``kubernetes-validate``.
"""

from __future__ import annotations

from typing import Any

import pytest

from mcp_registry.services.ingress.nginx import render_routes, render_upstreams
from mcp_registry.services.route_table import SERVICES
from mcp_registry.shared.auth.signing_keys import parse_private_key

from .repo import FULLNAME, VALUES_FILES, by_kind, load_values, objects, render

helm_python = pytest.importorskip("helm_python", reason="helm-python-sdk (the Helm engine)")

KUBERNETES_VERSION = "1.30.0"
CRD_KINDS = {"HTTPRoute", "Gateway", "ServiceMonitor", "PrometheusRule"}
WORKLOAD_KINDS = ("Deployment", "StatefulSet")


@pytest.fixture(scope="module", params=sorted(VALUES_FILES))
def scenario(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture(scope="module")
def docs(scenario: str) -> list[dict[str, Any]]:
    return objects(render(load_values(scenario)))


@pytest.fixture(scope="module")
def production() -> list[dict[str, Any]]:
    return objects(render(load_values("production")))


def _containers(doc: dict[str, Any]) -> list[dict[str, Any]]:
    spec = doc["spec"]["template"]["spec"]
    containers: list[dict[str, Any]] = spec["containers"]
    return containers


def _env(container: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container.get("env", [])}


def test_objects_are_well_formed_kubernetes_objects(docs: list[dict[str, Any]]) -> None:
    import kubernetes_validate

    assert docs
    for doc in docs:
        assert doc["apiVersion"], doc
        assert doc["kind"], doc
        name = doc["metadata"]["name"]
        assert len(name) <= 63, name
        if doc["kind"] not in CRD_KINDS:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_names_are_unique_per_kind(docs: list[dict[str, Any]]) -> None:
    keys = [(d["kind"], d["metadata"]["name"]) for d in docs]
    assert len(keys) == len(set(keys))


def test_a_deployment_and_service_per_service(docs: list[dict[str, Any]]) -> None:
    deployments, services = by_kind(docs, "Deployment"), by_kind(docs, "Service")
    for service in SERVICES:
        name = f"{FULLNAME}-{service}"
        (container,) = _containers(deployments[name])
        assert container["args"] == ["serve", service]
        assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
        assert container["livenessProbe"]["httpGet"]["path"] == "/health"
        assert container["resources"]["requests"]
        assert services[name]["spec"]["ports"][0]["port"] == 8080
    for worker in ("relay", "domains"):
        (container,) = _containers(deployments[f"{FULLNAME}-worker-{worker}"])
        assert container["args"] == ["worker", worker]


def test_every_service_selects_pods(docs: list[dict[str, Any]]) -> None:
    pod_labels = [
        d["spec"]["template"]["metadata"]["labels"] for d in docs if d["kind"] in WORKLOAD_KINDS
    ]
    for service in by_kind(docs, "Service").values():
        selector = service["spec"]["selector"]
        assert any(selector.items() <= labels.items() for labels in pod_labels), service


def test_containers_are_non_root_and_read_only(docs: list[dict[str, Any]]) -> None:
    for doc in docs:
        if doc["kind"] not in WORKLOAD_KINDS:
            continue
        pod = doc["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["automountServiceAccountToken"] is False
        for container in pod["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True, container["name"]
            assert context["allowPrivilegeEscalation"] is False
            assert context["capabilities"]["drop"] == ["ALL"]
            assert "limits" in container["resources"]


def test_discovery_scales_with_an_hpa(docs: list[dict[str, Any]]) -> None:
    (hpa,) = by_kind(docs, "HorizontalPodAutoscaler").values()
    assert hpa["spec"]["scaleTargetRef"]["name"] == f"{FULLNAME}-discovery"
    assert "replicas" not in by_kind(docs, "Deployment")[f"{FULLNAME}-discovery"]["spec"]


def test_disruption_budgets_select_their_deployment(docs: list[dict[str, Any]]) -> None:
    deployments = by_kind(docs, "Deployment")
    budgets = by_kind(docs, "PodDisruptionBudget")
    assert f"{FULLNAME}-discovery" in budgets
    for name, budget in budgets.items():
        labels = deployments[name]["spec"]["template"]["metadata"]["labels"]
        assert budget["spec"]["selector"]["matchLabels"].items() <= labels.items()


def test_settings_come_from_the_configmap_and_secret(docs: list[dict[str, Any]]) -> None:
    config = by_kind(docs, "ConfigMap")[f"{FULLNAME}-config"]["data"]
    assert config["MCP_REGISTRY_SERVER_ADDRESS"] == "0.0.0.0:8080"
    assert config["MCP_REGISTRY_NATS_URL"].startswith("nats://")
    (container,) = _containers(by_kind(docs, "Deployment")[f"{FULLNAME}-identity"])
    refs = [next(iter(source.values()))["name"] for source in container["envFrom"]]
    assert refs[0] == f"{FULLNAME}-config"
    assert "MCP_REGISTRY_DATABASE_URL" in _env(container)


def test_defaults_bundle_mongodb_and_nats() -> None:
    docs = objects(render({}))
    sets = by_kind(docs, "StatefulSet")
    assert set(sets) == {f"{FULLNAME}-mongodb", f"{FULLNAME}-nats"}
    (container,) = _containers(by_kind(docs, "Deployment")[f"{FULLNAME}-publishing"])
    url = _env(container)["MCP_REGISTRY_DATABASE_URL"]
    assert url == (
        f"mongodb://$(MONGODB_USER):$(MONGODB_PASSWORD)@{FULLNAME}-mongodb-0.{FULLNAME}-mongodb"
        ":27017/mcp_registry?replicaSet=rs0&authSource=mcp_registry"
    )
    for statefulset in sets.values():
        assert statefulset["spec"]["volumeClaimTemplates"]


def test_a_generated_signing_key_is_usable() -> None:
    import base64

    secret = by_kind(objects(render({})), "Secret")[f"{FULLNAME}-secrets"]
    pem = base64.b64decode(secret["data"]["MCP_REGISTRY_JWT_PRIVATE_KEY"]).decode()
    assert pem.startswith("-----BEGIN PRIVATE KEY-----")
    parse_private_key(pem)


def test_production_scales_out_mongodb_and_nats(production: list[dict[str, Any]]) -> None:
    sets = by_kind(production, "StatefulSet")
    assert sets[f"{FULLNAME}-mongodb"]["spec"]["replicas"] == 3
    (nats,) = _containers(sets[f"{FULLNAME}-nats"])
    assert any(arg.startswith("--routes=") for arg in nats["args"])
    deployments = by_kind(production, "Deployment")
    (discovery,) = _containers(deployments[f"{FULLNAME}-discovery"])
    (publishing,) = _containers(deployments[f"{FULLNAME}-publishing"])
    assert _env(discovery)["MCP_REGISTRY_DATABASE_URL"].endswith(
        "&readPreference=secondaryPreferred"
    )
    assert "readPreference" not in _env(publishing)["MCP_REGISTRY_DATABASE_URL"]
    assert _env(discovery)["MCP_REGISTRY_DATABASE_URL"].count(":27017") == 3


def test_external_dependencies_replace_the_statefulsets() -> None:
    docs = objects(render(load_values("external")))
    assert not by_kind(docs, "StatefulSet")
    config = by_kind(docs, "ConfigMap")[f"{FULLNAME}-config"]["data"]
    assert config["MCP_REGISTRY_NATS_URL"] == "nats://nats.messaging.svc:4222"
    (container,) = _containers(by_kind(docs, "Deployment")[f"{FULLNAME}-publishing"])
    assert _env(container)["MCP_REGISTRY_DATABASE_URL"] == {
        "secretKeyRef": {"name": "registry-mongodb", "key": "url"}
    }
    assert not by_kind(docs, "Secret")


def test_external_database_is_required_without_mongodb() -> None:
    with pytest.raises(helm_python.HelmError, match=r"externalDatabase\.url"):
        render({"mongodb": {"enabled": False}})


def test_the_router_uses_the_generated_nginx_configuration(
    production: list[dict[str, Any]],
) -> None:
    config = by_kind(production, "ConfigMap")[f"{FULLNAME}-router"]["data"]
    assert config["registry.conf"] == render_routes()
    assert config["upstreams.conf"] == render_upstreams(f"{FULLNAME}-{{service}}:8080")


def test_the_ingress_sends_everything_to_the_router(production: list[dict[str, Any]]) -> None:
    (ingress,) = by_kind(production, "Ingress").values()
    for rule in ingress["spec"]["rules"]:
        (path,) = rule["http"]["paths"]
        assert path["path"] == "/"
        assert path["pathType"] == "Prefix"
        assert path["backend"]["service"]["name"] == f"{FULLNAME}-router"
    assert ingress["spec"]["tls"]


def test_invalid_values_are_refused_by_the_schema() -> None:
    with pytest.raises(helm_python.HelmValuesError):
        render({"services": {"discovery": {"replicas": "x"}}})


SIGNING_KEY = "MCP_REGISTRY_JWT_PRIVATE_KEY"
JWKS_URL = f"http://{FULLNAME}-identity:8080/.well-known/jwks.json"


def _pod_containers(doc: dict[str, Any]) -> list[dict[str, Any]]:
    pod = doc["spec"]["template"]["spec"]
    return [*pod.get("initContainers", []), *pod["containers"]]


def _secret_holders(docs: list[dict[str, Any]], scenario: str) -> set[str]:
    """Secrets that hold (or, when managed outside the chart, may hold) the signing key."""
    rendered = {
        name for name, secret in by_kind(docs, "Secret").items() if SIGNING_KEY in secret["data"]
    }
    values = load_values(scenario)
    existing = {
        values.get("secrets", {}).get("existingSecret"),
        values.get("signingKeys", {}).get("existingSecret"),
    }
    return rendered | {name for name in existing if name}


def test_only_identity_gets_the_signing_key(docs: list[dict[str, Any]], scenario: str) -> None:
    holders = _secret_holders(docs, scenario)
    assert holders
    identity = f"{FULLNAME}-identity"
    for doc in docs:
        if doc["kind"] not in WORKLOAD_KINDS or doc["metadata"]["name"] == identity:
            continue
        pod = doc["spec"]["template"]["spec"]
        for volume in pod.get("volumes", []):
            assert volume.get("secret", {}).get("secretName") not in holders, volume
            for source in volume.get("projected", {}).get("sources", []):
                assert source.get("secret", {}).get("name") not in holders, volume
        for container in _pod_containers(doc):
            for source in container.get("envFrom", []):
                assert source.get("secretRef", {}).get("name") not in holders, doc["metadata"]
            for env in container.get("env", []):
                assert env["name"] not in (SIGNING_KEY, "MCP_REGISTRY_JWT_KEYS_DIR")
                ref = env.get("valueFrom", {}).get("secretKeyRef")
                if ref is not None:
                    assert ref["key"] != SIGNING_KEY, env
                    assert ref["name"] not in holders or ref.get("optional") is True


def test_identity_signs_and_every_other_registry_workload_gets_the_jwks_url(
    docs: list[dict[str, Any]], scenario: str
) -> None:
    deployments = by_kind(docs, "Deployment")
    (identity,) = _containers(deployments[f"{FULLNAME}-identity"])
    secret_refs = {s["secretRef"]["name"] for s in identity["envFrom"] if "secretRef" in s}
    assert secret_refs & _secret_holders(docs, scenario)
    assert "MCP_REGISTRY_JWKS_URL" not in _env(identity)
    assert by_kind(docs, "Service")[f"{FULLNAME}-identity"]["spec"]["ports"][0]["port"] == 8080
    others = [f"{FULLNAME}-{s}" for s in SERVICES if s != "identity"]
    others += [f"{FULLNAME}-worker-{w}" for w in ("relay", "domains")]
    for name in others:
        (container,) = _containers(deployments[name])
        env = _env(container)
        assert env["MCP_REGISTRY_JWKS_URL"] == JWKS_URL, name
        # The client ids still reach them (OIDC_ENABLED needs OIDC_CLIENT_ID at start-up).
        for key in ("MCP_REGISTRY_GITHUB_CLIENT_ID", "MCP_REGISTRY_OIDC_CLIENT_ID"):
            assert env[key]["secretKeyRef"]["key"] == key, name


def test_a_service_may_override_its_jwks_url() -> None:
    url = "https://identity.example/.well-known/jwks.json"
    docs = objects(render({"services": {"publishing": {"env": {"MCP_REGISTRY_JWKS_URL": url}}}}))
    (container,) = _containers(by_kind(docs, "Deployment")[f"{FULLNAME}-publishing"])
    names = [e["name"] for e in container["env"]]
    assert names.count("MCP_REGISTRY_JWKS_URL") == 1
    assert _env(container)["MCP_REGISTRY_JWKS_URL"] == url
