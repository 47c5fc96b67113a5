"""A real nats-server with the deployment's users (and optionally TLS), for permission tests.

The users and their permissions are the chart's committed ``files/nats/authorization.conf``,
included from a small main configuration exactly as the chart's nats.conf includes it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from mcp_registry.shared.events.embedded import EmbeddedNats
from mcp_registry.shared.events.nats_users import USERS

ROOT = Path(__file__).resolve().parents[2]
AUTHORIZATION_FILE = ROOT / "helm" / "mcp-registry" / "files" / "nats" / "authorization.conf"


@dataclass(frozen=True)
class SecuredNats:
    """A started server, each user's password, and whether clients must use TLS."""

    server: EmbeddedNats
    passwords: dict[str, str]

    def url_for(self, user: str) -> str:
        """The server's URL with ``user``'s credentials in it."""
        return self.server.url.replace("nats://", f"nats://{user}:{self.passwords[user]}@", 1)


def start_secured_nats(
    directory: Path, *, cert_file: Path | None = None, key_file: Path | None = None
) -> SecuredNats:
    """A JetStream server under ``directory`` with every deployment user; caller stops it.

    With ``cert_file``/``key_file`` the server requires TLS of every client.
    """
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "authorization.conf").write_text(
        AUTHORIZATION_FILE.read_text(encoding="utf-8"), encoding="utf-8"
    )
    main = ['include "authorization.conf"']
    if cert_file is not None and key_file is not None:
        main += ["tls {", f'  cert_file: "{cert_file}"', f'  key_file: "{key_file}"', "}"]
    config = directory / "nats.conf"
    config.write_text("\n".join(main) + "\n", encoding="utf-8")
    # nats-server parses a variable's value as a configuration value: a password starting with
    # a digit or a dash fails to load, so passwords are a letter then hex (as the chart makes).
    passwords = {u.name: "p" + secrets.token_hex(16) for u in USERS}
    server = EmbeddedNats(
        directory / "store",
        config_file=config,
        environment={u.password_variable: passwords[u.name] for u in USERS},
    )
    server.start()
    return SecuredNats(server=server, passwords=passwords)
