"""The key directory as a Kubernetes Secret: generate, rotate, and what identity reads from it.

The Secret volume is laid out as the kubelet does (files are symlinks into ``..data``, a
symlink to a timestamped directory that an update replaces atomically), so the test shows a
rotation reaching a running key ring without a restart.
"""

from __future__ import annotations

import base64
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mcp_registry.cli.registry.key_secret import secret_files
from mcp_registry.cli.registry.main import cli
from mcp_registry.shared.auth.signing_keys import KeyDirectory, KeyRing, SigningKeyError

ENV = {"MCP_REGISTRY_JWT_KEY_ACTIVATION_DELAY": "180", "MCP_REGISTRY_JWT_KEY_RETENTION": "3600"}


def _run(*args: str, stdin: str = "") -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["keys", "kubernetes-secret", *args], input=stdin, env=ENV)
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def _mount(volume: Path, secret: dict[str, Any], generation: int) -> None:
    """Write ``secret`` into ``volume`` the way the kubelet updates a Secret volume."""
    volume.mkdir(exist_ok=True)
    target = volume / f"..2026_01_01_00_00_0{generation}"
    target.mkdir()
    for name, value in secret["data"].items():
        (target / name).write_bytes(base64.b64decode(value))
    staging = volume / "..data_tmp"
    staging.symlink_to(target.name)
    os.replace(staging, volume / "..data")  # the atomic swap
    for name in secret["data"]:
        link = volume / name
        if not link.is_symlink():
            link.symlink_to(f"..data/{name}")


def test_generate_then_rotate(tmp_path: Path) -> None:
    first = _run("registry-signing-keys", "--generate", "--namespace", "mcp")
    assert first["kind"] == "Secret"
    assert first["metadata"] == {
        "name": "registry-signing-keys",
        "namespace": "mcp",
        "labels": {"app.kubernetes.io/part-of": "mcp-registry"},
    }
    files = secret_files(first)
    assert len([n for n in files if n.endswith(".pem")]) == 1

    rotated = _run("registry-signing-keys", "--rotate", stdin=json.dumps(first))
    assert rotated["metadata"]["namespace"] == "mcp"
    assert len([n for n in secret_files(rotated) if n.endswith(".pem")]) == 2
    keyring = json.loads(base64.b64decode(rotated["data"]["keyring.json"]))
    (new_kid,) = set(keyring["keys"]) - set(json.loads(files["keyring.json"])["keys"])
    signs_from = datetime.fromisoformat(
        keyring["keys"][new_kid]["signs_from"].replace("Z", "+00:00")
    )
    created = datetime.fromisoformat(keyring["keys"][new_kid]["created_at"].replace("Z", "+00:00"))
    # The two times come from two clock readings, microseconds apart.
    assert abs((signs_from - created) - timedelta(seconds=180)) < timedelta(seconds=1)


def test_identity_sees_a_rotation_through_the_secret_volume(tmp_path: Path) -> None:
    first = _run("keys", "--generate")
    volume = tmp_path / "keys"
    _mount(volume, first, 1)
    ring = KeyRing(directory=KeyDirectory(volume))
    (old,) = ring.verification_keys()
    assert ring.signing_key.kid == old.kid

    rotated = _run("keys", "--rotate", stdin=json.dumps(first))
    _mount(volume, rotated, 2)
    kids = {k.kid for k in ring.verification_keys()}
    assert len(kids) == 2  # the new key verifies (and is in the JWKS) at once
    assert ring.signing_key.kid == old.kid  # but signs only after the activation delay
    later = KeyRing(
        directory=KeyDirectory(volume, clock=lambda: datetime.now(UTC) + timedelta(seconds=181)),
        clock=lambda: datetime.now(UTC) + timedelta(seconds=181),
    )
    assert later.signing_key.kid in kids - {old.kid}


def test_a_secret_without_a_keyring_is_refused() -> None:
    with pytest.raises(SigningKeyError, match=r"no keyring\.json"):
        secret_files({"kind": "Secret", "data": {"other": "eA=="}})
    result = CliRunner().invoke(
        cli, ["keys", "kubernetes-secret", "x", "--rotate"], input='{"kind": "ConfigMap"}'
    )
    assert result.exit_code == 1
    assert "expected a Kubernetes Secret" in result.output


def test_an_action_is_required() -> None:
    result = CliRunner().invoke(cli, ["keys", "kubernetes-secret", "x"])
    assert result.exit_code == 2
    assert "--generate" in result.output
