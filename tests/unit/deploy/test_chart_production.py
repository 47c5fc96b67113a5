"""What a production install needs, rendered by the real Helm engine: locked-down
dependencies, signing keys from a Secret, the init hook, rolling upgrades, NetworkPolicies,
backups, monitoring and TLS at the edge (see also ``test_chart`` for every scenario)."""

from __future__ import annotations

import base64
import ipaddress
import json
import re
from typing import Any

import pytest
import yaml

from mcp_registry.shared.events.nats_users import USERS
from mcp_registry.shared.web.store_gauges import DOMAINS_FAILING, OUTBOX_OLDEST_AGE, OUTBOX_PENDING

from .repo import CHART, FULLNAME, by_kind, load_values, objects, render

pytest.importorskip("helm_python", reason="helm-python-sdk (the Helm engine)")

SERVICES = ("discovery", "publishing", "identity", "domains")
REGISTRY_METRICS = {
    "mcp_registry_http_requests_total",
    "mcp_registry_http_request_duration_seconds_bucket",
    "mcp_registry_response_cache_lookups_total",
    OUTBOX_PENDING,
    OUTBOX_OLDEST_AGE,
    DOMAINS_FAILING,
}
"""Every metric the services serve that the rules and the dashboard may use."""


@pytest.fixture(scope="module")
def default() -> list[dict[str, Any]]:
    return objects(render({}))


@pytest.fixture(scope="module")
def hardened() -> list[dict[str, Any]]:
    return objects(render(load_values("hardened")))


def _pod(doc: dict[str, Any]) -> dict[str, Any]:
    if doc["kind"] == "CronJob":
        spec: dict[str, Any] = doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        return spec
    pod: dict[str, Any] = doc["spec"]["template"]["spec"]
    return pod


def _container(doc: dict[str, Any]) -> dict[str, Any]:
    containers: list[dict[str, Any]] = _pod(doc)["containers"]
    return containers[0]


def _env(container: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container.get("env", [])}


def _deployment(docs: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return by_kind(docs, "Deployment")[f"{FULLNAME}-{name}"]


# -- MongoDB and NATS are not open ---------------------------------------------------------


def test_mongodb_requires_authentication(default: list[dict[str, Any]]) -> None:
    mongo = by_kind(default, "StatefulSet")[f"{FULLNAME}-mongodb"]
    container = _container(mongo)
    assert container["command"] == ["sh", "-c"]
    launcher, *mongod = container["args"]
    assert mongod[0] == "mongod"
    assert "--keyFile" in mongod
    # Only member 0 creates users; the others must start empty to join the replica set.
    assert launcher == (
        'if [ "${POD_NAME##*-}" = 0 ]; then exec docker-entrypoint.sh "$0" "$@"; '
        'else exec "$0" "$@"; fi'
    )
    env = _env(container)
    assert env["MONGO_INITDB_ROOT_PASSWORD"]["secretKeyRef"]["key"] == "root-password"
    assert "-u root" in container["readinessProbe"]["exec"]["command"][-1]
    assert "-u" not in container["livenessProbe"]["exec"]["command"]
    (init,) = _pod(mongo)["initContainers"]
    assert "chmod 0400" in init["command"][-1]
    secret = by_kind(default, "Secret")[f"{FULLNAME}-mongodb"]
    assert set(secret["data"]) == {
        "root-password",
        "app-password",
        "discovery-password",
        "replica-set-key",
    }
    assert secret["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
    for key in ("root-password", "app-password", "discovery-password"):
        password = base64.b64decode(secret["data"][key]).decode()
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9]{31}", password), key
    script = by_kind(default, "ConfigMap")[f"{FULLNAME}-mongodb-init"]["data"]
    assert '{role: "readWrite", db: name}' in script["registry-users.js"]
    assert '{role: "read", db: name}' in script["registry-users.js"]


def test_discovery_reads_as_its_read_only_user(default: list[dict[str, Any]]) -> None:
    discovery = _env(_container(_deployment(default, "discovery")))
    assert discovery["MONGODB_USER"] == "mcp_registry_discovery"
    assert discovery["MONGODB_PASSWORD"]["secretKeyRef"]["key"] == "discovery-password"
    assert discovery["MCP_REGISTRY_DATABASE_URL"].startswith(
        "mongodb://$(MONGODB_USER):$(MONGODB_PASSWORD)@"
    )
    # Kubernetes expands $(VAR) only from variables defined before it.
    names = [e["name"] for e in _container(_deployment(default, "discovery"))["env"]]
    assert names.index("MONGODB_PASSWORD") < names.index("MCP_REGISTRY_DATABASE_URL")
    assert discovery["MCP_REGISTRY_DATABASE_INIT"] == "false"
    for name in ("publishing", "identity", "domains", "worker-relay", "worker-domains"):
        env = _env(_container(_deployment(default, name)))
        assert env["MONGODB_USER"] == "mcp_registry", name
        assert "MCP_REGISTRY_DATABASE_INIT" not in env, name


def test_each_workload_connects_to_nats_as_its_own_user(default: list[dict[str, Any]]) -> None:
    expected = {s: s for s in SERVICES} | {"worker-relay": "relay"}
    for workload, user in expected.items():
        env = _env(_container(_deployment(default, workload)))
        assert env["MCP_REGISTRY_NATS_USER"] == user, workload
        assert env["MCP_REGISTRY_NATS_PASSWORD"]["secretKeyRef"] == {
            "name": f"{FULLNAME}-nats",
            "key": f"{user}-password",
        }
    # The re-verification worker never connects to NATS.
    assert "MCP_REGISTRY_NATS_USER" not in _env(_container(_deployment(default, "worker-domains")))
    assert {f"{u.name}-password" for u in USERS} == set(
        by_kind(default, "Secret")[f"{FULLNAME}-nats"]["data"]
    )


def test_nats_loads_the_generated_users(default: list[dict[str, Any]]) -> None:
    config = by_kind(default, "ConfigMap")[f"{FULLNAME}-nats"]["data"]
    assert config["authorization.conf"] == (CHART / "files/nats/authorization.conf").read_text()
    assert 'include "authorization.conf"' in config["nats.conf"]
    nats = _container(by_kind(default, "StatefulSet")[f"{FULLNAME}-nats"])
    assert "--config=/etc/nats/nats.conf" in nats["args"]
    env = _env(nats)
    for user in USERS:
        assert env[user.password_variable]["secretKeyRef"]["key"] == f"{user.name}-password"


def test_nats_tls_is_verified_by_every_client(hardened: list[dict[str, Any]]) -> None:
    config = by_kind(hardened, "ConfigMap")[f"{FULLNAME}-nats"]["data"]["nats.conf"]
    assert 'cert_file: "/etc/nats-tls/tls.crt"' in config
    nats = by_kind(hardened, "StatefulSet")[f"{FULLNAME}-nats"]
    assert {"name": "tls", "secret": {"secretName": "registry-nats-tls"}} in _pod(nats)["volumes"]
    for workload in (*SERVICES, "worker-relay"):
        doc = _deployment(hardened, workload)
        env = _env(_container(doc))
        assert env["MCP_REGISTRY_NATS_CA_FILE"] == "/etc/mcp-registry/nats-tls/ca.crt"
        volume = next(v for v in _pod(doc)["volumes"] if v["name"] == "nats-tls")
        # Only the CA reaches the clients, never the server's key.
        assert volume["secret"]["items"] == [{"key": "ca.crt", "path": "ca.crt"}]


def test_authentication_can_be_turned_off() -> None:
    docs = objects(
        render({"mongodb": {"auth": {"enabled": False}}, "nats": {"auth": {"enabled": False}}})
    )
    env = _env(_container(_deployment(docs, "publishing")))
    assert "@" not in env["MCP_REGISTRY_DATABASE_URL"]
    assert "MCP_REGISTRY_NATS_USER" not in env
    assert f"{FULLNAME}-mongodb" not in by_kind(docs, "Secret")


# -- signing keys from a Secret -------------------------------------------------------------


def test_identity_mounts_the_key_directory_from_a_secret(hardened: list[dict[str, Any]]) -> None:
    identity = _deployment(hardened, "identity")
    volume = next(v for v in _pod(identity)["volumes"] if v["name"] == "signing-keys")
    assert volume["secret"]["secretName"] == "registry-signing-keys"
    assert volume["secret"]["defaultMode"] == 0o440
    container = _container(identity)
    mount = next(m for m in container["volumeMounts"] if m["name"] == "signing-keys")
    assert mount == {
        "name": "signing-keys",
        "mountPath": "/var/lib/mcp-registry/keys",
        "readOnly": True,
    }
    assert "subPath" not in mount  # a subPath mount would never see a rotation
    assert _env(container)["MCP_REGISTRY_JWT_KEYS_DIR"] == "/var/lib/mcp-registry/keys"


# -- upgrades -------------------------------------------------------------------------------


def test_db_init_runs_as_an_install_and_upgrade_hook(default: list[dict[str, Any]]) -> None:
    job = by_kind(default, "Job")[f"{FULLNAME}-db-init"]
    annotations = job["metadata"]["annotations"]
    assert set(annotations["helm.sh/hook"].split(",")) == {"post-install", "pre-upgrade"}
    assert "before-hook-creation" in annotations["helm.sh/hook-delete-policy"]
    container = _container(job)
    assert container["command"][-1] == "mcp-registry db init && mcp-registry db users"
    env = _env(container)
    assert env["MONGODB_USER"] == "root"
    assert env["MCP_REGISTRY_DATABASE_URL"].endswith("&authSource=admin")
    assert env["MONGODB_APP_USER"] == "mcp_registry"
    assert env["MONGODB_DISCOVERY_USER"] == "mcp_registry_discovery"
    assert _pod(job)["securityContext"]["runAsNonRoot"] is True


@pytest.mark.parametrize("scenario", ["default", "production", "hardened"])
def test_rolling_upgrades_keep_serving(scenario: str) -> None:
    docs = objects(render(load_values(scenario)))
    budgets = by_kind(docs, "PodDisruptionBudget")
    for name, deployment in by_kind(docs, "Deployment").items():
        strategy = deployment["spec"]["strategy"]
        assert strategy["type"] == "RollingUpdate", name
        assert strategy["rollingUpdate"]["maxUnavailable"] == 0, name
        assert strategy["rollingUpdate"]["maxSurge"] >= 1, name
        container = _container(deployment)
        if "worker" not in name:
            assert container["readinessProbe"], name
            assert container["livenessProbe"], name
            # Serve on while the endpoint is being removed from every proxy.
            assert container["lifecycle"]["preStop"]["exec"]["command"] == ["sleep", "5"], name
    for service in ("discovery", "publishing", "identity"):
        assert f"{FULLNAME}-{service}" in budgets, service


# -- NetworkPolicies ------------------------------------------------------------------------


def _component(labels: dict[str, str]) -> str:
    return labels["app.kubernetes.io/component"]


def _pods(docs: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """component → pod labels, for every workload of the release."""
    found: dict[str, dict[str, str]] = {}
    for doc in docs:
        if doc["kind"] in ("Deployment", "StatefulSet", "Job"):
            labels = doc["spec"]["template"]["metadata"]["labels"]
        elif doc["kind"] == "CronJob":
            labels = doc["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["labels"]
        else:
            continue
        found[_component(labels)] = labels
    return found


def _selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    return bool(selector.get("matchLabels", {}).items() <= labels.items())


def _peer_allows(peer: dict[str, Any], source: str | None, pods: dict[str, dict[str, str]]) -> bool:
    """Whether a from/to peer admits ``source`` (a component, or None for the internet)."""
    if source is None:
        block = peer.get("ipBlock")
        if not block:
            return False
        address = ipaddress.ip_address("203.0.113.7")  # a public address (TEST-NET-3)
        inside = address in ipaddress.ip_network(block["cidr"])
        return inside and not any(
            address in ipaddress.ip_network(e) for e in block.get("except", [])
        )
    if "podSelector" in peer and "namespaceSelector" not in peer:
        return _selects(peer["podSelector"], pods[source])
    return False


def _rule_allows(
    rule: dict[str, Any], key: str, peer: str | None, port: int, pods: dict[str, dict[str, str]]
) -> bool:
    ports = rule.get("ports")
    if ports and not any(p["port"] == port for p in ports):
        return False
    peers = rule.get(key)
    if not peers:
        return True  # no from/to: any peer
    return any(_peer_allows(p, peer, pods) for p in peers)


def _allowed(docs: list[dict[str, Any]], source: str, target: str | None, port: int) -> bool:
    """Whether the policies let ``source`` reach ``target`` (None: the internet) on ``port``."""
    pods = _pods(docs)
    policies = list(by_kind(docs, "NetworkPolicy").values())
    egress = [p for p in policies if _selects(p["spec"]["podSelector"], pods[source])]
    assert egress, f"no policy selects {source}"
    if not any(
        _rule_allows(rule, "to", target, port, pods) for p in egress for rule in p["spec"]["egress"]
    ):
        return False
    if target is None:
        return True
    ingress = [p for p in policies if _selects(p["spec"]["podSelector"], pods[target])]
    assert ingress, f"no policy selects {target}"
    return any(
        _rule_allows(rule, "from", source, port, pods)
        for p in ingress
        for rule in p["spec"]["ingress"]
    )


def test_every_pod_is_covered_by_a_network_policy(hardened: list[dict[str, Any]]) -> None:
    policies = list(by_kind(hardened, "NetworkPolicy").values())
    for component, labels in _pods(hardened).items():
        selecting = [p for p in policies if _selects(p["spec"]["podSelector"], labels)]
        assert selecting, component
        for policy in selecting:
            assert set(policy["spec"]["policyTypes"]) == {"Ingress", "Egress"}


@pytest.mark.parametrize(
    ("source", "target", "port"),
    [
        ("discovery", "mongodb", 27017),
        ("publishing", "mongodb", 27017),
        ("worker-relay", "nats", 4222),
        ("discovery", "nats", 4222),
        ("publishing", "identity", 8080),
        ("domains", "identity", 8080),
        ("init", "mongodb", 27017),
        ("backup", "mongodb", 27017),
        ("mongodb", "mongodb", 27017),
        ("nats", "nats", 6222),
        ("identity", None, 443),
        ("publishing", None, 443),
    ],
)
def test_the_architectures_flows_are_allowed(
    hardened: list[dict[str, Any]], source: str, target: str | None, port: int
) -> None:
    assert _allowed(hardened, source, target, port)


@pytest.mark.parametrize(
    ("source", "target", "port"),
    [
        ("discovery", None, 443),
        ("domains", None, 443),
        ("worker-relay", None, 443),
        ("discovery", "publishing", 8080),
        ("identity", "domains", 8080),
        ("worker-relay", "mongodb", 6222),
        ("backup", "nats", 4222),
        ("init", "nats", 4222),
        ("discovery", "mongodb", 8080),
    ],
)
def test_other_flows_are_refused(
    hardened: list[dict[str, Any]], source: str, target: str | None, port: int
) -> None:
    assert not _allowed(hardened, source, target, port)


def test_the_entry_point_reaches_the_services_only_on_their_port(
    hardened: list[dict[str, Any]],
) -> None:
    policy = by_kind(hardened, "NetworkPolicy")[f"{FULLNAME}-discovery"]
    gateway_peer = {
        "namespaceSelector": {
            "matchLabels": {"kubernetes.io/metadata.name": "envoy-gateway-system"}
        }
    }
    rule = policy["spec"]["ingress"][0]
    assert gateway_peer in rule["from"]
    assert rule["ports"] == [{"protocol": "TCP", "port": 8080}]


# -- backups ---------------------------------------------------------------------------------


def test_mongodb_is_dumped_on_a_schedule(hardened: list[dict[str, Any]]) -> None:
    cron = by_kind(hardened, "CronJob")[f"{FULLNAME}-backup"]
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    container = _container(cron)
    script = container["command"][-1]
    assert 'mongodump --uri="$MCP_REGISTRY_DATABASE_URL"' in script
    assert "-mtime +30 -delete" in script
    assert _env(container)["MONGODB_USER"] == "root"
    claim = by_kind(hardened, "PersistentVolumeClaim")[f"{FULLNAME}-backup"]
    assert claim["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
    assert claim["spec"]["resources"]["requests"]["storage"] == "50Gi"


# -- monitoring -----------------------------------------------------------------------------


def _metric_names(expr: str) -> set[str]:
    return set(re.findall(r"\b(mcp_registry_[a-z_]+)", expr))


def test_the_rules_use_metrics_the_services_serve() -> None:
    rules = yaml.safe_load((CHART / "files/prometheus/rules.yaml").read_text())
    alerts = {r["alert"]: r for g in rules["groups"] for r in g["rules"]}
    for name in (
        "McpRegistryHighErrorRate",
        "McpRegistryOutboxBacklogOld",
        "McpRegistryRelayDown",
        "McpRegistryDomainRechecksFailing",
    ):
        assert name in alerts
    for alert in alerts.values():
        assert _metric_names(alert["expr"]) <= REGISTRY_METRICS, alert["alert"]
        assert alert["labels"]["severity"] in ("warning", "critical")


def test_the_dashboard_uses_metrics_the_services_serve() -> None:
    dashboard = json.loads((CHART / "files/grafana/dashboard.json").read_text())
    exprs = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    assert exprs
    used = set().union(*(_metric_names(e) for e in exprs))
    assert OUTBOX_OLDEST_AGE in used
    assert used <= REGISTRY_METRICS


def test_prometheus_finds_every_service(hardened: list[dict[str, Any]]) -> None:
    (monitor,) = by_kind(hardened, "ServiceMonitor").values()
    assert monitor["metadata"]["labels"]["release"] == "prometheus"
    (endpoint,) = monitor["spec"]["endpoints"]
    assert endpoint["path"] == "/metrics"
    selector = monitor["spec"]["selector"]
    (expression,) = selector["matchExpressions"]
    selected = [
        s
        for s in by_kind(hardened, "Service").values()
        if selector["matchLabels"].items() <= s["metadata"]["labels"].items()
        and s["metadata"]["labels"]["app.kubernetes.io/component"] in expression["values"]
    ]
    assert sorted(s["metadata"]["name"] for s in selected) == sorted(
        f"{FULLNAME}-{s}" for s in SERVICES
    )
    for service in selected:
        assert endpoint["port"] in [p["name"] for p in service["spec"]["ports"]]
    (rule,) = by_kind(hardened, "PrometheusRule").values()
    assert rule["spec"] == yaml.safe_load((CHART / "files/prometheus/rules.yaml").read_text())
    dashboard = by_kind(hardened, "ConfigMap")[f"{FULLNAME}-dashboard"]
    assert dashboard["metadata"]["labels"]["grafana_dashboard"] == "1"
    json.loads(dashboard["data"]["mcp-registry.json"])


def test_service_pods_carry_scrape_annotations(default: list[dict[str, Any]]) -> None:
    for service in SERVICES:
        annotations = _deployment(default, service)["spec"]["template"]["metadata"]["annotations"]
        assert annotations["prometheus.io/scrape"] == "true"
        assert annotations["prometheus.io/port"] == "8080"
        assert annotations["prometheus.io/path"] == "/metrics"


# -- TLS at the edge ------------------------------------------------------------------------


def test_the_gateway_terminates_tls_with_a_cert_manager_certificate(
    hardened: list[dict[str, Any]],
) -> None:
    (gateway,) = by_kind(hardened, "Gateway").values()
    assert gateway["metadata"]["annotations"]["cert-manager.io/cluster-issuer"] == "letsencrypt"
    listeners = {listener["name"]: listener for listener in gateway["spec"]["listeners"]}
    https = listeners["https-0"]
    assert https["protocol"] == "HTTPS"
    assert https["hostname"] == "registry.example.com"
    assert https["tls"]["certificateRefs"] == [{"kind": "Secret", "name": f"{FULLNAME}-tls"}]
    routes = by_kind(hardened, "HTTPRoute")
    main = routes[FULLNAME]
    assert main["spec"]["parentRefs"] == [{"name": FULLNAME, "sectionName": "https-0"}]
    for rule in main["spec"]["rules"]:
        if "backendRefs" not in rule:
            continue
        (header,) = rule["filters"][0]["responseHeaderModifier"]["set"]
        assert header["name"] == "Strict-Transport-Security"
        assert header["value"].startswith("max-age=31536000")
    redirect = routes[f"{FULLNAME}-https-redirect"]
    assert redirect["spec"]["parentRefs"] == [{"name": FULLNAME, "sectionName": "http"}]
    assert redirect["spec"]["rules"][0]["filters"][0]["requestRedirect"]["scheme"] == "https"


def test_the_ingress_example_asks_cert_manager_for_its_certificate() -> None:
    values = load_values("production")
    assert values["ingress"]["annotations"]["cert-manager.io/cluster-issuer"]
    docs = objects(render(values))
    (ingress,) = by_kind(docs, "Ingress").values()
    assert ingress["spec"]["tls"][0]["secretName"] == "registry-example-com-tls"
