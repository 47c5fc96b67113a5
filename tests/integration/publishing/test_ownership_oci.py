"""OCI ownership (image config label) against a local fake registry speaking distribution v2.

Three local servers play the parts a public registry splits across hosts: the registry API
(answers ``401`` with a Bearer challenge until it sees the token), its token endpoint
(``realm``), and the storage host blob downloads are redirected to.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from mcp_registry.plugins.oci_distribution import parse_challenge
from mcp_registry.plugins.packages_oci import parse_registries
from mcp_registry.services.publishing.ownership import OwnershipChecker
from mcp_registry.services.publishing.wsgi import ownership_checker
from mcp_registry.shared.config import ConfigError, Settings
from mcp_registry.shared.plugins.host import PluginHost
from tests.support.local_http import Answer, LocalServer, Seen
from tests.support.problems import problem_text
from tests.support.publishing import MakePublishing, Publishing
from tests.support.server_json import server_json

NAME = "io.github.alice/weather"
ALICE = ("io.github.alice/*",)
STDIO: dict[str, Any] = {"transport": {"type": "stdio"}}
TOKEN = "anonymous-pull-token"
LABEL = "io.modelcontextprotocol.server.name"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"


def _digest(body: bytes) -> str:
    return "sha256:" + hashlib.sha256(body).hexdigest()


def _config(labels: dict[str, str] | None) -> bytes:
    inner: dict[str, Any] = {"Env": ["PATH=/usr/bin"]}
    if labels is not None:
        inner["Labels"] = labels
    return json.dumps({"architecture": "amd64", "os": "linux", "config": inner}).encode()


def _manifest(config: bytes, media_type: str = OCI_MANIFEST) -> bytes:
    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": media_type,
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                "digest": _digest(config),
                "size": len(config),
            },
            "layers": [],
        }
    ).encode()


class FakeOci:
    """Images by ``(repository, reference)``; blobs by digest, served from ``storage``."""

    def __init__(self) -> None:
        self.registry_url = self.auth_url = self.storage_url = ""
        self.override: int | None = None
        self.token_override: int | None = None
        self.manifests: dict[tuple[str, str], tuple[str, bytes]] = {}
        self.blobs: dict[str, bytes] = {}
        self.corrupt_blobs = False
        amd64 = self._image(_config({LABEL: NAME}))
        arm64 = self._image(_config({LABEL: "io.github.mallory/arm-only"}))
        attestation = self._image(_config(None))
        index = json.dumps(
            {
                "schemaVersion": 2,
                "mediaType": OCI_INDEX,
                "manifests": [
                    {
                        "mediaType": OCI_MANIFEST,
                        "digest": arm64,
                        "size": 1,
                        "platform": {"os": "linux", "architecture": "arm64"},
                    },
                    {
                        "mediaType": OCI_MANIFEST,
                        "digest": amd64,
                        "size": 1,
                        "platform": {"os": "linux", "architecture": "amd64"},
                    },
                    {
                        "mediaType": OCI_MANIFEST,
                        "digest": attestation,
                        "size": 1,
                        "platform": {"os": "unknown", "architecture": "unknown"},
                    },
                ],
            }
        ).encode()
        self.manifests[("alice/weather", "1.0.0")] = (OCI_INDEX, index)
        nolabel = _manifest(_config({"org.opencontainers.image.title": "x"}), DOCKER_MANIFEST)
        self._blob_of(_config({"org.opencontainers.image.title": "x"}))
        self.manifests[("alice/nolabel", "1.0.0")] = (DOCKER_MANIFEST, nolabel)
        other = _config({LABEL: "io.github.bob/x"})
        self._blob_of(other)
        self.manifests[("alice/other", "1.0.0")] = (OCI_MANIFEST, _manifest(other))
        self.manifests[("library/weather", "2.0")] = self.manifests[("alice/other", "1.0.0")]

    def _blob_of(self, body: bytes) -> str:
        self.blobs[_digest(body)] = body
        return _digest(body)

    def _image(self, config: bytes) -> str:
        self._blob_of(config)
        manifest = _manifest(config)
        digest = _digest(manifest)
        self.manifests[("alice/weather", digest)] = (OCI_MANIFEST, manifest)
        return digest

    def registry(self, seen: Seen) -> Answer:
        if self.override is not None:
            return Answer(self.override, b"busy", {"Retry-After": "11"})
        path = urlsplit(seen.path).path
        if seen.headers.get("authorization") != f"Bearer {TOKEN}":
            repository = path.removeprefix("/v2/").rsplit("/", 2)[0]
            challenge = (
                f'Bearer realm="{self.auth_url}/token",service="fake-registry",'
                f'scope="repository:{repository}:pull"'
            )
            denied = Answer.json({"errors": [{"code": "UNAUTHORIZED"}]}, status=401)
            denied.headers["WWW-Authenticate"] = challenge
            return denied
        repository, kind, reference = path.removeprefix("/v2/").rsplit("/", 2)
        if kind == "manifests" and (repository, reference) in self.manifests:
            media_type, body = self.manifests[(repository, reference)]
            return Answer(200, body, {"Content-Type": media_type})
        if kind == "blobs" and reference in self.blobs:
            return Answer(307, b"", {"Location": f"{self.storage_url}/blobs/{reference}?sig=x"})
        return Answer.json({"errors": [{"code": "MANIFEST_UNKNOWN"}]}, status=404)

    def auth(self, seen: Seen) -> Answer:
        if self.token_override is not None:
            return Answer(self.token_override, b"down")
        return Answer.json({"token": TOKEN, "expires_in": 300})

    def storage(self, seen: Seen) -> Answer:
        digest = urlsplit(seen.path).path.removeprefix("/blobs/")
        if digest not in self.blobs or "authorization" in seen.headers:
            return Answer(400, b"bad request")
        return Answer(200, b"tampered" if self.corrupt_blobs else self.blobs[digest])


@dataclass
class Fakes:
    oci: FakeOci
    registry: LocalServer
    auth: LocalServer
    storage: LocalServer

    @property
    def host(self) -> str:
        return urlsplit(self.registry.url).netloc

    def checker(self, **overrides: Any) -> OwnershipChecker:
        settings = Settings(
            oci_registries=(f"{self.host}={self.registry.url}",),
            oci_allowed_origins=(self.auth.url, self.storage.url),
            package_validation_timeout=2.0,
        ).replace(**overrides)
        return ownership_checker(settings, PluginHost.load(settings))

    def all_requests(self) -> list[Seen]:
        return self.registry.requests + self.auth.requests + self.storage.requests


@pytest.fixture
def fakes() -> Iterator[Fakes]:
    oci = FakeOci()
    with (
        LocalServer(oci.registry) as registry,
        LocalServer(oci.auth) as auth,
        LocalServer(oci.storage) as storage,
    ):
        oci.registry_url, oci.auth_url, oci.storage_url = registry.url, auth.url, storage.url
        yield Fakes(oci, registry, auth, storage)


def _oci(identifier: str, **extra: Any) -> dict[str, Any]:
    return {"registryType": "oci", "identifier": identifier, **STDIO, **extra}


def _publish(p: Publishing, *packages: dict[str, Any]) -> Any:
    return p.publish(
        server_json(name=NAME, version="1.0.0", packages=list(packages)), p.tokens.bearer(ALICE)
    )


def test_owned_image_publishes_through_the_anonymous_token_flow(
    make_publishing: MakePublishing, fakes: Fakes
) -> None:
    p = make_publishing(ownership=fakes.checker())
    result = _publish(p, _oci(f"{fakes.host}/alice/weather:1.0.0"))
    assert result.status_code == 200, result.json
    first, *later = fakes.registry.requests
    # 401 with the challenge, then the token endpoint, then everything with the token.
    assert first.path == "/v2/alice/weather/manifests/1.0.0"
    assert "authorization" not in first.headers
    assert OCI_INDEX in first.headers["accept"]
    [token_request] = fakes.auth.requests
    query = parse_qs(urlsplit(token_request.path).query)
    assert query == {"service": ["fake-registry"], "scope": ["repository:alice/weather:pull"]}
    assert all(r.headers["authorization"] == f"Bearer {TOKEN}" for r in later)
    # The index's linux/amd64 entry was read, not the first (arm64) one.
    amd64 = json.loads(fakes.oci.manifests[("alice/weather", "1.0.0")][1])["manifests"][1]
    assert [r.path for r in later][:2] == [
        "/v2/alice/weather/manifests/1.0.0",
        f"/v2/alice/weather/manifests/{amd64['digest']}",
    ]
    # The blob came from the storage host, without the registry's token.
    [blob] = fakes.storage.requests
    assert "authorization" not in blob.headers


def test_version_field_is_the_tag_when_the_identifier_has_none(
    make_publishing: MakePublishing, fakes: Fakes
) -> None:
    p = make_publishing(ownership=fakes.checker())
    result = _publish(p, _oci(f"{fakes.host}/alice/weather", version="1.0.0"))
    assert result.status_code == 200, result.json


@pytest.mark.parametrize(
    ("repository", "message"),
    [
        ("alice/nolabel:1.0.0", f"is missing required label '{LABEL}'"),
        ("alice/other:1.0.0", f"Expected label '{LABEL}' = '{NAME}' on"),
        ("alice/other:1.0.0", "got 'io.github.bob/x'"),
        ("alice/absent:1.0.0", "not found or not accessible (status: 404 for http"),
    ],
)
def test_images_that_do_not_name_the_server_are_400(
    make_publishing: MakePublishing, fakes: Fakes, repository: str, message: str
) -> None:
    p = make_publishing(ownership=fakes.checker())
    result = _publish(p, _oci(f"{fakes.host}/{repository}"))
    assert result.status_code == 400, result.json
    assert message in problem_text(result.json)
    assert p.store.count_versions(NAME) == 0


def test_a_config_blob_that_does_not_match_its_digest_is_400(
    make_publishing: MakePublishing, fakes: Fakes
) -> None:
    fakes.oci.corrupt_blobs = True
    p = make_publishing(ownership=fakes.checker())
    result = _publish(p, _oci(f"{fakes.host}/alice/weather:1.0.0"))
    assert result.status_code == 400
    assert "config blob does not match its digest sha256:" in problem_text(result.json)


@pytest.mark.parametrize(
    "identifier",
    ["registry.example.com/alice/weather:1.0.0", "alice/weather:1.0.0", "weather:2.0"],
)
def test_registries_outside_the_allowlist_are_refused_without_a_request(
    make_publishing: MakePublishing, fakes: Fakes, identifier: str
) -> None:
    p = make_publishing(ownership=fakes.checker())
    result = _publish(p, _oci(identifier))
    assert result.status_code == 400
    assert "which this registry does not check images on" in problem_text(result.json)
    assert fakes.all_requests() == []


def test_docker_hub_names_are_normalised(make_publishing: MakePublishing, fakes: Fakes) -> None:
    # An image without a host is on docker.io, and a one-part name is library/<name>.
    p = make_publishing(
        ownership=fakes.checker(oci_registries=(f"docker.io={fakes.registry.url}",))
    )
    result = _publish(p, _oci("weather:2.0"))
    assert result.status_code == 400
    assert "got 'io.github.bob/x'" in problem_text(result.json)
    assert fakes.registry.requests[0].path == "/v2/library/weather/manifests/2.0"


def test_a_token_endpoint_outside_the_allowlist_is_not_contacted(
    make_publishing: MakePublishing, fakes: Fakes
) -> None:
    p = make_publishing(ownership=fakes.checker(oci_allowed_origins=(fakes.storage.url,)))
    result = _publish(p, _oci(f"{fakes.host}/alice/weather:1.0.0"))
    assert result.status_code == 400
    assert f"token endpoint {fakes.auth.url}/token is not on a host" in problem_text(result.json)
    assert fakes.auth.requests == []


def test_a_registry_base_url_must_name_the_image_registry(
    make_publishing: MakePublishing, fakes: Fakes
) -> None:
    p = make_publishing(ownership=fakes.checker())
    other = _oci(f"{fakes.host}/alice/weather:1.0.0", registryBaseUrl="https://ghcr.io")
    assert _publish(p, other).status_code == 400
    same = _oci(f"{fakes.host}/alice/weather:1.0.0", registryBaseUrl=fakes.registry.url)
    assert _publish(p, same).status_code == 200


@pytest.mark.parametrize("status", [429, 500, 503])
def test_registry_trouble_is_a_retryable_503(
    make_publishing: MakePublishing, fakes: Fakes, status: int
) -> None:
    fakes.oci.override = status
    p = make_publishing(ownership=fakes.checker())
    result = _publish(p, _oci(f"{fakes.host}/alice/weather:1.0.0"))
    assert result.status_code == 503
    assert result.headers["retry-after"] == "11"
    assert "retry" in problem_text(result.json)
    assert p.store.count_versions(NAME) == 0


@pytest.mark.parametrize(("status", "expected"), [(429, 503), (502, 503), (403, 400)])
def test_token_endpoint_answers(
    make_publishing: MakePublishing, fakes: Fakes, status: int, expected: int
) -> None:
    fakes.oci.token_override = status
    p = make_publishing(ownership=fakes.checker())
    result = _publish(p, _oci(f"{fakes.host}/alice/weather:1.0.0"))
    assert result.status_code == expected
    if expected == 400:
        assert "refused an anonymous pull token (status: 403)" in problem_text(result.json)


def test_challenge_parsing() -> None:
    scheme, params = parse_challenge(
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",'
        'scope="repository:library/ubuntu:pull"'
    )
    assert scheme == "bearer"
    assert params == {
        "realm": "https://auth.docker.io/token",
        "service": "registry.docker.io",
        "scope": "repository:library/ubuntu:pull",
    }
    assert parse_challenge('Basic realm="Registry"') == ("basic", {"realm": "Registry"})


def test_registry_setting_must_be_host_equals_url() -> None:
    assert parse_registries(["GHCR.io=https://ghcr.io/"]) == {"ghcr.io": "https://ghcr.io"}
    with pytest.raises(ConfigError, match="OCI_REGISTRIES"):
        parse_registries(["ghcr.io"])


def test_a_registry_that_wants_credentials_is_400(
    make_publishing: MakePublishing, fakes: Fakes
) -> None:
    fakes.oci.override = 401  # no Bearer challenge: the image is not public
    p = make_publishing(ownership=fakes.checker())
    result = _publish(p, _oci(f"{fakes.host}/alice/weather:1.0.0"))
    assert result.status_code == 400
    assert "needs credentials to pull" in problem_text(result.json)
    assert fakes.auth.requests == []
