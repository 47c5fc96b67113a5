"""``mcp-publisher validate`` and ``publish``: local checks first, then the registry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from rich.markup import escape

from mcp_registry.cli.publisher.client import ApiError, Unreachable, version_path
from mcp_registry.cli.publisher.documents import (
    DEFAULT_FILE,
    load_document,
    problem_issues,
    show_issues,
)
from mcp_registry.cli.publisher.errors import (
    ExitCode,
    PublisherError,
    from_api_error,
    from_unreachable,
)
from mcp_registry.cli.publisher.options import common_options
from mcp_registry.cli.publisher.session import Session, session_of
from mcp_registry.cli.publisher.token_info import publish_patterns

FILE_ARGUMENT = click.argument(
    "file", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_FILE, required=False
)


def local_report(document: Any) -> dict[str, Any]:
    """The local schema and semantic checks, in the ``/validate`` answer's shape."""
    from mcp_registry.shared.serverjson.validate import validate_server

    return validate_server(document).to_dict()


OWNERSHIP_NOTE = (
    "Package ownership (npm mcpName, the mcp-name line of a PyPI/NuGet/crates.io README, the "
    "OCI label, the MCPB file hash) is checked only when you publish."
)

FILE_ISSUE_STATUSES = (400, 422)
"""Answers of /v0/validate that are about the file; any other status means the check did
not run (a wrong --registry answers 404, a registry in trouble 5xx)."""


@click.command()
@FILE_ARGUMENT
@click.option("--local", "local_only", is_flag=True, help="Skip the registry's /v0/validate.")
@click.option(
    "--strict",
    is_flag=True,
    help="Fail (exit 5) when the registry's check could not run, instead of warning.",
)
@common_options
@click.pass_context
def validate(ctx: click.Context, file: Path, local_only: bool, strict: bool) -> None:
    """Check FILE (default: server.json) locally, then with the registry's /v0/validate.

    The registry also knows rules that need its data. When it cannot be reached (or does not
    answer as a registry), the output says its check was skipped and the local result
    stands; --strict makes that a failure. Package ownership is checked only by publish.

    \b
    Examples:
      mcp-publisher validate
      mcp-publisher validate --strict          # in CI: the registry's check must run
      mcp-publisher validate path/to/server.json --json
    """
    session = session_of(ctx)
    document = load_document(file)
    local = local_report(document)
    remote: dict[str, Any] | None = None
    skipped: str | None = "--local was given" if local_only else None
    if not local_only:
        endpoint = f"{session.registry_url}/v0/validate"
        try:
            with session.err.status("Asking the registry to validate..."):
                answer = session.anonymous().post("/v0/validate", document)
            if isinstance(answer, dict):
                remote = answer
            else:
                skipped = f"{endpoint} did not answer with a validation result"
        except Unreachable as exc:
            skipped = str(exc)
        except ApiError as exc:
            if exc.status in FILE_ISSUE_STATUSES:
                # The body itself was refused: report it as the registry's issues.
                remote = {
                    "valid": False,
                    "issues": problem_issues(exc.errors)
                    or [{"severity": "error", "path": "", "message": exc.detail or exc.title}],
                }
            else:
                skipped = f"{endpoint} answered {exc.status} {exc.title}"
                if exc.status == 404:
                    skipped += (
                        " (is the registry URL right? Pass its base URL, "
                        "e.g. --registry https://registry.example.com)"
                    )
    valid = bool(local.get("valid")) and (remote is None or bool(remote.get("valid")))
    if session.json_output:
        session.emit_json(
            {
                "file": str(file),
                "valid": valid,
                "local": local,
                "registry": remote,
                "registry_skipped": skipped,
                "ownership_checked": False,
            }
        )
    else:
        _print_validation(session, file, local, remote, skipped)
    if not valid:
        ctx.exit(int(ExitCode.INVALID))
    if strict and skipped and not local_only:
        raise PublisherError(
            "the registry's check did not run, and --strict was given",
            code=ExitCode.UNAVAILABLE,
            hint="check --registry (or MCP_PUBLISHER_REGISTRY) and that the registry is up",
        )


def _print_validation(
    session: Session,
    file: Path,
    local: dict[str, Any],
    remote: dict[str, Any] | None,
    skipped: str | None,
) -> None:
    seen = {(i.get("path"), i.get("message")) for i in local.get("issues", [])}
    show_issues(session.out, local.get("issues", []), source="local checks")
    if remote is not None:
        extra = [
            i for i in remote.get("issues", []) if (i.get("path"), i.get("message")) not in seen
        ]
        show_issues(session.out, extra, source=f"{session.registry_url}/v0/validate")
    if skipped:
        session.err.print(
            f"[yellow]Registry check skipped:[/] {escape(skipped)}. Only the local checks ran."
        )
    session.err.print(f"[dim]{OWNERSHIP_NOTE}[/]")
    ok = local.get("valid") and (remote is None or remote.get("valid"))
    if ok and skipped:
        session.out.print(
            f"[green]{file} passes the local checks[/] (the registry's check did not run)."
        )
    elif ok:
        session.out.print(f"[green]{file} is valid.[/]")
    else:
        session.out.print(f"[red]{file} is not valid.[/] Fix the errors above and run again.")


@click.command()
@FILE_ARGUMENT
@click.option("--dry-run", is_flag=True, help="Validate (locally and remotely) without publishing.")
@common_options
@click.pass_context
def publish(ctx: click.Context, file: Path, dry_run: bool) -> None:
    """Publish FILE (default: server.json) as a new version; print its URL.

    Runs the local checks first, so a broken file never leaves your machine; then the
    registry checks the name against your login and the packages' ownership markers.

    \b
    Examples:
      mcp-publisher publish
      mcp-publisher publish dist/server.json --json
    """
    session = session_of(ctx)
    document = load_document(file)
    local = local_report(document)
    if not local.get("valid"):
        if session.json_output:
            session.emit_json({"published": False, "file": str(file), "local": local})
        else:
            show_issues(session.err, local.get("issues", []), source="local checks")
        raise PublisherError(
            f"{file} is not valid; nothing was published",
            code=ExitCode.INVALID,
            hint="fix the issues above (`mcp-publisher validate` repeats the checks)",
        )
    if dry_run:
        ctx.invoke(validate, file=file, local_only=False, strict=False)
        return
    client = session.authenticated()
    name = str(document.get("name"))
    version = str(document.get("version"))
    try:
        with session.err.status(f"Publishing {name} {version}..."):
            item = client.post("/v0/publish", document)
    except Unreachable as exc:
        raise from_unreachable(exc) from None
    except ApiError as exc:
        if session.json_output:
            session.emit_json({"published": False, "status": exc.status, "problem": exc.body})
        raise _publish_error(exc, name, version, session) from None
    url = session.registry_url + version_path(name, version)
    if session.json_output:
        session.emit_json({"published": True, "url": url, "item": item})
        return
    session.out.print(f"[green]Published[/] {name} {version}")
    session.out.print(url)


def _is_duplicate(exc: ApiError) -> bool:
    """The registry refused a version it already holds (ours, or the official wording)."""
    texts = [exc.detail, *(str(e.get("message", "")) for e in exc.errors)]
    return any("already exists" in t or "duplicate version" in t for t in texts)


def _publish_error(exc: ApiError, name: str, version: str, session: Session) -> PublisherError:
    hint: str | None = None
    if exc.status == 403:
        stored = session.stored
        patterns = publish_patterns(stored.token) if stored is not None else []
        allowed = ", ".join(patterns) or "nothing"
        hint = (
            f"your login may publish under: {allowed}. Rename the server, or log in with a "
            "method that grants its namespace (e.g. `login dns` for com.example/*)"
        )
    elif exc.status == 400 and _is_duplicate(exc):
        hint = "versions are immutable: bump `version` in the file and publish again"
    elif exc.status == 422:
        hint = "fix the issues above and publish again"
    return from_api_error(exc, action=f"publishing {name} {version}", hint=hint)
