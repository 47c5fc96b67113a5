"""Trade a provider credential for a registry token (``POST /v0/auth/{method}``) and store it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mcp_registry.cli.publisher import credentials
from mcp_registry.cli.publisher.client import ApiError, JsonHttp, Unreachable, encode_segment
from mcp_registry.cli.publisher.errors import (
    ExitCode,
    PublisherError,
    from_api_error,
    from_unreachable,
)
from mcp_registry.cli.publisher.session import login_name

ANONYMOUS_METHOD = "none"
ANONYMOUS_SETTING = "MCP_REGISTRY_ENABLE_ANONYMOUS_AUTH"
"""The registry setting that enables ``login none`` (named in the error when it is off)."""


def exchange(
    registry: JsonHttp, method: str, body: Mapping[str, Any] | None
) -> tuple[credentials.Credentials, list[str]]:
    """Log in with ``method``; the stored credentials and any warnings the registry sent."""
    try:
        answer = registry.post(f"/v0/auth/{encode_segment(method)}", dict(body) if body else None)
    except Unreachable as exc:
        raise from_unreachable(exc) from None
    except ApiError as exc:
        shown = login_name(method)
        if exc.status == 404 and method == ANONYMOUS_METHOD:
            # Not a missing page: the registry refuses anonymous logins by configuration.
            raise PublisherError(
                f"{registry.base_url} does not allow anonymous login (`login none`)",
                code=ExitCode.AUTH,
                hint=(
                    f"its operator enables it with {ANONYMOUS_SETTING}=true (development "
                    "registries only); `mcp-publisher login --list` shows the methods it offers"
                ),
            ) from None
        hint = None
        if exc.status == 404:
            hint = "run `mcp-publisher login --list` to see the methods this registry enables"
        elif exc.status == 401:
            hint = "the registry did not accept the credential; check it and try again"
        raise from_api_error(exc, action=f"login with {shown}", hint=hint) from None
    token = answer.get("registry_token") if isinstance(answer, dict) else None
    if not isinstance(token, str) or not token:
        raise PublisherError(
            f"the registry's answer to login with {login_name(method)} carried no registry_token",
            code=ExitCode.FAILURE,
        )
    expires = answer.get("expires_at")
    stored = credentials.Credentials(
        registry_url=registry.base_url,
        token=token,
        method=method,
        expires_at=expires if isinstance(expires, int) else None,
    )
    credentials.save(stored)
    warnings = answer.get("warnings")
    notes = [w for w in warnings if isinstance(w, str)] if isinstance(warnings, list) else []
    return stored, notes
