"""``mcp-registry``: the operator's command line (serve, dev, worker, db, import, config,
plugins, keys).

Commands import their machinery lazily so ``--help`` and ``config`` stay instant.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from dataclasses import fields
from pathlib import Path
from types import FrameType

import click

from mcp_registry.cli.registry.settings_edge import settings_from_environment
from mcp_registry.shared.config import PREFIX, Settings, settings_table
from mcp_registry.shared.release import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mcp-registry")
def cli() -> None:
    """Run and operate an MCP Registry.

    Every setting comes from MCP_REGISTRY_* environment variables; `mcp-registry config`
    lists them with their current values.
    """


@cli.command()
def dev() -> None:
    """The whole registry on this machine: SQLite, an embedded nats-server, every service.

    Listens on MCP_REGISTRY_SERVER_ADDRESS (default 127.0.0.1:8080) and stops cleanly, with
    its child processes, on Ctrl-C or SIGTERM.
    """
    from mcp_registry.cli.registry.dev import run_dev

    sys.exit(run_dev(settings_from_environment()))


@cli.command()
@click.argument(
    "service", type=click.Choice(["all", "discovery", "publishing", "identity", "domains"])
)
@click.option("--bind", default=None, help="host:port (default: MCP_REGISTRY_SERVER_ADDRESS)")
def serve(service: str, bind: str | None) -> None:
    """Serve one SERVICE (or `all`, composed by the route table) under gunicorn.

    With MCP_REGISTRY_TLS_CERT_FILE and MCP_REGISTRY_TLS_KEY_FILE it serves HTTPS itself.
    """
    from mcp_registry.services.runtime.apps import build_composed, build_service
    from mcp_registry.services.runtime.dispatch import WSGIApp
    from mcp_registry.services.runtime.process import ProcessDeps, preload
    from mcp_registry.shared.config import ConfigError
    from mcp_registry.shared.plugins.host import PluginError
    from mcp_registry.shared.web.gunicorn_app import options_from_settings, run
    from mcp_registry.shared.web.tls_options import tls_options

    settings = settings_from_environment()
    _configure_logging(settings)
    try:
        https = tls_options(settings)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        # Before the fork: a plugin that cannot load stops the start here, loudly, and
        # restarted workers never load plugins again (see ``preload``).
        plugins = preload(settings)
    except PluginError as exc:
        raise click.ClickException(f"cannot start: {exc}") from None

    def factory() -> WSGIApp:
        deps = ProcessDeps(settings, plugins=plugins)
        return build_composed(deps) if service == "all" else build_service(service, deps)

    options = options_from_settings(
        bind or settings.server_address, settings, proc_name=f"mcp-registry-{service}"
    )
    run(factory, {**options, **https})


@cli.group()
def worker() -> None:
    """Background workers (plain processes, no HTTP)."""


@worker.command("relay")
def worker_relay() -> None:
    """Deliver outbox events to NATS JetStream until stopped."""
    from mcp_registry.services.runtime.relay_worker import run_relay

    settings = settings_from_environment()
    _configure_logging(settings)
    if not settings.nats_url:
        raise click.ClickException(f"{PREFIX}NATS_URL is required for the relay")
    stop = threading.Event()
    _stop_on_signals(stop)
    run_relay(settings, stop)


@worker.command("domains")
def worker_domains() -> None:
    """Re-check verified domains on a schedule; revoke those failing past the grace period."""
    from mcp_registry.services.domains.worker import run_worker
    from mcp_registry.shared.storage.factory import open_database

    settings = settings_from_environment()
    _configure_logging(settings)
    stop = threading.Event()
    _stop_on_signals(stop)
    stores = open_database(settings.effective_database_url)
    try:
        stores.start()
        run_worker(settings, stores.domains, stop)
    finally:
        stores.close()


@worker.command("webhooks")
def worker_webhooks() -> None:
    """Deliver changes to webhook subscriptions (a durable JetStream consumer) until stopped."""
    from mcp_registry.services.webhooks.worker import run_worker
    from mcp_registry.shared.storage.factory import open_database

    settings = settings_from_environment()
    _configure_logging(settings)
    if not settings.nats_url:
        raise click.ClickException(f"{PREFIX}NATS_URL is required for the webhooks worker")
    stop = threading.Event()
    _stop_on_signals(stop)
    stores = open_database(settings.effective_database_url)
    try:
        stores.init()
        run_worker(settings, stores.changes, stores.webhooks, stop)
    finally:
        stores.close()


@worker.command("mirror")
def worker_mirror() -> None:
    """Pull MCP_REGISTRY_MIRROR_FROM into the local store every MIRROR_INTERVAL seconds."""
    from mcp_registry.services.mirror.worker import build_mirror, run_worker
    from mcp_registry.shared.storage.factory import open_database

    settings = settings_from_environment()
    _configure_logging(settings)
    if not settings.mirror_from:
        raise click.ClickException(f"{PREFIX}MIRROR_FROM names no upstream registry")
    stop = threading.Event()
    _stop_on_signals(stop)
    stores = open_database(settings.effective_database_url)
    try:
        stores.init()
        run_worker(
            build_mirror(settings, stores.servers, stores.mirror), settings.mirror_interval, stop
        )
    finally:
        stores.close()


@cli.group()
def mirror() -> None:
    """Mirroring another registry."""


@mirror.command("status")
@click.option("--json", "as_json", is_flag=True, help="print the state as JSON")
def mirror_status(as_json: bool) -> None:
    """The last sync of each upstream, its counts and its last error."""
    import json as json_module

    from mcp_registry.shared.storage.factory import open_database

    settings = settings_from_environment()
    stores = open_database(settings.effective_database_url)
    try:
        stores.init()
        states = stores.mirror.all()
    finally:
        stores.close()
    if as_json:
        click.echo(json_module.dumps(states, indent=2, sort_keys=True))
        return
    if not states:
        configured = settings.mirror_from or "(none)"
        click.echo(f"no sync yet (MCP_REGISTRY_MIRROR_FROM: {configured})")
        return
    for source, state in states.items():
        totals = state.get("totals") or {}
        click.echo(f"{source}")
        click.echo(f"  mode:         {state.get('mode') or 'first full pull'}")
        click.echo(f"  last sync:    {state.get('lastSync') or 'never'}")
        click.echo(f"  last attempt: {state.get('lastAttempt') or 'never'}")
        click.echo(
            f"  totals:       {totals.get('new', 0)} new, {totals.get('updated', 0)} updated, "
            f"{totals.get('seen', 0)} seen"
        )
        error = state.get("lastError")
        failures = state.get("failures", 0)
        click.echo(
            f"  last error:   {error} ({failures} in a row)" if error else "  last error:   none"
        )


@cli.group()
def db() -> None:
    """Database maintenance."""


@db.command("init")
def db_init() -> None:
    """Create tables/collections and indexes, migrating changed indexes (idempotent).

    Covers the catalog, the verified domains and revoked tokens. The only command that
    changes the schema: services and workers check it at start. Deployments run it before the
    services of a new version start (the chart's hook Job, the compose `init` service).
    """
    from mcp_registry.shared.storage.factory import open_database

    settings = settings_from_environment()
    stores = open_database(settings.effective_database_url)
    try:
        stores.init()
    finally:
        stores.close()
    click.echo(f"database ready: {_redact(settings.effective_database_url)}")


@db.command("users")
def db_users() -> None:
    """Create or update the registry's MongoDB users (idempotent; needs an admin URL).

    MCP_REGISTRY_DATABASE_URL connects as an administrator; MONGODB_APP_USER/_PASSWORD name
    the application user (readWrite), MONGODB_DISCOVERY_USER/_PASSWORD discovery's read-only
    user, both in the URL's database. Existing users get the given password and role.
    """
    import os

    from pymongo import MongoClient

    from mcp_registry.cli.registry.mongo_users import (
        UsersError,
        ensure_users,
        users_from_environment,
    )
    from mcp_registry.shared.storage.factory import mongo_database

    settings = settings_from_environment()
    url = settings.effective_database_url
    if not url.startswith(("mongodb://", "mongodb+srv://")):
        raise click.ClickException("db users needs a MongoDB MCP_REGISTRY_DATABASE_URL")
    database = mongo_database(url)
    try:
        users = users_from_environment(os.environ, database)
    except UsersError as exc:
        raise click.ClickException(str(exc)) from None
    client: MongoClient[dict[str, object]] = MongoClient(url)
    try:
        for line in ensure_users(client[database], users):
            click.echo(line)
    finally:
        client.close()


@cli.command("export")
@click.argument("target", type=click.Path(dir_okay=False, allow_dash=True), default="-")
def export(target: str) -> None:
    """Write the whole catalog to TARGET (default: standard output) as one JSON document.

    Every version of every server, any status, with its timestamps and latest flag;
    `mcp-registry import` of the file restores it exactly into an empty database of either
    backend (a migration from SQLite to MongoDB, or a move between clusters).
    """
    from mcp_registry.cli.registry.exporting import write_export
    from mcp_registry.shared.storage.factory import open_database

    settings = settings_from_environment()
    stores = open_database(settings.effective_database_url)
    try:
        stores.start()
        count = write_export(stores.servers, target)
    finally:
        stores.close()
    click.echo(f"exported {count} versions", err=True)


@cli.command("import")
@click.argument("source")
@click.option("--quiet", is_flag=True, help="no progress bar")
@click.option(
    "--rejections",
    "rejections_file",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="write every rejected entry and its reason to FILE (JSON)",
)
def import_(source: str, quiet: bool, rejections_file: Path | None) -> None:
    """Import server.json entries from SOURCE: a JSON array file or an official /v0/servers URL.

    Entries are validated like a publish (package ownership too, unless
    MCP_REGISTRY_ENABLE_REGISTRY_VALIDATION=false); existing (name, version) pairs are skipped.
    Rejected entries are listed (the first 20, or all of them in --rejections FILE), then the
    summary line. A file written by `mcp-registry export` is restored as it is instead
    (statuses and timestamps included), into a database that has no servers yet.
    """
    from mcp_registry.cli.registry.exporting import read_export, restore_export
    from mcp_registry.cli.registry.importing import print_report, run_import
    from mcp_registry.services.publishing.wsgi import ownership_checker
    from mcp_registry.shared.storage.factory import open_store

    settings = settings_from_environment()
    dump = read_export(source)
    store = open_store(settings.effective_database_url)
    try:
        store.init()
        if dump is not None:
            restore_export(dump, store)
            return
        report = run_import(
            source, store, show_progress=not quiet, ownership=ownership_checker(settings)
        )
    finally:
        store.close()
    print_report(report, rejections_file=rejections_file)
    if report.rejected and not (report.imported or report.existing):
        sys.exit(1)


@cli.command()
def plugins() -> None:
    """List the `mcp_registry` plugins found, whether loaded, and their distributions.

    Also lists the auth methods the loaded plugins enable under the current settings.
    """
    from mcp_registry.shared.plugins.host import PluginError, PluginHost

    settings = settings_from_environment()
    try:
        host = PluginHost.load(settings)
        providers = host.identity_providers(settings)
    except PluginError as exc:
        raise click.ClickException(str(exc)) from None
    for info in host.plugins:
        state = "loaded" if info.loaded else f"skipped ({info.reason})"
        dist = f"{info.distribution} {info.version}".strip()
        click.echo(f"{info.name:<16} {state:<8} {dist:<28} {info.target}")
    click.echo(f"auth methods: {', '.join(providers) or '(none enabled)'}")


@cli.group()
def keys() -> None:
    """Registry token signing keys in MCP_REGISTRY_JWT_KEYS_DIR (default: <data dir>/keys)."""


@keys.command("generate")
def keys_generate() -> None:
    """Create the first signing key (refuses when the directory already holds keys)."""
    from mcp_registry.shared.auth.signing_keys import KeyDirectory, SigningKeyError

    directory = KeyDirectory(settings_from_environment().effective_jwt_keys_dir)
    try:
        entry = directory.generate()
    except SigningKeyError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"generated key {entry.kid} in {directory.path}")


@keys.command("rotate")
def keys_rotate() -> None:
    """Add a new key: in the JWKS now, signing after JWT_KEY_ACTIVATION_DELAY seconds.

    Until then the previous key keeps signing, so every verifier can fetch the new key before
    it meets a token naming it; afterwards the previous key keeps verifying for
    JWT_KEY_RETENTION seconds. Running services pick the change up without a restart; keys
    that stopped signing longer ago than the retention are deleted.
    """
    from datetime import timedelta

    from mcp_registry.shared.auth.signing_keys import KeyDirectory, SigningKeyError
    from mcp_registry.shared.clock import format_rfc3339

    settings = settings_from_environment()
    directory = KeyDirectory(settings.effective_jwt_keys_dir)
    try:
        entry = directory.rotate(
            timedelta(seconds=settings.jwt_key_retention),
            activation_delay=timedelta(seconds=settings.jwt_key_activation_delay),
        )
    except SigningKeyError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"key {entry.kid} is published now and signs from {format_rfc3339(entry.signs_from)} "
        f"in {directory.path}"
    )


@keys.command("kubernetes-secret")
@click.argument("name")
@click.option("--generate", "action", flag_value="generate", help="a Secret with a first key")
@click.option(
    "--rotate",
    "action",
    flag_value="rotate",
    help="rotate the Secret read from standard input (kubectl get secret NAME -o json)",
)
@click.option("--namespace", default="", help="namespace written into the manifest")
def keys_kubernetes_secret(name: str, action: str | None, namespace: str) -> None:
    """Print the Secret NAME holding a key directory, for identity on Kubernetes.

    \b
    First:   mcp-registry keys kubernetes-secret NAME --generate | kubectl create -f -
    Rotate:  kubectl get secret NAME -o json \\
               | mcp-registry keys kubernetes-secret NAME --rotate | kubectl replace -f -

    A rotation publishes the new key at once and signs with it after
    MCP_REGISTRY_JWT_KEY_ACTIVATION_DELAY (run it with identity's settings); see
    docs/deploy.md for the delay a Secret volume needs.
    """
    import json
    from datetime import timedelta

    from mcp_registry.cli.registry.key_secret import change_in_secret, read_secret
    from mcp_registry.shared.auth.signing_keys import KeyDirectory, SigningKeyError

    if action is None:
        raise click.UsageError("say --generate (a first key) or --rotate (stdin's Secret)")
    settings = settings_from_environment()

    def rotate(directory: KeyDirectory) -> object:
        return directory.rotate(
            timedelta(seconds=settings.jwt_key_retention),
            activation_delay=timedelta(seconds=settings.jwt_key_activation_delay),
        )

    try:
        if action == "generate":
            document = change_in_secret(name, None, KeyDirectory.generate, namespace=namespace)
        else:
            current = read_secret(sys.stdin.read())
            document = change_in_secret(name, current, rotate, namespace=namespace)
    except SigningKeyError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(document, indent=2))


@keys.command("list")
def keys_list() -> None:
    """Show each key: id, status (current, next or retired), created, and its window's edge.

    A current key shows when it stops signing once a successor is scheduled; a next key
    when it starts; a retired key when it stopped.
    """
    from mcp_registry.shared.auth.signing_keys import KeyDirectory, SigningKeyError
    from mcp_registry.shared.clock import format_rfc3339

    directory = KeyDirectory(settings_from_environment().effective_jwt_keys_dir)
    try:
        entries = directory.entries()
    except SigningKeyError as exc:
        raise click.ClickException(str(exc)) from None
    if not entries:
        click.echo(f"no keys in {directory.path}")
    for entry in entries:
        created = f"created {format_rfc3339(entry.created_at)}"
        if entry.status == "next":
            click.echo(
                f"{entry.kid}  next (signs from {format_rfc3339(entry.signs_from)})  {created}"
            )
        elif entry.status == "current":
            until = f"  until {format_rfc3339(entry.retired_at)}" if entry.retired_at else ""
            click.echo(f"{entry.kid}  current  {created}{until}")
        else:
            retired = format_rfc3339(entry.retired_at) if entry.retired_at else "-"
            click.echo(f"{entry.kid}  retired  {created}  rotated out {retired}")


@cli.group()
def admin() -> None:
    """Operator tools that need the key directory."""


@admin.command("token")
@click.option(
    "--ttl",
    type=int,
    default=None,
    help="seconds the token is valid (default 900, at most MCP_REGISTRY_TOKEN_LIFETIME)",
)
def admin_token(ttl: int | None) -> None:
    """Print a short-lived registry token with `edit: *` and `publish: *`.

    Signed with the local signing key (MCP_REGISTRY_JWT_KEYS_DIR or JWT_PRIVATE_KEY), so
    whoever holds the keys can moderate without an OIDC issuer. Minting is written to the
    audit log; so is every write made with the token (subject admin:<user>@<host>).

    \b
    Example:
      TOKEN=$(mcp-registry admin token --ttl 300)
      curl -H "Authorization: Bearer $TOKEN" -d '{"reason": "squatting"}'
        http://127.0.0.1:8080/v0.1/admin/namespaces/io.github.squatter%2F*/block
    """
    from mcp_registry.cli.registry.admin_token import (
        AdminTokenError,
        mint_admin_token,
        operator_name,
    )
    from mcp_registry.shared.auth.signing_keys import SigningKeyError

    settings = settings_from_environment()
    try:
        minted = mint_admin_token(settings, ttl, operator=operator_name())
    except (AdminTokenError, SigningKeyError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(minted.token)
    click.echo(
        f"admin token for {minted.claims.subject}, valid until "
        f"{minted.expires_at.isoformat()} (audited as admin.token, jti {minted.claims.jti})",
        err=True,
    )


@cli.command()
@click.option("--markdown", is_flag=True, help="print the README's configuration table")
def config(markdown: bool) -> None:
    """List every setting as `VARIABLE=value`, in the form the environment takes.

    Booleans are `true`/`false` and lists comma-separated, so a line pastes back into an
    environment file unchanged (secrets show as `***`, connection passwords are hidden).
    """
    if markdown:
        click.echo(settings_table())
        return
    settings = settings_from_environment()
    environment = settings.to_env()
    for f in fields(Settings):
        if f.metadata.get("internal"):
            continue
        key = f"{PREFIX}{f.name.upper()}"
        shown = environment[key]
        if f.metadata.get("secret"):
            shown = "***" if shown else ""
        elif f.name == "database_url":
            shown = _redact(shown)
        click.echo(f"{key}={shown}")


def _redact(url: str) -> str:
    """Hide credentials in a connection URL (``mongodb://user:secret@host`` → ``user:***``)."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    creds, _, host = rest.rpartition("@")
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def _stop_on_signals(stop: threading.Event) -> None:
    def handler(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def _add_routes() -> None:
    from mcp_registry.cli.registry.routes import routes

    cli.add_command(routes)


_add_routes()


if __name__ == "__main__":
    cli()
