"""How a process authenticates to NATS and verifies its certificate (users, passwords, TLS).

Built once at the process edge from :class:`~mcp_registry.shared.config.Settings`; the NATS
client only hands the values to nats-py. Credentials may also travel in the URL
(``nats://user:pass@host``), which nats-py understands; the settings are the way to keep them
out of a URL that appears in configuration listings.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from typing import Any

from mcp_registry.shared.config import Settings


@dataclass(frozen=True)
class NatsCredentials:
    """Connection options beyond the URL. Empty values mean "not used".

    ``ca_file`` makes the client require TLS and trust that CA (instead of the system's);
    ``cert_file``/``key_file`` present a client certificate (mutual TLS); ``tls`` alone (no
    files) requires TLS with the system's CAs.
    """

    user: str = ""
    password: str = ""
    tls: bool = False
    ca_file: str = ""
    cert_file: str = ""
    key_file: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> NatsCredentials:
        """The NATS options of ``settings`` (whose ``check`` refused half pairs)."""
        return cls(
            user=settings.nats_user,
            password=settings.nats_password,
            tls=settings.nats_url.startswith("tls://")
            or bool(settings.nats_ca_file or settings.nats_cert_file),
            ca_file=settings.nats_ca_file,
            cert_file=settings.nats_cert_file,
            key_file=settings.nats_key_file,
        )

    def ssl_context(self) -> ssl.SSLContext | None:
        """A client TLS context verifying the server (hostname included), or None."""
        if not self.tls:
            return None
        context = ssl.create_default_context(cafile=self.ca_file or None)
        if self.cert_file:
            context.load_cert_chain(self.cert_file, self.key_file)
        return context

    def connect_options(self) -> dict[str, Any]:
        """Keyword arguments for ``nats.aio.client.Client.connect``."""
        options: dict[str, Any] = {}
        if self.user:
            options["user"] = self.user
            options["password"] = self.password
        context = self.ssl_context()
        if context is not None:
            options["tls"] = context
        return options
