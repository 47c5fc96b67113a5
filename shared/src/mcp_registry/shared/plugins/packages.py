"""The contract between the publishing service and package-ownership validator plugins.

A validator proves that the package a server.json points at belongs to that server (DESIGN
§9): npm ``mcpName``, ``mcp-name:`` in a PyPI README, an MCPB file whose SHA-256 matches.
Validators talk to upstream registries only through the :class:`RegistryHttp` they are given,
which refuses every origin the validator did not declare in ``origins`` (built from settings).

A validator signals its verdict by raising:

- :class:`PackageRejected` (400): the package does not exist or does not name the server;
  the message tells the publisher what to fix;
- :class:`~mcp_registry.shared.errors.UpstreamUnavailable` (503, retryable): the upstream
  timed out, refused, rate-limited (429) or failed (5xx); never a silent pass.

Returning normally means the package is owned by the server.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

from mcp_registry.shared.errors import BadRequest
from mcp_registry.shared.outbound_http import HttpReply


class PackageRejected(BadRequest):
    """The package does not prove it belongs to the server being published."""


class RegistryFetch(Protocol):
    """The HTTP access a validator gets (see :class:`package_http.RegistryHttp`)."""

    def get(
        self, url: str, *, accept: str = "application/json", max_bytes: int = 5 * 1024 * 1024
    ) -> tuple[int, bytes]:
        """GET ``url`` (redirects followed only within the allowed origins): status and body.

        Raises ``UpstreamUnavailable`` for timeouts, connection failures, 429 and 5xx, and
        :class:`PackageRejected` for a URL outside the allowed origins or a body over
        ``max_bytes``.
        """
        ...

    def fetch(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        max_bytes: int = 5 * 1024 * 1024,
    ) -> HttpReply:
        """Like :meth:`get`, with request headers, answering status, headers and body.

        For protocols that need more than a body (an OCI registry's ``WWW-Authenticate``
        challenge and bearer tokens). ``Authorization`` is not forwarded by a redirect to
        another origin.
        """
        ...


@runtime_checkable
class PackageValidator(Protocol):
    """Checks packages of one ``registryType``."""

    @property
    def registry_type(self) -> str:
        """The ``registryType`` this validator owns (``npm``, ``pypi``, ``mcpb``, ...)."""
        ...

    @property
    def origins(self) -> tuple[str, ...]:
        """``scheme://host[:port]`` origins it may contact; every other request is refused."""
        ...

    def check(self, package: Mapping[str, Any], server_name: str, http: RegistryFetch) -> None:
        """Return when ``package`` belongs to ``server_name``; raise otherwise (module doc)."""
        ...


def fetch_version_metadata(
    http: RegistryFetch, url: str, *, registry: str, identifier: str, version: str
) -> Any:
    """The JSON document a package registry serves at ``url`` for one package version.

    Raises :class:`PackageRejected` naming ``registry`` (e.g. ``NPM``, ``PyPI``) when the
    version is not there (any status but 200) or the body is not JSON; upstream trouble
    (429/5xx, timeouts) is ``http``'s to raise as retryable.
    """
    status, body = http.get(url)
    if status != 200:
        raise PackageRejected(
            f"{registry} package '{identifier}' version {version} not found (status: {status})"
        )
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise PackageRejected(f"{registry} package '{identifier}': metadata is not JSON") from None
