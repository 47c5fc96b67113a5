"""``mcp-registry routes``: deployment routing generated from the route table.

The compose ingress and the Helm chart commit these outputs; tests regenerate them and fail
when a committed copy drifts from the route table.
"""

from __future__ import annotations

import json

import click

GENERATED_FILES: dict[str, str] = {
    "deploy/nginx/registry.conf": "nginx",
    "deploy/nginx/upstreams.conf": "nginx-upstreams",
    "helm/mcp-registry/files/nginx/registry.conf": "nginx",
    "helm/mcp-registry/files/gateway-routes.json": "gateway",
}
"""Committed file → the ``routes`` command that generates it (default options)."""

COMPOSE_UPSTREAM = "{service}:8080"


def generate(kind: str, *, server_format: str = COMPOSE_UPSTREAM) -> str:
    """The text of one generated artefact: ``nginx``, ``nginx-upstreams`` or ``gateway``."""
    if kind == "nginx":
        from mcp_registry.services.ingress.nginx import render_routes

        return render_routes()
    if kind == "nginx-upstreams":
        from mcp_registry.services.ingress.nginx import render_upstreams

        return render_upstreams(server_format)
    if kind == "gateway":
        from mcp_registry.services.ingress.gateway import rules

        return json.dumps(rules(), indent=2) + "\n"
    raise ValueError(f"unknown routing artefact {kind!r}")


@click.group()
def routes() -> None:
    """Routing generated from the route table (nginx router, Gateway API rules)."""


@routes.command("table")
def routes_table() -> None:
    """Print the route table: methods, path, service."""
    from mcp_registry.services.route_table import ROUTES

    for route in ROUTES:
        scope = "/v0*" if route.prefixed else ""
        click.echo(f"{','.join(route.methods):<16} {scope + route.path:<48} {route.service}")


@routes.command("nginx")
def routes_nginx() -> None:
    """The nginx router's maps and server block (upstreams come separately)."""
    click.echo(generate("nginx"), nl=False)


@routes.command("nginx-upstreams")
@click.option(
    "--server",
    "server_format",
    default=COMPOSE_UPSTREAM,
    show_default=True,
    help="address of each service; {service} is replaced by its name",
)
def routes_nginx_upstreams(server_format: str) -> None:
    """One nginx upstream group per service."""
    click.echo(generate("nginx-upstreams", server_format=server_format), nl=False)


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
