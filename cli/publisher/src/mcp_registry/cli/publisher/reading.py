"""``mcp-publisher search`` and ``show``: reading the registry (no login needed)."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.markup import escape
from rich.table import Table

from mcp_registry.cli.publisher.client import ApiError, Unreachable, encode_segment, version_path
from mcp_registry.cli.publisher.errors import from_api_error, from_unreachable
from mcp_registry.cli.publisher.options import common_options
from mcp_registry.cli.publisher.session import Session, session_of

OFFICIAL = "io.modelcontextprotocol.registry/official"


def _get(session: Session, path: str, query: dict[str, str | int | bool], action: str) -> Any:
    try:
        return session.anonymous().get(path, query)
    except Unreachable as exc:
        raise from_unreachable(exc) from None
    except ApiError as exc:
        raise from_api_error(exc, action=action) from None


def _meta(item: dict[str, Any]) -> dict[str, Any]:
    meta = item.get("_meta", {}).get(OFFICIAL, {})
    return meta if isinstance(meta, dict) else {}


@click.command()
@click.argument("query", required=False)
@click.option("--limit", type=click.IntRange(1, 100), default=30, show_default=True)
@click.option("--all-versions", is_flag=True, help="Every version, not only the latest.")
@click.option("--include-deleted", is_flag=True, help="Show deleted entries too.")
@common_options
@click.pass_context
def search(
    ctx: click.Context, query: str | None, limit: int, all_versions: bool, include_deleted: bool
) -> None:
    """Search the registry's servers; no QUERY lists them all.

    QUERY matches, case-insensitively and anywhere inside, the server's name, title and
    description and its packages' identifiers (the registry's `search=`). Only the latest
    version of each server is shown unless --all-versions. In a terminal long descriptions
    are cut to fit; piped, every line is `name<TAB>version<TAB>status<TAB>description`, in
    full (or use --json).

    \b
    Examples:
      mcp-publisher search weather
      mcp-publisher search io.github.alice --json
      mcp-publisher search weather | cut -f1       # full names, one a line
    """
    session = session_of(ctx)
    params: dict[str, str | int | bool] = {"limit": limit}
    if query:
        params["search"] = query
    if not all_versions:
        params["version"] = "latest"
    if include_deleted:
        params["include_deleted"] = True
    answer = _get(session, "/v0/servers", params, "searching")
    servers = answer.get("servers", []) if isinstance(answer, dict) else []
    if session.json_output:
        session.emit_json(answer)
        return
    if not servers:
        session.out.print("No servers found.")
        return
    if not session.out.is_terminal:
        # Piped or redirected: nothing is cut, one tab-separated line per server.
        for item in servers:
            server = item.get("server", {})
            fields = (
                server.get("name", ""),
                server.get("version", ""),
                _meta(item).get("status", ""),
                server.get("description", ""),
            )
            click.echo("\t".join(_one_line(str(f)) for f in fields))
        _more_hint(session, answer)
        return
    table = Table(box=None, header_style="bold")
    # Names and versions are never cut; the description gives way.
    table.add_column("name", no_wrap=True, overflow="fold")
    table.add_column("version", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("description", overflow="ellipsis", no_wrap=True)
    for item in servers:
        server = item.get("server", {})
        table.add_row(
            escape(str(server.get("name", ""))),
            escape(str(server.get("version", ""))),
            str(_meta(item).get("status", "")),
            escape(str(server.get("description", ""))),
        )
    session.out.print(table)
    _more_hint(session, answer)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _more_hint(session: Session, answer: Any) -> None:
    if isinstance(answer, dict) and answer.get("metadata", {}).get("nextCursor"):
        session.err.print("[dim]More results exist: narrow the query or raise --limit.[/]")


@click.command()
@click.argument("name")
@click.argument("version", default="latest", required=False)
@click.option("--versions", "list_versions", is_flag=True, help="List every version of NAME.")
@click.option(
    "--include-deleted", is_flag=True, help="Show deleted versions too (they are hidden)."
)
@common_options
@click.pass_context
def show(
    ctx: click.Context, name: str, version: str, list_versions: bool, include_deleted: bool
) -> None:
    """Show NAME's server.json at VERSION (default: latest), or --versions to list them.

    \b
    Examples:
      mcp-publisher show io.github.alice/weather
      mcp-publisher show io.github.alice/weather 1.0.0 --json
      mcp-publisher show io.github.alice/weather --versions --include-deleted
    """
    session = session_of(ctx)
    query: dict[str, str | int | bool] = {"include_deleted": True} if include_deleted else {}
    if list_versions:
        answer = _get(session, f"/v0/servers/{encode_segment(name)}/versions", query, "listing")
        if session.json_output:
            session.emit_json(answer)
            return
        for item in answer.get("servers", []) if isinstance(answer, dict) else []:
            meta = _meta(item)
            latest = " (latest)" if meta.get("isLatest") else ""
            session.out.print(
                f"{escape(str(item.get('server', {}).get('version')))}\t"
                f"{meta.get('status', '')}\t{meta.get('publishedAt', '')}{latest}"
            )
        return
    item = _get(session, version_path(name, version), query, f"reading {name} {version}")
    if session.json_output:
        session.emit_json(item)
        return
    meta = _meta(item)
    server = item.get("server", {})
    session.out.print(
        f"[bold]{escape(str(server.get('name')))}[/] {escape(str(server.get('version')))} "
        f"[dim]({meta.get('status', '?')}, published {meta.get('publishedAt', '?')})[/]"
    )
    if meta.get("statusMessage"):
        session.out.print(f"[yellow]{escape(str(meta['statusMessage']))}[/]")
    session.out.print(json.dumps(server, indent=2), markup=False)
