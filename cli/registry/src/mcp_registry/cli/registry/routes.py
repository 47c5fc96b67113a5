"""``mcp-registry routes``: deployment routing generated from the route table.

The compose ingress and the Helm chart commit these outputs; tests regenerate them and fail
when a committed copy drifts from the route table.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import click

GENERATED_FILES: dict[str, str] = {
    "deploy/nginx/registry.conf": "nginx",
    "deploy/nginx/upstreams.conf": "nginx-upstreams",
    "helm/mcp-registry/files/nginx/registry.conf": "nginx",
    "helm/mcp-registry/files/gateway-routes.json": "gateway",
}
"""Committed file → the ``routes`` command that generates it (default options)."""

COMPOSE_UPSTREAM = "{service}:8080"


def generate(
    kind: str,
    *,
    server_format: str = COMPOSE_UPSTREAM,
    listen: str | None = None,
    addresses: Mapping[str, str] | None = None,
    cache_path: str | None = None,
) -> str:
    """The text of one generated artefact: ``nginx``, ``nginx-upstreams`` or ``gateway``.

    ``listen`` and ``cache_path`` (nginx) and ``addresses`` (nginx-upstreams, service →
    ``host:port``) override the deployment defaults, e.g. for a router in front of services on
    loopback ports.
    """
    if kind == "nginx":
        from mcp_registry.services.ingress.nginx import CACHE_PATH, LISTEN_PORT, render_routes

        return render_routes(listen=listen or str(LISTEN_PORT), cache_path=cache_path or CACHE_PATH)
    if kind == "nginx-upstreams":
        from mcp_registry.services.ingress.nginx import render_upstreams

        return render_upstreams(server_format, addresses=addresses)
    if kind == "gateway":
        from mcp_registry.services.ingress.gateway import rules

        return json.dumps(rules(), indent=2) + "\n"
    raise ValueError(f"unknown routing artefact {kind!r}")


@click.group()
def routes() -> None:
    """Routing generated from the route table (nginx router, Gateway API rules)."""


@routes.command("table")
def routes_table() -> None:
    """Print the route table: methods, path, service (and ``not public`` where so)."""
    from mcp_registry.services.route_table import ROUTES

    for route in ROUTES:
        scope = (
            "/v0*" if route.prefixed and route.only_prefix is None else (route.only_prefix or "")
        )
        line = f"{','.join(route.methods):<16} {scope + route.path:<48} {route.service}"
        click.echo(line if route.public else f"{line} (not public)")


@routes.command("nginx")
@click.option("--listen", default=None, help="the router's listen address (default: 8080)")
def routes_nginx(listen: str | None) -> None:
    """The nginx router's maps and server block (upstreams come separately)."""
    click.echo(_generated("nginx", listen=listen), nl=False)


@routes.command("nginx-upstreams")
@click.option(
    "--server",
    "server_format",
    default=COMPOSE_UPSTREAM,
    show_default=True,
    help="address of each service; {service} is replaced by its name",
)
@click.option(
    "--address",
    "addresses",
    multiple=True,
    metavar="SERVICE=HOST:PORT",
    help="one service's own address instead of --server (repeatable)",
)
def routes_nginx_upstreams(server_format: str, addresses: tuple[str, ...]) -> None:
    """One nginx upstream group per service."""
    by_service: dict[str, str] = {}
    for item in addresses:
        service, sep, address = item.partition("=")
        if not sep or not service or not address:
            raise click.BadParameter(
                f"expected SERVICE=HOST:PORT, got {item!r}", param_hint="--address"
            )
        by_service[service] = address
    click.echo(
        _generated("nginx-upstreams", server_format=server_format, addresses=by_service),
        nl=False,
    )


def _generated(
    kind: str,
    *,
    server_format: str = COMPOSE_UPSTREAM,
    listen: str | None = None,
    addresses: Mapping[str, str] | None = None,
    cache_path: str | None = None,
) -> str:
    try:
        return generate(kind, server_format=server_format, listen=listen, addresses=addresses)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


@routes.command("gateway")
def routes_gateway() -> None:
    """Gateway API HTTPRoute matches per service, as JSON (the Helm chart reads this)."""
    click.echo(generate("gateway"), nl=False)


@routes.command("write")
@click.option(
    "--root",
    type=click.Path(file_okay=False, exists=True),
    default=".",
    show_default=True,
    help="the repository checkout to write into",
)
def routes_write(root: str) -> None:
    """Regenerate every committed routing file under ROOT."""
    from pathlib import Path

    for relative, kind in GENERATED_FILES.items():
        target = Path(root) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(generate(kind), encoding="utf-8")
        click.echo(f"wrote {relative}")
