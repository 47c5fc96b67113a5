"""``mcp-publisher validate`` and ``publish``: local checks first, then the registry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

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


@click.command()
@FILE_ARGUMENT
@click.option("--local", "local_only", is_flag=True, help="Skip the registry's /v0/validate.")
@common_options
@click.pass_context
def validate(ctx: click.Context, file: Path, local_only: bool) -> None:
    """Check FILE (default: server.json) locally, then with the registry's /v0/validate.

    The registry also knows rules that need its data; a registry that cannot be reached is
    reported and the local result stands.

    \b
    Examples:
      mcp-publisher validate
      mcp-publisher validate path/to/server.json --json
    """
    session = session_of(ctx)
    document = load_document(file)
    local = local_report(document)
    remote: dict[str, Any] | None = None
    skipped: str | None = None
    if not local_only:
        try:
            with session.err.status("Asking the registry to validate..."):
                answer = session.anonymous().post("/v0/validate", document)
            remote = answer if isinstance(answer, dict) else None
        except Unreachable as exc:
            skipped = str(exc)
        except ApiError as exc:
            # A 422 here means the body itself was refused: report it as the registry's issues.
            remote = {
                "valid": False,
                "issues": problem_issues(exc.errors)
                or [{"severity": "error", "path": "", "message": exc.detail or exc.title}],
            }
    valid = bool(local.get("valid")) and (remote is None or bool(remote.get("valid")))
    if session.json_output:
        session.emit_json(
            {
                "file": str(file),
                "valid": valid,
                "local": local,
                "registry": remote,
                "registry_skipped": skipped,
            }
        )
    else:
        _print_validation(session, file, local, remote, skipped)
    if not valid:
        ctx.exit(int(ExitCode.INVALID))


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
        session.err.print(f"[yellow]Registry check skipped:[/] {skipped}")
    ok = local.get("valid") and (remote is None or remote.get("valid"))
    if ok:
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
        ctx.invoke(validate, file=file, local_only=False)
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
