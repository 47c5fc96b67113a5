"""The one server.json factory of the tests: defaults for every required field, overridable.

Tests take it as the ``make_server_json`` fixture (:mod:`tests.support.fixtures.server_json`);
helpers that are not tests or fixtures call :func:`server_json` directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from mcp_registry.shared.serverjson.schema import CURRENT_SCHEMA_URL

DEFAULT_NAME: Final = "io.github.alice/test-server"

MakeServerJson = Callable[..., dict[str, Any]]
"""The ``make_server_json`` fixture: ``make_server_json(**overrides)`` (see :func:`server_json`)."""


def server_json(**overrides: Any) -> dict[str, Any]:
    """A valid current-schema server.json with ``overrides`` applied.

    Without overrides: ``$schema`` (the current schema), ``name`` (:data:`DEFAULT_NAME`),
    ``version`` (``1.0.0``) and ``description``. Each override sets its field (``$schema``
    through ``**{"$schema": ...}``); an override of ``None`` leaves the field out. Every call
    returns a new document.
    """
    doc: dict[str, Any] = {
        "$schema": CURRENT_SCHEMA_URL,
        "name": DEFAULT_NAME,
        "version": "1.0.0",
        "description": "A test server",
    }
    for field, value in overrides.items():
        if value is None:
            doc.pop(field, None)
        else:
            doc[field] = value
    return doc


def npm_package(identifier: str, version: str) -> dict[str, Any]:
    """A minimal npm package entry, as far as storage and search look at one."""
    return {"registryType": "npm", "identifier": identifier, "version": version}
