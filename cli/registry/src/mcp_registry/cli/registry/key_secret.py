"""The signing-key directory as a Kubernetes Secret, for clusters (``keys kubernetes-secret``).

On Kubernetes identity mounts the key directory read-only from a Secret (the chart's
``signingKeys.existingSecret``), so a rotation happens outside the pods: the operator's
machine reads the Secret, rotates a copy of the directory, and replaces the Secret. The
kubelet then updates the mounted files in place (atomically, all keys at once) and identity
re-reads ``keyring.json`` without a restart.

The Secret's keys are the directory's file names (``keyring.json``, ``<kid>.pem``); no other
file is kept. Nothing is written to disk outside a private temporary directory that is
removed afterwards.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from mcp_registry.shared.auth.signing_keys import KEYRING_FILE, KeyDirectory, SigningKeyError


def _is_key_file(name: str) -> bool:
    return name == KEYRING_FILE or (name.endswith(".pem") and "/" not in name)


def secret_files(document: Mapping[str, Any]) -> dict[str, bytes]:
    """The key-directory files held by a Secret (``kubectl get secret -o json``)."""
    if document.get("kind") != "Secret":
        raise SigningKeyError("expected a Kubernetes Secret (kubectl get secret NAME -o json)")
    data = document.get("data") or {}
    if not isinstance(data, dict):
        raise SigningKeyError("the Secret's data is not a mapping")
    files: dict[str, bytes] = {}
    for name, value in data.items():
        if _is_key_file(name):
            files[name] = base64.b64decode(value)
    if KEYRING_FILE not in files:
        raise SigningKeyError(f"the Secret holds no {KEYRING_FILE}: not a key directory")
    return files


def secret_document(name: str, files: Mapping[str, bytes], namespace: str = "") -> dict[str, Any]:
    """A Secret manifest holding ``files``, for ``kubectl create -f -``/``replace -f -``."""
    metadata: dict[str, Any] = {
        "name": name,
        "labels": {"app.kubernetes.io/part-of": "mcp-registry"},
    }
    if namespace:
        metadata["namespace"] = namespace
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": metadata,
        "type": "Opaque",
        "data": {k: base64.b64encode(v).decode("ascii") for k, v in sorted(files.items())},
    }


def change_in_secret(
    name: str,
    current: Mapping[str, Any] | None,
    change: Callable[[KeyDirectory], object],
    *,
    namespace: str = "",
    make_directory: Callable[[Path], KeyDirectory] = KeyDirectory,
) -> dict[str, Any]:
    """Apply ``change`` (generate, rotate) to the directory the Secret ``current`` holds
    (``None``: an empty one) and return the Secret to write back.

    The namespace of ``current`` is kept unless ``namespace`` says otherwise.
    """
    files = secret_files(current) if current is not None else {}
    if current is not None and not namespace:
        namespace = str((current.get("metadata") or {}).get("namespace") or "")
    with tempfile.TemporaryDirectory(prefix="mcp-registry-keys-") as scratch:
        path = Path(scratch) / "keys"
        path.mkdir(mode=0o700)
        for file_name, content in files.items():
            fd = os.open(path / file_name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(content)
        change(make_directory(path))
        written = {p.name: p.read_bytes() for p in path.iterdir() if _is_key_file(p.name)}
    return secret_document(name, written, namespace)


def read_secret(text: str) -> dict[str, Any]:
    """Parse ``kubectl get secret -o json`` output."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SigningKeyError(f"standard input is not a JSON Secret: {exc}") from None
    if not isinstance(document, dict):
        raise SigningKeyError("standard input is not a JSON Secret")
    return document
