"""Settings, read once from ``MCP_REGISTRY_*`` environment variables at the process edge.

Names follow the official registry where they overlap (``SERVER_ADDRESS``, ``DATABASE_URL``,
``SEED_FROM``, ``GITHUB_CLIENT_ID``, ``ENABLE_ANONYMOUS_AUTH``,
``ENABLE_REGISTRY_VALIDATION``). Everything else is ours. Code below the edge receives a
:class:`Settings` instance; nothing else reads the environment.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

PREFIX = "MCP_REGISTRY_"


class ConfigError(ValueError):
    """An environment variable holds a value that cannot be used."""


def _parse_bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"expected true/false, got {raw!r}")


def _parse_list(raw: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in raw.split(",") if item.strip())


@dataclass(frozen=True)
class Settings:
    """Every knob of the registry. Field ``foo_bar`` is read from ``MCP_REGISTRY_FOO_BAR``.

    The ``doc`` metadata of each field feeds the README's configuration table
    (``mcp-registry config``), so the two cannot drift apart.
    """

    server_address: str = field(
        default="127.0.0.1:8080", metadata={"doc": "host:port the registry listens on"}
    )
    data_dir: str = field(
        default=".data", metadata={"doc": "where embedded state lives (SQLite, NATS JetStream)"}
    )
    database_url: str = field(
        default="",
        metadata={
            "doc": "mongodb://… or sqlite:///relative.db / sqlite:////absolute.db; "
            "empty = SQLite in the data dir"
        },
    )
    nats_url: str = field(
        default="", metadata={"doc": "external NATS server; empty = start an embedded nats-server"}
    )
    seed_from: str = field(
        default="", metadata={"doc": "JSON file or /v0/servers URL imported at start-up"}
    )
    enable_registry_validation: bool = field(
        default=True, metadata={"doc": "check package ownership against package registries"}
    )
    enable_anonymous_auth: bool = field(
        default=False, metadata={"doc": "allow the anonymous `none` auth method"}
    )
    github_client_id: str = field(
        default="", metadata={"doc": "GitHub OAuth app client id, shown on /health for the CLI"}
    )
    workers: int = field(default=2, metadata={"doc": "gunicorn worker processes"})
    max_body_bytes: int = field(
        default=262_144, metadata={"doc": "largest request body accepted, in bytes"}
    )
    cache_max_age: int = field(
        default=30, metadata={"doc": "Cache-Control max-age of public reads, seconds"}
    )
    cache_s_maxage: int = field(
        default=300, metadata={"doc": "Cache-Control s-maxage (shared caches/CDN), seconds"}
    )
    cache_stale_while_revalidate: int = field(
        default=600, metadata={"doc": "Cache-Control stale-while-revalidate, seconds"}
    )
    response_cache_entries: int = field(
        default=2048, metadata={"doc": "in-process response cache size per worker (0 = off)"}
    )
    nats_request_timeout: float = field(
        default=0.5, metadata={"doc": "seconds to wait for a NATS request/reply answer"}
    )
    outbox_poll_interval: float = field(
        default=0.5, metadata={"doc": "seconds between outbox relay sweeps"}
    )
    git_commit: str = field(default="unknown", metadata={"doc": "reported by /version"})
    build_time: str = field(default="unknown", metadata={"doc": "reported by /version"})
    log_level: str = field(default="info", metadata={"doc": "debug, info, warning or error"})

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Build settings from an environment mapping; unknown ``MCP_REGISTRY_*`` keys are ignored.

        Raises :class:`ConfigError` naming the variable when a value does not parse.
        """
        values: dict[str, Any] = {}
        for f in fields(cls):
            key = PREFIX + f.name.upper()
            if key not in environ:
                continue
            raw = environ[key]
            try:
                values[f.name] = _PARSERS[_type_name(f.type)](raw)
            except ValueError as exc:
                raise ConfigError(f"{key}: {exc}") from None
        settings = cls(**values)
        settings.check()
        return settings

    def check(self) -> None:
        """Reject combinations that cannot work, before anything starts."""
        host, sep, port = self.server_address.rpartition(":")
        if not sep or not host or not port.isdigit():
            raise ConfigError(
                f"{PREFIX}SERVER_ADDRESS: expected host:port, got {self.server_address!r}"
            )
        if self.database_url and not self.database_url.startswith(
            ("sqlite:///", "mongodb://", "mongodb+srv://")
        ):
            raise ConfigError(
                f"{PREFIX}DATABASE_URL: scheme must be sqlite:/// or mongodb://, "
                f"got {self.database_url!r}"
            )
        if self.workers < 1:
            raise ConfigError(f"{PREFIX}WORKERS: must be at least 1")
        if self.max_body_bytes < 1024:
            raise ConfigError(f"{PREFIX}MAX_BODY_BYTES: must be at least 1024")

    @property
    def effective_database_url(self) -> str:
        """``database_url``, or SQLite inside ``data_dir`` when unset."""
        if self.database_url:
            return self.database_url
        return "sqlite:///" + str(Path(self.data_dir) / "registry.db")

    def replace(self, **changes: Any) -> Settings:
        """A copy with some fields changed (tests and the dev composition use this)."""
        return dataclasses.replace(self, **changes)

    def to_env(self) -> dict[str, str]:
        """The environment that reproduces these settings in a child process."""
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool):
                text = "true" if value else "false"
            elif isinstance(value, tuple):
                text = ",".join(value)
            else:
                text = str(value)
            out[PREFIX + f.name.upper()] = text
        return out


def settings_table() -> str:
    """The Markdown table of every setting (the README embeds it; a test keeps them equal)."""
    rows = ["| variable | default | meaning |", "|---|---|---|"]
    for f in fields(Settings):
        default = f.default
        if isinstance(default, bool):
            shown = "true" if default else "false"
        elif default in ("", ()):
            shown = "(empty)"
        else:
            shown = str(default)
        rows.append(f"| `{PREFIX}{f.name.upper()}` | `{shown}` | {f.metadata.get('doc', '')} |")
    return "\n".join(rows)


def _type_name(annotation: object) -> str:
    # ``from __future__ import annotations`` makes field types strings.
    return annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "str")


_PARSERS: dict[str, Callable[[str], Any]] = {
    "str": str,
    "int": int,
    "float": float,
    "bool": _parse_bool,
    "tuple[str, ...]": _parse_list,
}
