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
from types import FrameType

import click

from mcp_registry import __version__
from mcp_registry.cli.registry.settings_edge import settings_from_environment
from mcp_registry.shared.config import PREFIX, Settings, settings_table


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
    """Serve one SERVICE (or `all`, composed by the route table) under gunicorn."""
    from mcp_registry.services.composition import WSGIApp
    from mcp_registry.services.wiring import ProcessDeps, build_composed, build_service
    from mcp_registry.shared.web.gunicorn_app import options_from_settings, run

    settings = settings_from_environment()
    _configure_logging(settings)

    def factory() -> WSGIApp:
        deps = ProcessDeps(settings)
        return build_composed(deps) if service == "all" else build_service(service, deps)

    run(
        factory,
        options_from_settings(
            bind or settings.server_address, settings, proc_name=f"mcp-registry-{service}"
        ),
    )


@cli.group()
def worker() -> None:
    """Background workers (plain processes, no HTTP)."""


@worker.command("relay")
def worker_relay() -> None:
    """Deliver outbox events to NATS JetStream until stopped."""
    from mcp_registry.services.wiring import ProcessDeps
    from mcp_registry.shared.errors import UpstreamUnavailable
    from mcp_registry.shared.events.relay import OutboxRelay

    settings = settings_from_environment()
    _configure_logging(settings)
    if not settings.nats_url:
        raise click.ClickException(f"{PREFIX}NATS_URL is required for the relay")
    deps = ProcessDeps(settings)
    bridge = deps.bridge
    assert bridge is not None  # nats_url is set
    stop = threading.Event()
    _stop_on_signals(stop)
    relay = OutboxRelay(deps.store, bridge, poll_interval=settings.outbox_poll_interval)
    try:
        try:
            bridge.ensure_stream()
        except UpstreamUnavailable:
            # Not fatal: the relay retries, and publishing creates the stream when NATS is up.
            logging.getLogger(__name__).warning("NATS not reachable yet; the relay will retry")
        relay.run_forever(stop)
    finally:
        deps.close()


@worker.command("domains")
def worker_domains() -> None:
    """Re-check verified domains on a schedule; revoke those failing past the grace period."""
    from mcp_registry.services.domains.worker import run_worker
    from mcp_registry.shared.storage.factory import open_store

    settings = settings_from_environment()
    _configure_logging(settings)
    stop = threading.Event()
    _stop_on_signals(stop)
    store = open_store(settings.effective_database_url)
    try:
        store.init()
        run_worker(settings, store, stop)
    finally:
        store.close()


@cli.group()
def db() -> None:
    """Database maintenance."""


@db.command("init")
def db_init() -> None:
    """Create tables/collections and indexes (idempotent)."""
    from mcp_registry.shared.storage.factory import open_store

    settings = settings_from_environment()
    store = open_store(settings.effective_database_url)
    try:
        store.init()
    finally:
        store.close()
    click.echo(f"database ready: {_redact(settings.effective_database_url)}")


@cli.command("import")
@click.argument("source")
@click.option("--quiet", is_flag=True, help="no progress bar")
def import_(source: str, quiet: bool) -> None:
    """Import server.json entries from SOURCE: a JSON array file or an official /v0/servers URL.

    Entries are validated like a publish (package ownership too, unless
    MCP_REGISTRY_ENABLE_REGISTRY_VALIDATION=false); existing (name, version) pairs are skipped.
    """
    from mcp_registry.cli.registry.importing import print_report, run_import
    from mcp_registry.services.publishing.wsgi import ownership_checker
    from mcp_registry.shared.storage.factory import open_store

    settings = settings_from_environment()
    store = open_store(settings.effective_database_url)
    try:
        store.init()
        report = run_import(
            source, store, show_progress=not quiet, ownership=ownership_checker(settings)
        )
    finally:
        store.close()
    print_report(report)
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


@cli.command()
@click.option("--servers", default=10_000, show_default=True, help="servers to seed (x3 versions)")
@click.option(
    "--backend", type=click.Choice(["sqlite", "mongodb"]), default="sqlite", show_default=True
)
@click.option(
    "--mongodb-url",
    envvar="MCP_REGISTRY_TEST_MONGODB_URL",
    default=None,
    help="MongoDB server for --backend mongodb (default: $MCP_REGISTRY_TEST_MONGODB_URL); "
    "the bench creates and drops databases of its own there",
)
@click.option("--duration", default=10.0, show_default=True, help="seconds per measurement")
@click.option("--workers", default=2, show_default=True, help="gunicorn workers per registry")
@click.option(
    "--rss-versions",
    default=100_000,
    show_default=True,
    help="catalog size (versions) of the second memory point",
)
@click.option(
    "--load-generator",
    type=click.Choice(["auto", "wrk", "python"]),
    default="auto",
    show_default=True,
    help="auto: wrk (installed with apt-get when missing), else Python processes",
)
@click.option("--json", "json_file", type=click.Path(dir_okay=False), help="write results here")
def bench(
    servers: int,
    backend: str,
    mongodb_url: str | None,
    duration: float,
    workers: int,
    rss_versions: int,
    load_generator: str,
    json_file: str | None,
) -> None:
    """Measure the read and publish paths on a registry of its own (temporary data, loopback).

    Seeds SERVERS x 3 versions, starts the registry under gunicorn, loads it from a separate
    process and prints a table; see docs/performance.md for what each figure means.
    """
    import json
    from typing import Literal, cast

    from mcp_registry.cli.registry.bench import BenchOptions, main_argv, run_bench, table

    if backend == "mongodb" and not mongodb_url:
        raise click.ClickException(
            "--backend mongodb needs a MongoDB server: pass --mongodb-url or set "
            "MCP_REGISTRY_TEST_MONGODB_URL"
        )
    options = BenchOptions(
        servers=servers,
        backend=cast("Literal['sqlite', 'mongodb']", backend),
        mongodb_url=mongodb_url if backend == "mongodb" else None,
        duration=duration,
        workers=workers,
        rss_versions=rss_versions,
        load_generator=cast("Literal['auto', 'wrk', 'python']", load_generator),
        command=main_argv(),
    )
    try:
        report = run_bench(options, lambda line: click.echo(line, err=True))
    except (ValueError, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(table(report))
    if json_file:
        with open(json_file, "w", encoding="utf-8") as out:
            json.dump(report, out, indent=2)
            out.write("\n")


@cli.command()
@click.option("--markdown", is_flag=True, help="print the README's configuration table")
def config(markdown: bool) -> None:
    """List every setting, its environment variable and its current value."""
    if markdown:
        click.echo(settings_table())
        return
    settings = settings_from_environment()
    for f in fields(Settings):
        if f.metadata.get("internal"):
            continue
        value = getattr(settings, f.name)
        if f.metadata.get("secret"):
            shown = "***" if value else ""
        elif f.name == "database_url":
            shown = _redact(value)
        else:
            shown = value
        click.echo(f"{PREFIX}{f.name.upper()}={shown}")


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
