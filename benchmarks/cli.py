"""The benchmark's command line: ``./run bench`` (``python -m benchmarks`` from a checkout).

The benchmarks measure a registry of their own on loopback; they are not part of any shipped
distribution, so the operator CLI carries no load generator.
"""

from __future__ import annotations

import json
from typing import Literal, cast

import click

from benchmarks.main import BenchOptions, main_argv, run_bench, table


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
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
@click.option(
    "--only",
    type=click.Choice(["search"]),
    default=None,
    help="search: seed and measure (d) alone (quick at 100,000 servers)",
)
@click.option(
    "--peer-url",
    default=None,
    help="a peer registry's listing URL (http://), started by you; loaded alternately with "
    "the cached list page in the serving loads and reported as peer_ratio",
)
@click.option(
    "--peer-header",
    "peer_headers",
    multiple=True,
    metavar="'NAME: VALUE'",
    help="a header for every request to --peer-url (a session cookie, a token); repeatable",
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
    only: str | None,
    peer_url: str | None,
    peer_headers: tuple[str, ...],
    json_file: str | None,
) -> None:
    """Measure the read and publish paths on a registry of its own (temporary data, loopback).

    Seeds SERVERS x 3 versions, starts the registry under gunicorn, loads it from a separate
    process and prints a table; see docs/performance.md for what each figure means.
    """
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
        only=cast("Literal['search'] | None", only),
        peer_url=peer_url,
        peer_headers=peer_headers,
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
