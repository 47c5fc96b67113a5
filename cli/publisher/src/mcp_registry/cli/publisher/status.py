"""``mcp-publisher status``: deprecate, delete or restore one version or every version."""

from __future__ import annotations

from typing import Any

import click

from mcp_registry.cli.publisher.client import ApiError, Unreachable, encode_segment, version_path
from mcp_registry.cli.publisher.errors import (
    ExitCode,
    PublisherError,
    from_api_error,
    from_unreachable,
)
from mcp_registry.cli.publisher.options import common_options
from mcp_registry.cli.publisher.session import session_of

STATUSES = ("active", "deprecated", "deleted")
_VERB = {"active": "restore", "deprecated": "deprecate", "deleted": "delete"}


@click.command()
@click.argument("name")
@click.argument("version", required=False)
@click.option(
    "--status",
    "new_status",
    type=click.Choice(STATUSES),
    required=True,
    help="active (restore), deprecated, or deleted (hidden from listings).",
)
@click.option("--message", help="Why (shown to users); not allowed with --status active.")
@click.option("--all-versions", is_flag=True, help="Change every version of NAME.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@common_options
@click.pass_context
def status(
    ctx: click.Context,
    name: str,
    version: str | None,
    new_status: str,
    message: str | None,
    all_versions: bool,
    yes: bool,
) -> None:
    """Set the status of NAME's VERSION, or of every version with --all-versions.

    \b
    Examples:
      mcp-publisher status io.github.alice/weather 1.0.0 --status deprecated \\
          --message "use 2.x"
      mcp-publisher status io.github.alice/weather --all-versions --status deleted --yes
      mcp-publisher status io.github.alice/weather 1.0.0 --status active    # restore
    """
    session = session_of(ctx)
    if all_versions == (version is not None):
        raise PublisherError(
            "give either a VERSION or --all-versions",
            code=ExitCode.USAGE,
            hint=f"e.g. `mcp-publisher status {name} 1.0.0 --status {new_status}`",
        )
    if new_status == "active" and message:
        raise PublisherError("--message cannot be used with --status active", code=ExitCode.USAGE)
    target = f"every version of {name}" if all_versions else f"{name} {version}"
    if not yes:
        try:
            click.confirm(f"{_VERB[new_status].capitalize()} {target}?", abort=True, err=True)
        except click.Abort:
            raise PublisherError(
                "not confirmed; nothing was changed",
                code=ExitCode.FAILURE,
                hint="pass --yes to change the status without a question",
            ) from None
    client = session.authenticated()
    body: dict[str, Any] = {"status": new_status}
    if message:
        body["statusMessage"] = message
    path = (
        f"/v0/servers/{encode_segment(name)}/status"
        if all_versions
        else version_path(name, str(version)) + "/status"
    )
    try:
        answer = client.patch(path, body)
    except Unreachable as exc:
        raise from_unreachable(exc) from None
    except ApiError as exc:
        raise from_api_error(exc, action=f"changing the status of {target}") from None
    if session.json_output:
        session.emit_json(answer)
        return
    if all_versions and isinstance(answer, dict):
        count = answer.get("updatedCount", len(answer.get("servers", [])))
        session.out.print(f"{count} version(s) of {name} are now [bold]{new_status}[/].")
    else:
        session.out.print(f"{name} {version} is now [bold]{new_status}[/].")
