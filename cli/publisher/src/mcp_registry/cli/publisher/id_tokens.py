"""Where OIDC ID tokens come from when ``--token`` is not given.

GitHub Actions hands a job an ID token on request (``ACTIONS_ID_TOKEN_REQUEST_URL`` and
``ACTIONS_ID_TOKEN_REQUEST_TOKEN``, present with ``permissions: id-token: write``); Google
Cloud users get one from ``gcloud auth print-identity-token``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from mcp_registry.cli.publisher.client import ApiError, JsonHttp, Unreachable
from mcp_registry.cli.publisher.errors import ExitCode, PublisherError

ACTIONS_AUDIENCE = "mcp-registry"


def github_actions_token(
    audience: str = ACTIONS_AUDIENCE, environ: Mapping[str, str] | None = None
) -> str:
    """Ask the GitHub Actions runtime for an ID token with ``audience``."""
    env = os.environ if environ is None else environ
    url = env.get("ACTIONS_ID_TOKEN_REQUEST_URL")
    bearer = env.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN")
    if not url or not bearer:
        raise PublisherError(
            "no GitHub Actions ID token is available here",
            code=ExitCode.AUTH,
            hint="run in GitHub Actions with `permissions: id-token: write`, or pass --token",
        )
    parts = urlsplit(url)
    query = urlencode([*parse_qsl(parts.query), ("audience", audience)])
    origin = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    path = urlunsplit(("", "", parts.path, query, ""))
    try:
        answer = JsonHttp(origin, token=bearer).get(path)
    except (ApiError, Unreachable) as exc:
        raise PublisherError(
            f"GitHub Actions did not issue an ID token: {exc}", code=ExitCode.UNAVAILABLE
        ) from None
    value = answer.get("value") if isinstance(answer, dict) else None
    if not isinstance(value, str) or not value:
        raise PublisherError("GitHub Actions answered without an ID token", code=ExitCode.AUTH)
    return value


def gcloud_identity_token() -> str:
    """``gcloud auth print-identity-token``, when gcloud is installed and logged in."""
    gcloud = shutil.which("gcloud")
    if gcloud is None:
        raise PublisherError(
            "no ID token given and gcloud is not installed",
            code=ExitCode.USAGE,
            hint="pass --token (or MCP_OIDC_TOKEN) with an ID token from your identity provider",
        )
    try:
        done = subprocess.run(
            [gcloud, "auth", "print-identity-token"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PublisherError(f"gcloud could not be run: {exc}", code=ExitCode.FAILURE) from None
    token = done.stdout.strip()
    if done.returncode != 0 or not token:
        raise PublisherError(
            "gcloud did not print an identity token",
            code=ExitCode.AUTH,
            hint="run `gcloud auth login` first, or pass --token",
            details=[line for line in done.stderr.strip().splitlines()[-3:] if line],
        )
    return token
