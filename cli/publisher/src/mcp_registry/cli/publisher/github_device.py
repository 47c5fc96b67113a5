"""GitHub's OAuth device flow (RFC 8628), as the official publisher runs it.

The client id comes from the registry (``GET /v0/health`` → ``github_client_id``); GitHub's
base URL is configurable (``--github-url`` / ``MCP_PUBLISHER_GITHUB_URL``) so tests run it
against a local fake. The resulting GitHub token is only passed on to ``/v0/auth/github-at``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from mcp_registry.cli.publisher.client import ApiError, JsonHttp, Unreachable
from mcp_registry.cli.publisher.errors import ExitCode, PublisherError

DEFAULT_GITHUB_URL = "https://github.com"
SCOPES = "read:org read:user"
GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code"


@dataclass(frozen=True)
class DeviceCode:
    """What the user must do in a browser, and how long we may wait for it."""

    device_code: str
    user_code: str
    verification_uri: str
    expires_in: int
    interval: int


def client_id_from(registry: JsonHttp) -> str:
    """The registry's GitHub OAuth app client id, from ``/v0/health``."""
    try:
        health = registry.get("/v0/health")
    except (ApiError, Unreachable) as exc:
        raise PublisherError(
            f"could not read the registry's GitHub client id from /v0/health: {exc}",
            code=ExitCode.UNAVAILABLE,
            hint="check --registry, or pass a GitHub token with --token / MCP_GITHUB_TOKEN",
        ) from None
    client_id = health.get("github_client_id") if isinstance(health, dict) else None
    if not isinstance(client_id, str) or not client_id:
        raise PublisherError(
            "this registry has no GitHub OAuth app configured, so the device flow cannot run",
            code=ExitCode.FAILURE,
            hint="pass a GitHub token with --token or MCP_GITHUB_TOKEN (e.g. `gh auth token`)",
        )
    return client_id


def request_code(github: JsonHttp, client_id: str) -> DeviceCode:
    """Start the flow: a device code and the user code to enter."""
    answer = _post(github, "/login/device/code", {"client_id": client_id, "scope": SCOPES})
    try:
        return DeviceCode(
            device_code=str(answer["device_code"]),
            user_code=str(answer["user_code"]),
            verification_uri=str(answer["verification_uri"]),
            expires_in=int(str(answer.get("expires_in", 900))),
            interval=int(str(answer.get("interval", 5))),
        )
    except (KeyError, TypeError, ValueError):
        raise PublisherError(
            f"GitHub's device code answer was not understood: {_describe(answer)}",
            code=ExitCode.FAILURE,
        ) from None


def wait_for_token(
    github: JsonHttp,
    client_id: str,
    code: DeviceCode,
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> str:
    """Poll until the user approves; the GitHub access token."""
    interval = max(code.interval, 1)
    deadline = clock() + code.expires_in
    while True:
        sleep(interval)
        answer = _post(
            github,
            "/login/oauth/access_token",
            {"client_id": client_id, "device_code": code.device_code, "grant_type": GRANT_TYPE},
        )
        token = answer.get("access_token")
        if isinstance(token, str) and token:
            return token
        error = answer.get("error")
        if error == "slow_down":
            interval += 5  # RFC 8628 §3.5: add 5 seconds to every later poll.
        elif error == "access_denied":
            raise PublisherError("the GitHub authorization was denied", code=ExitCode.AUTH)
        elif error == "expired_token":
            raise PublisherError(
                "the device code expired before it was approved",
                code=ExitCode.AUTH,
                hint="run `mcp-publisher login github` again and enter the code promptly",
            )
        elif error != "authorization_pending":
            raise PublisherError(
                f"GitHub refused the device flow: {_describe(answer)}", code=ExitCode.AUTH
            )
        if clock() >= deadline:
            raise PublisherError(
                "timed out waiting for the GitHub authorization",
                code=ExitCode.AUTH,
                hint="run `mcp-publisher login github` again",
            )


def _post(github: JsonHttp, path: str, form: dict[str, str]) -> dict[str, object]:
    try:
        answer = github.request("POST", path, form=form)
    except Unreachable as exc:
        raise PublisherError(
            str(exc), code=ExitCode.UNAVAILABLE, hint="check --github-url / your network"
        ) from None
    except ApiError as exc:
        raise PublisherError(
            f"GitHub answered {path} with {exc.status} {exc.title} {exc.detail}".strip(),
            code=ExitCode.FAILURE,
        ) from None
    if not isinstance(answer, dict):
        raise PublisherError(f"GitHub answered {path} with something that is not JSON")
    return answer


def _describe(answer: dict[str, object]) -> str:
    # Only the error fields: the answer could carry a token.
    error = answer.get("error") or "unknown error"
    description = answer.get("error_description")
    return f"{error} ({description})" if description else str(error)
