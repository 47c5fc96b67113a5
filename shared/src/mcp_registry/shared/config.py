"""Settings, read once from ``MCP_REGISTRY_*`` environment variables at the process edge.

Names follow the official registry where they overlap (``SERVER_ADDRESS``, ``DATABASE_URL``,
``SEED_FROM``, ``GITHUB_CLIENT_ID``, ``ENABLE_ANONYMOUS_AUTH``,
``ENABLE_REGISTRY_VALIDATION``). Everything else is ours. Code below the edge receives a
:class:`Settings` instance; nothing else reads the environment.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from mcp_registry.shared.oidc_audience import audience_for_url

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


WORKER_MODELS = ("asgi", "gthread")
"""How each gunicorn worker serves HTTP (see ``shared/web/gunicorn_app.py``)."""


@dataclass(frozen=True)
class Settings:
    """Every knob of the registry. Field ``foo_bar`` is read from ``MCP_REGISTRY_FOO_BAR``.

    The ``doc`` metadata of each field feeds the README's configuration table
    (``mcp-registry config``), so the two cannot drift apart.
    """

    server_address: str = field(
        default="127.0.0.1:8080", metadata={"doc": "host:port the registry listens on"}
    )
    public_url: str = field(
        default="",
        metadata={
            "doc": "the registry's public base URL, e.g. `https://registry.example.com`; "
            "CI ID tokens are bound to it (their audience); empty = `http://<SERVER_ADDRESS>`"
        },
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
    database_init: bool = field(
        default=True,
        metadata={
            "doc": "create indexes and repair unfinished writes when a process opens the "
            "database; false for a read-only database user (`mcp-registry db init` does it)"
        },
    )
    nats_url: str = field(
        default="", metadata={"doc": "external NATS server; empty = start an embedded nats-server"}
    )
    nats_user: str = field(
        default="", metadata={"doc": "NATS user name (the chart gives each service its own)"}
    )
    nats_password: str = field(
        default="", metadata={"doc": "password of `NATS_USER`", "secret": True}
    )
    nats_ca_file: str = field(
        default="",
        metadata={"doc": "CA bundle the NATS server's certificate must chain to (implies TLS)"},
    )
    nats_cert_file: str = field(
        default="", metadata={"doc": "client certificate for NATS mutual TLS (with `KEY_FILE`)"}
    )
    nats_key_file: str = field(default="", metadata={"doc": "private key of `NATS_CERT_FILE`"})
    tls_cert_file: str = field(
        default="",
        metadata={
            "doc": "certificate chain (PEM) `mcp-registry serve` terminates HTTPS with; "
            "empty = plain HTTP"
        },
    )
    tls_key_file: str = field(default="", metadata={"doc": "private key (PEM) of `TLS_CERT_FILE`"})
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
    worker_model: str = field(
        default="asgi",
        metadata={
            "doc": "asgi (uvicorn worker, the app in a thread pool) or gthread (gunicorn threads)"
        },
    )
    threads: int = field(
        default=4, metadata={"doc": "request threads per worker (requests whose head arrived)"}
    )
    switch_interval: float = field(
        default=0.0005,
        metadata={
            "doc": "seconds a request thread may keep the Python interpreter while the event "
            "loop waits for it (sys.setswitchinterval, asgi workers): short, so reads answered "
            "on the loop are not held up by a publish in a thread"
        },
    )
    http_keepalive: int = field(
        default=5,
        metadata={"doc": "seconds an idle connection (kept alive, or silent) stays open"},
    )
    http_header_timeout: float = field(
        default=5.0, metadata={"doc": "seconds a client has to send a whole request head"}
    )
    http_body_timeout: float = field(
        default=10.0,
        metadata={"doc": "seconds each read of a request body, or the response write, may wait"},
    )
    max_body_bytes: int = field(
        default=262_144, metadata={"doc": "largest request body accepted, in bytes"}
    )
    cors_allowed_origins: tuple[str, ...] = field(
        default=("*",),
        metadata={
            "doc": "origins browsers may call the API from, comma-separated "
            "(`*` = any, without credentials)"
        },
    )
    rate_limit_writes: str = field(
        default="60/minute",
        metadata={
            "doc": "writes (publish, edit, status) per token subject, as `N/second`, "
            "`N/minute` or `N/hour`; empty: unlimited"
        },
    )
    rate_limit_auth: str = field(
        default="30/minute",
        metadata={
            "doc": "requests to `/auth/*`, `/verify-domain*` and abuse reports per client "
            "address (`N/minute`, ...); empty: unlimited"
        },
    )
    rate_limit_reads: str = field(
        default="",
        metadata={"doc": "reads of `/servers*` per client address; empty (default): unlimited"},
    )
    trusted_proxies: tuple[str, ...] = field(
        default=(),
        metadata={
            "doc": "addresses or CIDRs of the proxies in front of the registry, comma-separated: "
            "only behind these is `X-Forwarded-For` used for the client address"
        },
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
    plugins: tuple[str, ...] = field(
        default=(),
        metadata={
            "doc": "entry-point names of the `mcp_registry` plugins to load, comma-separated; "
            "empty = every installed plugin"
        },
    )
    jwt_private_key: str = field(
        default="",
        metadata={
            "doc": "Ed25519 signing key for registry tokens: hex-encoded 32-byte seed or PEM; "
            "used when the keys directory holds no current key",
            "secret": True,
        },
    )
    jwt_keys_dir: str = field(
        default="",
        metadata={
            "doc": "directory of rotated signing keys (`mcp-registry keys`); "
            "empty = `keys` in the data dir"
        },
    )
    jwt_issuer: str = field(default="mcp-registry", metadata={"doc": "`iss` of registry tokens"})
    jwt_audience: str = field(default="mcp-registry", metadata={"doc": "`aud` of registry tokens"})
    token_lifetime: int = field(
        default=300, metadata={"doc": "seconds a registry token stays valid"}
    )
    jwt_key_retention: int = field(
        default=3600,
        metadata={
            "doc": "seconds a rotated-out signing key stays in the JWKS "
            "(at least the token lifetime, so issued tokens keep verifying)"
        },
    )
    jwt_key_activation_delay: float = field(
        default=15.0,
        metadata={
            "doc": "seconds `mcp-registry keys rotate` publishes a new signing key in the JWKS "
            "before it signs (at least `JWKS_REFRESH_INTERVAL`, so verifiers can fetch it first)"
        },
    )
    github_api_url: str = field(
        default="https://api.github.com", metadata={"doc": "GitHub REST API base URL (`github-at`)"}
    )
    github_oidc_issuer: str = field(
        default="https://token.actions.githubusercontent.com",
        metadata={"doc": "issuer of GitHub Actions ID tokens (`github-oidc`)"},
    )
    github_oidc_audience: str = field(
        default="",
        metadata={
            "doc": "audience GitHub Actions ID tokens must carry (`github-oidc`); empty = "
            "`PUBLIC_URL`, so a token minted for another registry is refused"
        },
    )
    oidc_enabled: bool = field(
        default=False, metadata={"doc": "enable the generic `oidc` auth method"}
    )
    oidc_issuer: str = field(default="", metadata={"doc": "issuer URL of the `oidc` method"})
    oidc_client_id: str = field(
        default="", metadata={"doc": "audience (client id) ID tokens of the `oidc` method carry"}
    )
    oidc_extra_claims: str = field(
        default="",
        metadata={
            "doc": 'JSON list of required claim values, e.g. `[{"hd":"example.com"}]`; '
            "every pair must match"
        },
    )
    oidc_publish_permissions: tuple[str, ...] = field(
        default=(), metadata={"doc": "resource patterns an `oidc` login may publish, e.g. `*`"}
    )
    oidc_edit_permissions: tuple[str, ...] = field(
        default=(), metadata={"doc": "resource patterns an `oidc` login may edit, e.g. `*`"}
    )
    dns_nameservers: tuple[str, ...] = field(
        default=(),
        metadata={"doc": "resolvers (`ip` or `ip:port`) for DNS lookups; empty = the system's"},
    )
    dns_timeout: float = field(default=3.0, metadata={"doc": "seconds a DNS lookup may take"})
    http_auth_port: int = field(
        default=443, metadata={"doc": "HTTPS port of `/.well-known/mcp-registry-auth` (`http`)"}
    )
    http_auth_ca_file: str = field(
        default="",
        metadata={"doc": "extra CA bundle trusted for `http` key proofs; empty = system CAs"},
    )
    http_auth_allow_private_addresses: bool = field(
        default=False,
        metadata={"doc": "let `http` key proofs reach private and loopback addresses (tests only)"},
    )
    outbound_timeout: float = field(
        default=5.0, metadata={"doc": "seconds an identity provider's upstream call may take"}
    )
    jwks_refresh_interval: float = field(
        default=10.0,
        metadata={
            "doc": "least seconds between refetches of a JWKS (an issuer's, or `JWKS_URL`) "
            "for unknown key ids or after a failed fetch"
        },
    )
    jwks_url: str = field(
        default="",
        metadata={
            "doc": "identity's JWKS, e.g. `http://identity:8080/.well-known/jwks.json`: "
            "publishing and domains verify tokens with its public keys and need no signing "
            "key; empty = verify with the local key ring"
        },
    )
    jwks_max_age: float = field(
        default=300.0,
        metadata={
            "doc": "seconds keys fetched from `JWKS_URL` are used before a refetch "
            "(a failed refetch keeps them)"
        },
    )
    domain_grants_timeout: float = field(
        default=0.3,
        metadata={
            "doc": "seconds a login or publish waits for verified-domain grants (domains service)"
        },
    )
    domain_challenge_ttl: int = field(
        default=604_800,
        metadata={"doc": "seconds a `verify-domain` challenge can be confirmed before it expires"},
    )
    domain_recheck_interval: float = field(
        default=86_400.0,
        metadata={"doc": "seconds between re-checks of a verified domain's TXT record"},
    )
    domain_recheck_retry_interval: float = field(
        default=3_600.0,
        metadata={"doc": "seconds between re-checks while a verified domain's record fails"},
    )
    domain_revoke_after_failures: int = field(
        default=3,
        metadata={"doc": "failed re-checks in a row before a verified domain can be revoked"},
    )
    domain_revoke_grace_period: float = field(
        default=259_200.0,
        metadata={
            "doc": "seconds a verified domain keeps its grants while its re-checks fail "
            "(revoked once both this and the failure count are reached)"
        },
    )
    domain_worker_poll_interval: float = field(
        default=60.0,
        metadata={"doc": "seconds between the domains worker's looks for due re-checks"},
    )
    package_validation_timeout: float = field(
        default=10.0,
        metadata={"doc": "seconds a package registry may take to answer an ownership check"},
    )
    npm_registry_url: str = field(
        default="https://registry.npmjs.org",
        metadata={"doc": "npm registry base URL for ownership checks (`mcpName`)"},
    )
    pypi_registry_url: str = field(
        default="https://pypi.org",
        metadata={"doc": "PyPI base URL for ownership checks (`mcp-name:` in the README)"},
    )
    mcpb_allowed_origins: tuple[str, ...] = field(
        default=(
            "https://github.com",
            "https://objects.githubusercontent.com",
            "https://release-assets.githubusercontent.com",
            "https://gitlab.com",
        ),
        metadata={
            "doc": "origins MCPB files may be downloaded from (and redirected to), comma-separated"
        },
    )
    mcpb_max_bytes: int = field(
        default=100 * 1024 * 1024,
        metadata={"doc": "largest MCPB file downloaded to verify `fileSha256`, in bytes"},
    )
    nuget_registry_url: str = field(
        default="https://api.nuget.org/v3/index.json",
        metadata={"doc": "NuGet V3 service index for ownership checks (`mcp-name:` in the README)"},
    )
    cargo_registry_url: str = field(
        default="https://crates.io",
        metadata={"doc": "crates.io base URL for ownership checks (`mcp-name:` in the README)"},
    )
    cargo_readme_origins: tuple[str, ...] = field(
        default=("https://static.crates.io",),
        metadata={"doc": "origins crates.io may point rendered READMEs at, comma-separated"},
    )
    oci_registries: tuple[str, ...] = field(
        default=(
            "docker.io=https://registry-1.docker.io",
            "index.docker.io=https://registry-1.docker.io",
            "registry-1.docker.io=https://registry-1.docker.io",
            "ghcr.io=https://ghcr.io",
        ),
        metadata={
            "doc": "OCI registries images may come from, as `host=API base URL`, comma-separated "
            "(an image without a host is on docker.io)"
        },
    )
    oci_allowed_origins: tuple[str, ...] = field(
        default=(
            "https://auth.docker.io",
            "https://production.cloudflare.docker.com",
            "https://pkg-containers.githubusercontent.com",
        ),
        metadata={
            "doc": "other origins OCI checks may contact: token endpoints (`realm`) and the "
            "hosts blob downloads redirect to, comma-separated"
        },
    )
    webhooks_allow_private_targets: bool = field(
        default=False,
        metadata={
            "doc": "let webhook targets be `http://` and loopback or private addresses "
            "(tests and development only)"
        },
    )
    webhooks_timeout: float = field(
        default=10.0, metadata={"doc": "seconds a webhook receiver may take to answer"}
    )
    webhooks_max_attempts: int = field(
        default=8,
        metadata={"doc": "attempts of a webhook delivery before it is dead-lettered"},
    )
    webhooks_concurrency: int = field(
        default=8,
        metadata={
            "doc": "webhook deliveries in flight at once (at most one per subscription, so a "
            "slow receiver holds up only itself)"
        },
    )
    mirror_from: str = field(
        default="",
        metadata={
            "doc": "base URL of an official-API registry to mirror (`mcp-registry worker "
            "mirror`); empty = no mirroring"
        },
    )
    mirror_interval: float = field(
        default=60.0, metadata={"doc": "seconds between the mirror worker's pulls"}
    )
    mirror_namespaces: tuple[str, ...] = field(
        default=(),
        metadata={
            "doc": "glob patterns of the names mirrored, comma-separated (e.g. "
            "`io.github.*`); empty = every name"
        },
    )
    mirror_allow_overrides: bool = field(
        default=False,
        metadata={"doc": "let local publishes add versions to names that come from the mirror"},
    )
    extras: tuple[tuple[str, str], ...] = field(
        default=(), metadata={"internal": True}, compare=True
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Build settings from an environment mapping; unknown ``MCP_REGISTRY_*`` keys are ignored.

        Raises :class:`ConfigError` naming the variable when a value does not parse.
        """
        values: dict[str, Any] = {}
        known: set[str] = set()
        for f in fields(cls):
            key = PREFIX + f.name.upper()
            known.add(key)
            if f.metadata.get("internal"):
                continue
            if key not in environ:
                continue
            raw = environ[key]
            try:
                values[f.name] = _PARSERS[_type_name(f.type)](raw)
            except ValueError as exc:
                raise ConfigError(f"{key}: {exc}") from None
        # Plugins' own options (e.g. MCP_REGISTRY_GITLAB_ISSUER) travel with the settings, so a
        # third-party plugin reads them through ``plugin_option`` instead of the environment.
        values["extras"] = tuple(
            sorted(
                (key[len(PREFIX) :], value)
                for key, value in environ.items()
                if key.startswith(PREFIX) and key not in known
            )
        )
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
        if self.worker_model not in WORKER_MODELS:
            raise ConfigError(f"{PREFIX}WORKER_MODEL: one of {', '.join(WORKER_MODELS)}")
        if self.threads < 1:
            raise ConfigError(f"{PREFIX}THREADS: must be at least 1")
        for key, seconds in (
            ("HTTP_KEEPALIVE", self.http_keepalive),
            ("HTTP_HEADER_TIMEOUT", self.http_header_timeout),
            ("HTTP_BODY_TIMEOUT", self.http_body_timeout),
        ):
            if not 0 < seconds <= 3600:
                raise ConfigError(f"{PREFIX}{key}: must be between 0 and 3600 seconds")
        if not 0 < self.switch_interval <= 0.1:
            raise ConfigError(f"{PREFIX}SWITCH_INTERVAL: must be between 0 and 0.1 seconds")
        if self.max_body_bytes < 1024:
            raise ConfigError(f"{PREFIX}MAX_BODY_BYTES: must be at least 1024")
        if self.token_lifetime < 1:
            raise ConfigError(f"{PREFIX}TOKEN_LIFETIME: must be at least 1 second")
        if self.jwt_key_retention < self.token_lifetime:
            raise ConfigError(
                f"{PREFIX}JWT_KEY_RETENTION: must be at least {PREFIX}TOKEN_LIFETIME "
                "(tokens signed by a rotated-out key must keep verifying until they expire)"
            )
        if self.jwt_key_activation_delay < self.jwks_refresh_interval:
            # Below it, a verifier that fetched the JWKS just before a rotation may not refetch
            # yet when the first new-key token arrives, and answers 401. Checked against this
            # process's interval: deployments give every service the same value.
            raise ConfigError(
                f"{PREFIX}JWT_KEY_ACTIVATION_DELAY: must be at least "
                f"{PREFIX}JWKS_REFRESH_INTERVAL (a new key must be fetchable before it signs)"
            )
        for name in ("rate_limit_writes", "rate_limit_auth", "rate_limit_reads"):
            value = getattr(self, name).strip()
            if value and not _RATE.fullmatch(value):
                raise ConfigError(
                    f"{PREFIX}{name.upper()}: expected N/second, N/minute or N/hour "
                    f"(or empty for no limit), got {value!r}"
                )
        for entry in self.trusted_proxies:
            try:
                ipaddress.ip_network(entry.strip(), strict=False)
            except ValueError:
                raise ConfigError(
                    f"{PREFIX}TRUSTED_PROXIES: not an IP address or CIDR: {entry!r}"
                ) from None
        if self.domain_revoke_after_failures < 1:
            raise ConfigError(f"{PREFIX}DOMAIN_REVOKE_AFTER_FAILURES: must be at least 1")
        if min(self.domain_recheck_interval, self.domain_recheck_retry_interval) <= 0:
            raise ConfigError(f"{PREFIX}DOMAIN_RECHECK_*INTERVAL: must be positive")
        if self.jwks_url and not self.jwks_url.startswith(("http://", "https://")):
            raise ConfigError(f"{PREFIX}JWKS_URL: expected an http(s) URL, got {self.jwks_url!r}")
        if self.jwks_max_age <= 0:
            raise ConfigError(f"{PREFIX}JWKS_MAX_AGE: must be positive")
        if bool(self.nats_cert_file) != bool(self.nats_key_file):
            raise ConfigError(f"{PREFIX}NATS_CERT_FILE and {PREFIX}NATS_KEY_FILE go together")
        if self.nats_password and not self.nats_user:
            raise ConfigError(f"{PREFIX}NATS_PASSWORD needs {PREFIX}NATS_USER")
        if bool(self.tls_cert_file) != bool(self.tls_key_file):
            raise ConfigError(f"{PREFIX}TLS_CERT_FILE and {PREFIX}TLS_KEY_FILE go together")
        if self.oidc_enabled and not (self.oidc_issuer and self.oidc_client_id):
            raise ConfigError(
                f"{PREFIX}OIDC_ENABLED needs {PREFIX}OIDC_ISSUER and {PREFIX}OIDC_CLIENT_ID"
            )

    def plugin_option(self, name: str, default: str = "") -> str:
        """A plugin's own option ``MCP_REGISTRY_<NAME>`` (``name`` without the prefix)."""
        return dict(self.extras).get(name.upper(), default)

    @property
    def effective_jwt_keys_dir(self) -> Path:
        """``jwt_keys_dir``, or ``keys`` inside ``data_dir`` when unset."""
        return Path(self.jwt_keys_dir) if self.jwt_keys_dir else Path(self.data_dir) / "keys"

    @property
    def effective_public_url(self) -> str:
        """``public_url`` (see :func:`audience_for_url`), or ``http://<server_address>``."""
        return audience_for_url(self.public_url or f"http://{self.server_address}")

    @property
    def effective_github_oidc_audience(self) -> str:
        """``github_oidc_audience``, or the public URL when unset (bound to this deployment)."""
        return self.github_oidc_audience or self.effective_public_url

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
        out: dict[str, str] = {PREFIX + key: value for key, value in self.extras}
        for f in fields(self):
            if f.metadata.get("internal"):
                continue
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
        if f.metadata.get("internal"):
            continue
        default = f.default
        if isinstance(default, bool):
            shown = "true" if default else "false"
        elif default in ("", ()):
            shown = "(empty)"
        elif isinstance(default, tuple):
            shown = ",".join(default)
        else:
            shown = str(default)
        rows.append(f"| `{PREFIX}{f.name.upper()}` | `{shown}` | {f.metadata.get('doc', '')} |")
    return "\n".join(rows)


def _type_name(annotation: object) -> str:
    # ``from __future__ import annotations`` makes field types strings.
    return annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "str")


_RATE = re.compile(r"[1-9][0-9]*/(second|minute|hour)")

_PARSERS: dict[str, Callable[[str], Any]] = {
    "str": str,
    "int": int,
    "float": float,
    "bool": _parse_bool,
    "tuple[str, ...]": _parse_list,
}
