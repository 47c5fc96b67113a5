"""Reading a server.json from disk and showing validation issues."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape

from mcp_registry.cli.publisher.errors import ExitCode, PublisherError

DEFAULT_FILE = "server.json"
_SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "cyan"}


def load_document(path: Path) -> Any:
    """The parsed JSON of ``path``; a clear error for a missing or malformed file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PublisherError(
            f"{path} does not exist",
            code=ExitCode.USAGE,
            hint="run `mcp-publisher init` to create one, or pass the file's path",
        ) from None
    except OSError as exc:
        raise PublisherError(f"{path} could not be read: {exc}", code=ExitCode.USAGE) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise PublisherError(
            f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
            code=ExitCode.INVALID,
        ) from None


def show_issues(console: Console, issues: Iterable[Mapping[str, Any]], *, source: str) -> int:
    """Print one line per issue (``severity path: message [reference]``); their count."""
    count = 0
    for issue in issues:
        count += 1
        severity = str(issue.get("severity", "error"))
        style = _SEVERITY_STYLE.get(severity, "red")
        path = issue.get("path") or "(document)"
        reference = issue.get("reference")
        line = (
            f"[{style}]{severity:<7}[/] [bold]{escape(str(path))}[/]: "
            f"{escape(str(issue.get('message', '')))}"
        )
        if reference:
            line += f" [dim]\\[{escape(str(reference))}][/]"
        console.print(f"  {line}")
    if count:
        console.print(f"  [dim]({count} issue(s) from {source})[/]")
    return count


def problem_issues(errors: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """A problem+json ``errors`` list in the issue shape (``body.x`` → ``x``)."""
    out = []
    for error in errors:
        location = str(error.get("location") or "")
        out.append(
            {
                "severity": "error",
                "path": location.removeprefix("body.").removeprefix("body"),
                "message": str(error.get("message", "")),
            }
        )
    return out
