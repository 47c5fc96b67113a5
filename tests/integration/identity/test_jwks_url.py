"""Publishing verifies identity's tokens through identity's JWKS over HTTP (``JWKS_URL``).

A real identity app (its key directory, rotation as ``mcp-registry keys rotate`` does it) is
served on loopback; publishing holds no private key and fetches the public keys from it. One
fake clock drives both: identity's wall clock (which key signs) and publishing's monotonic
one (when it may refetch).
"""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import falcon
import falcon.testing
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from mcp_registry.services.identity.wsgi import build as build_identity
from mcp_registry.services.publishing.app import create_app as create_publishing
from mcp_registry.services.publishing.wsgi import build as build_publishing
from mcp_registry.services.runtime.process import ProcessDeps
from mcp_registry.shared.auth.configured import token_verifier
from mcp_registry.shared.auth.jwks import jwks_document
from mcp_registry.shared.auth.jwks_cache import MAX_DOCUMENT_BYTES
from mcp_registry.shared.auth.remote_keys import RemoteKeys
from mcp_registry.shared.auth.signing_keys import KeyDirectory, SigningKey
from mcp_registry.shared.clock import utcnow
from mcp_registry.shared.config import Settings
from mcp_registry.shared.storage.sqlite.database import SqliteDatabase
from mcp_registry.shared.storage.sqlite.servers import SqliteServerStore
from tests.support.local_http import Answer, LocalServer, Seen
from tests.support.problems import problem_text
from tests.support.server_json import MakeServerJson, server_json
from tests.support.wsgi_server import served

JWKS_PATH = "/.well-known/jwks.json"
INTERVAL = 10.0
DELAY = 15.0  # the default activation delay, above INTERVAL
MAX_AGE = 300.0
StartResponse = Callable[..., Any]
HS_SECRET = "a-shared-secret-of-at-least-32-bytes"
HS_K = "YS1zaGFyZWQtc2VjcmV0LW9mLWF0LWxlYXN0LTMyLWJ5dGVz"  # HS_SECRET, base64url


class FakeClock:
    """Seconds on a monotonic scale (``clock()``) and the matching UTC time (``utc()``).

    The UTC reading starts at the real time, so services built without this clock (the
    wired publishing test) still accept identity's tokens.
    """

    def __init__(self) -> None:
        self.now = 1000.0
        self._epoch = utcnow() - timedelta(seconds=self.now)

    def __call__(self) -> float:
        return self.now

    def utc(self) -> datetime:
        return self._epoch + timedelta(seconds=self.now)


class Identity:
    """The identity app behind a switch: ``up = False`` answers 502, like a proxy with no
    backend; counts JWKS requests."""

    def __init__(self, settings: Settings, clock: FakeClock) -> None:
        self.settings = settings
        self.clock = clock
        self.deps = ProcessDeps(settings)
        self.app = build_identity(self.deps, clock=clock.utc)
        self.client = falcon.testing.TestClient(self.app)
        self.up = True
        self.jwks_fetches = 0

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == JWKS_PATH:
            self.jwks_fetches += 1
        if not self.up:
            start_response("502 Bad Gateway", [("Content-Type", "text/plain")])
            return [b"identity is down"]
        return self.app(environ, start_response)

    def login(self) -> dict[str, str]:
        """``Authorization`` with a fresh anonymous token signed by identity's current key."""
        result = self.client.simulate_post("/v0/auth/none")
        assert result.status_code == 200, result.text
        return {"Authorization": f"Bearer {result.json['registry_token']}"}

    def rotate(self) -> str:
        """``mcp-registry keys rotate``; returns the new kid (signing after the delay)."""
        directory = KeyDirectory(self.settings.effective_jwt_keys_dir, clock=self.clock.utc)
        return directory.rotate(
            timedelta(seconds=self.settings.jwt_key_retention),
            activation_delay=timedelta(seconds=self.settings.jwt_key_activation_delay),
        ).kid


@dataclass
class Publishing:
    client: falcon.testing.TestClient
    clock: FakeClock
    published: int = 0

    def publish(self, headers: dict[str, str]) -> falcon.testing.Result:
        self.published += 1
        name = "io.modelcontextprotocol.anonymous/weather"
        doc = server_json(name=name, version=f"1.0.{self.published}")
        return self.client.simulate_post("/v0/publish", json=doc, headers=headers)


def kid_of(headers: dict[str, str]) -> str:
    kid = jwt.get_unverified_header(headers["Authorization"].removeprefix("Bearer "))["kid"]
    assert isinstance(kid, str)
    return kid


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def identity(tmp_path: Path, clock: FakeClock) -> Iterator[Identity]:
    settings = Settings(
        data_dir=str(tmp_path / "identity"),
        jwt_keys_dir=str(tmp_path / "identity-keys"),
        enable_anonymous_auth=True,
    )
    assert settings.jwt_key_activation_delay == DELAY
    KeyDirectory(settings.effective_jwt_keys_dir, clock=clock.utc).generate()
    app = Identity(settings, clock)
    yield app
    app.deps.close()


@pytest.fixture
def identity_url(identity: Identity) -> Iterator[str]:
    with served(identity) as url:
        yield url


def publishing_settings(tmp_path: Path, jwks_url: str) -> Settings:
    """No signing key anywhere: only the JWKS URL."""
    return Settings(
        data_dir=str(tmp_path / "publishing"),
        jwks_url=jwks_url,
        enable_registry_validation=False,
    )


@pytest.fixture
def make_publishing(tmp_path: Path, clock: FakeClock) -> Iterator[Callable[[str], Publishing]]:
    """Publishing over a fresh store, verifying with ``RemoteKeys(url)`` on the fake clock."""
    stores: list[SqliteServerStore] = []

    def make(url: str) -> Publishing:
        settings = publishing_settings(tmp_path, url)
        store = SqliteServerStore(SqliteDatabase(tmp_path / f"publishing-{len(stores)}.db"))
        store.init()
        stores.append(store)
        keys = RemoteKeys(url, timeout=2.0, refresh_interval=INTERVAL, max_age=MAX_AGE, clock=clock)
        verifier = token_verifier(settings, keys, clock=clock.utc)
        app = create_publishing(settings, store=store, verifier=verifier)
        return Publishing(falcon.testing.TestClient(app), clock)

    yield make
    for store in stores:
        store.close()


def assert_unavailable(result: falcon.testing.Result) -> None:
    assert result.status_code == 503, result.text
    assert result.headers["content-type"].startswith("application/problem+json")
    assert result.json["title"] == "Service Unavailable"


def test_the_wired_publishing_service_verifies_through_the_jwks_url(
    identity: Identity, identity_url: str, tmp_path: Path, make_server_json: MakeServerJson
) -> None:
    settings = publishing_settings(tmp_path, identity_url + JWKS_PATH)
    deps = ProcessDeps(settings)
    try:
        client = falcon.testing.TestClient(build_publishing(deps))
        doc = make_server_json(name="io.modelcontextprotocol.anonymous/weather", version="1.0.0")
        result = client.simulate_post("/v0/publish", json=doc, headers=identity.login())
        assert result.status_code == 200, result.text
        bad = client.simulate_post("/v0/publish", json=doc, headers={"Authorization": "Bearer x"})
        assert bad.status_code == 401
    finally:
        deps.close()
    assert identity.jwks_fetches == 1
    # Publishing never had a signing key: none configured, none generated.
    assert not settings.jwt_private_key
    assert not settings.effective_jwt_keys_dir.exists()


def test_keys_are_cached_and_a_rotated_key_verifies_after_one_refresh(
    identity: Identity, identity_url: str, make_publishing: Callable[[str], Publishing]
) -> None:
    publishing = make_publishing(identity_url + JWKS_PATH)
    old = identity.login()
    assert publishing.publish(old).status_code == 200
    assert publishing.publish(identity.login()).status_code == 200
    assert identity.jwks_fetches == 1

    publishing.clock.now += INTERVAL
    rotated = identity.rotate()
    publishing.clock.now += DELAY
    new = identity.login()
    assert kid_of(new) == rotated
    assert publishing.publish(new).status_code == 200
    assert identity.jwks_fetches == 2  # exactly one refresh
    # Tokens of the rotated-out key keep verifying during the retention window.
    assert publishing.publish(old).status_code == 200
    assert identity.jwks_fetches == 2


def test_a_rotation_right_after_a_fetch_leaves_no_401_window(
    identity: Identity, identity_url: str, make_publishing: Callable[[str], Publishing]
) -> None:
    """Publish before signing: the new key signs only once every verifier may refetch."""
    publishing = make_publishing(identity_url + JWKS_PATH)
    old = identity.login()
    assert publishing.publish(old).status_code == 200  # fetched just before the rotation
    assert identity.jwks_fetches == 1
    # A second verifier whose first fetch comes right after the rotation.
    late = make_publishing(identity_url + JWKS_PATH)

    new_kid = identity.rotate()
    assert late.publish(old).status_code == 200
    assert identity.jwks_fetches == 2
    # Half-second steps through the delay and one refresh interval past it: both verifiers
    # accept tokens of the old key and every freshly minted token at every moment.
    for step in range(int((DELAY + INTERVAL) * 2) + 1):
        elapsed = step / 2
        identity.clock.now = 1000.0 + elapsed
        fresh = identity.login()
        assert kid_of(fresh) == (kid_of(old) if elapsed < DELAY else new_kid), elapsed
        for verifier in (publishing, late):
            assert verifier.publish(fresh).status_code == 200, elapsed
            assert verifier.publish(old).status_code == 200, elapsed
    # The first new-kid token cost the early verifier one refetch; the late one had the key.
    assert identity.jwks_fetches == 3


def test_identity_unreachable_on_first_use_is_503(
    identity: Identity, make_publishing: Callable[[str], Publishing]
) -> None:
    with socket.socket() as probe:  # A loopback port nothing listens on.
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    publishing = make_publishing(f"http://127.0.0.1:{port}{JWKS_PATH}")
    result = publishing.publish(identity.login())
    assert_unavailable(result)
    assert "connection failed" in result.json["detail"]


def test_identity_down_keeps_the_last_good_keys(
    identity: Identity,
    identity_url: str,
    make_publishing: Callable[[str], Publishing],
    caplog: pytest.LogCaptureFixture,
) -> None:
    publishing = make_publishing(identity_url + JWKS_PATH)
    identity.up = False
    token = identity.login()
    assert_unavailable(publishing.publish(token))

    identity.up = True
    publishing.clock.now += INTERVAL
    assert publishing.publish(token).status_code == 200

    identity.up = False
    publishing.clock.now += MAX_AGE  # The keys are due for a refresh, which fails.
    token = identity.login()  # The first one has expired by now; same key.
    with caplog.at_level(logging.WARNING):
        assert publishing.publish(token).status_code == 200
    assert identity.jwks_fetches == 3
    assert "HTTP 502" in caplog.text
    assert token["Authorization"].removeprefix("Bearer ") not in caplog.text

    # A kid it cannot look up while identity is down is retryable, not a 401.
    identity.rotate()
    publishing.clock.now += DELAY
    assert_unavailable(publishing.publish(identity.login()))


def ed25519_token(key: Ed25519PrivateKey, kid: str, identity: Identity) -> dict[str, str]:
    """A well-formed registry token signed by ``key`` under ``kid`` (not identity's key)."""
    claims = identity.client.simulate_post("/v0/auth/none").json["registry_token"]
    payload = jwt.decode(claims, options={"verify_signature": False})
    token = jwt.encode({**payload, "kid": kid}, key, algorithm="EdDSA", headers={"kid": kid})
    return {"Authorization": f"Bearer {token}"}


def test_rsa_and_hmac_keys_in_the_jwks_are_ignored(
    identity: Identity, make_publishing: Callable[[str], Publishing]
) -> None:
    signing = SigningKey.of(Ed25519PrivateKey.generate())
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rsa_jwk = jwt.algorithms.RSAAlgorithm.to_jwk(rsa_key.public_key(), as_dict=True)
    document = jwks_document([signing])
    document["keys"] += [
        {**rsa_jwk, "kid": "rsa-1", "alg": "RS256", "use": "sig"},
        {"kty": "oct", "kid": "hs-1", "alg": "HS256", "k": HS_K},
    ]

    def respond(seen: Seen) -> Answer:
        return Answer.json(document)

    with LocalServer(respond) as server:
        publishing = make_publishing(server.url + JWKS_PATH)
        good = ed25519_token(signing.private_key, signing.kid, identity)
        assert publishing.publish(good).status_code == 200
        # An EdDSA token naming the RSA or HMAC entry finds no key: untrusted.
        for kid in ("rsa-1", "hs-1"):
            forged = ed25519_token(Ed25519PrivateKey.generate(), kid, identity)
            result = publishing.publish(forged)
            assert result.status_code == 401, result.text
            assert "does not trust" in problem_text(result.json)
        # An HS256 token signed with the published secret is refused before any key is used.
        payload = jwt.decode(
            good["Authorization"].removeprefix("Bearer "), options={"verify_signature": False}
        )
        hs = jwt.encode(payload, HS_SECRET, algorithm="HS256", headers={"kid": "hs-1"})
        assert publishing.publish({"Authorization": f"Bearer {hs}"}).status_code == 401


def test_a_jwks_without_ed25519_keys_counts_as_unavailable(
    identity: Identity, make_publishing: Callable[[str], Publishing]
) -> None:
    document = {"keys": [{"kty": "oct", "kid": "hs-1", "alg": "HS256", "k": "c2VjcmV0"}]}
    with LocalServer(lambda seen: Answer.json(document)) as server:
        publishing = make_publishing(server.url + JWKS_PATH)
        result = publishing.publish(identity.login())
    assert_unavailable(result)
    assert "no Ed25519" in result.json["detail"]


def test_an_oversized_jwks_is_refused(
    identity: Identity, make_publishing: Callable[[str], Publishing]
) -> None:
    signing = SigningKey.of(Ed25519PrivateKey.generate())
    document = jwks_document([signing])
    document["padding"] = "x" * MAX_DOCUMENT_BYTES
    body = json.dumps(document).encode()
    with LocalServer(
        lambda seen: Answer(200, body, {"Content-Type": "application/json"})
    ) as server:
        publishing = make_publishing(server.url + JWKS_PATH)
        result = publishing.publish(ed25519_token(signing.private_key, signing.kid, identity))
    assert_unavailable(result)
    assert f"the limit is {MAX_DOCUMENT_BYTES}" in result.json["detail"]


def test_a_redirect_is_not_followed(
    identity: Identity, identity_url: str, make_publishing: Callable[[str], Publishing]
) -> None:
    def respond(seen: Seen) -> Answer:
        return Answer(302, b"", {"Location": identity_url + JWKS_PATH})

    with LocalServer(respond) as server:
        publishing = make_publishing(server.url + JWKS_PATH)
        result = publishing.publish(identity.login())
    assert_unavailable(result)
    assert "HTTP 302" in result.json["detail"]
    assert identity.jwks_fetches == 0
