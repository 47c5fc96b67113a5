"""HTTPS for ``mcp-registry serve``: gunicorn terminates TLS itself for small installs.

Larger installs terminate TLS at the edge (the ingress, a Gateway, a CDN); this is for a single
host without one. gunicorn reads the files when it starts, so a renewed certificate needs a
restart (``SIGHUP`` reloads workers, not the master's listening socket context).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mcp_registry.shared.config import PREFIX, ConfigError, Settings


def tls_options(settings: Settings) -> dict[str, Any]:
    """gunicorn's ``certfile``/``keyfile`` when ``TLS_CERT_FILE`` is set, else ``{}``.

    Raises :class:`ConfigError` naming the variable when a file is missing, so the process
    fails at start rather than on the first connection.
    """
    if not settings.tls_cert_file:
        return {}
    for name, value in (
        ("TLS_CERT_FILE", settings.tls_cert_file),
        ("TLS_KEY_FILE", settings.tls_key_file),
    ):
        if not Path(value).is_file():
            raise ConfigError(f"{PREFIX}{name}: no such file: {value}")
    return {"certfile": settings.tls_cert_file, "keyfile": settings.tls_key_file}
